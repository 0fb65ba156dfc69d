"""Run a scenario end to end: radionuclide → kinetics → dosimetry → outcomes → comparison → outputs."""

from brainrit.pipeline.runner import STAGES, PipelineResult, run_scenario

__all__ = ["STAGES", "PipelineResult", "run_scenario"]
