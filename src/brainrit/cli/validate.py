"""``brainrit validate``: run the validation cases and write the validation report."""

from __future__ import annotations

from pathlib import Path

import typer

from brainrit.cli import app


@app.command("validate")
def validate_command(
    out: Path = typer.Option(
        Path("brainrit-validation"), "--out", "-o", help="Folder for validation.html, .md and .json."
    ),
    tests: Path = typer.Option(
        None, "--tests", help="Folder of validation tests (default: tests/validation of the source checkout)."
    ),
    keyword: str = typer.Option(None, "-k", help="Only cases matching this pytest -k expression."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No pytest progress, no table."),
) -> None:
    """Run every case of tests/validation/ and write a report grouped by module.

    For each case the report gives the quantity, the reference value with its citation, brainrit's
    value, the difference and the tolerance. Exit code 1 if any case fails.
    """
    from brainrit.validation import run_validation, write_report

    report = run_validation(tests, keyword=keyword, quiet=quiet)
    paths = write_report(report, out)
    if not quiet:
        _print(report)
    typer.echo(
        f"{report.n_passed} of {len(report.cases)} validation cases passed, {report.n_failed} failed, "
        f"{report.n_skipped} skipped; report: {paths['html']} (also .md, .json)"
    )
    if not report.ok:
        # SystemExit, not typer.Exit: brainrit.cli.main runs click with standalone_mode=False, which turns
        # typer.Exit into a return value that main() does not pass on.
        raise SystemExit(1)


def _print(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from brainrit.validation.render import check_rows

    console = Console()
    for module, cases in report.by_module().items():
        table = Table(title=f"brainrit.{module}", show_lines=False)
        for c in ("case", "quantity", "reference", "brainrit", "tolerance", "result", "source"):
            table.add_column(c, overflow="fold")
        for case in cases:
            rows = check_rows(case)
            # the terminal view keeps one line per case: the first check (the report files list every one)
            r = rows[0]
            more = f" (+{len(rows) - 1})" if len(rows) > 1 else ""
            table.add_row(
                case.nodeid.split("::", 1)[-1],
                (r["quantity"][:70] + more),
                r["reference"],
                r["value"],
                r["tolerance"][:30],
                "pass" if case.passed else case.outcome.upper(),
                r["source"][:60],
            )
        console.print(table)
