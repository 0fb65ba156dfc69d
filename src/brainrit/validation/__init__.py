"""Validation of brainrit against published references and exact identities.

``brainrit validate`` runs every case of ``tests/validation/`` (source checkout) with pytest and writes a
report (HTML, Markdown, JSON) that lists, per module, each case's quantity, reference value with its
citation, brainrit's value, the difference and the tolerance. :func:`summary_line` gives the validation
status of the code now running (the report kept for its :func:`code_fingerprint`, or "not validated for
this version of the code") without running anything.

Examples
--------
>>> from brainrit.validation import summary_line
>>> isinstance(summary_line(), str)
True
"""

from __future__ import annotations

from brainrit.validation.core import (
    Case,
    ValidationReport,
    code_fingerprint,
    find_tests_dir,
    latest_report_path,
    load_report,
    module_of,
    run_validation,
    summary_line,
)
from brainrit.validation.render import render_html, render_markdown, write_report

__all__ = [
    "Case",
    "ValidationReport",
    "code_fingerprint",
    "find_tests_dir",
    "latest_report_path",
    "load_report",
    "module_of",
    "render_html",
    "render_markdown",
    "run_validation",
    "summary_line",
    "write_report",
]
