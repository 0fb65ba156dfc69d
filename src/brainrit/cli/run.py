"""``brainrit run``, ``brainrit demo``, ``brainrit scenarios`` and ``brainrit scenario show``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from brainrit.cli import app

scenario_app = typer.Typer(help="Built-in scenarios: show one as annotated TOML.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")

DEMO_SCENARIO = "human-early-bm"


def _split_stages(stages: list[str] | None) -> list[str] | None:
    """``--stages a,b --stages c`` → ``["a", "b", "c"]`` (each checked against the pipeline's stage keys)."""
    if not stages:
        return None
    from brainrit.checks import choice
    from brainrit.pipeline.runner import STAGES

    keys = [s.key for s in STAGES]
    names = [n.strip() for item in stages for n in item.split(",") if n.strip()]
    return [choice("--stages", n, keys) for n in names]


def _run_and_write(
    scenario,
    out: Path,
    *,
    seed: int | None,
    force: bool,
    quiet: bool,
    as_json: bool,
    stages: list[str] | None = None,
) -> None:
    from brainrit.pipeline import run_scenario
    from brainrit.report.figure_workers import FigureWorkers
    from brainrit.report.outputs import check_output_dir, results_dict, write_outputs

    out = out.expanduser().absolute()
    check_output_dir(out, force=force)  # fail before the long work, not after
    html = scenario.outputs.html
    # Each stage's figures are drawn in a child process while the next stages compute.
    with FigureWorkers(scenario, workers=None if html else 0) as drawing:
        result = run_scenario(
            scenario,
            seed=seed,
            progress=not quiet and not as_json,
            stages=stages,
            on_result=drawing.submit if html else None,
        )
        figures = drawing.collect() if html else None
        written = write_outputs(result, out, force=force, html=html, figures=figures)
    if as_json:
        typer.echo(json.dumps(results_dict(result), indent=2, ensure_ascii=False))
    elif not quiet:
        _print_summary(result, written)


def _print_summary(result, out: Path) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    from brainrit.pipeline.stage_comparison import ComparisonResult

    comp = result.stages.get(ComparisonResult.key)
    if isinstance(comp, ComparisonResult):
        from brainrit.report.html import fmt

        table = Table(title="Comparison of arms (details in report.html)")
        short = (("TCP all lesions", "TCP all lesions"), ("NTCP necrosis", "NTCP necrosis"), ("P+", "P+"))
        table.add_column("arm")
        for _, label in short:
            table.add_column(label, justify="right")
        for name, m in comp.arms.items():
            table.add_row(escape(name), *(fmt(m.get(k)) for k, _ in short))
        console.print(table)
    for st in result.stages.values():
        if st.status != "ok":
            console.print(f"[yellow]{escape(st.title)}: {escape(st.message)}[/yellow]")
    console.print(
        f"outputs written to [bold]{escape(str(out))}[/bold] "
        "(report.html, results.json, summary.csv, provenance.json)"
    )


@app.command("run")
def run_command(
    scenario_file: Path = typer.Argument(..., help="Scenario TOML file.", show_default=False),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output folder (created; must not exist unless --force)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, max=2**63 - 1, help="Override the scenario's seed (an integer >= 0)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing output folder."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress bars or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print results.json to stdout."),
    stages: list[str] = typer.Option(
        None,
        "--stages",
        help="Run only these stages (comma-separated or repeated; e.g. radionuclide,kinetics,dosimetry); "
        "the others are reported as not run.",
    ),
) -> None:
    """Run a scenario end to end and write report.html, results.json, summary.csv and provenance.json."""
    from brainrit.scenario import load

    scenario = load(scenario_file)
    keys = _split_stages(stages)
    _run_and_write(scenario, out, seed=seed, force=force, quiet=quiet, as_json=as_json, stages=keys)


@app.command("demo")
def demo_command(
    out: Path = typer.Option(Path("brainrit-demo"), "--out", "-o", help="Output folder."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output folder."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress bars or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print results.json to stdout."),
) -> None:
    """Run the built-in clinical scenario `human-early-bm` and write its report."""
    from brainrit.scenario import builtin_scenario

    _run_and_write(builtin_scenario(DEMO_SCENARIO), out, seed=None, force=force, quiet=quiet, as_json=as_json)


@app.command("scenarios")
def scenarios_command(
    as_json: bool = typer.Option(False, "--json", help="Print name, species and description as JSON."),
) -> None:
    """List the built-in scenarios."""
    from brainrit.scenario import builtin_names, builtin_scenario

    rows = [(name, builtin_scenario(name)) for name in builtin_names()]
    if as_json:
        data = [
            {"name": n, "species": sc.study.species, "description": sc.study.description} for n, sc in rows
        ]
        typer.echo(json.dumps(data, indent=1, ensure_ascii=False))
        return
    for name, sc in rows:
        typer.echo(f"{name:<22} {sc.study.species:<6} {sc.study.description}")


@scenario_app.command("show")
def scenario_show(
    name: str = typer.Argument(..., help="Name of a built-in scenario."),
    as_json: bool = typer.Option(False, "--json", help="Print the validated scenario as JSON, not TOML."),
) -> None:
    """Print a built-in scenario as annotated TOML (a starting point for your own)."""
    from brainrit.scenario import builtin_scenario, builtin_text

    if as_json:
        typer.echo(json.dumps(builtin_scenario(name).model_dump(mode="json"), indent=1, ensure_ascii=False))
        return
    typer.echo(builtin_text(name), nl=False)
