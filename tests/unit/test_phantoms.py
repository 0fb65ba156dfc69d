"""Unit tests for brainrit.phantoms: anatomy volumes, lesions, micrometastases, errors."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.errors import InputError
from brainrit.phantoms import (
    Lesion,
    Phantom,
    add_lesions,
    human_brain,
    metastasis,
    micrometastases,
    mouse_brain,
)


@pytest.fixture(scope="module")
def human2() -> Phantom:
    return human_brain(voxel_mm=2.0)


@pytest.fixture(scope="module")
def human1() -> Phantom:
    return human_brain()


def test_human_default_grid_and_volumes(human1: Phantom) -> None:
    p = human1
    assert p.voxel_mm == (1.0, 1.0, 1.0)
    assert p.shape == (159, 193, 151)  # ≈ 160 × 190 × 150 (2-core budget)
    assert 1200.0 <= p.volume_cm3("brain") <= 1400.0
    for side in ("hippocampus_left", "hippocampus_right"):
        assert 3.0 <= p.volume_cm3(side) <= 4.0
    assert p.volume_cm3("hippocampi") == pytest.approx(2 * p.volume_cm3("hippocampus_left"))
    assert 15.0 <= p.volume_cm3("brainstem") <= 30.0
    for name in ("hippocampi", "brainstem"):
        assert not np.any(p.masks[name] & ~p.masks["brain"])
    assert not np.any(p.masks["hippocampi"] & p.masks["brainstem"])


def test_human_hippocampal_positions(human1: Phantom) -> None:
    """LPS: left hippocampus at +x, both inferior (z < 0) to the brain centre, mirror images."""
    p = human1
    org, vox = np.asarray(p.origin_mm), np.asarray(p.voxel_mm)
    cl = org + vox * np.argwhere(p.masks["hippocampus_left"]).mean(axis=0)
    cr = org + vox * np.argwhere(p.masks["hippocampus_right"]).mean(axis=0)
    assert cl[0] == pytest.approx(26.0, abs=0.6) and cr[0] == pytest.approx(-26.0, abs=0.6)
    assert cl[1:] == pytest.approx(cr[1:], abs=1e-9)
    assert cl[2] < -20.0


def test_voxel_size_configurable(human1: Phantom, human2: Phantom) -> None:
    assert human2.voxel_mm == (2.0, 2.0, 2.0)
    assert human2.volume_cm3("brain") == pytest.approx(human1.volume_cm3("brain"), rel=0.01)
    assert human2.volume_cm3("hippocampi") == pytest.approx(human1.volume_cm3("hippocampi"), rel=0.08)


def test_mouse_default() -> None:
    m = mouse_brain()
    assert m.species == "mouse" and m.voxel_mm == (0.1, 0.1, 0.1)
    assert 0.4 <= m.volume_cm3("brain") <= 0.5
    assert m.volume_cm3("hippocampi") > 0
    assert not np.any(m.masks["brainstem"] & ~m.masks["brain"])


def test_phantom_frozen_and_masks_read_only(human2: Phantom) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        human2.species = "rat"  # type: ignore[misc]
    with pytest.raises(ValueError):
        human2.masks["brain"][0, 0, 0] = True
    with pytest.raises(TypeError):
        human2.masks["new"] = np.zeros(human2.shape, bool)  # type: ignore[index]


def test_lesions_added_with_masks_and_visibility(human1: Phantom) -> None:
    p = add_lesions(
        human1, [metastasis("m15", (30.0, -30.0, 20.0), 15.0), metastasis("tiny", (-30, -20, 30), 1.0)]
    )
    assert [les.name for les in p.lesions] == ["m15", "tiny"]
    big, tiny = p.lesion("m15"), p.lesion("tiny")
    assert big.visible and not tiny.visible  # human Gd-MRI threshold 2 mm
    assert p.volume_cm3("lesion_m15") == pytest.approx(big.volume_cm3, rel=0.03)
    assert p.visible_lesions == (big,)
    assert p.lesions_mask.sum() == p.masks["lesion_m15"].sum() + p.masks["lesion_tiny"].sum()
    assert human1.lesions == ()  # original untouched
    assert metastasis("x", (0, 0, 0), 0.5, species="mouse").visible
    assert not metastasis("x", (0, 0, 0), 0.2, species="mouse").visible
    assert not metastasis("x", (0, 0, 0), 5.0, visible=False).visible


def test_lesion_outside_brain_raises(human2: Phantom) -> None:
    with pytest.raises(InputError, match="inside the brain"):
        add_lesions(human2, [metastasis("out", (100.0, 0.0, 0.0), 5.0)])
    # centre inside but the sphere crosses the brain surface
    with pytest.raises(InputError, match=r"lesion edge: centre_mm.*inside the brain"):
        add_lesions(human2, [metastasis("edge", (62.0, 0.0, 0.0), 16.0)])
    # far outside the grid
    with pytest.raises(InputError, match="inside the brain"):
        add_lesions(human2, [metastasis("far", (1e4, 0.0, 0.0), 1.0)])


def test_overlapping_structures_raise(human2: Phantom) -> None:
    a = metastasis("a", (30.0, -30.0, 20.0), 10.0)
    b = metastasis("b", (36.0, -30.0, 20.0), 10.0)
    with pytest.raises(InputError, match=r"lesions a and b.*non-overlapping"):
        add_lesions(human2, [a, b])
    with pytest.raises(InputError, match="overlap with hippocampus_left"):
        add_lesions(human2, [metastasis("h", (26.0, 5.0, -28.0), 4.0)])
    with pytest.raises(InputError, match="brainstem"):
        add_lesions(human2, [metastasis("s", (0.0, 10.0, -45.0), 4.0)])
    with pytest.raises(InputError, match="unique lesion names"):
        add_lesions(human2, [a, metastasis("a", (-30.0, 30.0, 20.0), 5.0)])
    with pytest.raises(InputError, match="Lesion objects"):
        add_lesions(human2, [("a", (0, 0, 0), 3.0)])  # type: ignore[list-item]


def test_lesion_value_errors() -> None:
    with pytest.raises(InputError, match="diameter_mm"):
        Lesion("x", np.zeros(3), -1.0)
    with pytest.raises(InputError, match="centre_mm"):
        Lesion("x", np.zeros(2), 1.0)
    with pytest.raises(InputError, match="name"):
        Lesion("", np.zeros(3), 1.0)
    with pytest.raises(InputError, match="voxel_mm"):
        human_brain(voxel_mm=0.0)
    with pytest.raises(InputError, match="4e7 voxels"):
        human_brain(voxel_mm=0.2)
    with pytest.raises(InputError, match="species"):
        metastasis("x", (0, 0, 0), 1.0, species="rat")


def test_micrometastases_reproducible_and_valid(human2: Phantom) -> None:
    p = add_lesions(human2, [metastasis("m", (30.0, -30.0, 20.0), 15.0)])
    a = micrometastases(p, 20, 0.3, seed=7)
    b = micrometastases(p, 20, 0.3, seed=7)
    c = micrometastases(p, 20, 0.3, seed=8)
    assert [x.centre_mm.tolist() for x in a] == [x.centre_mm.tolist() for x in b]
    assert [x.centre_mm.tolist() for x in a] != [x.centre_mm.tolist() for x in c]
    assert all(not x.visible and x.diameter_mm == 0.3 for x in a)
    q = add_lesions(p, a)  # validates: inside the brain, no overlaps
    assert len(q.lesions) == 21
    assert micrometastases(p, 0, 0.3, seed=1) == ()
    seen = micrometastases(p, 2, 6.0, seed=3, prefix="auto", visible=True)
    assert [x.name for x in seen] == ["auto1", "auto2"] and all(x.visible for x in seen)
    add_lesions(p, seen)
    with pytest.raises(InputError, match="n"):
        micrometastases(p, -1, 0.3, seed=1)
    with pytest.raises(InputError, match="fits in the brain"):
        micrometastases(p, 3, 500.0, seed=1)


@given(
    x=st.floats(-40, 40),
    y=st.floats(-50, 50),
    z=st.floats(0, 30),
    d=st.floats(0.1, 12.0),
)
def test_property_accepted_lesions_lie_in_brain(x: float, y: float, z: float, d: float) -> None:
    base = _coarse()
    try:
        p = add_lesions(base, [metastasis("L", (x, y, z), d)])
    except InputError:
        return
    m = p.masks.get("lesion_L")  # no mask when no voxel centre lies in the sphere
    if m is None:
        assert d < 3.0 * math.sqrt(3.0)
        return
    assert not np.any(m & ~p.masks["brain"])
    assert not np.any(m & p.masks["hippocampi"])


_COARSE: list[Phantom] = []


def _coarse() -> Phantom:
    if not _COARSE:
        _COARSE.append(human_brain(voxel_mm=3.0))
    return _COARSE[0]


def test_many_micrometastases_are_cheap(human2: Phantom) -> None:
    """Sub-voxel micrometastases carry no full-grid mask; thousands fit without memory blow-up."""
    micro = micrometastases(human2, 2000, 0.2, seed=5, clearance_mm=0.2)
    p = add_lesions(human2, micro)
    assert len(p.lesions) == 2000
    assert sum(k.startswith("lesion_") for k in p.masks) < 50  # only the few that hold a voxel centre
