"""Imports every sub-command module so that each registers itself on the app."""

from __future__ import annotations

from brainrit.cli import compare, nuclide, run, sweep, validate  # noqa: F401  (each registers its commands)
