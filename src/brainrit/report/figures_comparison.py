"""Figures of the comparison stage: control, complications and P+ by arm."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_comparison import ComparisonResult, _num
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: ComparisonResult, scenario: Any) -> tuple[Figure, ...]:
    """Grouped bars per arm, in the scenario's arm order."""
    order = [a.name for a in scenario.arms if a.name in result.arms]
    return (_bar_figure(order, result.arms),)


def _bar_figure(order, metrics) -> Figure:
    keys = (
        ("TCP all lesions", "#1f77b4"),
        ("NTCP necrosis", "#d62728"),
        ("P cognitive", "#9467bd"),
        ("P+", "#2ca02c"),
    )
    fig, ax = new_figure(width_in=max(6.4, 1.6 * len(order)))
    x = np.arange(len(order))
    w = 0.8 / len(keys)
    for i, (k, c) in enumerate(keys):
        vals = [max(_num(metrics[n].get(k)), 0.0) for n in order]
        ax.bar(x + (i - (len(keys) - 1) / 2) * w, vals, w, label=k, color=c)
    ax.set_xticks(x, order, fontsize=8)
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return Figure(
        "comparison",
        "Control, complications and uncomplicated control by arm",
        to_png(fig),
        "TCP of every lesion (seen and unseen), brain-necrosis NTCP, cognitive-decline probability and P+.",
    )
