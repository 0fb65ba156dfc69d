"""Figures of the kinetics stage: time-activity curves per region."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_kinetics import KineticsStageResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: KineticsStageResult, scenario: Any) -> tuple[Figure, ...]:
    """Time-activity curves of the solver's result (one injection)."""
    return (_curves_figure(result.solution),)


def _curves_figure(result) -> Figure:
    fig, ax = new_figure()
    t = np.asarray(result.times_h)
    for region in result.region_mass_g:
        total = sum(np.asarray(result.activity_Bq[(region, m)]) for m in result.members)
        per_g = total / result.region_mass_g[region]
        if np.any(per_g > 0):
            ax.semilogy(t, np.where(per_g > 0, per_g, np.nan), label=region)
    ax.set_xlabel("time after injection (h)")
    ax.set_ylabel("activity concentration (Bq/g, all members)")
    ax.legend(fontsize=8, ncol=2)
    ax.grid(True, which="both", alpha=0.3)
    return Figure(
        "tac",
        "Time-activity curves per region",
        to_png(fig),
        "Activity per gram of each region, all chain members summed (log scale).",
    )
