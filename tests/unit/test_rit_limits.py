"""Organ-at-risk limits and the limit-respecting activity optimiser (brainrit.radiobiology.limits)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit import radiobiology as rb
from brainrit.errors import BrainritError


def _plan(**kw):
    base = dict(
        tcp=lambda a: math.exp(-1e3 * math.exp(-a)),
        brain_ntcp=lambda a: 0.0,
        hippocampus_eqd2_Gy=lambda a: 0.0,
        organ_doses={},
        limits=rb.organ_limits(),
        rbe_alpha=5.0,
    )
    base.update(kw)
    return rb.optimise_activity((0.1, 100.0), **base)


def test_defaults_and_sources():
    lim = rb.organ_limits()
    assert lim.marrow_rbe_Gy == 2.0
    assert lim.kidney_bed_limit_Gy == 28.0
    assert rb.organ_limits(kidney_risk_factors=False).kidney_bed_limit_Gy == 40.0
    assert lim.hippocampus_eqd2_Gy == rb.parameters("hippocampus_gondi_d40")["threshold_eqd2_Gy"]
    src = lim.sources()
    assert "Bodei" in src["kidneys.bed_with_risk_factors_Gy"]
    assert "Sgouros" in src["marrow.rbe_weighted_dose_Gy"]


@pytest.mark.parametrize(
    "kw", [{"marrow_rbe_Gy": -1.0}, {"brain_necrosis_ntcp": 0.0}, {"kidney_risk_factors": 1}, {"nope": 1.0}]
)
def test_bad_limits(kw):
    with pytest.raises(BrainritError):
        rb.organ_limits(**kw)


def test_marrow_binds_closed_form():
    plan = _plan(organ_doses={"marrow": rb.OrganDose(0.01, 0.05)})  # 0.1 Gy(RBE)/MBq
    assert plan.limited_by == "marrow"
    assert plan.activity_MBq == pytest.approx(20.0, rel=1e-12)
    assert plan.organ_rbe_Gy["marrow"] == pytest.approx(2.0, rel=1e-12)


def test_kidney_bed_binds_at_the_limit():
    kid = rb.OrganDose(0.02, 0.5, g_factor=0.3)
    plan = _plan(organ_doses={"kidneys": kid})
    assert plan.limited_by == "kidneys"
    assert plan.kidney_bed_Gy == pytest.approx(28.0, rel=1e-10)
    assert kid.bed_Gy(plan.activity_MBq, 5.0, 2.5) == pytest.approx(28.0, rel=1e-10)


def test_brain_and_cognition_bind():
    ntcp = lambda a: 1.0 - math.exp(-((a / 30.0) ** 4))  # noqa: E731
    plan = _plan(brain_ntcp=ntcp)
    assert plan.limited_by == "brain"
    assert plan.ntcp <= 0.05 + 1e-9
    plan = _plan(hippocampus_eqd2_Gy=lambda a: 0.5 * a)
    assert plan.limited_by == "cognition"
    assert plan.hippocampus_eqd2_Gy == pytest.approx(7.3, rel=1e-8)


def test_scan_range_when_nothing_binds():
    plan = _plan(organ_doses={"marrow": rb.OrganDose(0.0, 1e-4)})
    assert plan.limited_by == "scan range"
    assert plan.activity_MBq == pytest.approx(100.0)
    assert plan.max_activity_MBq["marrow"] == pytest.approx(2e4)


def test_tcp_half_within_and_out_of_reach():
    plan = _plan(organ_doses={"marrow": rb.OrganDose(0.0, 0.01)})  # up to 200 MBq by marrow, scan to 100
    assert plan.tcp_0p5_activity_MBq == pytest.approx(math.log(1e3 / math.log(2)), rel=1e-8)
    assert plan.tcp_0p5_reason == ""
    plan = _plan(
        organ_doses={"marrow": rb.OrganDose(0.0, 1.0)}
    )  # 2 MBq allowed; TCP 0.5 at ln(1000/ln2) = 7.27 MBq
    assert plan.tcp_0p5_activity_MBq is None
    assert "marrow" in plan.tcp_0p5_reason
    assert plan.tcp_0p5_unconstrained_MBq == pytest.approx(math.log(1e3 / math.log(2)), rel=1e-8)
    assert plan.tcp_0p5_organ_rbe_Gy["marrow"] == pytest.approx(math.log(1e3 / math.log(2)), rel=1e-8)


def test_no_control_anywhere_takes_the_largest_allowed_activity():
    plan = _plan(tcp=lambda a: 0.0, organ_doses={"marrow": rb.OrganDose(0.0, 0.1)})
    assert plan.activity_MBq == pytest.approx(20.0)
    assert plan.limited_by == "marrow"
    assert plan.tcp_0p5_unconstrained_MBq is None


@given(
    m_a=st.floats(0.0, 0.2),
    m_e=st.floats(1e-4, 0.2),
    k_a=st.floats(0.0, 0.5),
    k_e=st.floats(1e-4, 2.0),
    g=st.floats(0.0, 1.0),
    h=st.floats(1e-3, 1.0),
    risk=st.booleans(),
)
def test_optimum_never_exceeds_a_limit(m_a, m_e, k_a, k_e, g, h, risk):
    lim = rb.organ_limits(kidney_risk_factors=risk)
    ntcp = lambda a: 1.0 - math.exp(-((a / 80.0) ** 3))  # noqa: E731
    plan = _plan(
        organ_doses={"marrow": rb.OrganDose(m_a, m_e), "kidneys": rb.OrganDose(k_a, k_e, g)},
        limits=lim,
        brain_ntcp=ntcp,
        hippocampus_eqd2_Gy=lambda a: h * a,
    )
    tol = 1 + 1e-9
    assert plan.organ_rbe_Gy["marrow"] <= lim.marrow_rbe_Gy * tol
    assert plan.kidney_bed_Gy <= lim.kidney_bed_limit_Gy * tol
    assert plan.ntcp <= lim.brain_necrosis_ntcp * tol
    assert plan.hippocampus_eqd2_Gy <= lim.hippocampus_eqd2_Gy * tol
    assert plan.limited_by in rb.LIMITED_BY
    assert plan.activity_MBq <= min(100.0, *plan.max_activity_MBq.values()) * tol


def test_bad_arguments():
    with pytest.raises(BrainritError):
        rb.optimise_activity((1.0, 0.5), tcp=abs, brain_ntcp=abs, hippocampus_eqd2_Gy=abs,
                             organ_doses={}, limits=rb.organ_limits(), rbe_alpha=5.0)  # fmt: skip
    with pytest.raises(BrainritError):
        _plan(organ_doses={"marrow": 1.0})
    with pytest.raises(BrainritError):
        rb.OrganDose(-1.0, 0.0)


def test_dose_per_MBq_rows():
    rows = rb.dose_per_MBq_rows({"marrow": rb.OrganDose(0.1, 0.2)}, 4.0)
    assert rows[0][0] == "marrow"
    assert rows[0][4] == pytest.approx(0.6)
