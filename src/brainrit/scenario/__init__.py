"""Scenario files: the TOML schema (pydantic v2), the loader with located errors, built-in scenarios."""

from brainrit.scenario.builtin import builtin_names, builtin_scenario, builtin_text
from brainrit.scenario.loader import load, loads
from brainrit.scenario.schema import SCHEMA_VERSION, Scenario

__all__ = ["SCHEMA_VERSION", "Scenario", "builtin_names", "builtin_scenario", "builtin_text", "load", "loads"]
