"""Chain bookkeeping and Bateman solutions of brainrit.nuclides.

References: branching and half-lives of ICRP Publication 107 (Ann ICRP 38(3), 2008);
Bateman H. 1910, Proc. Camb. Phil. Soc. 15:423; radioactivedecay (Malins & Lemoine 2022, J. Open Source
Softw. 7:3318) ``Inventory.cumulative_decays`` as an independent implementation, and its SymPy
high-precision ``InventoryHP`` where float cancellation matters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import radioactivedecay as rd

from brainrit.nuclides import (
    RADIATION_CLASSES,
    VCAM1_COMPARISON_NUCLIDES,
    cumulated_decays,
    decay_chain,
    emissions,
    energy_per_decay,
    equilibrium_activity_ratios,
)

ALL_PARENTS = (*VCAM1_COMPARISON_NUCLIDES, "I-131", "I-125")


@pytest.mark.parametrize("parent", ALL_PARENTS)
def test_chain_terminates_and_every_member_has_data(parent):
    chain = decay_chain(parent, window_h=math.inf)  # the full chain, nothing cut
    assert chain.members[0].name == parent
    assert chain.members[-1].stable
    names = chain.names
    for m in chain.members:
        # topological order: every daughter comes after its mother
        assert all(names.index(d) > names.index(m.name) for d, _ in m.daughters)
        if m.stable:
            assert m.daughters == () and m.decays_per_parent_decay == 0.0
            continue
        assert m.daughters, f"{m.name} is radioactive but has no daughters"
        em = emissions(m.name)
        assert sum(em.energy_per_decay_MeV(c) for c in RADIATION_CLASSES) > 0.0
        # icrp107-database and radioactivedecay carry the same ICRP-107 half-life
        nuc = rd.Nuclide(m.name)
        assert m.half_life_s == pytest.approx(nuc.half_life("s"), rel=1e-12)


@pytest.mark.parametrize("parent", ALL_PARENTS)
def test_branching_sums_to_one(parent):
    """Sum of branching = 1 (abs 1e-5: ICRP-107 prints 5 digits) for every radioactive member, except
    At-217, whose 1.2e-4 β⁻ branch ICRP-107 does not carry (ICRP 2008)."""
    for m in decay_chain(parent).radioactive:
        total = sum(b for _, b in m.daughters)
        expected = 0.99988 if m.name == "At-217" else 1.0
        assert total == pytest.approx(expected, abs=1e-5), m.name


def test_tb149_has_ec_and_alpha_branches():
    m = decay_chain("Tb-149").member("Tb-149")
    assert m.decay_modes == ("B+/EC", "A")
    assert dict(m.daughters) == {"Gd-149": 0.833, "Eu-145": 0.167}
    assert emissions("Tb-149").lines["alpha"][1].sum() == pytest.approx(0.167, abs=1e-4)


def test_decays_per_parent_decay_propagates_branching():
    pb = {m.name: m.decays_per_parent_decay for m in decay_chain("Pb-212").members}
    assert pb == pytest.approx({"Pb-212": 1, "Bi-212": 1, "Po-212": 0.6406, "Tl-208": 0.3594, "Pb-208": 0})
    ac = {m.name: m.decays_per_parent_decay for m in decay_chain("Ac-225").members}
    # At-217 branching 0.99988 propagates; Bi-213's two branches merge again at Pb-209
    assert ac["Bi-213"] == pytest.approx(0.99988)
    assert ac["Po-213"] == pytest.approx(0.99988 * 0.9791)
    assert ac["Tl-209"] == pytest.approx(0.99988 * 0.0209)
    assert ac["Pb-209"] == pytest.approx(0.99988)


@pytest.mark.parametrize("parent", ["Pb-212", "Ac-225", "At-211", "Tb-149", "Bi-213", "I-131"])
def test_chain_energy_is_weighted_sum_of_members(parent):
    total = energy_per_decay(parent, chain=True)
    expected = dict.fromkeys(RADIATION_CLASSES, 0.0)
    for m in decay_chain(parent).radioactive:
        for cls, value in energy_per_decay(m.name).items():
            expected[cls] += m.decays_per_parent_decay * value
    assert total == pytest.approx(expected, rel=1e-12)


def test_pb212_chain_energy_by_hand():
    """²¹²Pb chain per parent decay = Pb-212 + Bi-212 + 0.6406 Po-212 + 0.3594 Tl-208 (Table 1.1 values)."""
    e = energy_per_decay("Pb-212", chain=True)
    assert e["alpha"] == pytest.approx(2.17451 + 0.6406 * 8.78508, abs=1e-5)
    assert e["beta_minus"] == pytest.approx(0.10171 + 0.49291 + 0.3594 * 0.55705, abs=1e-5)
    assert e["gamma"] == pytest.approx(0.11453 + 0.10254 + 0.3594 * 3.35390, abs=1e-5)


def test_cut_removes_member_emissions():
    full = energy_per_decay("At-211", chain=True, window_h=math.inf)
    cut = energy_per_decay("At-211", chain=True, cut=["Bi-207"], window_h=math.inf)
    bi207 = energy_per_decay("Bi-207")
    for cls in RADIATION_CLASSES:
        assert full[cls] - cut[cls] == pytest.approx(0.418 * bi207[cls], abs=1e-12)


# --- Bateman -------------------------------------------------------------------------------------------

WINDOWS_H = [(0.0, 0.1), (0.0, 1.0), (0.0, 24.0), (2.0, 30.0), (0.0, 500.0), (100.0, 2000.0)]


def _rd_window(inventory, t1_h, t2_h):
    """Decays in [t1, t2] from radioactivedecay: cumulative to t2 minus cumulative to t1."""
    late = inventory.cumulative_decays(t2_h, "h")
    early = inventory.cumulative_decays(t1_h, "h") if t1_h > 0 else dict.fromkeys(late, 0.0)
    return {k: late[k] - early[k] for k in late}


@pytest.mark.parametrize("parent", ALL_PARENTS)
@pytest.mark.parametrize(("t1", "t2"), WINDOWS_H)
def test_bateman_matches_radioactivedecay(parent, t1, t2):
    """Closed-form Bateman vs radioactivedecay's Inventory: rel 1e-9, or abs 1e-12 of the parent's total
    decays (deep members of the Tb-149 chain at 0.1 h have ~1e-14 of the parent's decays, where both
    float implementations lose digits to cancellation; see test_deep_member_against_high_precision)."""
    ours = cumulated_decays(parent, 1.0, t1, t2)
    ref = _rd_window(rd.Inventory({parent: 1e6}, "Bq"), t1, t2)
    scale = 1e6 * decay_chain(parent).member(parent).half_life_s / math.log(2)
    assert set(ours) == {k for k in ref}
    for k in ours:
        assert ours[k] == pytest.approx(ref[k], rel=1e-9, abs=1e-12 * scale), k


def test_deep_member_against_high_precision():
    """Pm-145, 6th member of the Tb-149 chain, after 1 h: 4.4737509e-05 decays per MBq (SymPy
    InventoryHP); radioactivedecay's float Inventory gives 4.49e-05 (0.5 % off), ours agrees to 1e-7."""
    ours = cumulated_decays("Tb-149", 1.0, 0.0, 1.0)["Pm-145"]
    assert ours == pytest.approx(4.4737509351938145e-05, rel=1e-6)


@pytest.mark.parametrize("parent", ["Pb-212", "Ac-225", "Ra-224", "Lu-177"])
@pytest.mark.parametrize(("t1", "t2"), [(0.0, 1.0), (5.0, 48.0), (0.0, 1000.0)])
def test_equilibrium_start_matches_radioactivedecay(parent, t1, t2):
    ratios = equilibrium_activity_ratios(parent)
    members = {m.name: m for m in decay_chain(parent).radioactive}
    amounts = {n: 1e6 * r / members[n].decay_constant_per_s for n, r in ratios.items()}
    ref = _rd_window(rd.Inventory(amounts, "num"), t1, t2)
    ours = cumulated_decays(parent, 1.0, t1, t2, initial="equilibrium")
    for k in ours:
        assert ours[k] == pytest.approx(ref[k], rel=1e-8), k


def test_pure_parent_reaches_transient_equilibrium():
    """From pure Pb-212, after > 30 Bi-212 half-lives the Bi-212/Pb-212 activity ratio is the transient
    equilibrium value λ_Bi/(λ_Bi − λ_Pb) = 1.1048 (Bateman 1910)."""
    d = cumulated_decays("Pb-212", 1.0, 40.0, 60.0)
    lam_pb, lam_bi = math.log(2) / 10.64, math.log(2) / (60.55 / 60)
    assert d["Bi-212"] / d["Pb-212"] == pytest.approx(lam_bi / (lam_bi - lam_pb), rel=1e-9)
    r = equilibrium_activity_ratios("Pb-212")
    assert d["Po-212"] / d["Pb-212"] == pytest.approx(r["Po-212"], rel=1e-9)


def test_secular_equilibrium_limit():
    """Th-232 (1.4e10 y) with progeny ≤ 5.75 y: equilibrium activity ratios equal decays per parent
    decay to 1e-8 (secular equilibrium), e.g. Po-212 0.6406 and Tl-208 0.3594 of the Th-232 activity."""
    ratios = equilibrium_activity_ratios("Th-232")
    for m in decay_chain("Th-232", window_h=math.inf).radioactive:
        assert ratios[m.name] == pytest.approx(m.decays_per_parent_decay, rel=1e-8)
    assert ratios["Po-212"] == pytest.approx(0.6406, rel=1e-8)


@pytest.mark.parametrize("parent", ALL_PARENTS)
def test_all_time_decays_equal_decays_per_parent_decay(parent):
    """Over [0, ∞) each member decays decays_per_parent_decay times per parent atom."""
    chain = decay_chain(parent, window_h=math.inf)
    lam0 = chain.members[0].decay_constant_per_s
    d = cumulated_decays(parent, 2.0, 0.0, math.inf)
    for m in chain.radioactive:
        assert d[m.name] == pytest.approx(m.decays_per_parent_decay * 2e6 / lam0, rel=1e-9), m.name


def test_ac225_long_chain_window():
    """Ac-225 1 MBq, first 24 h from pure parent vs the analytic one-member result for the parent."""
    d = cumulated_decays("Ac-225", 1.0, 0.0, 24.0)
    lam = math.log(2) / (10.0 * 86400)
    assert d["Ac-225"] == pytest.approx(1e6 * -np.expm1(-lam * 86400) / lam, rel=1e-12)
    assert list(d) == ["Ac-225", "Fr-221", "At-217", "Bi-213", "Po-213", "Tl-209", "Pb-209"]
