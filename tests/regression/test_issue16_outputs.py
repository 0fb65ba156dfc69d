"""Regression tests of issue 16, findings 1, 7 (output side), 8 and 10: what `brainrit run` writes.

Each test failed on the code before the fix (checked against main's sources once).
"""

from __future__ import annotations

import csv
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from brainrit.cli import main
from brainrit.scenario import builtin_text

MOUSE = builtin_text("mouse-vcam1-pb212")
INJECTION = "=cmd|' /C calc'!A0"
MATHTEXT = "$\\\\foo{$"  # TOML escape: the arm is called  $\foo{$


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _scenario(tmp_path: Path) -> Path:
    text = MOUSE.replace('name = "212Pb-anti-VCAM-1"', f'name = "{INJECTION}"', 1)
    text = text.replace('name = "mouse WBRT 3 x 5 Gy"', f'name = "{MATHTEXT}"', 1)
    assert INJECTION in text and "foo{" in text
    src = tmp_path / "s.toml"
    src.write_text(text, encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One run with hostile arm names, into a folder with stale temporaries of a killed run."""
    base = tmp_path_factory.mktemp("hostile")
    src = _scenario(base)
    pid = _dead_pid()
    marker = {"kind": "brainrit output folder", "host": socket.gethostname(), "pid": pid}
    stale = base / f".out.tmp-{pid}-0123abcd"
    stale.mkdir()
    (stale / ".brainrit-output").write_text(json.dumps({**marker, "state": "staging", "files": []}))
    (stale / "results.json").write_text("{half-written")
    old = base / f".out.old-{pid}"
    old.mkdir()
    (old / ".brainrit-output").write_text(json.dumps({**marker, "state": "complete", "files": ["a.csv"]}))
    (old / "a.csv").write_text("1")
    rc = main(["run", str(src), "--out", str(base / "out"), "-q"])
    return rc, base


def test_finding_1_force_never_deletes_a_users_folder(tmp_path, monkeypatch, capsys):
    src = tmp_path / "s.toml"
    src.write_text(MOUSE, encoding="utf-8")
    proj = tmp_path / "project"
    (proj / "data").mkdir(parents=True)
    (proj / "thesis.tex").write_text("\\chapter{1}")
    (proj / "data" / "raw.csv").write_text("1,2")
    home = tmp_path / "home"
    home.mkdir()
    (home / "keep").write_text("x")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(proj)
    for out in (str(proj), ".", "..", "~"):
        assert main(["run", str(src), "--out", out, "--force", "-q"]) == 2, out
        err = capsys.readouterr().err
        assert err.startswith("error: out:") and "\n" not in err.strip()
    assert (proj / "thesis.tex").read_text() == "\\chapter{1}"
    assert (proj / "data" / "raw.csv").read_text() == "1,2"
    assert (home / "keep").exists()


def test_finding_7_dollar_names_and_bad_out_paths(hostile_run, tmp_path, capsys):
    rc, _ = hostile_run
    assert rc == 0  # a `$\foo{$` arm name used to crash matplotlib's mathtext parser
    src = tmp_path / "s.toml"
    src.write_text(MOUSE, encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for out in ("dangling", "x" * 300):
        assert main(["run", str(src), "--out", str(tmp_path / out), "-q"]) == 2
        assert capsys.readouterr().err.startswith("error: out:")


def test_finding_8_summary_csv_neutralises_formulas(hostile_run):
    rc, base = hostile_run
    assert rc == 0
    with (base / "out" / "summary.csv").open(encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'" + INJECTION in cells
    assert not [c for c in cells if c.startswith(("=", "@", "\t", "\r"))]


def test_finding_10_stale_temporaries_cleaned_by_next_run(hostile_run):
    rc, base = hostile_run
    assert rc == 0
    assert sorted(p.name for p in base.iterdir()) == ["out", "s.toml"]


def test_log_axis_tick_labels_still_render_as_math():
    """Literal user text must not turn the 10⁵ tick labels of log axes into raw `$\\mathdefault{...}$`."""
    from brainrit.report.figures import new_figure, to_png

    fig, ax = new_figure()
    ax.set_yscale("log")
    ax.plot([1, 2], [10, 1e5], label="arm $\\foo{$")
    ax.legend()
    png = to_png(fig)  # draws the figure: the tick labels exist from here on
    ticks = [t for t in ax.get_yticklabels() if "mathdefault" in t.get_text()]
    assert ticks and all(t.get_parse_math() for t in ticks)
    assert not ax.get_legend().get_texts()[0].get_parse_math()
    assert png[:4] == b"\x89PNG"
