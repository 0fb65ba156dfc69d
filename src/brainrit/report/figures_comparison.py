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
    from brainrit.report.labels import cell_text

    keys = (
        ("TCP all lesions", "#1f77b4"),
        ("NTCP necrosis", "#d62728"),
        ("P cognitive", "#9467bd"),
        ("P+", "#2ca02c"),
    )
    fig, ax = new_figure(width_in=max(8.5, 2.0 * len(order)), height_in=4.8)
    x = np.arange(len(order))
    w = 0.8 / len(keys)
    for i, (k, c) in enumerate(keys):
        vals = [max(_num(metrics[n].get(k)), 0.0) for n in order]
        xs = x + (i - (len(keys) - 1) / 2) * w
        ax.bar(xs, vals, w, label=k, color=c)
        # every bar carries its value: a TCP of 10⁻²¹⁸ is as invisible as 0 on a linear axis
        for xi, v in zip(xs, vals, strict=True):
            ax.text(xi, v + 0.015, cell_text("P+", v), ha="center", va="bottom", rotation=90, fontsize=9)
    ax.set_xticks(x, order)
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.25)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(ncol=len(keys), loc="upper center", frameon=False)
    ax.grid(True, axis="y", alpha=0.3)
    return Figure(
        "comparison",
        "Control, complications and uncomplicated control by arm",
        to_png(fig),
        "TCP of every lesion (seen and unseen), brain-necrosis NTCP, cognitive-decline probability and P+; "
        "each bar is labelled with its value ('< 10⁻⁴' for values too small to draw).",
    )
