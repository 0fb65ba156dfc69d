"""Run a scenario end to end: stages in order, timings, progress, one result object.

Examples
--------
>>> from brainrit.pipeline.runner import STAGES
>>> [stage.key for stage in STAGES][:3]
['radionuclide', 'kinetics', 'dosimetry']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from brainrit.pipeline import (
    stage_comparison,
    stage_dosimetry,
    stage_ebrt,
    stage_images,
    stage_kinetics,
    stage_micro,
    stage_radionuclide,
    stage_rit_map,
    stage_rit_outcomes,
    stage_window,
)
from brainrit.pipeline.core import Context, StageNotRun, StageOutcome, StageResult
from brainrit.scenario.schema import Scenario

__all__ = ["STAGES", "PipelineResult", "Stage", "run_scenario"]


class Stage(NamedTuple):
    """One pipeline stage: its key and title (from its result class), its function and result class.

    Examples
    --------
    >>> STAGES[1].result.__name__
    'KineticsStageResult'
    """

    key: str
    title: str
    run: Callable[[Context], StageResult]
    result: type[StageResult]


def _stage(run: Callable[[Context], StageResult], result: type[StageResult]) -> Stage:
    return Stage(result.key, result.title, run, result)


# In data-flow order; a stage reads only the results of stages above it.
STAGES: tuple[Stage, ...] = (
    _stage(stage_radionuclide.run, stage_radionuclide.RadionuclideResult),
    _stage(stage_kinetics.run, stage_kinetics.KineticsStageResult),
    _stage(stage_dosimetry.run, stage_dosimetry.DosimetryResult),
    _stage(stage_images.run, stage_images.PatientImagesResult),
    _stage(stage_micro.run, stage_micro.MicroResult),
    _stage(stage_rit_outcomes.run, stage_rit_outcomes.RitOutcomesResult),
    _stage(stage_ebrt.run, stage_ebrt.EbrtResult),
    _stage(stage_rit_map.run, stage_rit_map.RitDoseMapResult),
    _stage(stage_comparison.run, stage_comparison.ComparisonResult),
    _stage(stage_window.run, stage_window.TherapeuticWindowResult),
)


@dataclass(frozen=True)
class PipelineResult:
    """Every stage's result (typed, or :class:`~brainrit.pipeline.core.StageOutcome` "not run"), the
    scenario, the seed and the timings.

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide"])
    >>> r.stages["radionuclide"].status, r.stages["kinetics"].status
    ('ok', 'not run')
    >>> "radionuclide" in r._repr_html_().lower() and len(repr(r)) < 200
    True
    """

    scenario: Scenario
    seed: int
    stages: dict[str, StageResult | StageOutcome]
    timings_s: dict[str, float]
    started_utc: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        ok = sum(s.status == "ok" for s in self.stages.values())
        return (
            f"PipelineResult(scenario={self.scenario.study.name!r}, seed={self.seed}, "
            f"stages: {ok} ok, {len(self.stages) - ok} not run; {self.started_utc})"
        )

    def _repr_html_(self) -> str:
        """Stage status and the comparison of arms (when it ran), for Jupyter (each stage has its own)."""
        import html

        rows = "".join(
            f"<tr><td>{html.escape(s.title)}</td><td>{html.escape(s.status)}</td>"
            f"<td>{html.escape(s.message)}</td><td>{self.timings_s.get(k, 0.0):.2f}</td></tr>"
            for k, s in self.stages.items()
        )
        parts = [
            f"<h3>brainrit: {html.escape(self.scenario.study.name)} (seed {self.seed})</h3>",
            "<table><tr><th>stage</th><th>status</th><th>note</th><th>time (s)</th></tr>" + rows + "</table>",
        ]
        comparison = self.stages.get("comparison")
        if comparison is not None and comparison.status == "ok":
            parts.append(comparison._repr_html_())
        return "".join(parts)


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: bool = False,
    on_stage: Callable[[str, str], None] | None = None,
    on_result: Callable[[StageResult | StageOutcome], None] | None = None,
    stages: Iterable[str] | None = None,
    figures: bool = True,
) -> PipelineResult:
    """Run every stage of ``scenario`` in order.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`brainrit.scenario.load`).
    seed : int, optional
        Seed of the Monte Carlo sampling (perivascular tracks, virtual patients, fits); default
        ``scenario.study.seed``. The anatomy — positions of scattered lesions on the phantom and the
        packing of the perivascular cuff — always comes from ``scenario.study.seed``: it describes the
        patient, so runs and sweep samples with other seeds keep the same anatomy (and share its cache).
    progress : bool
        Show a rich progress bar on stderr, one step per stage.
    on_stage : callable, optional
        Called as ``on_stage(key, title)`` before each stage (for custom progress reporting).
    on_result : callable, optional
        Called with each stage's result (or outcome) as soon as the stage has run — the command line
        draws a stage's figures in another process while the next stages compute
        (:mod:`brainrit.report.figure_workers`).
    stages : iterable of str, optional
        Run only these stage keys (in pipeline order); the others are reported as skipped.
        Stages depend on earlier ones, so include what they need (e.g. ``kinetics`` for ``dosimetry``);
        a stage whose upstream did not run is reported "not run" with the reason.
    figures : bool
        Kept for compatibility: stages return data only and :mod:`brainrit.report` draws the figures
        when it renders, so this flag changes nothing here (sweeps, which never render, pass False).

    Returns
    -------
    PipelineResult

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide", "kinetics"])
    >>> r.stages["kinetics"].members[0]
    'Pb-212'
    """
    del figures  # rendering happens in brainrit.report
    ctx = Context(scenario=scenario, seed=scenario.study.seed if seed is None else int(seed))
    keys = [stage.key for stage in STAGES]
    wanted = set(keys) if stages is None else set(stages)
    unknown = wanted - set(keys)
    if unknown:
        from brainrit.checks import choice

        choice("stages", sorted(unknown)[0], keys)
    timings: dict[str, float] = {}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    bar = _Progress(progress, len(STAGES))
    with bar:
        for stage in STAGES:
            key, title = stage.key, stage.title
            bar.start(title)
            if on_stage is not None:
                on_stage(key, title)
            t0 = time.perf_counter()
            result = (
                _run_stage(stage, ctx)
                if key in wanted
                else StageOutcome(key, title, "skipped (not requested)")
            )
            elapsed = time.perf_counter() - t0
            timings[key] = elapsed
            ctx.results[key] = _with_time(result, elapsed)
            if on_result is not None:
                on_result(ctx.results[key])
            bar.advance()
    return PipelineResult(scenario, ctx.seed, dict(ctx.results), timings, started)


def _run_stage(stage: Stage, ctx: Context) -> StageResult | StageOutcome:
    """Run one stage; an upstream that did not run (:class:`StageNotRun`) makes it "not run"."""
    try:
        result = stage.run(ctx)
    except StageNotRun as exc:
        return StageOutcome(stage.key, stage.title, str(exc))
    if not isinstance(result, stage.result):
        raise TypeError(f"stage {stage.key!r} returned {type(result).__name__}, not {stage.result.__name__}")
    return result


def _with_time(result: StageResult | StageOutcome, elapsed: float) -> StageResult | StageOutcome:
    return replace(result, elapsed_s=elapsed)


class _Progress:
    """A rich progress bar (one step per stage) that does nothing when disabled."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self._p: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._p = Progress(
                TextColumn("[bold]{task.description:<32}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._p.__enter__()
            self._task = self._p.add_task("starting", total=self.total)
        return self

    def start(self, title: str) -> None:
        if self._p is not None:
            self._p.update(self._task, description=title)

    def advance(self) -> None:
        if self._p is not None:
            self._p.advance(self._task)

    def __exit__(self, *exc: Any) -> None:
        if self._p is not None:
            self._p.update(self._task, description="done")
            self._p.__exit__(*exc)
