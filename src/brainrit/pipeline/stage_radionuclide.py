"""Stage 1 — the radionuclide: decay chain, energy per decay by class, α lines and their ranges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from brainrit.pipeline.core import Context, StageResult, Table, stage_result

__all__ = ["RadionuclideResult"]


@stage_result
class RadionuclideResult(StageResult):
    """The scenario's radionuclide as summarised by :func:`brainrit.nuclides.nuclide_summary`.

    Attributes
    ----------
    nuclide : str
        Parent nuclide.
    half_life_s : float or None
        Parent half-life, s (None if stable).
    half_life : str
        Parent half-life, human-readable.
    chain : tuple of mapping
        Chain members (name, half_life_s, half_life, stable, cut, decay_modes, daughters,
        decays_per_parent_decay).
    energy_per_decay_MeV, chain_energy_per_decay_MeV : mapping
        Mean energy emitted per decay by radiation class, MeV (nuclide alone; chain in equilibrium per
        parent decay).
    alpha_lines : tuple of mapping
        α lines with yield ≥ ``min_alpha_yield`` (nuclide, energy_MeV, yields, csda_range_water_um).
    min_alpha_yield : float
        Yield threshold of the listed α lines.
    sources : mapping
        Data sources.

    Examples
    --------
    >>> from brainrit.pipeline.core import Context
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run(Context(builtin_scenario("mouse-vcam1-pb212"), seed=1))
    >>> r.nuclide, r.status
    ('Pb-212', 'ok')
    """

    key: ClassVar[str] = "radionuclide"
    title: ClassVar[str] = "Radionuclide"

    nuclide: str
    half_life_s: float | None
    half_life: str
    chain: tuple[Mapping[str, Any], ...]
    energy_per_decay_MeV: Mapping[str, float]
    chain_energy_per_decay_MeV: Mapping[str, float]
    alpha_lines: tuple[Mapping[str, Any], ...]
    min_alpha_yield: float
    sources: Mapping[str, str]


def run(ctx: Context) -> RadionuclideResult:
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
    return RadionuclideResult(
        nuclide=summary["nuclide"],
        half_life_s=summary["half_life_s"],
        half_life=summary["half_life"],
        chain=tuple(summary["chain"]),
        energy_per_decay_MeV=summary["energy_per_decay_MeV"],
        chain_energy_per_decay_MeV=summary["chain_energy_per_decay_MeV"],
        alpha_lines=tuple(summary["alpha_lines"]),
        min_alpha_yield=summary["min_alpha_yield"],
        sources=summary["sources"],
        tables=tables,
    )
