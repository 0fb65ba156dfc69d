"""Imports every sub-command module so that each registers itself on the app."""

from __future__ import annotations

import importlib

# One module per command group; a module that has not landed yet is simply absent.
_MODULES = (
    "brainrit.cli.nuclide",
    "brainrit.cli.run",
    "brainrit.cli.compare",
    "brainrit.cli.sweep",
    "brainrit.cli.validate",
)

for _name in _MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as _exc:
        if _exc.name != _name:
            raise
