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
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No pytest progress, no summary table."),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Print every case (quantity, reference, value, tolerance, source)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the counts, failures, code fingerprint and report paths as JSON."
    ),
) -> None:
    """Run every case of tests/validation/ and write a report grouped by module.

    For each case the report gives the quantity, the reference value with its citation, brainrit's
    value, the difference and the tolerance. The terminal shows one line per module and the failures
    (every case with --verbose). Exit code 1 if any case fails.
    """
    import json

    from brainrit.validation import run_validation, write_report

    report = run_validation(tests, keyword=keyword, quiet=quiet or as_json)
    paths = write_report(report, out)
    failures = [c for c in report.cases if c.outcome in ("failed", "error")]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "cases": len(report.cases),
                    "passed": report.n_passed,
                    "failed": report.n_failed,
                    "skipped": report.n_skipped,
                    "code_sha256": report.code_sha256,
                    "failures": [{"case": c.nodeid, "message": c.message} for c in failures],
                    "report": {k: str(v) for k, v in paths.items()},
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    else:
        if not quiet:
            _print(report, verbose=verbose)
        typer.echo(
            f"{report.n_passed} of {len(report.cases)} validation cases passed, {report.n_failed} failed, "
            f"{report.n_skipped} skipped; code fingerprint {report.code_sha256[:12]}; "
            f"report: {paths['html']} (also .md, .json)"
        )
    if not report.ok:
        # SystemExit, not typer.Exit: brainrit.cli.main runs click with standalone_mode=False, which turns
        # typer.Exit into a return value that main() does not pass on.
        raise SystemExit(1)


def _print(report, *, verbose: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from brainrit.validation.render import check_rows

    console = Console()
    summary = Table(title="brainrit validation", show_lines=False)
    for c in ("module", "passed", "failed", "skipped"):
        summary.add_column(c, justify="left" if c == "module" else "right")
    for module, cases in report.by_module().items():
        summary.add_row(
            f"brainrit.{module}",
            str(sum(c.passed for c in cases)),
            str(sum(c.outcome in ("failed", "error") for c in cases)),
            str(sum(c.outcome == "skipped" for c in cases)),
        )
    console.print(summary)
    failures = [c for c in report.cases if c.outcome in ("failed", "error")]
    for case in failures:
        r = check_rows(case)[0]
        text = (
            f"{case.nodeid}\n  {r['quantity']}: brainrit {r['value']}, reference {r['reference']} "
            f"({r['source']}), tolerance {r['tolerance']}\n  {case.message[:300]}"
        )
        console.print(f"[bold red]{case.outcome.upper()}[/] {escape(text)}", highlight=False)
    if not verbose:
        return
    for module, cases in report.by_module().items():
        table = Table(title=f"brainrit.{module}", show_lines=False)
        for c in ("quantity", "reference", "brainrit", "difference", "tolerance", "result", "source"):
            table.add_column(c, overflow="fold")
        for case in cases:
            for r in check_rows(case):
                table.add_row(
                    r["quantity"],
                    r["reference"],
                    r["value"],
                    r["difference"],
                    r["tolerance"],
                    r["result"],
                    r["source"],
                )
        console.print(table)
