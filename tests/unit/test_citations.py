"""Every citation points at a published source or at docs/references.md, never at the private briefing notes.

The briefing the project was started from (a design note and two reference notes) does not ship; a physicist
who reads a docstring, a data file, a report or provenance.json must be able to look the source up. The
detector is the ``forbidden_citations`` fixture of tests/conftest.py (also used on the run outputs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("src", "tests", "docs", "benchmarks", "README.md", "Makefile", "pyproject.toml")
SUFFIXES = {".py", ".md", ".toml", ".csv", ".json", ".txt", ".rst", ".html", ".j2", ".cfg", ".yaml", ""}


def _files():
    for name in SCANNED:
        p = ROOT / name
        if p.is_file():
            yield p
        elif p.is_dir():
            for f in p.rglob("*"):
                skip = "_build" in f.parts or "__pycache__" in f.parts
                if f.is_file() and f.suffix in SUFFIXES and not skip:
                    yield f


def test_no_citation_of_unshipped_notes(forbidden_citations):
    hits = []
    for f in _files():
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        hits += [f"{f.relative_to(ROOT)}: {line[:120]}" for line in forbidden_citations(text)]
    assert not hits, "cite the published source or docs/references.md instead:\n" + "\n".join(hits)


def test_detector_can_fail(forbidden_citations):
    assert forbidden_citations("see " + "REFERENCES" + "_radiobiology.md §2")
    assert forbidden_citations("data flow as in " + "DESIGN" + ".md")


def test_bibliography_ships_with_keys_and_dois():
    text = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    keys = re.findall(r"^- \*\*\[([A-Za-z0-9-]+)\]\*\*", text, flags=re.M)
    assert len(keys) == len(set(keys)), "duplicate bibliography keys"
    assert {"Webb1993", "ICRP107", "Falzone2018", "CorroyerDulmont2020", "Sgouros2010"} <= set(keys)
    assert text.count("doi:10.") >= 40


@pytest.mark.parametrize("key", ["Webb1993", "Dale1985", "Paddick2006", "NIST-SRD124"])
def test_key_is_anchored_once(key):
    text = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    assert text.count(f"**[{key}]**") == 1
