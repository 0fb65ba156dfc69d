"""Stage 7 — comparison of arms: RIT beside each external-beam arm on the same patient or mouse.

The RIT row uses the RIT-outcomes stage (TCP of every lesion, visible or not; brain-necrosis LKB on the
RBE-weighted, G-corrected EQD2 of the uniform healthy-brain dose; hippocampal D40 % EQD2 = brain EQD2; the
Okoukoni V55 cognition model with V55 = 100 % when that EQD2 ≥ 55 Gy, else 0 %). External-beam rows come
from :mod:`brainrit.ebrt.outcomes` on the phantom.
"""

from __future__ import annotations

import math

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "comparison", "Comparison of arms"

COLUMNS = (
    ("arm", "arm"),
    ("TCP", "TCP (lesions the arm treats)"),
    ("TCP all lesions", "TCP all lesions"),
    ("NTCP necrosis", "NTCP brain necrosis"),
    ("hippocampi D40 EQD2", "hippocampi D40% EQD2 (Gy)"),
    ("P cognitive (V55)", "P cognitive decline (V55)"),
    ("P+", "P+"),
    ("P+ incl. cognition", "P+ incl. cognition"),
)


def rit_metrics(ctx: Context) -> dict[str, float] | None:
    """Metrics of the RIT arm in the columns of :data:`COLUMNS` (None if RIT outcomes did not run)."""
    rit = ctx.get("rit_outcomes")
    if rit is None:
        return None
    from brainrit.radiobiology import hippocampal_v55_okoukoni

    d = rit.data
    eqd2 = d["brain_eqd2_Gy"]
    p_cog = float(hippocampal_v55_okoukoni(100.0 if eqd2 >= 55.0 else 0.0))
    tcp = d["tcp_all_lesions"]
    ntcp = d["ntcp_brain_necrosis"]
    return {
        "TCP": tcp,
        "TCP all lesions": tcp,
        "NTCP necrosis": ntcp,
        "hippocampi D40 EQD2": eqd2,
        "P cognitive (V55)": p_cog,
        "P+": tcp * (1 - ntcp),
        "P+ incl. cognition": tcp * (1 - ntcp) * (1 - p_cog),
    }


def run(ctx: Context) -> StageResult:
    sc = ctx.scenario
    rows: list[tuple] = []
    metrics: dict[str, dict[str, float | None]] = {}
    rit = rit_metrics(ctx)
    for arm in sc.arms:
        if arm.type == "rit" and rit is not None:
            scaled = arm.activity_scale
            m = dict(rit)
            if scaled != 1.0:
                tcp_fn = ctx.get("rit_outcomes").objects["tcp_all"]
                ntcp_fn = ctx.get("rit_outcomes").objects["ntcp"]
                tcp, ntcp = tcp_fn(scaled)[0], ntcp_fn(scaled)
                m.update({"TCP": tcp, "TCP all lesions": tcp, "NTCP necrosis": ntcp, "P+": tcp * (1 - ntcp)})
                m["P+ incl. cognition"] = m["P+"] * (1 - m["P cognitive (V55)"])
            metrics[arm.name] = m
    ebrt = ctx.get("ebrt")
    if ebrt is not None:
        for name, m in ebrt.data["outcomes"].items():
            metrics[name] = {k: m.get(k) for k, _ in COLUMNS[1:]}
    if not metrics:
        return not_available(KEY, TITLE, "no arm produced outcomes")
    order = [a.name for a in sc.arms if a.name in metrics]
    for name in order:
        rows.append((name, *(metrics[name].get(k) for k, _ in COLUMNS[1:])))
    best = max(order, key=lambda n: _num(metrics[n].get("P+")))
    table = Table("comparison", "Comparison of arms", tuple(c for _, c in COLUMNS), tuple(rows))
    figures = (_bar_figure(order, metrics),) if ctx.figures else ()
    missing = [a.name for a in sc.arms if a.name not in metrics]
    notes = [f"Highest P+: {best}."]
    if missing:
        notes.append("Arms without outcomes (their stage did not run): " + ", ".join(missing) + ".")
    return StageResult(
        KEY,
        TITLE,
        data={"arms": metrics, "best_p_plus": best},
        tables=(table,),
        figures=figures,
        notes=tuple(notes),
    )


def _num(x) -> float:
    return float(x) if x is not None and math.isfinite(float(x)) else -1.0


def _bar_figure(order, metrics) -> Figure:
    keys = (
        ("TCP all lesions", "#1f77b4"),
        ("NTCP necrosis", "#d62728"),
        ("P cognitive (V55)", "#9467bd"),
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
