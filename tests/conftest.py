"""Shared pytest configuration."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, settings

# numba compiles on first call: no per-example deadline; keep example counts modest for 2 cores.
settings.register_profile(
    "brainrit", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "brainrit")


# Names of the private briefing notes the project was started from; they do not ship, so nothing may
# cite them.
# Assembled from pieces so that this file does not itself match a search for them.
_FORBIDDEN_CITATION = re.compile(
    "|".join(
        re.escape(s)
        for s in (
            "REFERENCES" + "_",
            "REFERENCES" + ".md",
            "DESIGN" + ".md",
            ".." + "/shared",
            "reference " + "file §",
        )
    )
)


@pytest.fixture
def forbidden_citations():
    """Return a function: lines of a text that cite the unshipped briefing notes (empty list when clean)."""

    def find(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if _FORBIDDEN_CITATION.search(line)]

    return find


#: A mouse with one 1.5 mm lesion and a RIT arm: the smallest scenario that maps RIT dose on a phantom.
MOUSE_MAP_SCENARIO = """
[study]
name = "map"
species = "mouse"
[administration]
activity_MBq = 0.2
[[lesions]]
name = "L"
diameter_mm = 1.5
position_mm = [0.0, 5.0, 1.0]
[[arms]]
name = "RIT"
type = "rit"
"""


@pytest.fixture
def mouse_map_scenario():
    """The validated :data:`MOUSE_MAP_SCENARIO`."""
    from brainrit.scenario import loads

    return loads(MOUSE_MAP_SCENARIO)
