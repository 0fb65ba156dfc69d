"""Fuzz the scenario loader: any TOML-ish text gives a Scenario or a one-line-per-problem ScenarioError.

Random structures (sections, arrays of tables, NaN/inf, booleans, strings, huge numbers, deep
nesting) are written as TOML and fed to :func:`brainrit.scenario.loader.loads`; random byte edits of
a valid file too. Nothing else may escape: no ValueError, KeyError, RecursionError, TypeError.
"""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainrit.errors import ScenarioError
from brainrit.scenario import builtin_text
from brainrit.scenario.limits import PHANTOM_GRID
from brainrit.scenario.loader import loads
from brainrit.scenario.schema import Scenario

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECTIONS = ("study", "radiopharmaceutical", "administration", "kinetics", "microgeometry",
            "radiobiology", "disease", "outputs", "sweep")  # fmt: skip
FIELDS = sorted(
    {name for cls in Scenario.model_fields for name in (cls,)}
    | {"name", "species", "activity_MBq", "activity_MBq_per_kg", "body_mass_kg", "dose_Gy", "type", "count",
       "diameter_mm", "position_mm", "n_patients", "expected_lesions", "samples", "vary", "seed", "nuclide",
       "rbe_alpha", "parameters", "intercapillary_distance_um", "gradient_index", "n_fractions"}
)  # fmt: skip

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["mouse", "human", "Pb-212", "I-125", "wbrt", "srs", "rit", "uniform(1, 2)", "2.5"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
    max_leaves=12,
)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@st.composite
def documents(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append('[study]\nname = "f"\nspecies = "mouse"\n[administration]\nactivity_MBq = 0.5\n')
    for _ in range(draw(st.integers(0, 4))):
        section = draw(st.sampled_from((*SECTIONS, "lesions", "arms")))
        body = draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=5))
        header = f"[[{section}]]" if section in ("lesions", "arms") else f"[{section}]"
        lines = [f"{json.dumps(k)} = {_toml(v)}" for k, v in body.items()]
        parts.append(header + "\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


def _check(text: str) -> None:
    try:
        loads(text)
    except ScenarioError as exc:
        msg = str(exc)
        assert msg and "Traceback" not in msg
        assert all(len(line) < 600 for line in msg.splitlines())


@FUZZ
@given(documents())
def test_random_documents_give_scenario_or_scenario_error(text):
    # sections may repeat (invalid TOML): that must also be a ScenarioError
    _check(text)


MOUSE = builtin_text("mouse-vcam1-pb212")


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(MOUSE) - 1), st.integers(0, 8), st.text(max_size=6)), max_size=6)
)
def test_edited_builtin_scenario_gives_scenario_or_scenario_error(edits):
    text = MOUSE
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    _check(text)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.sampled_from(["[", "{a = "]))
def test_deep_nesting(depth, opener):
    closer = "]" if opener == "[" else "}"
    _check("x = " + opener * depth + "1" + closer * depth)


def test_phantom_grid_matches_the_phantoms():
    from brainrit.phantoms import human_brain, mouse_brain

    for species, phantom in (("human", human_brain()), ("mouse", mouse_brain())):
        voxels, voxel_mm = PHANTOM_GRID[species]
        assert int(np.prod(phantom.shape)) == voxels
        assert phantom.voxel_mm[0] == voxel_mm
