"""Unit tests for brainrit.dosimetry.voxel.dosemap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.dosimetry.voxel.dosemap import (
    convolve_direct,
    convolve_fft,
    dose_map,
    dose_rate_map,
    local_deposition_dose,
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
