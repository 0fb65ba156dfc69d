"""The pipeline's therapeutic-window stage on the built-in mouse scenario (real upstream stages)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from brainrit.pipeline import stage_window
from brainrit.pipeline.core import Context
from brainrit.pipeline.runner import run_scenario
from brainrit.scenario import load

UPSTREAM = ["radionuclide", "kinetics", "dosimetry", "rit_outcomes"]


@pytest.fixture(scope="module")
def mouse_run():
    sc = load(files("brainrit") / "scenario" / "builtin" / "mouse-vcam1-pb212.toml")
    return run_scenario(sc, stages=[*UPSTREAM, "window"], figures=True)


def test_stage_window_outputs(mouse_run):
    res = mouse_run.stages["window"]
    assert res.status == "ok", res.message
    json.dumps(res.data)  # JSON-able
    assert res.data["rit_dose_source"] == "vascular micro-dosimetry"
    assert 0 < res.data["rit_vessel_alpha_fraction"] <= 1
    assert [f.key for f in res.figures] == ["window_curve", "lesion_timeline"]
    assert all(f.png.startswith(b"\x89PNG") for f in res.figures)
    table = res.tables[0]
    assert [r[0] for r in table.rows] == list(res.data["window"]["policies"])
    for p in res.data["window"]["policies"].values():
        assert all(0.0 <= x <= 1.0 for x in p["p_all_controlled"] + p["p_plus"] + p["ntcp"])
    assert mouse_run.timings_s["window"] < 30.0  # ≤ ~10 s on 2 idle cores


def test_stage_window_reproducible_without_figures(mouse_run):
    ctx = Context(mouse_run.scenario, mouse_run.seed, figures=False)
    ctx.results.update({k: mouse_run.stages[k] for k in UPSTREAM})
    again = stage_window.run(ctx)
    assert again.figures == ()
    assert again.data == mouse_run.stages["window"].data  # same seed, same numbers


def test_stage_window_needs_upstream(mouse_run):
    ctx = Context(mouse_run.scenario, mouse_run.seed, figures=False)
    assert stage_window.run(ctx).status == "not available"
