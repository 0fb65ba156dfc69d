"""Unit tests of brainrit.nuclides: names, chains, emissions, summary, errors and the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from brainrit.errors import BrainritError, InputError
from brainrit.nuclides import (
    RADIATION_CLASSES,
    VCAM1_COMPARISON_NUCLIDES,
    ChainMember,
    cumulated_decays,
    decay_chain,
    emissions,
    energy_per_decay,
    equilibrium_activity_ratios,
    format_half_life,
    known_names,
    nuclide_summary,
    parse_name,
)

# --- names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pb-212", "Pb-212"),
        ("Pb212", "Pb-212"),
        ("212Pb", "Pb-212"),
        ("pb-212", "Pb-212"),
        ("PB212", "Pb-212"),
        (" 212-Pb ", "Pb-212"),
        ("Pb 212", "Pb-212"),
        ("Tc-99m", "Tc-99m"),
        ("Tc99m", "Tc-99m"),
        ("99mTc", "Tc-99m"),
        ("99m-Tc", "Tc-99m"),
        ("Bi-212n", "Bi-212n"),
        ("I-131", "I-131"),
        ("131I", "I-131"),
        ("y90", "Y-90"),
        ("Pb-208", "Pb-208"),  # stable chain end-point
        ("Tl-208", "Tl-208"),
    ],
)
def test_parse_name_spellings(text, expected):
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("Pb-213", "Pb-212"), ("Tc-99x", "Tc-99m"), ("Bi212m", "Bi-212"), ("Att-211", None), ("", None)],
)
def test_unknown_name_raises_with_suggestions(text, suggestion):
    with pytest.raises(InputError) as info:
        parse_name(text)
    assert info.value.field == "nuclide"
    assert repr(text) in str(info.value)
    if suggestion:
        assert repr(suggestion) in info.value.hint


@pytest.mark.parametrize("bad", [None, 212, 1.5, ["Pb-212"]])
def test_parse_name_rejects_non_strings(bad):
    with pytest.raises(InputError, match="nuclide"):
        parse_name(bad)


def test_known_names_cover_icrp107_and_stable():
    names = known_names()
    assert len(names) == 1252 + 260
    assert {"Pb-212", "Pb-208", "Tc-99m"} <= set(names)


# --- chains --------------------------------------------------------------------------------------------


def test_chain_member_properties():
    chain = decay_chain("212Pb")
    bi = chain.member("bi212")
    assert isinstance(bi, ChainMember)
    assert bi.decay_modes == ("B-", "A")
    assert bi.decay_constant_per_s == pytest.approx(math.log(2) / 3633.0)
    pb208 = chain.member("Pb-208")
    assert pb208.stable and pb208.half_life_s == math.inf and pb208.decay_constant_per_s == 0.0
    assert [m.name for m in chain.radioactive] == ["Pb-212", "Bi-212", "Po-212", "Tl-208"]
    with pytest.raises(InputError, match="member of the Pb-212 chain"):
        chain.member("Ac-225")


def test_chain_is_cached_and_frozen():
    a, b = decay_chain("Pb-212"), decay_chain("pb212")
    assert a is b
    with pytest.raises(AttributeError):
        a.parent = "x"


def test_cut_member():
    chain = decay_chain("At-211", cut="Bi-207")
    bi = chain.member("Bi-207")
    assert bi.cut and not bi.stable and bi.daughters == () and bi.decays_per_parent_decay == 0.0
    assert "Bi-207" not in [m.name for m in chain.radioactive]
    assert decay_chain("At-211", cut=["bi207"]) is decay_chain("At-211", cut=("Bi-207",))


@pytest.mark.parametrize(
    ("cut", "match"),
    [(["Pb-212"], "not the parent"), (["Ac-225"], "member of the Pb-212 chain"), ([3], "nuclide")],
)
def test_bad_cut(cut, match):
    with pytest.raises(InputError, match=match):
        decay_chain("Pb-212", cut=cut)


def test_bad_cut_type():
    with pytest.raises(InputError, match="cut"):
        decay_chain("Pb-212", cut=5)


def test_stable_parent_chain():
    chain = decay_chain("Pb-208")
    assert chain.names == ("Pb-208",) and chain.radioactive == ()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(math.inf, "stable"), (0.516, "516 ms"), (183.18, "3.053 min"), (38304.0, "10.64 h"),
     (230760.0, "64.1 h"), (864000.0, "10 d"), (1038222868.032, "32.9 y"), (1e-10, "1e-10 s")],
)  # fmt: skip
def test_format_half_life(seconds, text):
    assert format_half_life(seconds) == text


# --- emissions -----------------------------------------------------------------------------------------


def test_emissions_structure():
    em = emissions("Bi-212")
    assert tuple(em.lines) == RADIATION_CLASSES
    for energy, yield_ in em.lines.values():
        assert energy.dtype == np.float64 and energy.shape == yield_.shape
        assert not energy.flags.writeable and not yield_.flags.writeable
    with pytest.raises(TypeError):
        em.lines["alpha"] = None
    assert em.beta_plus_spectrum is None
    energy, dn_de = em.beta_minus_spectrum
    assert np.all(np.diff(energy) > 0) and np.all(dn_de >= 0)
    assert np.trapezoid(dn_de, energy) == pytest.approx(em.lines["beta_minus"][1].sum(), rel=1e-12)
    assert em is emissions("212Bi")


def test_beta_spectrum_raw_normalisation_is_close_to_yield():
    """ICRP-107's tabulated spectrum integrates to the β yield within 0.51 % before rescaling."""
    for name in ("Pb-212", "Bi-212", "Tl-208", "Y-90", "Lu-177", "Zr-89", "I-124", "Tb-149"):
        em = emissions(name)
        assert abs(em.beta_spectrum_scale - 1.0) < 5.1e-3, name


def test_positron_spectrum():
    em = emissions("Zr-89")
    assert em.beta_minus_spectrum is None
    energy, dn_de = em.beta_plus_spectrum
    assert np.trapezoid(dn_de, energy) == pytest.approx(em.lines["beta_plus"][1].sum(), rel=1e-12)
    e = energy_per_decay("Zr-89")
    # each positron gives two 0.511 MeV quanta
    assert e["annihilation"] == pytest.approx(2 * 0.51099895 * em.lines["beta_plus"][1].sum(), rel=1e-3)


def test_mixed_beta_nuclide_keeps_only_combined_spectrum():
    em = emissions("Cu-64")
    assert em.beta_minus_spectrum is None and em.beta_plus_spectrum is None
    energy, dn_de = em.beta_spectrum
    total = em.lines["beta_minus"][1].sum() + em.lines["beta_plus"][1].sum()
    assert np.trapezoid(dn_de, energy) == pytest.approx(total, rel=1e-12)


def test_stable_nuclide_emits_nothing():
    em = emissions("Pb-208")
    assert all(e.size == 0 for e, _ in em.lines.values()) and em.beta_spectrum is None
    assert energy_per_decay("Pb-208") == dict.fromkeys(RADIATION_CLASSES, 0.0)


@pytest.mark.parametrize("name", [*VCAM1_COMPARISON_NUCLIDES, "I-131", "I-125"])
def test_energy_per_decay_keys_and_signs(name):
    for chain in (False, True):
        e = energy_per_decay(name, chain=chain)
        assert tuple(e) == RADIATION_CLASSES
        assert all(v >= 0 and math.isfinite(v) for v in e.values())


def test_alpha_excludes_recoil():
    e = energy_per_decay("Po-212")
    assert e["alpha"] == pytest.approx(8.78508) and e["alpha_recoil"] == pytest.approx(0.169054, abs=1e-6)


# --- cumulated decays: error paths ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"activity_MBq": -1.0}, "activity_MBq"),
        ({"activity_MBq": math.nan}, "activity_MBq"),
        ({"activity_MBq": "a lot"}, "activity_MBq"),
        ({"start_h": -1.0}, "start_h"),
        ({"start_h": math.nan}, "start_h"),
        ({"start_h": math.inf}, "start_h"),
        ({"stop_h": math.nan}, "stop_h"),
        ({"stop_h": -math.inf}, "stop_h"),
        ({"start_h": 5.0, "stop_h": 2.0}, "stop_h"),
        ({"initial": "secular"}, "initial"),
        ({"initial": 1}, "initial"),
        ({"parent": "Pb-213"}, "nuclide"),
        ({"cut": ["Xe-131"]}, "cut"),
    ],
)
def test_cumulated_decays_errors(kwargs, field):
    args = {"parent": "Pb-212", "activity_MBq": 1.0, "start_h": 0.0, "stop_h": 1.0} | kwargs
    with pytest.raises(InputError) as info:
        cumulated_decays(**args)
    assert info.value.field == field
    assert isinstance(info.value, BrainritError)


@pytest.mark.parametrize(
    ("parent", "member"), [("At-211", "Bi-207"), ("I-131", "Xe-131m"), ("Bi-213", "Pb-209")]
)
def test_equilibrium_needs_longest_lived_parent(parent, member):
    with pytest.raises(InputError, match=f"{member}.*outlives") as info:
        cumulated_decays(parent, 1.0, 0.0, 1.0, initial="equilibrium")
    assert f"cut=['{member}']" in info.value.hint
    with pytest.raises(InputError):
        equilibrium_activity_ratios(parent)


def test_equilibrium_after_cut():
    d = cumulated_decays("At-211", 1.0, 0.0, 1.0, initial="Equilibrium", cut=["Bi-207"])
    assert set(d) == {"At-211", "Po-211"}
    assert d["Po-211"] / d["At-211"] == pytest.approx(0.582 * 1.0000199, rel=1e-5)


def test_zero_activity_and_empty_window():
    assert set(cumulated_decays("Pb-212", 0.0, 0.0, 10.0).values()) == {0.0}
    assert set(cumulated_decays("Pb-212", 1.0, 3.0, 3.0).values()) == {0.0}


def test_initial_equilibrium_vs_parent():
    """Equilibrium start gives more daughter decays early than a pure-parent start."""
    pure = cumulated_decays("Pb-212", 1.0, 0.0, 1.0)
    eq = cumulated_decays("Pb-212", 1.0, 0.0, 1.0, initial="equilibrium")
    assert eq["Pb-212"] == pytest.approx(pure["Pb-212"])
    assert eq["Bi-212"] > 3 * pure["Bi-212"]


# --- summary and CLI -----------------------------------------------------------------------------------


def test_nuclide_summary_is_json_ready():
    s = nuclide_summary("Pb-212")
    text = json.dumps(s, allow_nan=False)
    assert json.loads(text) == s
    assert s["chain"][-1]["half_life_s"] is None and s["chain"][-1]["half_life"] == "stable"
    po = next(line for line in s["alpha_lines"] if line["nuclide"] == "Po-212")
    assert po["yield_per_parent_decay"] == pytest.approx(0.6406)
    # ASTAR CSDA range in water of the 8.785 MeV α: 91.3 µm (physics module doctest)
    assert po["csda_range_water_um"] == pytest.approx(91.3, abs=0.1)
    assert set(s["energy_per_decay_MeV"]) == set(RADIATION_CLASSES)


def test_nuclide_summary_threshold_and_errors():
    assert len(nuclide_summary("Ac-225", min_alpha_yield=0.0)["alpha_lines"]) > len(
        nuclide_summary("Ac-225")["alpha_lines"]
    )
    assert nuclide_summary("Y-90")["alpha_lines"] == []
    with pytest.raises(InputError, match="min_alpha_yield"):
        nuclide_summary("Pb-212", min_alpha_yield=2.0)


def test_cli_json(capsys):
    from brainrit.cli import main

    assert main(["nuclide", "Pb-212", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == nuclide_summary("Pb-212")


def test_cli_table(capsys):
    from brainrit.cli import main

    assert main(["nuclide", "212Pb"]) == 0
    out = capsys.readouterr().out
    for text in ("Pb-212 decay chain", "0.6406", "Po-212", "alpha_recoil", "8.78508", "91.3"):
        assert text in out


def test_cli_cut_and_no_alpha(capsys):
    from brainrit.cli import main

    assert main(["nuclide", "At-211", "--cut", "Bi-207"]) == 0
    assert "cut: not followed" in capsys.readouterr().out
    assert main(["nuclide", "Lu-177"]) == 0
    assert "No α emission" in capsys.readouterr().out


def test_cli_unknown_nuclide(capsys):
    from brainrit.cli import main

    assert main(["nuclide", "Pb-213"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Pb-213" in err and "Pb-212" in err


def test_import_is_light():
    """Importing brainrit.nuclides must not import radioactivedecay (SymPy, ~2 s)."""
    code = "import sys, brainrit.nuclides; print('radioactivedecay' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_stable_parent_has_no_decays():
    with pytest.raises(InputError, match="radioactive"):
        cumulated_decays("Pb-208", 1.0, 0.0, 1.0)
    with pytest.raises(InputError, match="radioactive"):
        equilibrium_activity_ratios("Pb-208")
    assert energy_per_decay("Pb-208", chain=True) == dict.fromkeys(RADIATION_CLASSES, 0.0)


def test_degenerate_decay_constants_raise_data_error():
    """Two linked members with equal half-lives make the Bateman form singular: a DataError, not inf/NaN."""
    from brainrit.errors import DataError
    from brainrit.nuclides import DecayChain, bateman_matrix

    a = ChainMember("X-1", 10.0, False, ("B-",), (("X-2", 1.0),), 1.0)
    b = ChainMember("X-2", 10.0, False, ("B-",), (("X-3", 1.0),), 1.0)
    c = ChainMember("X-3", math.inf, True, (), (), 0.0)
    with pytest.raises(DataError, match="equal decay constants"):
        bateman_matrix(DecayChain("X-1", (a, b, c)))


def test_two_member_bateman_closed_form():
    """Pb-212 → Bi-212 from pure parent (Bateman 1910): decays of Bi-212 in [0, T] =
    A0 λB/(λB − λP) [(1 − e^{−λP T})/λP − (1 − e^{−λB T})/λB]."""
    lp, lb = math.log(2) / 38304.0, math.log(2) / 3633.0
    T = 5 * 3600.0
    expected = 1e6 * lb / (lb - lp) * ((1 - math.exp(-lp * T)) / lp - (1 - math.exp(-lb * T)) / lb)
    assert cumulated_decays("Pb-212", 1.0, 0.0, 5.0)["Bi-212"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", [*VCAM1_COMPARISON_NUCLIDES, "I-131", "I-125"])
def test_summary_for_every_comparison_nuclide(name):
    s = nuclide_summary(name)
    json.dumps(s, allow_nan=False)
    last = s["chain"][-1]
    assert s["chain"][0]["name"] == name and (last["stable"] or last["cut"])  # chain rule may cut
    assert s["members_counted"][0] == name and s["chain_rule"]
    for line in s["alpha_lines"]:
        assert 10.0 < line["csda_range_water_um"] < 100.0  # 3-9 MeV α in water (ASTAR)
