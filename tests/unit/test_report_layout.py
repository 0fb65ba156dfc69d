"""The report reads top-down as a physicist thinks: the answer first, then the evidence, then the set-up;
tables with human labels and units, long ones collapsed; only the scenario's own policies."""

from __future__ import annotations

import re

import pytest

from brainrit.pipeline import run_scenario
from brainrit.report.html import render_report, section_order
from brainrit.report.labels import cell_text
from brainrit.scenario import builtin_scenario

STAGES = ["radionuclide", "kinetics", "dosimetry", "rit_outcomes", "ebrt", "comparison", "window"]


@pytest.fixture(scope="module")
def html():
    return render_report(run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=STAGES))


def _positions(html, ids):
    return [html.index(f'<section id="{i}"') for i in ids]


def test_answer_first_then_evidence_then_setup(html):
    order = ["key-results", "comparison", "radionuclide", "kinetics", "dosimetry", "rit_outcomes", "ebrt",
             "window", "scenario", "validation", "provenance"]  # fmt: skip
    pos = _positions(html, order)
    assert pos == sorted(pos), dict(zip(order, pos, strict=True))
    assert html.index(">Evidence<") < html.index('<section id="radionuclide"')


def test_section_order_puts_unknown_stages_at_the_end_of_the_evidence():
    lead, evidence = section_order(["window", "comparison", "new_stage", "kinetics"])
    assert lead == ["comparison"] and evidence == ["kinetics", "window", "new_stage"]


def test_tables_use_human_labels_and_units(html):
    cells = re.findall(r"<td>([^<]*)</td>", html)
    for raw in ("alpha_recoil", "beta_minus", "ie", "B-/A", "B-"):
        assert raw not in cells, raw
    assert "α recoil nuclei" in cells and "β⁻ / α" in cells
    assert "per injected MBq (Gy/MBq)" in html and "RBE-weighted per injected MBq (Gy(RBE)/MBq)" in html
    assert "brain 0 cm³" not in html
    assert not re.search(r"day \d\.\d+e\+0\d", html)


def test_long_tables_are_collapsed(html):
    assert re.search(r"<details class=\"table\"><summary>Time-integrated activity[^<]*\(\d+ rows\)", html)


def test_mouse_report_shows_no_srs_policy(html):
    window = html[html.index('<section id="window"') : html.index('<section id="scenario"')]
    rows = re.findall(r"<tr><td>([^<]*)</td>", window)
    assert "RIT" in rows and not any("SRS" in r for r in rows)
    assert "Not plotted (no such arm in the scenario): SRS" in window


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [("day", 1423.7, "1424"), ("TCP all lesions", 1.9e-218, "< 10⁻⁴"), ("NTCP", 0.0, "0"),
     ("P+", 0.99999, "> 0.9999"), ("dose (Gy)", 1.234567, "1.235"), ("x", None, "–")],
)  # fmt: skip
def test_cell_text(column, value, text):
    assert cell_text(column, value) == text
