"""The numba distance transform and the axis-aligned ellipsoid path reproduce the numbers of the old paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import distance_transform_edt

from brainrit.errors import InputError
from brainrit.phantoms.geometry import distance_to_mask_mm, ellipsoid_mask, signed_distance_mm

_SPACINGS = st.sampled_from([1.0, 0.1, 0.3, 0.7, 1.3, 2.5])


@st.composite
def _masks(draw):
    shape = tuple(draw(st.integers(1, 12)) for _ in range(3))
    density = draw(st.sampled_from([0.002, 0.03, 0.3, 0.9]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = rng.random(shape) < density
    m.flat[rng.integers(m.size)] = True  # at least one feature voxel
    return m


@settings(max_examples=150, deadline=None)
@given(_masks(), st.tuples(_SPACINGS, _SPACINGS, _SPACINGS))
def test_distance_equals_scipy_bit_for_bit(mask, vox):
    assert np.array_equal(distance_to_mask_mm(mask, vox), distance_transform_edt(~mask, sampling=vox))


def test_distance_on_a_head_sized_ball_equals_scipy():
    # a 1 mm ball of radius 20 in a padded grid: the thresholds the WBRT head and the micrometastasis
    # placement apply (<= 10 mm + 1e-9, > 1.65 mm) select the same voxels
    x = np.arange(-32, 33, dtype=float)
    ball = (x[:, None, None] ** 2 + x[None, :, None] ** 2 + (0.8 * x[None, None, :]) ** 2) <= 400.0
    ours = distance_to_mask_mm(ball, (1.0, 1.0, 1.25))
    ref = distance_transform_edt(~ball, sampling=(1.0, 1.0, 1.25))
    assert np.array_equal(ours, ref)
    assert np.array_equal(ours <= 10.0 + 1e-9, ref <= 10.0 + 1e-9)


def test_distance_rejects_empty_and_non_boolean_masks():
    with pytest.raises(InputError, match="mask"):
        distance_to_mask_mm(np.zeros((3, 3, 3), bool), 1.0)
    with pytest.raises(InputError, match="mask"):
        distance_to_mask_mm(np.ones((3, 3, 3)), 1.0)
    with pytest.raises(InputError, match="voxel_mm"):
        distance_to_mask_mm(np.ones((3, 3, 3), bool), -1.0)


@settings(max_examples=60, deadline=None)
@given(_masks(), st.tuples(_SPACINGS, _SPACINGS, _SPACINGS))
def test_signed_distance_equals_the_scipy_formula(mask, vox):
    vox_arr = np.asarray(vox)
    inside = distance_transform_edt(mask, sampling=vox_arr)
    outside = distance_transform_edt(~mask, sampling=vox_arr)
    half = 0.5 * float(vox_arr.min())
    ref = np.where(mask, -(inside - half), outside - half)
    assert np.array_equal(signed_distance_mm(mask, vox), ref)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(*(st.floats(-8.0, 8.0) for _ in range(3))),
    st.tuples(*(st.floats(0.5, 15.0) for _ in range(3))),
    st.tuples(_SPACINGS, _SPACINGS, _SPACINGS),
)
def test_axis_aligned_ellipsoid_equals_the_rotated_path(centre, semi, vox):
    grid = ((17, 19, 15), vox, tuple(-8.0 * v for v in vox))
    fast = ellipsoid_mask(*grid, centre_mm=centre, semi_axes_mm=semi)
    general = ellipsoid_mask(*grid, centre_mm=centre, semi_axes_mm=semi, rotation=np.eye(3))
    assert np.array_equal(fast, general)
