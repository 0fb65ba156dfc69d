"""The import-linter layering contract of pyproject.toml ([tool.importlinter]) holds for the package, and
it fails when a module imports from a layer above its own (run on a copy of the tree with one bad import)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with ``root/pyproject.toml`` and ``root/src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    cmd = [str(LINT_IMPORTS), "--no-cache", "--no-logo"]
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_layering_contract_is_kept():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_layering_contract_fails_on_an_upward_import(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "brainrit",
        tmp_path / "src" / "brainrit",
        ignore=shutil.ignore_patterns("data", "__pycache__"),
    )
    probe = tmp_path / "src" / "brainrit" / "physics" / "_layering_probe.py"
    probe.write_text(
        '"""A physics module that imports the pipeline: forbidden."""\n\nfrom brainrit.pipeline import core\n'
    )
    run = _lint(tmp_path)
    assert run.returncode != 0
    assert "brainrit.physics is not allowed to import brainrit.pipeline" in run.stdout
    assert "brainrit.physics._layering_probe -> brainrit.pipeline.core" in run.stdout
