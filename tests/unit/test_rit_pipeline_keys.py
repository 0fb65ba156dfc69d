"""Pipeline keys of issue 19: the limit-respecting optimum, micrometastasis control, organ dose per MBq,
the RIT-at-VCAM-1-detection window policy, RIT cycles, burden vs untreated and the key-results section."""

from __future__ import annotations

import json

import pytest

from brainrit.pipeline.runner import run_scenario
from brainrit.radiobiology import LIMITED_BY
from brainrit.scenario import builtin_scenario

UP_TO_OUTCOMES = ["radionuclide", "kinetics", "dosimetry", "rit_outcomes"]


@pytest.fixture(scope="module")
def mouse():
    return run_scenario(builtin_scenario("mouse-vcam1-pb212"))


def _check_optimum(data, limits):
    opt = data["optimum"]
    assert {"activity_MBq", "p_plus", "limited_by", "organ_rbe_Gy"} <= set(opt)
    assert opt["limited_by"] in LIMITED_BY
    tol = 1 + 1e-9
    assert opt["organ_rbe_Gy"]["marrow"] <= limits["marrow_rbe_Gy"] * tol
    assert opt["kidney_bed_Gy"] <= limits["kidney_bed_limit_Gy"] * tol
    assert opt["ntcp"] <= limits["brain_necrosis_ntcp"] * tol
    assert opt["hippocampus_eqd2_Gy"] <= limits["hippocampus_eqd2_Gy"] * tol
    a = data["activity_for_micrometastasis_tcp_0p5_MBq"]
    if a is None:
        assert data["micrometastasis_tcp_0p5_reason"]
    else:
        assert a <= opt["activity_MBq"] * tol or opt["limited_by"] == "scan range"


@pytest.mark.parametrize("name", ["human-early-bm", "mouse-vcam1-pb212"])
def test_optimum_never_exceeds_a_limit_and_says_which_binds(name):
    r = run_scenario(builtin_scenario(name), stages=UP_TO_OUTCOMES)
    data = r.stages["rit_outcomes"].to_json()
    json.dumps(data)
    _check_optimum(data, data["limits"])
    per = r.stages["dosimetry"].to_json()["dose_per_MBq"]
    assert per["kidneys"]["rbe_weighted_Gy_per_MBq"] > per["kidneys"]["total_Gy_per_MBq"] > 0
    tables = [t.key for t in r.stages["dosimetry"].tables]
    assert "region_dose" in tables  # with per-injected-MBq columns (Gy/MBq, Gy(RBE)/MBq)


def test_limits_section_changes_the_optimum():
    sc = builtin_scenario("mouse-vcam1-pb212")
    strict = sc.model_copy(update={"limits": sc.limits.model_copy(update={"marrow_rbe_Gy": 0.5})})
    a = run_scenario(sc, stages=UP_TO_OUTCOMES).stages["rit_outcomes"].optimum
    b = run_scenario(strict, stages=UP_TO_OUTCOMES).stages["rit_outcomes"].optimum
    assert b["limited_by"] == "marrow"
    assert b["activity_MBq"] < a["activity_MBq"]
    assert b["organ_rbe_Gy"]["marrow"] == pytest.approx(0.5)


def test_window_comparison_and_report_keys(mouse, tmp_path):
    w = mouse.stages["window"].to_json()["window"]
    assert "RIT at VCAM-1 detection" in w["policies"]
    assert w["vcam1_lead_time_d"]["median"] > 0
    arms = mouse.stages["comparison"].to_json()["arms"]
    for arm in mouse.scenario.arms:
        assert 0.0 < arms[arm.name]["burden vs untreated"] <= 1.0
    from brainrit.report.html import render_report

    html = render_report(mouse)
    i = html.index('<section id="key-results"')
    assert i == html.index("<section")
    assert "limit" in html[i : html.index("</section>", i)]


def test_cycles_reach_kinetics_window_and_optimum():
    sc = builtin_scenario("mouse-vcam1-pb212")
    two = sc.model_copy(
        update={"administration": sc.administration.model_copy(update={"injections": 2, "interval_h": 48.0})}
    )
    r = run_scenario(two, stages=[*UP_TO_OUTCOMES, "window"])
    kin = r.stages["kinetics"]
    assert kin.injections == 2 and kin.interval_h == 48.0
    assert kin.solution.cycles == 2
    assert r.stages["window"].rit_cycles == 2
    assert r.stages["window"].rit_interval_d == pytest.approx(2.0)
    one = run_scenario(sc, stages=UP_TO_OUTCOMES).stages["dosimetry"].dose_Gy["kidneys"].alpha
    assert r.stages["dosimetry"].dose_Gy["kidneys"].alpha > 1.5 * one
