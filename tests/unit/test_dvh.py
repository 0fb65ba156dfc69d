"""Unit tests for brainrit.dosimetry.voxel.dvh."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.dosimetry.voxel.dvh import DVH, Ellipsoid, Sphere, dvh
from brainrit.errors import InputError


def test_uniform_dose_statistics():
    dose = np.full((5, 6, 7), 3.0)
    h = dvh(dose, np.ones(dose.shape, bool), (1.0, 2.0, 3.0))
    assert isinstance(h, DVH)
    assert h.volume_cm3 == pytest.approx(5 * 6 * 7 * 6.0 / 1000)
    assert h.min_Gy == h.max_Gy == 3.0 and h.mean_Gy == pytest.approx(3.0)
    assert h.D(2) == h.D(98) == 3.0
    assert h.V(3.0) == 1.0 and h.V(3.0001) == 0.0


def test_ramp_dx_vx_definitions():
    # 100 voxels with doses 1..100 Gy: D(x) = min dose to the hottest x %
    dose = np.arange(1.0, 101.0).reshape(100, 1, 1)
    h = dvh(dose, np.ones(dose.shape, bool), 1.0, bin_width_Gy=0.5)
    assert h.D(2) == 99.0
    assert h.D(98) == 3.0
    assert h.D(50) == 51.0
    assert h.D(0) == 100.0 and h.D(100) == 1.0
    assert h.V(51.0) == pytest.approx(0.5)
    assert h.V(0.0) == 1.0
    assert h.mean_Gy == pytest.approx(50.5)


def test_cumulative_curve_and_differential():
    dose = np.array([0.0, 1.0, 1.0, 2.0]).reshape(4, 1, 1)
    h = dvh(dose, np.ones(dose.shape, bool), 1.0, bin_width_Gy=1.0)
    np.testing.assert_allclose(h.dose_Gy, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(h.volume_fraction, [1.0, 0.75, 0.25])
    centres, frac = h.differential()
    np.testing.assert_allclose(centres, [0.5, 1.5, 2.5])
    np.testing.assert_allclose(frac, [0.25, 0.5, 0.25])
    assert frac.sum() == pytest.approx(1.0)


def test_default_bin_width_and_zero_dose():
    h = dvh(np.zeros((2, 2, 2)), np.ones((2, 2, 2), bool), 1.0)
    assert h.max_Gy == 0.0 and h.volume_fraction[0] == 1.0
    h2 = dvh(np.full((2, 2, 2), 10.0), np.ones((2, 2, 2), bool), 1.0)
    assert h2.dose_Gy[1] == pytest.approx(0.01)


def test_fractional_mask_weights():
    dose = np.array([1.0, 3.0]).reshape(2, 1, 1)
    h = dvh(dose, np.array([0.5, 1.0]).reshape(2, 1, 1), 10.0)
    assert h.volume_cm3 == pytest.approx(1.5)
    assert h.mean_Gy == pytest.approx((0.5 + 3.0) / 1.5)
    h4 = dvh(dose, np.array([0.5, 1.0]).reshape(2, 1, 1), 10.0, supersample=2)
    assert h4.volume_cm3 == pytest.approx(1.5)


@pytest.mark.parametrize("radius_mm", [2.0, 2.9, 3.5, 5.0])
def test_sphere_volume_with_supersampling(radius_mm):
    """Analytic spheres of 0.03–0.5 cm³ on a 2 mm grid: volume within 1 % at supersample 8."""
    dose = np.ones((12, 12, 12))
    s = Sphere((11.3, 10.7, 11.1), radius_mm)
    h = dvh(dose, s, 2.0, supersample=8)
    assert h.volume_cm3 == pytest.approx(s.volume_cm3, rel=0.01)


def test_fine_mask_matches_callable():
    dose = np.random.default_rng(1).uniform(0, 5, (8, 8, 8))
    k = 4
    s = Sphere((7.0, 7.0, 7.0), 4.0)
    off = (np.arange(8 * k) + 0.5) / k - 0.5
    g = np.meshgrid(off * 2.0, off * 2.0, off * 2.0, indexing="ij")
    fine = s(*g)
    a = dvh(dose, fine, 2.0, supersample=k)
    b = dvh(dose, s, 2.0, supersample=k)
    assert a.volume_cm3 == pytest.approx(b.volume_cm3)
    assert a.mean_Gy == pytest.approx(b.mean_Gy)


def test_coarse_bool_mask_upsampled():
    dose = np.ones((10, 10, 10))
    m = np.zeros((10, 10, 10), bool)
    m[3:7, 3:7, 3:7] = True
    h = dvh(dose, m, 1.0, supersample=4)
    # a coarse mask keeps its voxel volume; only the dose is sampled more finely
    assert h.volume_cm3 == pytest.approx(64e-3, rel=1e-12)
    ramp = np.broadcast_to(np.arange(10.0)[:, None, None], (10, 10, 10)).copy()
    h2 = dvh(ramp, m, 1.0, supersample=4)
    assert h2.min_Gy == pytest.approx(2.625) and h2.max_Gy == pytest.approx(6.375)


def test_supersampled_dose_interpolated_linearly():
    # linear dose gradient along x: mean over a centred ellipsoid equals the dose at its centre
    x = np.arange(20.0)
    dose = np.broadcast_to(x[:, None, None], (20, 20, 20)).copy()
    e = Ellipsoid((9.5, 9.5, 9.5), (5.0, 3.0, 4.0))
    h = dvh(dose, e, 1.0, supersample=4)
    assert h.mean_Gy == pytest.approx(9.5, abs=1e-6)
    assert h.volume_cm3 == pytest.approx(e.volume_cm3, rel=0.01)


def test_origin_shifts_callable_mask():
    dose = np.ones((10, 10, 10))
    s = Sphere((0.0, 0.0, 0.0), 3.0)
    h = dvh(dose, s, 1.0, supersample=4, origin_mm=(-4.5, -4.5, -4.5))
    assert h.volume_cm3 == pytest.approx(s.volume_cm3, rel=0.02)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=60), st.floats(0, 100))
def test_properties_monotone_and_bounded(values, p):
    dose = np.array(values).reshape(-1, 1, 1)
    h = dvh(dose, np.ones(dose.shape, bool), 1.0)
    assert np.all(np.diff(h.volume_fraction) <= 1e-12)
    assert h.min_Gy <= h.D(p) <= h.max_Gy
    assert h.min_Gy - 1e-9 <= h.mean_Gy <= h.max_Gy + 1e-9
    assert h.V(h.D(p)) >= p / 100 - 1e-9


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dose_Gy": np.full((2, 2, 2), np.nan)}, "dose_Gy"),
        ({"dose_Gy": -np.ones((2, 2, 2))}, "dose_Gy"),
        ({"dose_Gy": np.ones((2, 2))}, "dose_Gy"),
        ({"mask": np.ones((3, 2, 2), bool)}, "mask"),
        ({"mask": np.zeros((2, 2, 2), bool)}, "mask"),
        ({"mask": np.full((2, 2, 2), 1.5)}, "mask"),
        ({"mask": np.ones((3, 3, 3))}, "mask"),
        ({"voxel_mm": 0.0}, "voxel_mm"),
        ({"voxel_mm": (1.0, 0.0, 1.0)}, "voxel_mm"),
        ({"voxel_mm": (1.0, 1.0)}, "voxel_mm"),
        ({"voxel_mm": "a"}, "voxel_mm"),
        ({"bin_width_Gy": 0.0}, "bin_width_Gy"),
        ({"bin_width_Gy": 1e-9}, "bin_width_Gy"),
        ({"supersample": 0}, "supersample"),
        ({"supersample": 2.5}, "supersample"),
        ({"origin_mm": (0.0, 0.0)}, "origin_mm"),
        ({"mask": lambda x, y, z: np.array([True])}, "mask"),
    ],
)
def test_errors(kwargs, field):
    args = {"dose_Gy": np.ones((2, 2, 2)), "mask": np.ones((2, 2, 2), bool), "voxel_mm": 1.0}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        dvh(args.pop("dose_Gy"), args.pop("mask"), args.pop("voxel_mm"), **args)
    assert err.value.field.startswith(field)


def test_query_errors():
    h = dvh(np.ones((2, 2, 2)), np.ones((2, 2, 2), bool), 1.0)
    with pytest.raises(InputError):
        h.D(101)
    with pytest.raises(InputError):
        h.D([1, 2])
    with pytest.raises(InputError):
        h.V(float("nan"))
    with pytest.raises(InputError):
        h.V([1.0])


def test_dvh_from_images_same_and_fine_grid():
    from brainrit.dosimetry.voxel.dvh import dvh_from_images
    from brainrit.dosimetry.voxel.io import VoxelImage

    aff = np.diag([2.0, 2.0, 2.0, 1.0])
    aff[:3, 3] = [10.0, -4.0, 3.0]
    dose = VoxelImage(np.random.default_rng(2).uniform(0, 10, (6, 6, 6)), aff)
    labels = np.zeros((6, 6, 6))
    labels[1:4, 2:5, 0:3] = 2
    labels[4, 4, 4] = 1
    h = dvh_from_images(dose, VoxelImage(labels, aff), label=2)
    assert h.volume_cm3 == pytest.approx(27 * 8e-3)
    # fine mask, k = 4: analytic sphere rasterised at sub-voxel centres
    k = 4
    fine_aff = aff.copy()
    fine_aff[:3, :3] /= k
    fine_aff[:3, 3] += np.diag(aff)[:3] * (1 / k - 1) / 2
    idx = np.indices((24, 24, 24)).reshape(3, -1).T
    world = (fine_aff @ np.c_[idx, np.ones(len(idx))].T)[:3].T
    s = Sphere((15.0, 1.0, 8.0), 3.0)
    fine = s(world[:, 0], world[:, 1], world[:, 2]).reshape(24, 24, 24).astype(float)
    hf = dvh_from_images(dose, VoxelImage(fine, fine_aff))
    assert hf.volume_cm3 == pytest.approx(s.volume_cm3, rel=0.03)
    ha = dvh(dose.data, s, 2.0, supersample=k, origin_mm=tuple(aff[:3, 3]))
    assert hf.mean_Gy == pytest.approx(ha.mean_Gy, rel=1e-9)


def test_dvh_from_images_mismatched_grids():
    from brainrit.dosimetry.voxel.dvh import dvh_from_images
    from brainrit.dosimetry.voxel.io import VoxelImage

    dose = VoxelImage(np.ones((4, 4, 4)), np.eye(4))
    shifted = np.eye(4)
    shifted[0, 3] = 1.0
    for mask in (
        VoxelImage(np.ones((4, 4, 4)), shifted),
        VoxelImage(np.ones((5, 4, 4)), np.eye(4)),
        VoxelImage(np.ones((8, 8, 8)), np.eye(4)),  # twice the shape but not half the voxel size
        VoxelImage(np.ones((8, 8, 12)), np.diag([0.5, 0.5, 0.5, 1.0])),
    ):
        with pytest.raises(InputError):
            dvh_from_images(dose, mask)


def _argsort_reference(doses: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted doses and cumulative fractions of the general (arg-sort) path, written out."""
    total = float(weights.sum())
    order = np.argsort(-doses, kind="stable")
    cum = np.minimum(np.cumsum(weights[order]) / total, 1.0)
    cum[-1] = 1.0
    return doses[order], cum


_DOSES = st.lists(
    st.one_of(st.sampled_from([0.0, 1.5, 2.0, 30.0]), st.floats(0.0, 80.0, allow_subnormal=False)),
    min_size=1,
    max_size=300,
)


@settings(max_examples=120, deadline=None)
@given(_DOSES, st.sampled_from([1.0, 0.001, 0.008, 1e-3 / 27]))
def test_equal_weight_path_equals_the_argsort_path(values, w):
    from brainrit.dosimetry.voxel.dvh import _build

    doses = np.asarray(values)
    weights = np.ones(doses.size) * w
    h = _build(doses, weights, None)
    ref_sorted, ref_cum = _argsort_reference(doses, weights)
    assert np.array_equal(h._sorted_dose_Gy, ref_sorted)
    assert np.array_equal(h._cum_fraction, ref_cum)


@settings(max_examples=150, deadline=None)
@given(_DOSES, st.floats(0.0, 100.0), st.sampled_from([0.001, 1.0, 0.008]))
def test_equal_volume_D_equals_the_dvh(values, percent, sample_cm3):
    from brainrit.dosimetry.voxel.dvh import _equal_volume_D

    doses = np.asarray(values)
    vox = sample_cm3 ** (1 / 3) * 10.0
    ref = dvh(doses.reshape(-1, 1, 1), np.ones((doses.size, 1, 1), bool), 1.0).D(percent)
    if sample_cm3 == 0.001:  # the outcome module's case: 1 mm³ samples
        assert _equal_volume_D(doses, percent, 0.001) == ref
    weights_vox = float(np.prod(np.full(3, vox))) / 1000.0
    ref_any = dvh(doses.reshape(-1, 1, 1), np.ones((doses.size, 1, 1), bool), vox).D(percent)
    assert _equal_volume_D(doses, percent, weights_vox) == ref_any


def test_equal_volume_D_on_a_brain_sized_sample():
    # a million samples: the cumulative volume's rounding decides the index; both paths must agree
    from brainrit.dosimetry.voxel.dvh import _equal_volume_D

    rng = np.random.default_rng(5)
    doses = np.round(rng.gamma(20.0, 1.5, 1_000_003), 3)  # many ties
    h = dvh(doses.reshape(-1, 1, 1), np.ones((doses.size, 1, 1), bool), 1.0)
    for p in (0.0, 1e-4, 2.0, 40.0, 50.0, 95.0, 99.9999, 100.0):
        assert _equal_volume_D(doses, p, 0.001) == h.D(p)
