"""``brainrit sweep``: parameter sweeps and uncertainty analysis on Dask."""

from __future__ import annotations

from pathlib import Path

import typer

from brainrit.cli import app


def _split(items: list[str] | None) -> list[str] | None:
    if not items:
        return None
    out = [s.strip() for item in items for s in item.split(",") if s.strip()]
    return out or None


@app.command("sweep")
def sweep_command(
    scenario_file: Path = typer.Argument(..., help="Scenario TOML file.", show_default=False),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output folder (created; must be empty unless --resume)."
    ),
    vary: list[str] = typer.Option(
        None,
        "--vary",
        help="PATH=DIST, e.g. radiobiology.rbe_alpha=uniform(3,7) or arms[1].dose_Gy=grid(20,30,40); "
        "repeat for each parameter (adds to / overrides the scenario's sweep.vary table).",
    ),
    samples: int | None = typer.Option(
        None,
        "--samples",
        "-n",
        min=1,
        help="Samples (random, lhs); base samples N for sobol (N(d+2) runs); "
        "levels per parameter (grid, oat).",
    ),
    design: str | None = typer.Option(
        None, "--design", help="random, lhs, sobol, grid or oat (default lhs)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Address of an existing Dask scheduler (default: a local cluster). Use only a scheduler and "
        "workers you control: Dask moves tasks and results with pickle, so whoever runs them can run "
        "code in this process and read your scenario.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, max=1024, help="Local Dask workers (default: CPU count)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Continue the sweep in --out; finished chunks are kept."
    ),
    stages: list[str] = typer.Option(
        None, "--stages", help="Pipeline stages per sample, comma-separated (default: all)."
    ),
    outcome: list[str] = typer.Option(
        None,
        "--outcome",
        help="Outcome column or prefix stage.path (repeatable; default: the standard list).",
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, max=2**63 - 1, help="Base seed (default: sweep.seed, then study.seed)."
    ),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", min=1, max=100_000, help="Samples per Dask task."
    ),
    primary: str | None = typer.Option(None, "--primary", help="Outcome of the tornado plot."),
    timeout_s: float = typer.Option(10.0, "--timeout", help="Seconds to wait for --scheduler."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress bar or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout."),
) -> None:
    """Run a scenario over sampled parameters; write Parquet parts, summary.json, percentiles.csv and
    sweep_report.html (tornado plot, sensitivity indices).

    Exits with status 1 when samples were invalid or failed (the count is printed; the outputs hold
    the rest). A --scheduler must be trusted: Dask exchanges pickled data with it.
    """
    from brainrit.scenario import load
    from brainrit.scenario.sweep_schema import SweepSection
    from brainrit.sweep.analysis import write_reports
    from brainrit.sweep.design import make_plan, parse_parameters
    from brainrit.sweep.engine import run_sweep

    scenario = load(scenario_file)
    section = scenario.sweep or SweepSection()
    params_text: dict[str, str] = dict(section.vary)
    if vary:
        from brainrit.errors import InputError
        from brainrit.scenario.sweep_schema import parse_vary

        for item in vary:
            try:
                path, _ = parse_vary(item)
            except ValueError as exc:
                raise InputError("--vary", item, "PATH=DIST with a valid distribution", str(exc)) from None
            params_text[path] = item.partition("=")[2].strip()
    parameters = parse_parameters(scenario, params_text)
    plan = make_plan(
        parameters,
        design or section.design,
        samples if samples is not None else section.samples,
        base_seed=seed
        if seed is not None
        else (section.seed if section.seed is not None else scenario.study.seed),
    )
    try:
        result = run_sweep(
            scenario,
            plan,
            out,
            outcomes=outcome or section.outcomes,
            stages=_split(stages) or section.stages,
            chunk_size=chunk_size if chunk_size is not None else section.chunk_size,
            resume=resume,
            scheduler=scheduler or section.scheduler,
            workers=workers if workers is not None else section.workers,
            connect_timeout_s=timeout_s,
            progress=not quiet and not as_json,
            on_chunk=None if quiet or as_json else _Estimate(plan.n_runs),
        )
    except KeyboardInterrupt:
        from brainrit.errors import BrainritError

        raise BrainritError(
            f"sweep interrupted; finished chunks are saved in {str(out)!r}: rerun with --resume to finish"
        ) from None
    summary = write_reports(out, primary=primary)
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=1, ensure_ascii=False, default=str))
    elif not quiet:
        _print_summary(result, summary)
    st = summary["status"]
    if st["invalid"] or st["failed"]:
        typer.echo(
            f"error: {st['invalid'] + st['failed']} of {summary['n_done']} samples did not give results "
            f"({st['invalid']} invalid, {st['failed']} failed; see summary.json errors)",
            err=True,
        )
        raise typer.Exit(1)


class _Estimate:
    """After the first chunk of a multi-chunk sweep, print the estimated time of the whole sweep."""

    def __init__(self, n_runs: int) -> None:
        import time

        self.n_runs = n_runs
        self.t0 = time.perf_counter()
        self.printed = False

    def __call__(self, chunk: int, done: int, total: int) -> None:
        import time

        if self.printed or total <= 1 or done >= total:
            return
        self.printed = True
        elapsed = time.perf_counter() - self.t0
        left = elapsed / done * (total - done)
        typer.echo(
            f"sweep: {done} of {total} chunks in {_duration(elapsed)}; about {_duration(left)} to go "
            f"for {self.n_runs:,} runs (estimate from the first chunk)",
            err=True,
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def _print_summary(result, summary) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Sweep: {summary['design']['design']}, {summary['n_done']} runs")
    for c in ("outcome", "p5", "median", "p95"):
        table.add_column(c, justify="left" if c == "outcome" else "right")
    for name, e in list(summary["outcomes"].items())[:12]:
        p = e["percentiles"]
        table.add_row(name, *(f"{p[k]:.4g}" if p[k] is not None else "–" for k in ("p5", "p50", "p95")))
    console.print(table)
    st = summary["status"]
    if st["invalid"] or st["failed"]:
        console.print(
            f"[yellow]{st['invalid']} invalid and {st['failed']} failed samples (see summary.json errors); "
            f"first: {summary['errors'][0]}[/yellow]"
        )
    console.print(
        f"{len(result.computed_chunks)} chunks computed, {len(result.skipped_chunks)} resumed, "
        f"{result.samples_per_s:.2f} samples/s; outputs in [bold]{result.out_dir}[/bold] "
        "(parts/, summary.json, percentiles.csv, sweep_report.html)"
    )
