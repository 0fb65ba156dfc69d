"""Figures drawn in forked children (brainrit.report.figure_workers) are the figures drawn in the parent."""

from __future__ import annotations

import os
import sys
import time

import pytest

from brainrit.errors import InputError
from brainrit.pipeline import run_scenario
from brainrit.report import figure_workers
from brainrit.report.figure_workers import FigureWorkers, default_workers
from brainrit.report.figures import stage_figures
from brainrit.report.html import render_report
from brainrit.scenario import builtin_scenario

STAGES = ["radionuclide", "kinetics", "dosimetry"]
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="children are forked on Linux only"
)


@pytest.fixture(scope="module")
def scenario():
    return builtin_scenario("mouse-vcam1-pb212")


def _run(scenario, workers):
    with FigureWorkers(scenario, workers=workers) as w:
        result = run_scenario(scenario, stages=STAGES, on_result=w.submit)
        figures = w.collect()
    return result, figures


@linux_only
def test_children_draw_the_same_png_bytes_as_the_parent(scenario):
    result, figures = _run(scenario, workers=2)
    assert set(figures) == set(result.stages)  # every stage, drawn or without figures
    for key, st in result.stages.items():
        here = stage_figures(st, scenario)
        assert [f.key for f in figures[key]] == [f.key for f in here]
        assert [f.png for f in figures[key]] == [f.png for f in here], key
    assert sum(len(f) for f in figures.values()) >= 3  # the check compared real figures


@linux_only
def test_report_with_drawn_figures_equals_report_drawn_in_place(scenario):
    result, figures = _run(scenario, workers=1)
    assert render_report(result, figures=figures) == render_report(result)


def test_no_workers_draws_everything_in_the_parent(scenario, monkeypatch):
    def no_fork(*args, **kwargs):  # pragma: no cover - called only if the class forks
        raise AssertionError("forked with workers=0")

    monkeypatch.setattr(figure_workers, "_child", no_fork)
    result, figures = _run(scenario, workers=0)
    assert [f.key for f in figures["radionuclide"]] == [
        f.key for f in stage_figures(result.stages["radionuclide"], scenario)
    ]


@linux_only
def test_a_failing_child_costs_time_not_figures(scenario, monkeypatch):
    def dies(conn, results, scenario):  # a child that exits without sending anything
        os._exit(3)

    monkeypatch.setattr(figure_workers, "_child", dies)
    result, figures = _run(scenario, workers=2)
    for key, st in result.stages.items():
        assert [f.png for f in figures[key]] == [f.png for f in stage_figures(st, scenario)]


@linux_only
def test_close_stops_children_still_drawing(scenario, monkeypatch):
    def hangs(conn, results, scenario):
        time.sleep(60)

    monkeypatch.setattr(figure_workers, "_child", hangs)
    w = FigureWorkers(scenario, workers=1)
    run_scenario(scenario, stages=["radionuclide"], on_result=w.submit)
    procs = [c.proc for c in w._children]
    assert procs and procs[0].is_alive()
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 10
    assert not procs[0].is_alive()


def test_worker_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("BRAINRIT_FIGURE_WORKERS", "0")
    assert default_workers() == 0
    monkeypatch.setenv("BRAINRIT_FIGURE_WORKERS", "2")
    assert default_workers() == 2
    monkeypatch.setenv("BRAINRIT_FIGURE_WORKERS", "two")
    with pytest.raises(InputError, match="BRAINRIT_FIGURE_WORKERS"):
        default_workers()
    with pytest.raises(InputError, match="workers"):
        FigureWorkers(None, workers=-1)


@linux_only
def test_stages_without_figures_take_no_child(scenario, monkeypatch):
    def no_fork(*args, **kwargs):  # pragma: no cover - called only if the class forks
        raise AssertionError("forked for a stage that draws nothing")

    monkeypatch.setattr(figure_workers, "_child", no_fork)
    from brainrit.pipeline.core import StageOutcome

    with FigureWorkers(scenario, workers=2) as w:
        w.submit(StageOutcome("ebrt", "External-beam arms", "the scenario has no external-beam arm"))
        assert not w._children
        assert w.collect() == {"ebrt": ()}


@linux_only
def test_children_do_not_repeat_what_the_parent_had_buffered(scenario, tmp_path):
    """Text written to a block-buffered stdout before a fork appears once, not once per child (the fork
    start method flushes the parent's streams first; a bare os.fork would not)."""
    import subprocess

    code = (
        "import sys\n"
        "from brainrit.pipeline import run_scenario\n"
        "from brainrit.scenario import builtin_scenario\n"
        "from brainrit.report.figure_workers import FigureWorkers\n"
        "sc = builtin_scenario('mouse-vcam1-pb212')\n"
        "with FigureWorkers(sc, workers=2) as w:\n"
        "    sys.stdout.write('MARK\\n')\n"
        "    run_scenario(sc, stages=['radionuclide', 'kinetics'], on_result=w.submit)\n"
        "    w.collect()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.count("MARK") == 1
