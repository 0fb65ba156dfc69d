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
from typing import Any

from brainrit import __version__
from brainrit.radiobiology import Probability, format_probability

__all__ = ["fmt", "render_report"]


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


def render_report(result: Any) -> str:
    """HTML text of the report for a :class:`~brainrit.pipeline.runner.PipelineResult`."""
    import jinja2

    from brainrit.pipeline.core import to_jsonable
    from brainrit.report.figures import stage_figures
    from brainrit.report.outputs import provenance_dict

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("brainrit.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["fmt"] = fmt
    sections = []
    for st in result.stages.values():
        sections.append(
            {
                "key": st.key,
                "title": st.title,
                "status": st.status,
                "message": st.message,
                "elapsed_s": st.elapsed_s,
                "notes": st.notes,
                "tables": st.tables,
                "figures": [
                    {"title": f.title, "caption": f.caption, "b64": base64.b64encode(f.png).decode("ascii")}
                    for f in stage_figures(st, result.scenario)
                ],
            }
        )
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
        sections=sections,
        scenario_json=json.dumps(sc.model_dump(mode="json"), indent=2, ensure_ascii=False),
        provenance_json=json.dumps(to_jsonable(provenance_dict(result)), indent=2, ensure_ascii=False),
        validation=_validation_summary(),
    )


def _validation_summary() -> str:
    from brainrit.validation import summary_line

    return summary_line()
