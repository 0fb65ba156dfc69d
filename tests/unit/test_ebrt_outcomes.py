"""Outcome table on a hand-computed case, plus the outcome errors.

Case: 21³ grid of 1 mm voxels, all brain; an 8 mm visible metastasis at the centre and a 0.5 mm
micrometastasis between voxel centres; clonogen density 10⁵ cm⁻³ (so TCPs are not 0 or 1), α = 0.3 Gy⁻¹,
α/β = 10 Gy (tumour), brain LKB TD50 60 Gy, m 0.15, n 0.25, α/β 2 Gy (Burman 1991).
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ndtr

from brainrit.ebrt import Arm, ArmComponent, Lesion
from brainrit.ebrt.outcomes import METRICS, arm_outcomes, compare_arms, default_outcome_model
from brainrit.errors import DataError, InputError
from brainrit.phantoms.geometry import sphere_mask

SHAPE, VOX, ORG = (21, 21, 21), (1.0, 1.0, 1.0), (-10.0, -10.0, -10.0)
MET = Lesion("met", np.zeros(3), 8.0, True)
MIC = Lesion("mic", np.array([6.5, 6.5, 6.5]), 0.5, False)
RHO = 1e5


@functools.cache
def _make_case() -> tuple[tuple[Arm, Arm], dict[str, np.ndarray]]:
    brain = np.ones(SHAPE, bool)
    hip = np.zeros(SHAPE, bool)
    hip[2:5, 2:8, 2:5] = True
    wbrt = Arm("WBRT", (ArmComponent("WBRT-30/10", np.full(SHAPE, 30.0), 10, "WBRT"),), VOX, ORG, True)
    les = sphere_mask(SHAPE, VOX, ORG, MET.centre_mm, MET.radius_mm)
    srs = Arm("SRS", (ArmComponent("SRS", np.where(les, 24.0, 0.0), 1, "SRS"),), VOX, ORG, False)
    return (wbrt, srs), {"brain": brain, "hippocampi": hip}


@pytest.fixture(scope="module")
def case() -> tuple[tuple[Arm, Arm], dict[str, np.ndarray]]:
    return _make_case()


def test_hand_computed_table(case: tuple[tuple[Arm, Arm], dict[str, np.ndarray]]) -> None:
    arms, masks = case
    model = default_outcome_model("lq_brain_metastasis", clonogen_density_per_cm3=RHO)
    table = compare_arms(arms, masks, [MET, MIC], model=model)
    assert table.arms == ("WBRT", "SRS") and table.metrics == tuple(m for m, _ in METRICS)

    # --- WBRT 30 Gy/10: BED10 = 39 Gy everywhere
    s = math.exp(-0.3 * 39.0)
    n_met = RHO * math.pi * 8.0**3 / 6 / 1000  # 26,808 clonogens
    n_mic = RHO * math.pi * 0.5**3 / 6 / 1000  # 6.5 clonogens
    tcp_met, tcp_mic = math.exp(-n_met * s), math.exp(-n_mic * s)
    ntcp = float(ndtr((37.5 - 60.0) / (0.15 * 60.0)))  # EQD2(α/β 2) = 37.5 Gy uniform → Φ(−2.5)
    p_v55 = 1 / (1 + math.exp(1.742))  # Okoukoni V55 = 0
    p_cog = 1 / (1 + math.exp(-(model.cognition_intercept + model.cognition_slope_per_Gy * 37.5)))
    w = table.row("WBRT")
    assert tcp_met == pytest.approx(0.8007, abs=1e-4)
    assert w["TCP visible"] == pytest.approx(tcp_met, rel=1e-9)
    assert w["TCP micrometastases"] == pytest.approx(tcp_mic, rel=1e-9)
    assert w["TCP"] == pytest.approx(tcp_met * tcp_mic, rel=1e-9)
    assert w["NTCP necrosis"] == pytest.approx(ntcp, rel=1e-6) == pytest.approx(0.00621, abs=1e-5)
    assert math.isnan(w["V12 normal brain"])
    assert w["brain mean dose"] == pytest.approx(30.0) and w["brain D95"] == pytest.approx(30.0)
    assert w["hippocampi D100"] == pytest.approx(30.0) and w["hippocampi Dmax"] == pytest.approx(30.0)
    assert w["hippocampi D40 EQD2"] == pytest.approx(37.5)
    assert w["Gondi D40 > 7.3 Gy"] == 1.0
    assert w["P cognitive (V55)"] == pytest.approx(p_v55, rel=1e-9)
    assert w["P cognitive"] == pytest.approx(p_cog, rel=1e-9)
    assert w["P+"] == pytest.approx(tcp_met * tcp_mic * (1 - ntcp), rel=1e-6)
    assert w["P+ incl. cognition"] == pytest.approx(tcp_met * tcp_mic * (1 - ntcp) * (1 - p_cog), rel=1e-6)

    # --- SRS 24 Gy × 1 to the lesion only: micrometastasis untreated, counted in TCP all lesions and P+
    r = table.row("SRS")
    tcp_srs = math.exp(-n_met * math.exp(-0.3 * 24.0 * (1 + 24.0 / 10.0)))
    b1 = (math.log(0.15 / 0.85) - math.log(0.10 / 0.90)) / 5.0  # HyTEC anchors V12 5 → 10 %, 10 → 15 %
    ntcp_v12 = 1 / (1 + math.exp(-(math.log(0.10 / 0.90) - 5.0 * b1)))  # at V12 = 0
    assert r["TCP"] == pytest.approx(tcp_srs, rel=1e-9) == r["TCP visible"]
    assert r["TCP micrometastases"] == pytest.approx(math.exp(-n_mic), rel=1e-9)
    assert r["TCP all lesions"] == pytest.approx(tcp_srs * math.exp(-n_mic), rel=1e-9)
    assert r["V12 normal brain"] == 0.0
    assert r["NTCP necrosis"] == pytest.approx(ntcp_v12, rel=1e-4) == pytest.approx(0.0654, abs=1e-4)
    assert r["NTCP necrosis LKB"] == pytest.approx(float(ndtr(-1 / 0.15)), rel=1e-6)  # 0 Gy
    assert r["hippocampi Dmax"] == 0.0 and r["Gondi D40 > 7.3 Gy"] == 0.0
    assert r["P+"] == pytest.approx(tcp_srs * math.exp(-n_mic) * (1 - ntcp_v12), rel=1e-4)

    out = arm_outcomes(arms[1], masks, [MET, MIC], model=model)
    assert set(out.lesion_tcp) == {"met", "mic"} and any("micrometastases untreated" in n for n in out.notes)
    # JSON-ready, Markdown rendering, extra row for the RIT arm
    json.dumps(table.as_dict())
    assert table.as_dict()["WBRT"]["V12 normal brain"] is None
    text = table.to_text(["TCP", "V12 normal brain"])
    assert "| SRS |" in text and "—" in text and "(cm3)" in text
    t2 = table.with_row("RIT 212Pb", {"TCP": 0.5})
    assert t2.arms[-1] == "RIT 212Pb" and t2.row("RIT 212Pb")["TCP"] == 0.5
    assert math.isnan(t2.row("RIT 212Pb")["P+"])
    assert table.column("TCP")["WBRT"] == w["TCP"]


def test_population_model_and_parameter_sets(case: tuple[tuple[Arm, Arm], dict[str, np.ndarray]]) -> None:
    arms, masks = case
    wn = default_outcome_model("tcp_webb_nahum_generic")
    assert (wn.alpha_per_Gy, wn.alpha_sd_per_Gy, wn.clonogen_density_per_cm3) == (0.35, 0.08, 1e7)
    audit = default_outcome_model("tcp_srs_audit_lq_rho1e7")
    assert (audit.alpha_per_Gy, audit.tumour_alpha_beta_Gy) == (0.49, 16.7)
    from brainrit.radiobiology import tcp_population

    got = arm_outcomes(arms[0], masks, [MET], model=wn).lesion_tcp["met"]
    want = tcp_population(
        30.0,
        n_fractions=10,
        alpha_mean_per_Gy=0.35,
        alpha_sd_per_Gy=0.08,
        alpha_beta_Gy=10.0,
        clonogen_density_per_cm3=1e7,
        volume_cm3=MET.volume_cm3,
    )
    assert got == pytest.approx(float(want), rel=1e-9)


def test_outcome_errors(case: tuple[tuple[Arm, Arm], dict[str, np.ndarray]]) -> None:
    arms, masks = case
    with pytest.raises(InputError, match="'brain' mask"):
        arm_outcomes(arms[0], {"hippocampi": masks["hippocampi"]}, [])
    with pytest.raises(InputError, match=r"masks\['brain'\]"):
        arm_outcomes(arms[0], {"brain": np.ones((5, 5, 5), bool)}, [])
    with pytest.raises(InputError, match="empty"):
        arm_outcomes(arms[0], {"brain": np.zeros(SHAPE, bool)}, [])
    with pytest.raises(DataError, match="dose grid does not cover lesion 'far'"):
        arm_outcomes(arms[0], masks, [Lesion("far", np.array([9.0, 0.0, 0.0]), 4.0)])
    with pytest.raises(InputError, match="unique names"):
        compare_arms([arms[0], arms[0]], masks, [])
    with pytest.raises(InputError, match="at least one Arm"):
        compare_arms([], masks, [])
    with pytest.raises(InputError, match="OutcomeModel"):
        default_outcome_model(alpha=0.3)
    with pytest.raises(InputError, match="tumour"):
        default_outcome_model("lq_glioma")
    with pytest.raises(InputError, match="alpha_per_Gy"):
        default_outcome_model(alpha_per_Gy=-1.0)
    table = compare_arms(arms, masks, [MET])
    with pytest.raises(InputError, match="arm"):
        table.row("HA-WBRT")
    with pytest.raises(InputError, match="metric"):
        table.column("NTCP")
    with pytest.raises(InputError, match="metrics"):
        table.with_row("x", {"bogus": 1.0})
    # without hippocampi the cognition columns are NaN and a note says so
    out = arm_outcomes(arms[0], {"brain": masks["brain"]}, [MET])
    assert math.isnan(out.metrics["hippocampi D40 EQD2"]) and out.notes


def test_iso_effect_equal_control_and_toxicity(case: tuple[tuple[Arm, Arm], dict[str, np.ndarray]]) -> None:
    """Uniform WBRT: the scale s giving TCP(met) = 0.9 solves ρV·exp(−0.3·30s(1 + 3s/10)) = −ln 0.9."""
    from scipy.optimize import brentq

    from brainrit.ebrt.outcomes import compare_at_equal, iso_effect

    arms, masks = case
    model = default_outcome_model("lq_brain_metastasis", clonogen_density_per_cm3=RHO)
    n_met = RHO * MET.volume_cm3
    want = brentq(lambda s: n_met * math.exp(-0.3 * 30 * s * (1 + 3 * s / 10)) + math.log(0.9), 0.5, 2.0)
    out = iso_effect(arms[0], masks, [MET], "TCP", 0.9, model=model)
    assert out.metrics["prescription scale"] == pytest.approx(want, rel=1e-5)
    assert out.metrics["TCP"] == pytest.approx(0.9, abs=1e-6) and out.arm == "WBRT @ TCP = 0.9"
    # equal toxicity: uniform EQD2 giving LKB NTCP 5 % is TD50 (1 + m Φ⁻¹(0.05))
    from scipy.special import ndtri

    eqd2_target = 60.0 * (1 + 0.15 * float(ndtri(0.05)))
    tox = iso_effect(arms[0], masks, [MET], "NTCP necrosis", 0.05, model=model)
    s = tox.metrics["prescription scale"]
    assert 30 * s * (1 + 3 * s / 2) / 2 == pytest.approx(eqd2_target, rel=1e-5)
    table = compare_at_equal(arms, masks, [MET], "NTCP necrosis", 0.05, model=model)
    assert table.arms[0] == "WBRT @ NTCP necrosis = 0.05"
    assert table.row(table.arms[0])["NTCP necrosis"] == pytest.approx(0.05, abs=1e-6)
    # SRS with V12 = 0 (no tissue outside the lesion gets dose): its baseline V12 risk 6.5 % > 5 % → NaN row
    assert math.isnan(table.row(table.arms[1])["prescription scale"])
    with pytest.raises(InputError, match="metric"):
        iso_effect(arms[0], masks, [MET], "EUD", 0.5)
    with pytest.raises(InputError, match="target"):
        iso_effect(arms[0], masks, [MET], "TCP", 1.5)
    with pytest.raises(InputError, match="scale_range"):
        iso_effect(arms[0], masks, [MET], "TCP", 0.5, scale_range=(2.0, 1.0))
    with pytest.raises(InputError, match="reaches between"):
        iso_effect(arms[0], masks, [MET], "TCP", 0.999999, model=model, scale_range=(0.1, 0.2))


def test_structure_dvhs(case: tuple[tuple[Arm, Arm], dict[str, np.ndarray]]) -> None:
    from brainrit.ebrt.outcomes import structure_dvhs

    arms, masks = case
    h = structure_dvhs(arms[0], masks)
    assert set(h) == {"brain", "hippocampi"} and h["brain"].D(95) == pytest.approx(30.0)
    assert h["hippocampi"].volume_cm3 == pytest.approx(masks["hippocampi"].sum() * 1e-3)
    with pytest.raises(InputError, match="names"):
        structure_dvhs(arms[0], masks, ["brainstem"])


@given(s1=st.floats(0.2, 2.0), s2=st.floats(0.2, 2.0))
def test_property_outcomes_monotone_in_dose(s1: float, s2: float) -> None:
    """Scaling every prescription up never lowers TCP nor NTCP (radiobiology monotonicity)."""
    from brainrit.ebrt.outcomes import _evaluate, _sample

    arms, masks = _make_case()
    lo, hi = sorted((s1, s2))
    model = default_outcome_model("lq_brain_metastasis", clonogen_density_per_cm3=RHO)
    for arm in arms:
        sm = _sample(arm, masks, [MET, MIC])
        a, b = _evaluate(sm, model, lo).metrics, _evaluate(sm, model, hi).metrics
        for m in ("TCP all lesions", "NTCP necrosis", "NTCP necrosis LKB", "hippocampi D40 EQD2"):
            assert b[m] >= a[m] - 1e-12
