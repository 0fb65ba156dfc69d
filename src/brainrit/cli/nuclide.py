"""``brainrit nuclide NAME``: decay chain, energy per decay and α lines of a radionuclide."""

from __future__ import annotations

import json

import typer

from brainrit.cli import app


@app.command("nuclide")
def nuclide(
    name: str = typer.Argument(..., help="Nuclide, e.g. Pb-212, 212Pb, Tc-99m."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cut: list[str] = typer.Option(
        [], "--cut", help="Chain member treated as an end-point (repeatable), e.g. --cut Bi-207."
    ),
    min_alpha_yield: float = typer.Option(1e-3, "--min-alpha-yield", help="Smallest α-line yield shown."),
) -> None:
    """Decay chain, energy per decay by radiation class and α lines with their range in water.

    Half-lives, branching and emissions from ICRP-107; CSDA ranges in liquid water from NIST ASTAR.
    """
    from brainrit.nuclides import nuclide_summary

    summary = nuclide_summary(name, cut=cut, min_alpha_yield=min_alpha_yield)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_tables(summary)


def _print_tables(s: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    chain = Table(title=f"{s['nuclide']} decay chain (T½ {s['half_life']}) — ICRP-107")
    for col, justify in (
        ("member", "left"),
        ("half-life", "right"),
        ("decay", "left"),
        ("daughters (branching)", "left"),
        ("decays per parent decay", "right"),
    ):
        chain.add_column(col, justify=justify)
    for m in s["chain"]:
        daughters = ", ".join(f"{d['name']} ({d['branching']:.5g})" for d in m["daughters"])
        if m["cut"]:
            daughters = "cut: not followed"
        chain.add_row(
            m["name"],
            m["half_life"],
            " ".join(m["decay_modes"]) or "—",
            daughters or "—",
            f"{m['decays_per_parent_decay']:.5g}",
        )
    console.print(chain)
    console.print(f"Chain rule: {s['chain_rule']}")

    energy = Table(title="Energy emitted per decay (MeV)")
    energy.add_column("radiation class")
    energy.add_column(f"per {s['nuclide']} decay", justify="right")
    energy.add_column("chain, per parent decay", justify="right")
    own, whole = s["energy_per_decay_MeV"], s["chain_energy_per_decay_MeV"]
    for cls in own:
        energy.add_row(cls, f"{own[cls]:.5f}", f"{whole[cls]:.5f}")
    energy.add_row("total", f"{sum(own.values()):.5f}", f"{sum(whole.values()):.5f}", style="bold")
    console.print(energy)

    if s["alpha_lines"]:
        alpha = Table(title=f"α lines (yield ≥ {s['min_alpha_yield']:g} per decay of the emitter)")
        for col in ("emitter", "E_α (MeV)", "yield / decay", "yield / parent decay", "CSDA range water (µm)"):
            alpha.add_column(col, justify="left" if col == "emitter" else "right")
        for line in s["alpha_lines"]:
            alpha.add_row(
                line["nuclide"],
                f"{line['energy_MeV']:.5f}",
                f"{line['yield_per_decay']:.5g}",
                f"{line['yield_per_parent_decay']:.5g}",
                f"{line['csda_range_water_um']:.1f}",
            )
        console.print(alpha)
    else:
        console.print("No α emission in this chain.")
    console.print("Sources: " + "; ".join(s["sources"].values()), style="dim")
