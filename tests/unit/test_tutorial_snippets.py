"""Tutorial pages show the code between ``# [step-N]`` markers of tests/tutorials/: it must run when pasted.

A snippet may use only names that it or an earlier step defines (imports included) and Python's builtins:
nothing from the test module's imports or the test's fixtures (``tmp_path``), which a reader does not have.
"""

from __future__ import annotations

import ast
import builtins
import re
import textwrap
from pathlib import Path

import pytest

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / "tutorials").glob("test_tutorial_*.py"))
STEP = re.compile(r"^\s*# \[(step-\d+)\]\n(.*?)^\s*# \[end-\1\]", re.S | re.M)


def _defined(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def undefined_names(steps: list[str]) -> dict[str, set[str]]:
    """Names each step loads that neither it, an earlier step, nor the builtins define.

    >>> undefined_names(["import numpy as np\\nx = np.ones(2)", "y = x + tmp_path"])
    {'step 2': {'tmp_path'}}
    """
    known = set(dir(builtins))
    missing: dict[str, set[str]] = {}
    for k, code in enumerate(steps, 1):
        tree = ast.parse(textwrap.dedent(code))
        known |= _defined(tree)
        loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if loads - known:
            missing[f"step {k}"] = loads - known
    return missing


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_steps_are_self_contained(path):
    steps = [m.group(2) for m in STEP.finditer(path.read_text(encoding="utf-8"))]
    assert steps, f"{path.name}: no # [step-N] blocks"
    assert not undefined_names(steps), f"{path.name}: names a pasted step would not have"
    for code in steps:
        assert "tmp_path" not in code and "monkeypatch" not in code
