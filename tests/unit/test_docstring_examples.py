"""Every public function and class (``__all__`` of every brainrit module) has a docstring example (``>>>``).

Examples run as doctests in ``make test`` (pytest ``--doctest-modules``). Objects that had no example when
this check was introduced are listed in ``docstring_allowlist.txt`` beside this file, so the test fails only
for new ones; remove a line once its object has an example.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import brainrit

ALLOWLIST = Path(__file__).with_name("docstring_allowlist.txt")


def public_callables() -> dict[str, object]:
    """``module.qualname`` → object for every function or class named in a brainrit ``__all__``."""
    found: dict[str, object] = {}
    names = ["brainrit"] + [
        m.name
        for m in pkgutil.walk_packages(brainrit.__path__, "brainrit.")
        if not any(part.startswith("_") for part in m.name.split("."))
    ]
    for modname in names:
        mod = importlib.import_module(modname)
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            home = getattr(obj, "__module__", "") or ""
            if not home.startswith("brainrit"):
                continue
            found[f"{home}.{obj.__qualname__}"] = obj
    return found


def has_example(obj: object) -> bool:
    """Whether the object's own docstring holds a ``>>>`` example."""
    doc = obj.__doc__ if inspect.isclass(obj) else inspect.getdoc(obj)
    return ">>>" in (doc or "")


def allowlisted() -> set[str]:
    lines = ALLOWLIST.read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")}


def test_public_callables_have_examples():
    missing = sorted(name for name, obj in public_callables().items() if not has_example(obj))
    new = [name for name in missing if name not in allowlisted()]
    assert not new, (
        "public functions/classes without a docstring example (add an Examples section with >>> lines):\n  "
        + "\n  ".join(new)
    )


def test_walk_finds_the_public_api():
    objs = public_callables()
    assert "brainrit.validation.core.summary_line" in objs
    assert has_example(objs["brainrit.validation.core.summary_line"])
    assert all(name.startswith("brainrit.") for name in objs)


def test_allowlist_has_no_stale_entries():
    """An allow-listed object that gained an example (or was renamed/removed) must leave the list."""
    objs = public_callables()
    stale = sorted(n for n in allowlisted() if n not in objs or has_example(objs[n]))
    assert not stale, "remove from docstring_allowlist.txt:\n  " + "\n  ".join(stale)
