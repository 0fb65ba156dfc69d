"""Figures of the dosimetry stage: absorbed dose-rate histories."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_dosimetry import DosimetryResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: DosimetryResult, scenario: Any) -> tuple[Figure, ...]:
    """Dose rate (α + electrons) of the main regions versus time."""
    return (_rate_figure(result.times_h, result.dose_rate_Gy_per_h),)


def _rate_figure(times_h, rate) -> Figure:
    fig, ax = new_figure()
    for region in ("metastasis", "brain", "kidneys", "marrow"):
        if region in rate:
            total = rate[region].total
            ax.semilogy(times_h, np.where(total > 0, total, np.nan), label=region)
    ax.set_xlabel("time after injection (h)")
    ax.set_ylabel("absorbed dose rate (Gy/h)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=10)
    return Figure(
        "dose_rate",
        "Absorbed dose rate (α + electrons)",
        to_png(fig),
        "Dose-rate history used for the Lea–Catcheside G factor of the low-LET component.",
    )
