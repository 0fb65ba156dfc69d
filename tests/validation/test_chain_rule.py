"""The chain rule: a chain counts the decays its members make within a time window.

References
----------
- ICRP 2008, *Nuclear Decay Data for Dosimetric Calculations*, ICRP Publication 107, Ann. ICRP 38(3);
  per-nuclide mean energies per decay as printed in the index file of Eckerman KF, Endo A, *MIRD:
  Radionuclide Data and Decay Schemes*, 2nd ed., SNM 2008 (same ICRP-107 evaluation, 5 significant
  digits): At-211 electrons 0.00594 MeV, photons 0.03667 MeV, α + recoil 2.4998 MeV; Po-211
  electrons 0.00018, photons 0.00817, α + recoil 7.5860 MeV; At-211 → Po-211 branching 0.582. The
  ²¹¹At chain totals exclude ²⁰⁷Bi (T½ 32.9 y), as in the 12-radionuclide comparison of Falzone N
  et al., Theranostics 2018;8:292–303.
- Two-member Bateman solution (Bateman 1910, Proc. Camb. Phil. Soc. 15:423), written out here
  independently of :func:`brainrit.nuclides.cumulated_decays`.

Tolerances: 1e-3 relative for the ICRP-107 chain totals (the index prints 5 digits; the smallest
term, 0.00018 MeV, carries ±3e-7 of rounding); 1e-9 for the analytic identity.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from brainrit.dosimetry.microdosimetry import Source
from brainrit.dosimetry.microdosimetry.sources import _program
from brainrit.nuclides import (
    VCAM1_COMPARISON_NUCLIDES,
    ChainCutWarning,
    decay_chain,
    energy_per_decay,
    group_by_class,
)

YEAR_H = 365.2422 * 24.0


def test_at211_chain_energies_match_icrp107_chain_totals():
    e = group_by_class(energy_per_decay("At-211", chain=True))
    b = 0.582
    assert e["electron"] == pytest.approx(0.00594 + b * 0.00018, rel=1e-3)  # 0.006045
    assert e["photon"] == pytest.approx(0.03667 + b * 0.00817, rel=1e-3)  # 0.04142
    assert e["alpha"] == pytest.approx(2.4998 + b * 7.5860, rel=1e-3)  # α + recoil, 6.9149
    # the pre-rule weighting (all decays of 207Bi) is 9x too high in electrons: the test can fail
    full = group_by_class(energy_per_decay("At-211", chain=True, window_h=math.inf))
    assert full["electron"] > 9 * e["electron"]


def test_at211_default_rule_cuts_bi207_and_warns():
    with pytest.warns(ChainCutWarning, match="Bi-207"):
        chain = decay_chain("At-211")
    assert chain.auto_cut == ("Bi-207",)
    assert chain.counted == ("At-211", "Po-211")
    assert chain.member("Bi-207").cut


@pytest.mark.parametrize("window_h", [1.0, 24.0, YEAR_H, 10 * YEAR_H])
def test_windowed_weights_equal_two_member_bateman(window_h):
    """Bi-207 decays in [0, T] per At-211 decay in [0, T], pure At-211 at t = 0:
    w = b [1 − (λ₂e^{−λ₁T} − λ₁e^{−λ₂T})/(λ₂ − λ₁)] / (1 − e^{−λ₁T}). Within one year: 0.0087."""
    chain = decay_chain("At-211", window_h=window_h)
    l1 = chain.member("At-211").decay_constant_per_s
    l2 = chain.member("Bi-207").decay_constant_per_s
    b = dict(chain.member("At-211").daughters)["Bi-207"]
    t = window_h * 3600.0
    bi = b * (1.0 - (l2 * math.exp(-l1 * t) - l1 * math.exp(-l2 * t)) / (l2 - l1))
    expected = bi / -math.expm1(-l1 * t)
    assert chain.member("Bi-207").decays_per_parent_decay == pytest.approx(expected, rel=1e-9)
    if window_h == YEAR_H:
        assert expected == pytest.approx(0.0087, abs=5e-5)


def test_tb152_alpha_energy_per_decay_is_zero():
    """¹⁵²Gd (T½ 1.08e14 y) and its α-emitting progeny do not count: α energy per ¹⁵²Tb decay ≈ 0
    (default rule and a one-year window); counting them all (window ∞) gives > 2 MeV."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChainCutWarning)
        default = energy_per_decay("Tb-152", chain=True)
    year = energy_per_decay("Tb-152", chain=True, window_h=YEAR_H)
    assert default["alpha"] + default["alpha_recoil"] < 1e-6
    assert year["alpha"] + year["alpha_recoil"] < 1e-6
    full = energy_per_decay("Tb-152", chain=True, window_h=math.inf)
    assert full["alpha"] > 2.0


def test_tb152_microdosimetry_samples_no_alpha_from_gd152():
    """The Monte Carlo follows the same rule: the cut ¹⁵²Gd emits nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChainCutWarning)
        prog = _program(Source("nucleus", nuclide="Tb-152"))
    assert "Gd-152" in prog.names
    k = prog.names.index("Gd-152")
    assert prog.alpha_lines[k] is None and prog.loose_alpha[k] == 0.0 and prog.branches[k] == ()


def test_tb152_sphere_s_values_equal_parent_only():
    """Nothing but ¹⁵²Tb counts, so the chain sphere S-values equal the parent's (exact identity)."""
    from brainrit.dosimetry.voxel.spheres import sphere_s_values

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChainCutWarning)
        chain = sphere_s_values("Tb-152", [5.76, 12.4, 26.7], chain=True)
    alone = sphere_s_values("Tb-152", [5.76, 12.4, 26.7], chain=False)
    for comp in chain.s_Gy_per_Bq_s:
        np.testing.assert_allclose(chain.s_Gy_per_Bq_s[comp], alone.s_Gy_per_Bq_s[comp], rtol=1e-12)


@pytest.mark.parametrize("parent", ["Pb-212", "Ac-225", "Bi-213"])
def test_short_lived_chains_unchanged(parent):
    """Chains of short-lived members keep all-time weights by default (identical to window ∞)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChainCutWarning)
        default = decay_chain(parent)
    full = decay_chain(parent, window_h=math.inf)
    assert default.auto_cut == ()
    assert [m.decays_per_parent_decay for m in default.members] == [
        m.decays_per_parent_decay for m in full.members
    ]


def test_default_rule_cuts_only_long_lived_members():
    """Over the 12 comparison nuclides the default rule cuts exactly ²⁰⁷Bi (²¹¹At) and, from ¹⁴⁹Tb
    (4.12 h), ¹⁴⁹Gd (9.28 d, 54×) and ¹⁴⁵Eu (5.93 d, 35×); what lies below them is not reached."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChainCutWarning)
        cut = {p: decay_chain(p).auto_cut for p in VCAM1_COMPARISON_NUCLIDES}
        tb149 = decay_chain("Tb-149")
    assert {p: c for p, c in cut.items() if c} == {"At-211": ("Bi-207",), "Tb-149": ("Gd-149", "Eu-145")}
    assert tb149.counted == ("Tb-149",)
    assert not {"Eu-149", "Sm-145", "Pm-145"} & set(tb149.names)


def test_fraction_of_member_decays_behind_the_factor_10():
    """The docstring's reason for 10: a daughter living 10× longer than its parent makes 30 % of its
    decays within 6.64 parent half-lives (99 % of the parent's decays); at 3× it makes 68 %."""
    lp = math.log(2.0)
    t = math.log2(100.0)  # parent half-lives for 99 % of its decays

    def frac(k):
        lm = lp / k
        return 1.0 - (lp * math.exp(-lm * t) - lm * math.exp(-lp * t)) / (lp - lm)

    assert frac(10.0) == pytest.approx(0.30, abs=0.005)
    assert frac(3.0) == pytest.approx(0.68, abs=0.005)
