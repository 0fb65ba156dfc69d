"""Run a scenario end to end: radionuclide → kinetics → dosimetry → outcomes → comparison → window.

Each stage (``stage_<name>.py``) is a function ``run(ctx)`` that returns a frozen dataclass of its own
(:class:`~brainrit.pipeline.stage_rit_outcomes.RitOutcomesResult`, ...). Its documented fields, with units
in their names, are the contract: later stages read attributes, e.g.
``ctx.require(DosimetryResult).dose_Gy["metastasis"].alpha``, never string keys. A stage that cannot run
is a :class:`~brainrit.pipeline.core.StageOutcome` with status ``"not run"`` and the reason (raise
:class:`~brainrit.pipeline.core.StageNotRun`, or let :meth:`~brainrit.pipeline.core.Context.require`
raise it for a missing upstream result); the report and results.json show it. Stages compute data only:
:mod:`brainrit.report` draws the figures from the results and writes the files.

Adding a field to a stage result
    Declare it on the result class with a type, a unit in its name and a line in the class docstring
    ``Attributes``; set it in the stage's ``run``. It appears in results.json under
    ``stages.<key>.data.<field>`` automatically (``StageResult.to_json``); add it to ``DATA_KEYS`` in
    ``tests/unit/test_pipeline_results.py`` (the documented layout) and to the README if users read it. A
    field that must not go to JSON (arrays, solver objects) is declared with
    :func:`~brainrit.pipeline.core.memory_field`. Nested values may be frozen dataclasses, mappings,
    tuples or numpy arrays: :func:`~brainrit.pipeline.core.to_jsonable` converts them.

Adding a stage
    1. ``stage_<name>.py``: a subclass of :class:`~brainrit.pipeline.core.StageResult` decorated with
       :func:`~brainrit.pipeline.core.stage_result` (a frozen, keyword-only dataclass that keeps the
       short ``repr``) with ``key`` and ``title`` class variables, and
       ``run(ctx) -> <Name>Result`` that reads upstream results with ``ctx.require(...)`` (or
       ``ctx.get(...)`` when the upstream is optional, handling ``None`` explicitly).
    2. One ``_stage(stage_<name>.run, <Name>Result)`` line in :data:`~brainrit.pipeline.runner.STAGES`,
       in data-flow order (static import at the top of ``runner.py``).
    3. Figures, if any: ``report/figures_<name>.py`` with ``draw(result, scenario)`` and one line in
       ``brainrit.report.figures._drawers``.
    4. Its keys in ``DATA_KEYS`` (``tests/unit/test_pipeline_results.py``) and a test of the stage.

Examples
--------
>>> from brainrit.pipeline import STAGES
>>> STAGES[0].key, STAGES[-1].key
('radionuclide', 'window')
"""

from brainrit.pipeline.core import StageOutcome, StageResult
from brainrit.pipeline.runner import STAGES, PipelineResult, run_scenario

__all__ = ["STAGES", "PipelineResult", "StageOutcome", "StageResult", "run_scenario"]
