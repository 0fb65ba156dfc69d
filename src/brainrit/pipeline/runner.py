"""Run a scenario end to end: stages in order, timings, progress, one result object.

Examples
--------
>>> from brainrit.pipeline.runner import STAGES
>>> [key for key, _, _ in STAGES][:3]
['radionuclide', 'kinetics', 'dosimetry']
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from brainrit.pipeline.core import Context, StageResult, not_available
from brainrit.scenario.schema import Scenario

__all__ = ["STAGES", "PipelineResult", "run_scenario"]

# (key, title, module implementing `run(ctx)`) in data-flow order.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("radionuclide", "Radionuclide", "brainrit.pipeline.stage_radionuclide"),
    ("kinetics", "Kinetics", "brainrit.pipeline.stage_kinetics"),
    ("dosimetry", "Dosimetry", "brainrit.pipeline.stage_dosimetry"),
    ("microdosimetry", "Perivascular micro-dosimetry", "brainrit.pipeline.stage_micro"),
    ("rit_outcomes", "RIT outcomes", "brainrit.pipeline.stage_rit_outcomes"),
    ("ebrt", "External-beam arms", "brainrit.pipeline.stage_ebrt"),
    ("rit_dose_map", "RIT dose map", "brainrit.pipeline.stage_rit_map"),
    ("comparison", "Comparison of arms", "brainrit.pipeline.stage_comparison"),
    ("window", "Therapeutic window", "brainrit.pipeline.stage_window"),
)


@dataclass(frozen=True)
class PipelineResult:
    """Every stage's result, the scenario, the seed and the timings."""

    scenario: Scenario
    seed: int
    stages: dict[str, StageResult]
    timings_s: dict[str, float]
    started_utc: str
    extra: dict[str, Any] = field(default_factory=dict)


def _stage_function(module: str) -> Callable[[Context], StageResult] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
    return mod.run


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: bool = False,
    on_stage: Callable[[str, str], None] | None = None,
    stages: Iterable[str] | None = None,
    figures: bool = True,
) -> PipelineResult:
    """Run every stage of ``scenario`` in order.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`brainrit.scenario.load`).
    seed : int, optional
        Overrides ``scenario.study.seed``.
    progress : bool
        Show a rich progress bar on stderr, one step per stage.
    on_stage : callable, optional
        Called as ``on_stage(key, title)`` before each stage (for custom progress reporting).
    stages : iterable of str, optional
        Run only these stage keys (in pipeline order); the others are reported as skipped.
        Stages depend on earlier ones, so include what they need (e.g. ``kinetics`` for ``dosimetry``).
    figures : bool
        Render figures (False for sweeps: faster, data unchanged).

    Returns
    -------
    PipelineResult
    """
    ctx = Context(scenario=scenario, seed=scenario.study.seed if seed is None else int(seed), figures=figures)
    keys = [k for k, _, _ in STAGES]
    wanted = set(keys) if stages is None else set(stages)
    unknown = wanted - set(keys)
    if unknown:
        from brainrit.checks import choice

        choice("stages", sorted(unknown)[0], keys)
    timings: dict[str, float] = {}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    bar = _Progress(progress, len(STAGES))
    with bar:
        for key, title, module in STAGES:
            bar.start(title)
            if on_stage is not None:
                on_stage(key, title)
            t0 = time.perf_counter()
            if key not in wanted:
                result = not_available(key, title, "skipped (not requested)")
            else:
                fn = _stage_function(module)
                result = fn(ctx) if fn is not None else not_available(key, title)
            elapsed = time.perf_counter() - t0
            timings[key] = elapsed
            ctx.results[key] = _with_time(result, elapsed)
            bar.advance()
    return PipelineResult(scenario, ctx.seed, dict(ctx.results), timings, started)


def _with_time(result: StageResult, elapsed: float) -> StageResult:
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
