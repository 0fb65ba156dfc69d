"""Unit tests for brainrit.kinetics: structure, chain, solvers, outputs, fitting helpers and errors."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace as NS

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.errors import BrainritError, InputError
from brainrit.kinetics import (
    OUTPUT_REGIONS,
    REGIONS,
    Target,
    allometric,
    biodistribution_data,
    chain_spec,
    default_model,
    fit_biodistribution,
    fit_time_activity,
    get_target,
    load_targets,
    metastasis_to_brain,
    predict_percent_id_per_g,
    read_biodistribution_csv,
    reference_physiology,
    single_time_point_tia,
    solve,
    solve_batch,
    tia_from_samples,
    tia_table,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "kinetics"


def _m(name, t, d):
    return NS(name=name, half_life_s=t, stable=t == math.inf, daughters=d)


# Tiny local stand-in chain (ENSDF half-lives) so that unit tests do not depend on brainrit.nuclides.
STANDIN = NS(
    parent="Pb-212",
    members=(
        _m("Pb-212", 38304.0, (("Bi-212", 1.0),)),
        _m("Bi-212", 3633.0, (("Po-212", 0.6406), ("Tl-208", 0.3594))),
        _m("Po-212", 2.99e-7, (("Pb-208", 1.0),)),
        _m("Tl-208", 183.18, (("Pb-208", 1.0),)),
        _m("Pb-208", math.inf, ()),
    ),
)


@pytest.fixture(scope="module")
def linear_model():
    return default_model("mouse", chain=STANDIN, saturable=False)


@pytest.fixture(scope="module")
def sat_result():
    return solve(default_model("mouse", chain=STANDIN), 1.0, n_times=60)


# --- physiology


def test_reference_physiology_adds_up():
    for sp in ("mouse", "human"):
        ph = reference_physiology(sp)
        assert set(ph.organs) == set(REGIONS)
        assert sum(o.mass_g for o in ph.organs.values()) == pytest.approx(ph.body_mass_g)
        vp = sum(o.mass_g * o.residual_plasma_mL_per_g for o in ph.organs.values())
        assert vp == pytest.approx(ph.plasma_volume_mL)
        assert all(o.plasma_flow_mL_per_h > 0 for o in ph.organs.values())
        assert "Bi" in ph.free_ions


def test_allometric_scaling():
    m20 = reference_physiology("mouse")
    m40 = reference_physiology("mouse", body_mass_g=40.0)
    assert m40.organs["liver"].mass_g == pytest.approx(2 * m20.organs["liver"].mass_g)
    assert m40.organs["liver"].plasma_flow_mL_per_h == pytest.approx(
        2**0.75 * m20.organs["liver"].plasma_flow_mL_per_h
    )
    assert m40.plasma_clearance_mL_per_h == pytest.approx(2**0.85 * m20.plasma_clearance_mL_per_h)
    assert m40.free_ions["Bi"].urine_per_h == pytest.approx(2**-0.25 * m20.free_ions["Bi"].urine_per_h)
    assert allometric(1.0, 1.0, 16.0, 0.25) == pytest.approx(2.0)
    # human free-Bi kinetics are scaled from the mouse
    h = reference_physiology("human")
    f = (h.body_mass_g / m20.body_mass_g) ** -0.25
    assert h.free_ions["Bi"].uptake_per_h["kidneys"] == pytest.approx(
        f * m20.free_ions["Bi"].uptake_per_h["kidneys"]
    )


def test_physiology_errors():
    with pytest.raises(InputError, match="species"):
        reference_physiology("rat")
    with pytest.raises(InputError, match="body_mass_g"):
        reference_physiology("mouse", body_mass_g=-1)


# --- targets


def test_targets(tmp_path):
    t = get_target("vcam_1")
    assert t.name == "VCAM-1"
    assert t.density_per_um2["metastasis"] > t.density_per_um2["brain"] > 0
    assert t.onset_days == 5.0
    p = tmp_path / "icam.toml"
    p.write_text(
        "[ICAM-1]\nk_on_per_M_per_s = 2e5\nk_off_per_s = 2e-4\ninternalisation_per_h = 0.3\n"
        "[ICAM-1.density_per_um2]\nmetastasis = 300.0\nbrain = 30.0\nspleen = 50.0\n"
    )
    icam = load_targets(p)["ICAM-1"]
    assert icam.dissociation_constant_nM == pytest.approx(1.0)
    m = default_model("mouse", chain=STANDIN, target=icam, saturable=False)
    assert m.bound_regions == ("brain", "metastasis", "spleen")
    assert m.target == "ICAM-1"
    r = solve(m, 1.0, n_times=10)
    assert r.compartment_tia_Bq_s[("spleen", "bound", "Pb-212")] > 0


def test_target_errors(tmp_path):
    with pytest.raises(InputError, match="target"):
        get_target("PECAM")
    with pytest.raises(InputError, match="density_per_um2"):
        Target("x", {"lung": 1.0}, 1e5, 1e-4, 0.1)
    with pytest.raises(InputError, match="k_on"):
        Target("x", {"brain": 1.0}, 0.0, 1e-4, 0.1)
    bad = tmp_path / "bad.toml"
    bad.write_text("[X]\nk_on_per_M_per_s = 1e5\n")
    with pytest.raises(InputError, match="density_per_um2"):
        load_targets(bad)
    with pytest.raises(InputError, match="path"):
        load_targets(tmp_path / "missing.toml")


# --- chain


def test_chain_spec_standin():
    spec = chain_spec(STANDIN)
    assert spec.tracked == ("Pb-212", "Bi-212")
    assert spec.production == ((0, 1, 1.0),)
    assert dict((n, r) for n, _, r in spec.in_place) == {"Po-212": 0.6406, "Tl-208": 0.3594}
    assert spec.decay_per_h[0] == pytest.approx(math.log(2) / 10.64)
    # a lower threshold tracks Tl-208 explicitly
    spec2 = chain_spec(STANDIN, equilibrium_half_life_s=60.0)
    assert spec2.tracked == ("Pb-212", "Bi-212", "Tl-208")
    assert (1, 2, 0.3594) in spec2.production


def test_chain_spec_real_nuclides():
    """The real brainrit.nuclides chain gives the same structure as the stand-in."""
    from brainrit.nuclides import decay_chain

    spec = chain_spec(decay_chain("Pb-212"))
    assert spec.tracked == ("Pb-212", "Bi-212")
    assert {n: round(r, 4) for n, _, r in spec.in_place} == {"Po-212": 0.6406, "Tl-208": 0.3594}
    ac = chain_spec(decay_chain("Ac-225"))
    assert ac.tracked[:2] == ("Ac-225", "Bi-213")
    assert "Fr-221" in [n for n, _, _ in ac.in_place]


def test_chain_errors():
    with pytest.raises(InputError, match="chain"):
        chain_spec(object())
    stable = NS(parent="Pb-208", members=(_m("Pb-208", math.inf, ()),))
    with pytest.raises(InputError, match="radioactive"):
        chain_spec(stable)


# --- model


def test_default_model_and_overrides(linear_model):
    m = linear_model
    assert m.bound_regions == ("brain", "metastasis")
    assert dict(m.release) == {"Bi-212": 0.36}
    m2 = m.with_overrides(metastasis__mass_g=0.05, **{"target.density_per_um2.liver": 2.0})
    assert m2.params["metastasis.mass_g"] == 0.05
    assert m2.bound_regions == ("brain", "metastasis", "liver")
    assert m.params["metastasis.mass_g"] != 0.05  # original unchanged (frozen)
    assert default_model("mouse", chain=STANDIN, release_fraction=0.0).release == {}
    assert set(m.region_mass_g) == set(OUTPUT_REGIONS)


def test_model_errors(linear_model):
    with pytest.raises(InputError, match="did you mean"):
        linear_model.with_overrides(plasma_clearence_mL_per_h=1.0)
    with pytest.raises(InputError, match="mass_g"):
        linear_model.with_overrides(**{"brain.mass_g": 0.0})
    with pytest.raises(InputError, match="vascular_reflection"):
        linear_model.with_overrides(**{"brain.vascular_reflection": 1.5})
    with pytest.raises(InputError, match="catabolism"):
        linear_model.with_overrides(catabolism_per_h=-1.0)
    with pytest.raises(InputError, match="release_fraction"):
        default_model("mouse", chain=STANDIN, release_fraction=1.2)
    with pytest.raises(InputError, match="residual_plasma"):
        _ = linear_model.with_overrides(**{"liver.residual_plasma_mL_per_g": 5.0}).assembled


# --- solve


def test_result_contract(sat_result):
    r = sat_result
    assert r.times_h.shape == (60,)
    assert r.members == ("Pb-212", "Bi-212", "Po-212", "Tl-208")
    for reg in OUTPUT_REGIONS:
        for mem in r.members:
            assert r.activity_Bq[(reg, mem)].shape == (60,)
            assert r.tia_Bq_s[(reg, mem)] >= 0
    # in-place members: branching x carrier, in every region
    assert r.tia_Bq_s[("kidneys", "Po-212")] == pytest.approx(0.6406 * r.tia_Bq_s[("kidneys", "Bi-212")])
    # injected activity at t=0 is all parent in plasma
    assert r.activity_Bq[("plasma", "Pb-212")][0] == pytest.approx(1e6)
    assert r.activity_Bq[("plasma", "Bi-212")][0] == 0.0
    # organ totals sum to the whole body: plasma overlaps organs, so exclude it
    body = sum(r.activity_Bq[(reg, "Pb-212")][10] for reg in REGIONS)
    inb = r.mass_balance["Pb-212"]["in_body"][10] * math.log(2) / (10.64 * 3600)
    assert body == pytest.approx(inb, rel=1e-9)
    # per-gram, ratio, table
    assert r.decays_per_g("metastasis") == pytest.approx(
        sum(r.tia_Bq_s[("metastasis", m)] for m in r.members) / r.region_mass_g["metastasis"]
    )
    assert r.ratio() == pytest.approx(r.decays_per_g("metastasis") / r.decays_per_g("brain"))
    rows = r.to_table()
    assert len(rows) == len(OUTPUT_REGIONS) * 4
    assert set(rows[0]) == {"region", "member", "TIA_Bq_s", "decays_per_g"}
    assert tia_table(r) == rows
    mb = metastasis_to_brain(r)
    assert mb["ratio"] == pytest.approx(r.ratio())
    # TIA to infinity exceeds TIA to the end of the grid, by a little (10 half-lives)
    end = r.tia_to_end_Bq_s[("metastasis", "Pb-212")]
    assert end < r.tia_Bq_s[("metastasis", "Pb-212")] < end * 1.01


def test_free_bismuth_goes_to_kidneys(sat_result):
    """Released 212Bi reaches the kidneys; more release -> more kidney Bi decays."""
    r = sat_result
    assert (
        r.compartment_tia_Bq_s[("kidneys", "free", "Bi-212")]
        > r.compartment_tia_Bq_s[("brain", "free", "Bi-212")]
    )
    assert r.compartment_tia_Bq_s[("kidneys", "free", "Pb-212")] == 0.0
    none = solve(default_model("mouse", chain=STANDIN, release_fraction=0.0), 1.0, n_times=30)
    assert none.compartment_tia_Bq_s[("kidneys", "free", "Bi-212")] == 0.0
    assert r.decays_per_g("kidneys", "Bi-212") > none.decays_per_g("kidneys", "Bi-212")


def test_saturation_lowers_uptake_per_gram():
    base = default_model("mouse", chain=STANDIN)
    lo = solve(base.with_overrides(**{"target.antibody_mg_per_kg": 0.01}), 1.0, n_times=30)
    hi = solve(base.with_overrides(**{"target.antibody_mg_per_kg": 10.0}), 1.0, n_times=30)
    lin = solve(replace(base, saturable=False), 1.0, n_times=30)
    assert (
        hi.decays_per_g("metastasis")
        < lo.decays_per_g("metastasis")
        <= lin.decays_per_g("metastasis") * 1.0001
    )


def test_solve_errors(linear_model, sat_result):
    with pytest.raises(InputError, match="injected_activity_MBq"):
        solve(linear_model, 0.0)
    with pytest.raises(InputError, match="t_end_h"):
        solve(linear_model, 1.0, t_end_h=-5.0)
    with pytest.raises(InputError, match="n_times"):
        solve(linear_model, 1.0, n_times=1)
    with pytest.raises(InputError, match="model"):
        solve("mouse", 1.0)
    with pytest.raises(InputError, match="region"):
        sat_result.decays_per_g("lung")
    with pytest.raises(InputError, match="member"):
        sat_result.decays_per_g("brain", "Bi-213")
    assert issubclass(InputError, BrainritError)


def test_solve_batch_matches_single(linear_model):
    sat = default_model("mouse", chain=STANDIN)
    for base, rtol in ((linear_model, 1e-9), (sat, 2e-4)):
        sets = [base.with_overrides(plasma_clearance_mL_per_h=c) for c in (0.002, 0.01, 0.05)]
        batch = solve_batch(sets, 2.0)
        for s, m in enumerate(sets):
            single = solve(m, 2.0, n_times=50)
            for reg in ("metastasis", "brain", "kidneys"):
                assert batch.decays_per_g(reg)[s] == pytest.approx(single.decays_per_g(reg), rel=rtol)
                assert batch.decays_per_g(reg, "Bi-212")[s] == pytest.approx(
                    single.decays_per_g(reg, "Bi-212"), rel=rtol
                )
    with pytest.raises(InputError, match="models"):
        solve_batch([], 1.0)
    with pytest.raises(InputError, match=r"models\[1\]"):
        solve_batch([linear_model, sat], 1.0)


@settings(max_examples=8, deadline=None)
@given(
    clearance=st.floats(1e-4, 0.5),
    density=st.floats(0.0, 500.0),
    release=st.floats(0.0, 1.0),
    kint=st.floats(0.0, 2.0),
    dose=st.floats(0.01, 20.0),
)
def test_mass_balance_property(clearance, density, release, kint, dose):
    """Atoms in body + decayed + excreted = produced (injected for 212Pb) at every time, to 1e-9 relative."""
    m = default_model(
        "mouse",
        chain=STANDIN,
        release_fraction=release,
        plasma_clearance_mL_per_h=clearance,
        **{
            "target.density_per_um2.metastasis": density,
            "target.internalisation_per_h": kint,
            "target.antibody_mg_per_kg": dose,
        },
    )
    r = solve(m, 1.0, n_times=25, t_end_h=150.0)
    for b in r.mass_balance.values():
        total = b["in_body"] + b["decayed"] + b["excreted"]
        scale = max(b["produced"].max(), 1.0)
        assert np.max(np.abs(total - b["produced"])) <= 1e-9 * scale


# --- fitting


def test_biodistribution_csv_roundtrip():
    d = read_biodistribution_csv(DATA / "biodistribution_example.csv")
    assert len(d) >= 10
    assert set(d.organ) <= {*REGIONS, "blood", "plasma"}
    assert np.all(d.standard_error == d.sd / np.sqrt(d.n))


def test_biodistribution_errors(tmp_path):
    good = dict(
        organ=["blood", "liver"], time_h=[1.0, 2.0], percent_id_per_g=[10.0, 5.0], sd=[1.0, 1.0], n=[3, 3]
    )
    biodistribution_data(**good)
    for field, bad, match in (
        ("time_h", [-1.0, 2.0], r"time_h\[0\]"),
        ("percent_id_per_g", [10.0, -5.0], r"percent_id_per_g\[1\]"),
        ("sd", [0.0, 1.0], r"sd\[0\]"),
        ("sd", [1.0, -1.0], r"sd\[1\]"),
        ("organ", ["blood", "lungs"], r"organ\[1\]"),
        ("n", [0, 3], r"n\[0\]"),
        ("sd", [1.0], "sd"),
    ):
        with pytest.raises(InputError, match=match):
            biodistribution_data(**{**good, field: bad})
    p = tmp_path / "bad.csv"
    p.write_text("organ,time,%ID/g,SD,n\nblood,1,2,3,4\n")
    with pytest.raises(InputError, match="time_h"):
        read_biodistribution_csv(p)
    p.write_text("organ,time_h,%ID/g,SD,n\nblood,one,2,3,4\n")
    with pytest.raises(InputError, match="CSV row 2"):
        read_biodistribution_csv(p)
    p.write_text("organ,time_h,%ID/g,SD,n\nheart,1,2,3,4\n")
    with pytest.raises(InputError, match="organ"):
        read_biodistribution_csv(p)
    with pytest.raises(InputError, match="path"):
        read_biodistribution_csv(tmp_path / "none.csv")


def test_fit_biodistribution_errors(linear_model):
    d = biodistribution_data(["blood", "liver"], [1.0, 24.0], [40.0, 3.0], [4.0, 0.5], [4, 4])
    with pytest.raises(InputError, match="data rows"):
        fit_biodistribution(d, linear_model, ["plasma_clearance_mL_per_h", "liver.nonspecific_uptake_per_h"])
    with pytest.raises(InputError, match="override"):
        fit_biodistribution(d, linear_model, ["no_such_parameter"])
    with pytest.raises(InputError, match="data"):
        fit_biodistribution([1, 2], linear_model)
    with pytest.raises(InputError, match="initial"):
        fit_biodistribution(d, linear_model, ["target.density_per_um2.liver"])


def test_predict_matches_solver(linear_model):
    """%ID/g predicted for the antibody equals the solver's parent activity per gram, decay-corrected."""
    r = solve(linear_model, 1.0, n_times=11, t_end_h=50.0)
    t = r.times_h[5]
    pid = predict_percent_id_per_g(linear_model, ["metastasis", "plasma"], [t, t], decay_corrected=False)
    for reg, v in zip(("metastasis", "plasma"), pid, strict=True):
        carrier_only = r.activity_Bq[(reg, "Pb-212")][5] / 1e6 / r.region_mass_g[reg] * 100.0
        assert v == pytest.approx(carrier_only, rel=1e-9)


def test_fit_time_activity_selection_and_errors():
    t = np.array([0.5, 1, 2, 4, 8, 12, 24, 48, 72])
    bi = 60 * np.exp(-1.2 * t) + 40 * np.exp(-0.05 * t)
    fb = fit_time_activity(t, bi)
    assert fb.best == "bi"
    assert fb.integral() == pytest.approx(60 / 1.2 + 40 / 0.05, rel=1e-6)
    mono = 30 * np.exp(-0.2 * t)
    assert fit_time_activity(t, mono).best == "mono"
    up = 50 * (np.exp(-0.1 * t) - np.exp(-1.5 * t))
    fu = fit_time_activity(t, up)
    assert fu.best == "uptake"
    assert fu.parameters["k_uptake_per_h"] == pytest.approx(1.5, rel=1e-4)
    # physical tail after the last point
    lam = math.log(2) / 10.0
    tail = fit_time_activity(t, mono).integral(physical_half_life_h=10.0)
    expect = 30 / 0.2 * (1 - math.exp(-0.2 * 72)) + 30 * math.exp(-0.2 * 72) / lam
    assert tail == pytest.approx(expect, rel=1e-6)
    with pytest.raises(InputError, match="times_h"):
        fit_time_activity([-1, 1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(InputError, match="values"):
        fit_time_activity([1, 2, 3, 4], [1, -2, 3, 4])
    with pytest.raises(InputError, match="sd"):
        fit_time_activity([1, 2, 3, 4], [4, 3, 2, 1], sd=[1, 0, 1, 1])
    with pytest.raises(InputError, match="at least 4 points"):
        fit_time_activity([1, 2, 3], [3, 2, 1])
    with pytest.raises(InputError, match="models"):
        fit_time_activity(t, mono, models=("quad",))


def test_single_time_point_and_samples():
    with pytest.raises(InputError, match="time_h"):
        single_time_point_tia(1.0, 0.0)
    with pytest.raises(InputError, match="activity_Bq"):
        single_time_point_tia(-1.0, 1.0)
    with pytest.raises(InputError, match="times_h"):
        tia_from_samples([0, 2, 1], [1, 1, 1], physical_half_life_h=1.0)
    with pytest.raises(InputError, match="activity_Bq"):
        tia_from_samples([0, 1], [1, -1], physical_half_life_h=1.0)


def test_onset_of_expression():
    early = default_model("mouse", chain=STANDIN, days_after_seeding=2.0)
    late = default_model("mouse", chain=STANDIN, days_after_seeding=21.0)
    p = early.params
    assert p["target.density_per_um2.metastasis"] == p["target.density_per_um2.brain"]
    assert late.params["target.density_per_um2.metastasis"] == 75.4
    with pytest.raises(InputError, match="days_after_seeding"):
        default_model("mouse", chain=STANDIN, days_after_seeding=-1.0)


@pytest.mark.parametrize("nuclide", ["Ac-225", "Lu-177"])
def test_other_chains_balance(nuclide):
    """Real chains with several tracked members and in-place intermediates keep their mass balance."""
    r = solve(default_model("mouse", nuclide=nuclide), 1.0, n_times=20)
    for b in r.mass_balance.values():
        total = b["in_body"] + b["decayed"] + b["excreted"]
        assert np.max(np.abs(total - b["produced"])) <= 1e-9 * max(b["produced"].max(), 1.0)
    assert r.decays_per_g("metastasis") > r.decays_per_g("brain")


def test_human_model():
    r = solve(default_model("human"), 1000.0, n_times=20)
    assert r.region_mass_g["brain"] == 1450.0
    assert r.ratio() > 1.0
    heavy = default_model("mouse", chain=STANDIN, body_mass_g=30.0)
    assert heavy.params["liver.mass_g"] == pytest.approx(1.3 * 1.5)
