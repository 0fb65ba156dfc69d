"""Render the self-contained HTML report (figures embedded as base64 PNG, no external resources).

Examples
--------
>>> from brainrit.report.html import fmt
>>> fmt(0.000123456), fmt(12.3456), fmt("x"), fmt(True)
('1.235e-04', '12.35', 'x', 'yes')
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from typing import Any

from brainrit import __version__
from brainrit.radiobiology import Probability, format_probability

__all__ = ["COLLAPSE_ROWS", "EVIDENCE", "LEAD", "fmt", "render_report", "report_css", "section_order"]


def fmt(value: Any) -> str:
    """Format a table cell: probabilities readably (``< 10⁻⁴``), else 4 significant digits, scientific
    outside [1e-3, 1e5)."""
    if isinstance(value, Probability):
        return format_probability(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value == 0:
            return "0"
        if 1e-3 <= abs(value) < 1e5:
            return f"{value:.4g}"
        return f"{value:.3e}"
    return "" if value is None else str(value)


#: Report order, as a physicist reads it: the answer first, then the evidence, then the set-up.
#: Keys of stages; a stage not listed here goes to the end of the evidence.
LEAD = ("comparison",)
EVIDENCE = (
    "radionuclide",
    "kinetics",
    "dosimetry",
    "microdosimetry",
    "rit_outcomes",
    "ebrt",
    "rit_dose_map",
    "window",
)
#: Tables longer than this are collapsed (<details>) so that they do not push the results down.
COLLAPSE_ROWS = 10


def report_css() -> str:
    """The style sheet of the run report (also used by the sweep report, so that both look alike).

    Examples
    --------
    >>> "section" in report_css()
    True
    """
    from importlib.resources import files

    return files("brainrit.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def section_order(keys: Any) -> tuple[list[str], list[str]]:
    """Stage keys split into (lead, evidence) in report order.

    Examples
    --------
    >>> section_order(["radionuclide", "window", "comparison", "extra"])
    (['comparison'], ['radionuclide', 'window', 'extra'])
    """
    keys = list(keys)
    lead = [k for k in LEAD if k in keys]
    evidence = [k for k in EVIDENCE if k in keys] + [k for k in keys if k not in LEAD and k not in EVIDENCE]
    return lead, evidence


def _table(t: Any) -> dict[str, Any]:
    from brainrit.report.labels import cell_text

    return {
        "title": t.title,
        "caption": getattr(t, "caption", ""),
        "columns": t.columns,
        "rows": [[cell_text(c, v) for c, v in zip(t.columns, r, strict=True)] for r in t.rows],
        "collapsed": len(t.rows) > COLLAPSE_ROWS,
    }


def _scenario_rows(st: Any, scenario: Any) -> tuple[Any, ...]:
    """The stage's tables; the window's policy table keeps only policies the scenario's arms deliver."""
    if st.key != "window":
        return tuple(st.tables)
    from dataclasses import replace

    from brainrit.report.figures_window import scenario_policies

    out = []
    for t in st.tables:
        if t.columns and t.columns[0] == "policy":
            keep = set(scenario_policies([r[0] for r in t.rows], scenario))
            t = replace(t, rows=tuple(r for r in t.rows if r[0] in keep))
        out.append(t)
    return tuple(out)


def _section(st: Any, scenario: Any, drawn: Mapping[str, tuple[Any, ...]]) -> dict[str, Any]:
    from brainrit.report.figures import stage_figures

    figures = drawn[st.key] if st.key in drawn else stage_figures(st, scenario)
    return {
        "key": st.key,
        "title": st.title,
        "status": st.status,
        "message": st.message,
        "elapsed_s": st.elapsed_s,
        "notes": st.notes,
        "tables": [_table(t) for t in _scenario_rows(st, scenario)],
        "figures": [
            {
                "key": f.key,
                "title": f.title,
                "caption": f.caption,
                "b64": base64.b64encode(f.png).decode("ascii"),
            }
            for f in figures
        ],
    }


def render_report(result: Any, *, figures: Mapping[str, tuple[Any, ...]] | None = None) -> str:
    """HTML text of the report for a :class:`~brainrit.pipeline.runner.PipelineResult`.

    ``figures`` gives stage figures already drawn (``{stage key: tuple of Figure}``, from
    :class:`brainrit.report.figure_workers.FigureWorkers`); the stages it lacks are drawn here.

    Order: key results and the comparison of arms first, then the evidence (radionuclide, kinetics,
    dosimetry, micro-dosimetry, outcomes, external-beam arms, dose maps, therapeutic window), then the
    scenario, the validation status and the provenance. Tables show human labels and units
    (:mod:`brainrit.report.labels`); long ones are collapsed.
    """
    import jinja2

    from brainrit.pipeline.core import to_jsonable
    from brainrit.report.outputs import provenance_dict

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("brainrit.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["fmt"] = fmt
    lead_keys, evidence_keys = section_order(result.stages)
    drawn = figures or {}
    lead = [_section(result.stages[k], result.scenario, drawn) for k in lead_keys]
    evidence = [_section(result.stages[k], result.scenario, drawn) for k in evidence_keys]
    from brainrit.report.key_results import COLUMNS as KEY_COLUMNS
    from brainrit.report.key_results import key_results

    key = key_results(result)
    sc = result.scenario
    template = env.get_template("report.html.j2")
    return template.render(
        version=__version__,
        scenario=sc,
        seed=result.seed,
        started=result.started_utc,
        activity=sc.injected_activity_MBq,
        n_lesions=sum(x.count for x in sc.lesions),
        n_visible=sum(x.count for x in sc.lesions if x.visible),
        lead=lead,
        evidence=evidence,
        sections=lead + evidence,
        scenario_json=json.dumps(sc.model_dump(mode="json"), indent=2, ensure_ascii=False),
        provenance_json=json.dumps(to_jsonable(provenance_dict(result)), indent=2, ensure_ascii=False),
        validation=_validation_summary(),
        key=key,
        key_columns=KEY_COLUMNS,
        key_figure_b64=base64.b64encode(key.figure.png).decode("ascii") if key.figure is not None else None,
    )


def _validation_summary() -> str:
    from brainrit.validation import summary_line

    return summary_line()
