"""The generated pages of the docs site (docs/_ext/brainrit_docgen.py), without running Sphinx."""

from __future__ import annotations

import importlib.util
import json
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def docgen():
    spec = importlib.util.spec_from_file_location(
        "brainrit_docgen", ROOT / "docs" / "_ext" / "brainrit_docgen.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_scenario_reference_lists_every_field(docgen):
    from pydantic import BaseModel

    from brainrit.scenario.schema import Scenario

    text = docgen.scenario_reference()
    seen: set[type] = set()
    todo: list[type] = [Scenario]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        assert f"## {model.__name__}" in text
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in text
            todo += [m for m in docgen._models_in(field.annotation) if issubclass(m, BaseModel)]
    assert "`activity_MBq`" in text and "Mirzadeh" in text and "**required**" in text
    assert '`"wbrt"`' in text  # literal types are spelled out


def test_cli_reference_has_validate(docgen):
    text = docgen.cli_reference()
    assert "## `brainrit validate`" in text and "`--tests`" in text and "## `brainrit run`" in text


def test_benchmarks_pages(docgen, tmp_path):
    listing = docgen.benchmarks_list(ROOT)
    for f in (ROOT / "benchmarks").glob("test_bench_*.py"):
        assert f"**`{f.name}`**" in listing
    assert "No saved benchmark results" in docgen.benchmarks_results(tmp_path)
    (tmp_path / ".benchmarks").mkdir()
    data = {
        "datetime": "2026-11-27T06:00:00",
        "machine_info": {"python_version": "3.11", "cpu": {"brand_raw": "CPU"}},
        "benchmarks": [
            {
                "fullname": "b.py::test_x",
                "stats": {"mean": 0.5, "min": 0.4, "ops": 2.0},
                "extra_info": {"ratio": 12.5},
            }
        ],
    }
    (tmp_path / ".benchmarks" / "latest.json").write_text(json.dumps(data))
    table = docgen.benchmarks_results(tmp_path)
    assert "`b.py::test_x`" in table and "ratio = 12.5" in table


def test_validation_page(docgen, tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINRIT_CACHE_DIR", str(tmp_path))
    assert "No validation report was found" in docgen.validation_page()
    from brainrit.validation import Case, ValidationReport, code_fingerprint, write_report

    other = ValidationReport(cases=(Case("t.py::a", "physics", "a", "passed"),), code_sha256="0" * 64)
    write_report(other, tmp_path / "r")  # another checkout's report: not this code's
    assert "No validation report was found" in docgen.validation_page()
    this = ValidationReport(
        cases=(Case("t.py::a", "physics", "a", "passed"),), code_sha256=code_fingerprint()
    )
    write_report(this, tmp_path / "r")
    page = docgen.validation_page()
    assert page.startswith("# brainrit validation report") and "## brainrit.physics" in page


def test_rst_problems_detects_bad_docstrings(docgen):
    good = types.ModuleType("good", "Fine.\n\nSection\n-------\nText with ``literal`` and :func:`role`.\n")
    bad = types.ModuleType("bad", "Bad.\n\nA much longer title\n-----\nText.\n")
    assert docgen.rst_problems(good) == []
    assert any("Title underline too short" in p for p in docgen.rst_problems(bad))


def test_public_modules(docgen):
    mods = docgen.public_modules()
    assert "brainrit.validation.core" in mods and "brainrit.validation.plugin" in mods
    assert not [m for m in mods if "._" in m]


def test_tutorial_pages_include_existing_markers():
    """Every literalinclude of a tutorial page points at a file and markers that exist (else Sphinx warns)."""
    import re

    pages = sorted((ROOT / "docs" / "tutorials").glob("*.md"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        blocks = re.findall(r"```\{literalinclude\} (\S+)\n((?::[^\n]*\n)*)", text)
        assert blocks, page
        for rel, opts in blocks:
            src = (page.parent / rel).resolve()
            assert src.is_file(), (page, rel)
            code = src.read_text(encoding="utf-8")
            for marker in re.findall(r':(?:start-after|end-before): "([^"]+)"', opts):
                assert marker in code, (page.name, marker)
