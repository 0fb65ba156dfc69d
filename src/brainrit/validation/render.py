"""Validation report as Markdown, HTML and JSON, grouped by module.

Examples
--------
>>> from brainrit.validation.core import Case, ValidationReport
>>> r = ValidationReport(cases=(Case("test_x.py::test_a", "radiobiology", "test_a", "passed",
...                                  summary="EQD2 of 30 Gy/10 fx", source="Joiner 2018"),))
>>> print(render_markdown(r).splitlines()[0])
# brainrit validation report
>>> "<table" in render_html(r)
True
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from brainrit.errors import OutputError
from brainrit.fileio import atomic_write_text
from brainrit.validation.core import Case, ValidationReport, latest_report_path

__all__ = ["check_rows", "render_html", "render_markdown", "write_report"]

_MARK = {"passed": "pass", "failed": "FAIL", "error": "ERROR", "skipped": "skipped"}


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if x == 0:
            return "0"
        if 1e-3 <= abs(x) < 1e5:
            return f"{x:.6g}"
        return f"{x:.4e}"
    return str(x)


def _tol(check: dict[str, Any]) -> str:
    t = check.get("tolerance")
    if t is None:
        return "–"
    return f"{_fmt(t)} (rel.)" if check.get("relative") else _fmt(t)


def _human(test_name: str) -> str:
    """``test_alpha_lines[Ac-225]`` → ``alpha lines [Ac-225]`` (for cases without a docstring)."""
    base, _, param = test_name.partition("[")
    base = base.removeprefix("test_").replace("_", " ")
    return f"{base} [{param}" if param else base


def check_rows(case: Case) -> list[dict[str, str]]:
    """Rows of the report for one case: one per numeric check, or one describing the case.

    Each row has ``quantity, reference, source, value, difference, tolerance, result`` as text, and
    ``check``: the comparison captured from the test's code (empty for values recorded by name). The
    quantity is what the test's docstring says it checks, or the name given to ``record_validation``;
    never the assertion code.

    Examples
    --------
    >>> from brainrit.validation.core import Case
    >>> c = Case("t.py::a", "radiobiology", "a", "passed", summary="BED of WBRT 30 Gy/10 fx, α/β 10 Gy",
    ...          source="Joiner 2018", tolerance="5e-3", checks=({"quantity": "bed(30, 10, 10)",
    ...          "value": 39.0, "reference": 39.0, "difference": 0.0, "tolerance": 5e-3, "passed": True,
    ...          "origin": "approx"},))
    >>> r = check_rows(c)[0]
    >>> r["quantity"], r["check"], r["value"], r["reference"], r["tolerance"], r["result"]
    ('BED of WBRT 30 Gy/10 fx, α/β 10 Gy', 'bed(30, 10, 10)', '39', '39', '0.005', 'pass')
    """
    rows = []
    captured = [ch for ch in case.checks if "value" in ch]
    described = case.summary or _human(case.name)
    for ch in case.checks:
        if "value" not in ch:  # "more comparisons not listed" marker
            rows.append(
                {
                    "quantity": str(ch.get("quantity", "")),
                    "check": "",
                    "reference": "",
                    "source": "",
                    "value": "",
                    "difference": "",
                    "tolerance": "",
                    "result": "",
                }
            )
            continue
        unit = f" {ch['unit']}" if ch.get("unit") else ""
        passed = ch.get("passed")
        from_code = ch.get("origin") in ("approx", "allclose") or not ch.get("quantity")
        if from_code:
            k = captured.index(ch) + 1 if ch in captured else 1
            quantity = described if len(captured) == 1 else f"{described} (check {k} of {len(captured)})"
        else:
            quantity = str(ch.get("quantity"))
        rows.append(
            {
                "quantity": quantity,
                "check": str(ch.get("quantity") or "") if from_code else "",
                "reference": _fmt(ch.get("reference")) + (unit if ch.get("reference") is not None else ""),
                "source": str(ch.get("source") or case.source),
                "value": _fmt(ch.get("value")) + (unit if ch.get("value") is not None else ""),
                "difference": _fmt(ch.get("difference")),
                "tolerance": _tol(ch) if ch.get("tolerance") is not None else (case.tolerance or "–"),
                "result": "–" if passed is None else ("pass" if passed else "FAIL"),
            }
        )
    if not rows:
        rows.append(
            {
                "quantity": described,
                "check": "",
                "reference": "(in the test)",
                "source": case.source,
                "value": "–",
                "difference": "–",
                "tolerance": case.tolerance or "–",
                "result": _MARK.get(case.outcome, case.outcome),
            }
        )
    return rows


def _md(text: str) -> str:
    text = " ".join(str(text).split())
    for ch in ("\\", "|", "*", "_", "`", "<", ">", "[", "]", "$", "{", "}"):
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(report: ValidationReport, heading_level: int = 1) -> str:
    """Markdown text of the report (one section per module, one table row per check).

    Parameters
    ----------
    report : ValidationReport
    heading_level : int
        Level of the title heading (sections are one level below), so that the text can be included
        in a larger document.

    Examples
    --------
    >>> from brainrit.validation.core import Case, ValidationReport
    >>> r = ValidationReport(cases=(Case("t.py::test_a", "physics", "test_a", "passed"),))
    >>> [ln for ln in render_markdown(r, heading_level=2).splitlines() if ln.startswith("#")]
    ['## brainrit validation report', '### brainrit.physics — 1/1 passed']
    """
    h = "#" * heading_level
    lines = [
        f"{h} brainrit validation report",
        "",
        f"{report.n_passed} of {len(report.cases)} cases passed, {report.n_failed} failed, "
        f"{report.n_skipped} skipped; brainrit {_md(report.brainrit_version)}, {_md(report.created_utc)}, "
        f"{report.elapsed_s:.0f} s; cases from {_md(report.tests_dir)}.",
        "",
        "Each case is a test of `tests/validation/`. The quantity is what the test's docstring says it "
        "checks; numeric rows were captured from the test's comparisons (the comparison itself is in "
        "validation.json and in the HTML report's tooltips); a row with no value is a case whose reference "
        "is checked inside the test (its docstring gives the source and tolerance).",
        "",
    ]
    for module, cases in report.by_module().items():
        n_ok = sum(c.passed for c in cases)
        lines += [f"{h}# brainrit.{_md(module)} — {n_ok}/{len(cases)} passed", ""]
        lines += [
            "| case | quantity | reference | brainrit | difference | tolerance | result | source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in cases:
            for i, r in enumerate(check_rows(c)):
                name = _md(c.nodeid.split("::", 1)[-1]) if i == 0 else ""
                lines.append(
                    f"| {name} | {_md(r['quantity'])} | {_md(r['reference'])} | {_md(r['value'])} | "
                    f"{_md(r['difference'])} | {_md(r['tolerance'])} | {_md(r['result'])} | "
                    f"{_md(r['source'])} |"
                )
        failed = [c for c in cases if c.outcome in ("failed", "error")]
        if failed:
            lines.append("")
            for c in failed:
                lines.append(f"- **{_MARK[c.outcome]}** {_md(c.nodeid)}: {_md(c.message)}")
        lines.append("")
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:1400px;color:#222}
table{border-collapse:collapse;width:100%;font-size:.85em;margin-bottom:1.5em}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f0f0f0} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.fail td{background:#fde2e2} code{font-size:.95em} .ok{color:#176f2c} .bad{color:#b00020;font-weight:bold}
"""


def render_html(report: ValidationReport) -> str:
    """Self-contained HTML page of the report (no external resources).

    Examples
    --------
    >>> from brainrit.validation.core import Case, ValidationReport
    >>> page = render_html(ValidationReport(cases=(Case("t.py::a", "physics", "a", "failed"),)))
    >>> page.startswith("<!DOCTYPE html>"), "0 of 1 cases passed" in page, "http" in page
    (True, True, False)
    """
    e = html.escape
    status = "ok" if report.ok else "bad"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>brainrit validation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>brainrit validation report</h1>",
        f"<p class='{status}'>{report.n_passed} of {len(report.cases)} cases passed, "
        f"{report.n_failed} failed, "
        f"{report.n_skipped} skipped.</p>",
        f"<p>brainrit {e(report.brainrit_version)} · {e(report.created_utc)} · {report.elapsed_s:.0f} s · "
        f"cases from <code>{e(report.tests_dir)}</code></p>",
        "<p>The quantity is what each test's docstring says it checks; numeric rows were captured from the "
        "test's comparisons (hover over a quantity to see the comparison); a row without a value is a case "
        "whose reference is checked inside the test (its docstring gives the source and the "
        "tolerance).</p>",
        "<nav><ul>",
    ]
    groups = report.by_module()
    for module, cases in groups.items():
        n_ok = sum(c.passed for c in cases)
        parts.append(
            f"<li><a href='#m-{e(module)}'>brainrit.{e(module)}</a> — {n_ok}/{len(cases)} passed</li>"
        )
    parts.append("</ul></nav>")
    cols = ("case", "quantity", "reference", "brainrit", "difference", "tolerance", "result", "source")
    for module, cases in groups.items():
        parts.append(f"<h2 id='m-{e(module)}'>brainrit.{e(module)}</h2><table><tr>")
        parts += [f"<th>{c}</th>" for c in cols]
        parts.append("</tr>")
        for c in cases:
            rows = check_rows(c)
            bad = c.outcome in ("failed", "error")
            for i, r in enumerate(rows):
                cls = " class='fail'" if bad or r["result"] == "FAIL" else ""
                parts.append(f"<tr{cls}>")
                if i == 0:
                    title = e(c.summary, quote=True)
                    msg = f"<br><small>{e(c.message)}</small>" if bad and c.message else ""
                    parts.append(
                        f"<td rowspan='{len(rows)}' title='{title}'><code>{e(c.nodeid.split('::', 1)[-1])}"
                        f"</code>{msg}</td>"
                    )
                tip = f" title='{e(r['check'], quote=True)}'" if r["check"] else ""
                parts.append(f"<td{tip}>{e(r['quantity'])}</td>")
                for k in ("reference", "value", "difference"):
                    parts.append(f"<td class='num'>{e(r[k])}</td>")
                parts.append(f"<td>{e(r['tolerance'])}</td>")
                res_cls = (
                    "ok" if r["result"] == "pass" else ("bad" if r["result"] in ("FAIL", "ERROR") else "")
                )
                parts.append(f"<td class='{res_cls}'>{e(r['result'])}</td><td>{e(r['source'])}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def write_report(report: ValidationReport, out: str | Path, *, keep_latest: bool = True) -> dict[str, Path]:
    """Write ``validation.json``, ``validation.md`` and ``validation.html`` into ``out``.

    Parameters
    ----------
    report : ValidationReport
    out : str or Path
        Output folder (created if needed; these three files are replaced).
    keep_latest : bool
        Also copy the JSON to :func:`~brainrit.validation.core.latest_report_path` of the report's code
        fingerprint, where :func:`~brainrit.validation.core.summary_line` and the docs build read it (a
        report without a fingerprint is not kept).

    Returns
    -------
    dict
        ``{"json": path, "markdown": path, "html": path}`` (plus ``"latest"`` when kept).

    Raises
    ------
    OutputError
        The folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.validation.core import Case, ValidationReport
    >>> r = ValidationReport(cases=(Case("t.py::a", "physics", "a", "passed"),))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(write_report(r, d, keep_latest=False))
    ['html', 'json', 'markdown']
    """
    out = Path(out).expanduser().absolute()
    text_json = json.dumps(report.to_dict(), indent=1, ensure_ascii=False)
    paths = {
        "json": out / "validation.json",
        "markdown": out / "validation.md",
        "html": out / "validation.html",
    }
    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(paths["json"], text_json)
        atomic_write_text(paths["markdown"], render_markdown(report))
        atomic_write_text(paths["html"], render_html(report))
    except OSError as exc:
        raise OutputError(f"cannot write the validation report to {out}: {exc}") from exc
    if keep_latest and report.code_sha256:
        latest = latest_report_path(report.code_sha256)
        try:
            latest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(latest, text_json)
            paths["latest"] = latest
        except OSError:
            pass  # the report itself is written; only the cached copy is missing
    return paths
