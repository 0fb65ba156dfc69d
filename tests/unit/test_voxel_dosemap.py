"""Unit tests for brainrit.dosimetry.voxel.dosemap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.dosimetry.voxel.dosemap import (
    GY_PER_BQ_S_PER_MGY_PER_MBQ_S,
    convolve_direct,
    convolve_fft,
    convolve_masks,
    dose_map,
    dose_rate_map,
    local_deposition_dose,
    mask_spectra,
    tia_from_series,
)
from brainrit.errors import InputError


@settings(max_examples=15, deadline=None)
@given(
    st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9)),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
    st.integers(1, 200),
    st.integers(0, 2**31),
)
def test_fft_equals_direct(shape, h, slab, seed):
    rng = np.random.default_rng(seed)
    img = rng.uniform(0, 1, shape)
    k = rng.uniform(0, 1, tuple(2 * x + 1 for x in h))
    a = convolve_direct(img, k)
    b = convolve_fft(img, k, max_slab_voxels=slab)
    assert np.max(np.abs(a - b)) <= 1e-12 * max(np.max(np.abs(a)), 1e-300)


def test_dose_map_units_and_linearity():
    tia = np.zeros((7, 7, 7))
    tia[3, 3, 3] = 2e9
    k = np.zeros((3, 3, 3))
    k[1, 1, 1], k[2, 1, 1] = 4.0, 1.0
    d = dose_map(tia, k)
    assert d[3, 3, 3] == pytest.approx(8.0)
    assert d[4, 3, 3] == pytest.approx(2.0)
    assert d[2, 3, 3] == pytest.approx(0.0, abs=1e-15)
    assert d.min() >= 0
    np.testing.assert_allclose(dose_map(tia, k, method="direct"), d, atol=1e-12)
    np.testing.assert_allclose(dose_rate_map(tia, k), d)


def test_kernel_larger_than_image():
    img = np.ones((2, 3, 1))
    k = np.ones((7, 7, 7))
    np.testing.assert_allclose(convolve_fft(img, k), convolve_direct(img, k), rtol=1e-12)


def test_local_deposition():
    d = local_deposition_dose(
        np.full((2, 2, 2), 1e9), 1.0, (1.0, 2.0, 5.0), density_g_cm3=np.full((2, 2, 2), 2.0)
    )
    assert d[0, 0, 0] == pytest.approx(1e9 * 1.602176634e-13 / (2.0 * 10e-6))


def test_tia_rules():
    imgs = [np.full((1, 1, 1), 10.0), np.full((1, 1, 1), 10.0)]
    hl = 2.0
    tail = 10.0 * hl * 3600 / np.log(2)
    assert tia_from_series([1.0, 3.0], imgs, hl, before_first="none")[0, 0, 0] == pytest.approx(
        20 * 3600 + tail
    )
    assert tia_from_series([1.0, 3.0], imgs, hl, before_first="constant")[0, 0, 0] == pytest.approx(
        30 * 3600 + tail
    )
    assert tia_from_series([1.0, 3.0], imgs, hl)[0, 0, 0] == pytest.approx(25 * 3600 + tail)


def test_tia_exact_for_exponential_with_dense_sampling():
    hl = 5.0
    t = np.linspace(0.0, 30.0, 601)
    lam = np.log(2) / hl
    imgs = [np.full((1, 1, 1), 1e6 * np.exp(-lam * ti)) for ti in t]
    tia = tia_from_series(t, imgs, hl, before_first="none")
    assert tia[0, 0, 0] == pytest.approx(1e6 / lam * 3600, rel=1e-4)


@pytest.mark.parametrize(
    ("tia", "kernel", "field"),
    [
        (np.full((3, 3, 3), np.nan), np.ones((1, 1, 1)), "tia_Bq_s"),
        (-np.ones((3, 3, 3)), np.ones((1, 1, 1)), "tia_Bq_s"),
        (np.ones((3, 3)), np.ones((1, 1, 1)), "tia_Bq_s"),
        (np.ones((3, 3, 3)), np.ones((2, 1, 1)), "kernel"),
        (np.ones((3, 3, 3)), -np.ones((1, 1, 1)), "kernel"),
    ],
)
def test_dose_map_errors(tia, kernel, field):
    with pytest.raises(InputError) as err:
        dose_map(tia, kernel)
    assert err.value.field.startswith(field)


def test_other_errors():
    ok = np.ones((2, 2, 2))
    with pytest.raises(InputError):
        dose_map(ok, np.ones((1, 1, 1)), method="fast")
    with pytest.raises(InputError):
        dose_map(ok, np.ones((1, 1, 1)), max_slab_voxels=0)
    with pytest.raises(InputError):
        local_deposition_dose(ok, 1.0, 0.0)
    with pytest.raises(InputError):
        local_deposition_dose(ok, -1.0, 1.0)
    with pytest.raises(InputError):
        local_deposition_dose(ok, 1.0, 1.0, density_g_cm3=np.ones((3, 3, 3)))
    with pytest.raises(InputError):
        local_deposition_dose(ok, 1.0, 1.0, density_g_cm3=np.zeros((2, 2, 2)))
    with pytest.raises(InputError):
        tia_from_series([1.0, 2.0], [ok, np.ones((3, 3, 3))], 1.0)
    with pytest.raises(InputError):
        tia_from_series([2.0, 1.0], [ok, ok], 1.0)
    with pytest.raises(InputError):
        tia_from_series([1.0, 2.0], [ok], 1.0)
    with pytest.raises(InputError):
        tia_from_series([1.0, 2.0], [ok, ok], 0.0)
    with pytest.raises(InputError):
        tia_from_series([1.0, 2.0], [ok, ok], 1.0, before_first="linear")
    with pytest.raises(InputError):
        tia_from_series([1.0, 2.0], [ok, ok * np.nan], 1.0)


def test_dose_map_components_conserve_energy():
    """Default half-width holds the longest electron range: α + electron energy fully in the grid."""
    from brainrit.dosimetry.voxel.dosemap import dose_map_components
    from brainrit.dosimetry.voxel.kernels import emission_spectrum

    tia = np.zeros((21, 21, 21))
    tia[10, 10, 10] = 1e9
    d = dose_map_components(tia, "Y-90", 2.0)
    mass_kg = 8e-6 * 1.04  # 2 mm voxel of soft tissue (1.04 g/cm³)
    deposited_MeV = d["electron"].sum() * mass_kg / 1.602176634e-13 / 1e9
    assert deposited_MeV == pytest.approx(emission_spectrum("Y-90").emitted_MeV()["electron"], rel=1e-6)
    assert d["alpha"].max() == 0.0


def _direct_reference(img, k):
    """'Same'-size convolution by shifted numpy slices (the summation convolve_direct replaces)."""
    img = np.asarray(img, float)
    h = [s // 2 for s in k.shape]
    pad = np.pad(img, [(x, x) for x in h])
    out = np.zeros_like(img)
    for idx in np.ndindex(*k.shape):
        sl = tuple(slice(2 * hh - i, 2 * hh - i + n) for hh, i, n in zip(h, idx, img.shape, strict=True))
        out += k[idx] * pad[sl]
    return out


@settings(max_examples=25, deadline=None)
@given(
    st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8)),
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
    st.floats(0.0, 1.0),
    st.integers(0, 2**31),
)
def test_convolve_direct_equals_shifted_sums(shape, h, fill, seed):
    """Compiled scatter (zero voxels skipped, kernel larger than the image allowed) = shifted slices."""
    rng = np.random.default_rng(seed)
    mask = rng.uniform(size=shape) < fill
    img = np.where(mask, rng.uniform(0.1, 2.0, shape), 0.0)
    k = rng.uniform(-1, 1, tuple(2 * x + 1 for x in h))
    ref = _direct_reference(img, k)
    np.testing.assert_allclose(convolve_direct(img, k), ref, rtol=0, atol=1e-12 * max(np.abs(ref).max(), 1))
    # a boolean mask is summed as 0/1
    ref_mask = _direct_reference(mask, k)
    np.testing.assert_allclose(convolve_direct(mask, k), ref_mask, rtol=0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1, 12)),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
    st.integers(1, 3),
    st.integers(0, 2**31),
)
def test_convolve_masks_equals_sum_of_direct_convolutions(shape, h, n_masks, seed):
    """Σ_r mask_r ⊛ kernel_r from the masks' spectra = the direct sums, for kernels of any odd shape up
    to the padded one (smaller kernels are centred), empty masks and absent kernels."""
    rng = np.random.default_rng(seed)
    kshape = tuple(2 * x + 1 for x in h)
    labels = rng.integers(0, n_masks + 1, shape)
    masks = [labels == i + 1 for i in range(n_masks)]
    if n_masks > 1:
        masks[-1][:] = False  # an empty region
    kernels = []
    for i in range(n_masks):
        small = tuple(2 * int(rng.integers(0, x + 1)) + 1 for x in h)
        kernels.append(None if i == 1 else rng.uniform(0, 1, small))
    spectra = mask_spectra(masks, kshape)
    got = convolve_masks(spectra, kernels)
    ref = sum((_direct_reference(m, k) for m, k in zip(masks, kernels, strict=True) if k is not None),
              np.zeros(shape))  # fmt: skip
    assert got.shape == shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * max(ref.max(), 1.0))
    assert convolve_masks(spectra, [None] * n_masks).max() == 0.0


def test_convolve_masks_dose_units_match_dose_map():
    """Regions of uniform TIA: mask ⊛ (TIA per voxel × kernel) × 1e-9 Gy = dose_map of the TIA image."""
    rng = np.random.default_rng(3)
    shape = (9, 8, 7)
    a = rng.uniform(size=shape) < 0.4
    b = ~a & (rng.uniform(size=shape) < 0.5)
    k = rng.uniform(0, 1, (5, 5, 5))
    tia = 2e9 * a + 5e8 * b
    d = convolve_masks(mask_spectra([a, b], k.shape), [2e9 * k, 5e8 * k]) * GY_PER_BQ_S_PER_MGY_PER_MBQ_S
    np.testing.assert_allclose(d, dose_map(tia, k), rtol=0, atol=1e-12 * d.max())


def test_mask_spectra_errors():
    m = np.ones((3, 3, 3), bool)
    for masks, kshape, field in (
        ([], (3, 3, 3), "masks"),
        (m, (3, 3, 3), "masks"),
        ([m.astype(float)], (3, 3, 3), "masks[0]"),
        ([m, np.ones((3, 3, 4), bool)], (3, 3, 3), "masks[1]"),
        ([np.ones((3, 3), bool)], (3, 3, 3), "masks[0]"),
        ([m], (3, 2, 3), "kernel_shape"),
        ([m], (3, 3), "kernel_shape"),
    ):
        with pytest.raises(InputError) as err:
            mask_spectra(masks, kshape)
        assert err.value.field == field
    s = mask_spectra([m, m], (3, 3, 3))
    for spectra, kernels, field in (
        ("spectra", [None, None], "spectra"),
        (s, [None], "kernels"),
        (s, [np.ones((5, 3, 3)), None], "kernels[0]"),
        (s, [None, np.ones((2, 3, 3))], "kernels[1]"),
        (s, [None, -np.ones((3, 3, 3))], "kernels[1]"),
    ):
        with pytest.raises(InputError) as err:
            convolve_masks(spectra, kernels)
        assert err.value.field.startswith(field)
