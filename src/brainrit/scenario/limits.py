"""Resource limits of a scenario, computed from its fields before anything is allocated.

Some requests are valid field by field but too large together: every lesion at least one voxel wide
gets a full-grid mask in the phantom (voxels × lesions bytes), and the therapeutic-window Monte Carlo
draws about ``n_patients × expected_lesions`` lesions. :func:`resource_problems` says what such a
request would cost, so that ``brainrit run`` refuses it when the file is read instead of running out
of memory minutes later.

The phantom grid sizes are those of :func:`brainrit.phantoms.human_brain` and
:func:`brainrit.phantoms.mouse_brain` at their default voxel sizes (a test checks they still agree).

Examples
--------
>>> from brainrit.scenario.schema import Scenario
>>> s = Scenario.model_validate({"study": {"name": "x", "species": "human"},
...     "administration": {"activity_MBq": 1000.0},
...     "lesions": [{"name": "m", "diameter_mm": 3.0, "count": 600}]})
>>> for loc, msg in resource_problems(s):
...     print(msg)  # doctest: +NORMALIZE_WHITESPACE
lesions: 600 lesions of diameter >= 1 mm (the human phantom's voxel) each need a mask of
4,633,737 voxels: would need 2.8 GB (limit 2.1 GB); use fewer lesions or a smaller diameter
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from brainrit.scenario.schema import Scenario

__all__ = ["MAX_MASK_BYTES", "MAX_WINDOW_LESIONS", "PHANTOM_GRID", "resource_problems"]

#: Voxel count and voxel size (mm) of the default phantom of each species.
PHANTOM_GRID: Mapping[str, tuple[int, float]] = MappingProxyType(
    {"human": (159 * 193 * 151, 1.0), "mouse": (111 * 165 * 75, 0.1)}
)
#: Memory allowed for lesion masks (one byte per voxel per lesion), bytes.
MAX_MASK_BYTES = 2 * 1024**3
#: Largest expected number of lesions drawn by the therapeutic-window Monte Carlo
#: (``n_patients × expected_lesions``): about 1.7 GB at the measured cost below.
MAX_WINDOW_LESIONS = 500_000
#: Peak memory per simulated lesion of the window stage, bytes (measured: 4000 patients × 100
#: lesions raised the peak resident memory of a mouse run by 1.33 GB).
WINDOW_BYTES_PER_LESION = 3300


def resource_problems(scenario: Scenario) -> list[tuple[list[Any], str]]:
    """Requests of ``scenario`` that exceed a resource limit: ``(location, message)`` pairs.

    The location is a path into the scenario (``["lesions", 0, "count"]``) for the line number.

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> resource_problems(builtin_scenario("human-early-bm"))
    []
    """
    problems: list[tuple[list[Any], str]] = []
    species = scenario.study.species
    voxels, voxel_mm = PHANTOM_GRID[species]
    masked = [(i, x) for i, x in enumerate(scenario.lesions) if x.diameter_mm >= voxel_mm]
    n_masked = sum(x.count for _, x in masked)
    need = n_masked * voxels
    if need > MAX_MASK_BYTES:
        loc: list[Any] = ["lesions", masked[0][0], "count"] if masked else ["lesions"]
        problems.append(
            (
                loc,
                f"lesions: {n_masked} lesions of diameter >= {voxel_mm:g} mm (the {species} phantom's "
                f"voxel) each need a mask of {voxels:,} voxels: would need {need / 1e9:.1f} GB "
                f"(limit {MAX_MASK_BYTES / 1e9:.1f} GB); use fewer lesions or a smaller diameter",
            )
        )
    ds = scenario.disease
    expected = (
        ds.expected_lesions if ds.expected_lesions is not None else sum(x.count for x in scenario.lesions)
    )
    drawn = ds.n_patients * expected
    if drawn > MAX_WINDOW_LESIONS:
        problems.append(
            (
                ["disease", "n_patients"],
                f"disease: n_patients x expected_lesions = {ds.n_patients} x {expected:g} = {drawn:.3g} "
                f"lesions to simulate: would need about {drawn * WINDOW_BYTES_PER_LESION / 1e9:.1f} GB; "
                f"must be <= {MAX_WINDOW_LESIONS:,} lesions (lower n_patients)",
            )
        )
    return problems
