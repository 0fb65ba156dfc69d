"""Stage 1 — the radionuclide: decay chain, energy per decay by class, α lines and their ranges."""

from __future__ import annotations

from brainrit.pipeline.core import Context, Figure, StageResult, Table
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "radionuclide", "Radionuclide"


def run(ctx: Context) -> StageResult:
    """Summarise the scenario's radionuclide with :func:`brainrit.nuclides.nuclide_summary`."""
    from brainrit.nuclides import nuclide_summary

    summary = nuclide_summary(ctx.scenario.radiopharmaceutical.nuclide)
    chain_rows = tuple(
        (
            m["name"],
            m["half_life"],
            "/".join(m["decay_modes"]) or "stable",
            ", ".join(f"{d['name']} ({d['branching']:.4g})" for d in m["daughters"]) or "-",
            m["decays_per_parent_decay"],
        )
        for m in summary["chain"]
    )
    classes = list(summary["energy_per_decay_MeV"])
    energy_rows = tuple(
        (c, summary["energy_per_decay_MeV"][c], summary["chain_energy_per_decay_MeV"][c]) for c in classes
    )
    line_rows = tuple(
        (a["nuclide"], a["energy_MeV"], a["yield_per_parent_decay"], a["csda_range_water_um"])
        for a in summary["alpha_lines"]
    )
    tables = (
        Table(
            "chain",
            "Decay chain",
            ("member", "half-life", "decay modes", "daughters (branching)", "decays per parent decay"),
            chain_rows,
        ),
        Table(
            "energy",
            "Mean energy emitted per decay (ICRP-107)",
            ("radiation class", "nuclide alone (MeV)", "chain in equilibrium (MeV per parent decay)"),
            energy_rows,
        ),
        Table(
            "alpha_lines",
            "α lines (yield ≥ 1e-3) and CSDA ranges in liquid water (ASTAR)",
            ("emitter", "energy (MeV)", "yield per parent decay", "CSDA range in water (µm)"),
            line_rows,
        ),
    )
    return StageResult(
        KEY,
        TITLE,
        data=summary,
        tables=tables,
        figures=(_chain_figure(summary),) if ctx.figures else (),
    )


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
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"{d['branching']:.4g}", ha="center", fontsize=8)
    for name, (x, y) in pos.items():
        m = info.get(name, {"half_life": ""})
        ax.text(
            x,
            y,
            f"{name}\n{m['half_life']}",
            ha="center",
            va="center",
            fontsize=9,
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
