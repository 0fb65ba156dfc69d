"""brainrit.fileio: atomic writes, output folders --force may replace, stale cleanup, CSV cells."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.errors import BrainritError, OutputError
from brainrit.fileio import (
    MARKER_NAME,
    atomic_write,
    atomic_write_bytes,
    atomic_write_text,
    check_output_folder,
    cleanup_stale,
    csv_safe_cell,
    make_staging_folder,
    publish_output_folder,
)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _publish(base, name, files, *, force=False):
    tmp = make_staging_folder(base / name)
    for f, text in files.items():
        (tmp / f).write_text(text)
    return publish_output_folder(tmp, base / name, force=force)


def test_atomic_write_leaves_no_temp_on_failure(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "old")

    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_keeps_suffixes_for_format_sniffing(tmp_path):
    seen = []
    atomic_write(tmp_path / "dose.nii.gz", lambda tmp: (seen.append(tmp.name), tmp.write_bytes(b"x")))
    assert seen[0].endswith(".nii.gz") and seen[0].startswith(".dose.tmp-")


@pytest.mark.parametrize("bad", ["missing/x.txt", "a" * 300])
def test_atomic_write_errors_are_brainrit_errors(tmp_path, bad):
    with pytest.raises(OutputError):
        atomic_write_bytes(tmp_path / bad, b"x")


def test_force_replaces_only_brainrit_folders(tmp_path):
    out = _publish(tmp_path, "out", {"results.json": "1"})
    assert json.loads((out / MARKER_NAME).read_text())["files"] == ["results.json"]
    out = _publish(tmp_path, "out", {"summary.csv": "2"}, force=True)
    assert sorted(p.name for p in out.iterdir()) == [MARKER_NAME, "summary.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no .tmp / .old left

    (out / "notes.txt").write_text("mine")  # a user's file inside brainrit's folder
    with pytest.raises(OutputError, match=r"did not write.*notes\.txt"):
        _publish(tmp_path, "out", {"summary.csv": "3"}, force=True)
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_force_refuses_project_folder(tmp_path):
    proj = tmp_path / "thesis"
    (proj / "data").mkdir(parents=True)
    (proj / "thesis.tex").write_text("chapter 1")
    with pytest.raises(OutputError, match="not written by brainrit"):
        check_output_folder(proj, force=True)
    # a forged marker does not help while foreign files are there
    (proj / MARKER_NAME).write_text(json.dumps({"kind": "brainrit output folder", "files": ["thesis.tex"]}))
    with pytest.raises(OutputError, match=r"did not write.*data"):
        check_output_folder(proj, force=True)
    assert (proj / "thesis.tex").exists()


@pytest.mark.parametrize("which", [".", "..", "~", "/", "cwd-parent"])
def test_force_refuses_special_folders(tmp_path, monkeypatch, which):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "a"))
    target = {"cwd-parent": str(tmp_path)}.get(which, which)
    with pytest.raises(OutputError):
        check_output_folder(target, force=True)


def test_symlinks_refused(tmp_path):
    real = _publish(tmp_path, "real", {"a.json": "{}"})
    (tmp_path / "link").symlink_to(real)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for name in ("link", "dangling"):
        with pytest.raises(OutputError, match="symbolic link"):
            check_output_folder(tmp_path / name, force=True)
    assert (real / "a.json").exists()


def test_stale_folders_of_dead_runs_are_cleaned(tmp_path):
    pid = _dead_pid()
    host = socket.gethostname()
    stale_tmp = tmp_path / f".out.tmp-{pid}-0123abcd"
    stale_old = tmp_path / f".out.old-{pid}"
    foreign = tmp_path / f".out.tmp-{pid}-deadbeef"  # right pattern, no marker: not ours
    live = tmp_path / f".out.old-{os.getpid()}"  # our own pid: alive
    for d in (stale_tmp, stale_old, foreign, live):
        d.mkdir()
    marker = {"kind": "brainrit output folder", "host": host, "pid": pid}
    (stale_tmp / MARKER_NAME).write_text(json.dumps({**marker, "state": "staging", "files": []}))
    (stale_tmp / "results.json").write_text("{half")
    (stale_old / MARKER_NAME).write_text(json.dumps({**marker, "state": "complete", "files": ["a.csv"]}))
    (stale_old / "a.csv").write_text("x")
    (live / MARKER_NAME).write_text(json.dumps({**marker, "state": "complete", "files": []}))
    (foreign / "keep.txt").write_text("x")
    removed = cleanup_stale(tmp_path / "out")
    assert sorted(p.name for p in removed) == sorted([stale_tmp.name, stale_old.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([foreign.name, live.name])


@given(st.text(max_size=12))
def test_csv_cells_never_start_a_formula(text):
    cell = csv_safe_cell(text)
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(cell)  # only plain numbers may keep a sign
    assert cell.removeprefix("'") == text or cell == text


def test_output_errors_are_brainrit_errors():
    assert issubclass(OutputError, BrainritError)
