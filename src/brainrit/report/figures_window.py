"""Figures of the therapeutic-window stage: outcome versus treatment day; one patient's lesion timeline."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_window import TherapeuticWindowResult
from brainrit.report.figures import Figure, new_figure, to_png

_COLOURS = {
    "RIT": "#2ca02c",
    "WBRT": "#d62728",
    "WBRT at detection": "#ff7f0e",
    "SRS": "#1f77b4",
    "SRS+RIT": "#9467bd",
}


def draw(result: TherapeuticWindowResult, scenario: Any) -> tuple[Figure, ...]:
    """The window curves and the lesion timeline of the first virtual patient with a lesion."""
    return (
        _window_figure(result.window, scenario_policies(result.window.policies, scenario)),
        _timeline_figure(result.course, result.patients),
    )


def scenario_policies(policies, scenario) -> list[str]:
    """The policies the scenario's arms can deliver: SRS ones need an SRS arm, WBRT ones a WBRT arm.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> sc = NS(arms=[NS(type="rit"), NS(type="wbrt")])
    >>> scenario_policies(["RIT", "WBRT", "SRS", "SRS+RIT", "WBRT at detection"], sc)
    ['RIT', 'WBRT', 'WBRT at detection']
    """
    types = {str(getattr(a, "type", "")).lower() for a in getattr(scenario, "arms", ())}
    has_srs = any("srs" in t for t in types)
    has_wbrt = any("wbrt" in t for t in types)
    keep = []
    for p in policies:
        if "SRS" in p and not has_srs:
            continue
        if "WBRT" in p and not has_wbrt:
            continue
        keep.append(p)
    return keep


def _window_figure(w, policies) -> Figure:
    fig, axes = new_figure(2, height_in=4.4)
    t = w.treatment_times_d
    # combined policies first, wide and pale underneath; single policies on top, so that a curve that
    # coincides with a combined one (RIT under SRS+RIT) stays visible
    for p in sorted(policies, key=lambda q: "+" not in q):
        c = _COLOURS.get(p, None)
        wide = {"linewidth": 5.0, "alpha": 0.35, "zorder": 1}
        style = wide if "+" in p else {"linewidth": 1.8, "zorder": 3}
        axes[0].plot(t, w.p_all_controlled[p], color=c, label=p, **style)
        axes[0].plot(t, w.p_plus[p], color=c, linestyle="--", linewidth=1.0, zorder=style["zorder"])
        axes[1].plot(t, w.expected_failures[p], color=c, label=p, **style)
    axes[0].set_xlabel("treatment day (from start of seeding)")
    axes[0].set_ylabel("probability")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].set_title("P(all controlled) — solid; P+ — dashed", fontsize=11)
    axes[1].set_xlabel("treatment day")
    axes[1].set_ylabel("expected failing lesions")
    for ax in axes:
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=10)
    left_out = [p for p in w.policies if p not in policies]
    return Figure(
        "window_curve",
        "Therapeutic window: outcome versus treatment time",
        to_png(fig),
        f"Monte Carlo over {w.n_patients} virtual patients ({w.mean_lesions:.3g} lesions each on average). "
        "WBRT at detection is given when contrast MRI first sees a lesion (independent of the x-axis)."
        + (f" Not plotted (no such arm in the scenario): {', '.join(left_out)}." if left_out else ""),
    )


def _timeline_figure(course, patients) -> Figure:
    import brainrit.disease as dz

    counts = patients.lesion_counts
    k = int(np.argmax(counts > 0)) if np.any(counts > 0) else 0
    one = patients.subset(k, k + 1)
    t = np.linspace(course.seeding.start_d, course.horizon_d, 300)
    st = dz.lesion_states(course, one, t)
    fig, ax = new_figure()
    for i in range(one.seed_time_d.size):
        n = np.where(st["seeded"][i], st["cells"][i], np.nan)
        ax.semilogy(t, n, color="0.4", linewidth=0.8)
        for name, colour in (("VCAM-1 MRI", "#2ca02c"), ("contrast MRI", "#d62728")):
            td = one.detection_time_d[name][i]
            if td <= course.horizon_d:
                ax.plot([td], [dz.cells_at(course.growth, td - one.seed_time_d[i], one.rate_multiplier[i])],
                        "o", color=colour, markersize=3)  # fmt: skip
    for name, m in course.modalities.items():
        ax.axhline(m.n50_cells, linestyle=":", linewidth=0.8, color="0.2")
        ax.text(t[0], m.n50_cells * 1.15, f"{name} N50", fontsize=9)
    ax.axhline(course.growth.vcam1_onset_cells, color="#2ca02c", linewidth=0.6)
    ax.axhline(course.growth.angiogenic_switch_cells, color="#9467bd", linewidth=0.6)
    ax.set_xlabel("day")
    ax.set_ylabel("cells per lesion")
    return Figure(
        "lesion_timeline",
        "Lesion timeline of one virtual patient",
        to_png(fig),
        "Cells per lesion; dots: detection by VCAM-1 MRI (green) and contrast MRI (red) with each lesion's "
        "own threshold; dotted: modality N50; green line: VCAM-1 onset; purple: angiogenic switch.",
    )
