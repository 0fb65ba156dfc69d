"""Figures of the RIT-outcomes stage: TCP, NTCP and P+ versus injected activity."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from brainrit.pipeline.stage_rit_outcomes import RitOutcomesResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: RitOutcomesResult, scenario: Any) -> tuple[Figure, ...]:
    """The activity curves with the administered activity and the optimum."""
    return (
        _curve_figure(
            np.asarray(result.activity_scan_MBq),
            np.asarray(result.tcp_curve),
            np.asarray(result.ntcp_curve),
            result.injected_activity_MBq,
            result.optimum,
            scenario.radiobiology.ntcp_limit,
        ),
    )


def _curve_figure(activities, tcp, ntcp, a0, optimum, limit) -> Figure:
    fig, ax = new_figure()
    ax.semilogx(activities, tcp, label="TCP (all lesions)", color="#1f77b4")
    ax.semilogx(activities, ntcp, label="NTCP brain necrosis", color="#d62728")
    ax.semilogx(activities, tcp * (1 - ntcp), label="P+", color="#2ca02c", linestyle="--")
    ax.axvline(a0, color="0.5", linestyle=":", label="administered")
    ax.axhline(limit, color="#d62728", linestyle=":", linewidth=0.8)
    if math.isfinite(optimum.activity_MBq):
        ax.plot([optimum.activity_MBq], [optimum.p_plus], "o", color="#2ca02c", label="optimum")
    ax.set_xlabel("injected activity (MBq)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return Figure(
        "rit_curves",
        "RIT: control and complication versus injected activity",
        to_png(fig),
        "TCP of all lesions, brain-necrosis NTCP (LKB) and P+ = TCP·(1 − NTCP); dotted line: NTCP limit.",
    )
