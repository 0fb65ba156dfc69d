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
            result.plan,
            result.limits["brain_necrosis_ntcp"],
        ),
    )


def _curve_figure(activities, tcp, ntcp, a0, optimum, limit) -> Figure:
    fig, ax = new_figure()
    ax.semilogx(activities, tcp, label="TCP (all lesions)", color="#1f77b4", linewidth=2)
    ax.semilogx(activities, ntcp, label="NTCP brain necrosis", color="#d62728", linewidth=2)
    ax.semilogx(activities, tcp * (1 - ntcp), label="P+", color="#2ca02c", linestyle="--", linewidth=2)
    ax.axvline(a0, color="0.5", linestyle=":", label="administered")
    ax.axhline(limit, color="#d62728", linestyle=":", linewidth=0.8)
    edge = False
    if math.isfinite(optimum.activity_MBq):
        ax.plot([optimum.activity_MBq], [optimum.p_plus], "o", color="#2ca02c",
                label=f"optimum within the limits ({optimum.limited_by})")  # fmt: skip
        edge = (
            optimum.activity_MBq >= activities.max() * 0.999
            or optimum.activity_MBq <= activities.min() * 1.001
        )
    notes = []
    tmax, nmax = float(np.nanmax(tcp)), float(np.nanmax(ntcp))
    if tmax < 1e-3:
        notes.append(
            f"TCP < 10⁻³ over the whole scan (max {tmax:.2g}): no activity scanned controls every lesion"
        )
    if nmax < 1e-3:
        notes.append(f"NTCP < 10⁻³ over the whole scan (max {nmax:.2g})")
    if edge:
        notes.append("the optimum lies at the edge of the scanned range")
    if notes:
        ax.text(0.02, 0.96, "\n".join(notes), transform=ax.transAxes, va="top", fontsize=10,
                bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})  # fmt: skip
    for name, a in optimum.max_activity_MBq.items():
        if math.isfinite(a) and activities[0] <= a <= activities[-1]:
            ax.axvline(a, color="0.3", linestyle="--", linewidth=0.7)
            ax.text(a, 0.5, f" {name} limit", rotation=90, va="center", fontsize=8)
    ax.set_xlabel("injected activity (MBq)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # beside the axes, not on curves
    caption = (
        "TCP of all lesions, brain-necrosis NTCP (LKB) and P+ = TCP·(1 − NTCP); dotted line: NTCP limit; "
        "dashed: the highest activity each organ limit allows."
    )
    if notes:
        caption += " Note: " + "; ".join(notes) + "."
    return Figure(
        "rit_curves", "RIT: control and complication versus injected activity", to_png(fig), caption
    )
