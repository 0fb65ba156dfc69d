"""Figures of the radionuclide stage: the decay-chain diagram."""

from __future__ import annotations

from typing import Any

from brainrit.pipeline.stage_radionuclide import RadionuclideResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: RadionuclideResult, scenario: Any) -> tuple[Figure, ...]:
    """The chain diagram of ``result``."""
    summary = {"nuclide": result.nuclide, "chain": result.chain}
    return (_chain_figure(summary),)


def _chain_figure(summary: dict) -> Figure:
    """Chain diagram: members as boxes placed by generation, arrows labelled with branching."""
    members = summary["chain"]
    depth: dict[str, int] = {members[0]["name"]: 0}
    for m in members:
        for d in m["daughters"]:
            depth[d["name"]] = max(depth.get(d["name"], 0), depth.get(m["name"], 0) + 1)
    by_level: dict[int, list[str]] = {}
    for name, lvl in depth.items():
        by_level.setdefault(lvl, []).append(name)
    pos = {}
    for lvl, names in by_level.items():
        for i, name in enumerate(names):
            pos[name] = (lvl, -(i - (len(names) - 1) / 2))
    info = {m["name"]: m for m in members}
    fig, ax = new_figure(height_in=2.8)
    for m in members:
        x0, y0 = pos[m["name"]]
        for d in m["daughters"]:
            x1, y1 = pos[d["name"]]
            ax.annotate(
                "",
                xy=(x1 - 0.28, y1),
                xytext=(x0 + 0.28, y0),
                arrowprops={"arrowstyle": "->", "color": "0.4"},
            )
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"{d['branching']:.4g}", ha="center", fontsize=10)
    for name, (x, y) in pos.items():
        m = info.get(name, {"half_life": ""})
        ax.text(
            x,
            y,
            f"{name}\n{m['half_life']}",
            ha="center",
            va="center",
            fontsize=10,
            bbox={
                "boxstyle": "round",
                "fc": "#e8f0fb" if name in info and not info[name]["stable"] else "#eee",
            },
        )
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    ys = [p[1] for p in pos.values()]
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_axis_off()
    return Figure(
        "chain",
        f"Decay chain of {summary['nuclide']}",
        to_png(fig),
        "Members with half-lives (ICRP-107); arrows carry branching fractions.",
    )
