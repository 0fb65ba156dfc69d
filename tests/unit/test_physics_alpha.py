"""Unit tests of brainrit.physics α functions, range tables and numba kernels (ASTAR, NIST SRD-124)."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.interpolate import PchipInterpolator

import brainrit.physics as ph
from brainrit.errors import InputError
from brainrit.physics.tables import load_table

ASTAR = load_table("astar_water_liquid")
E_TAB = ASTAR.column("energy_MeV")
TABLE = ph.alpha_range_table("water")

energies = st.floats(min_value=1e-3, max_value=20.0, allow_nan=False)
paths = st.floats(min_value=0.0, max_value=200.0, allow_nan=False)


def test_stopping_power_reproduces_astar_at_grid_points():
    for comp, col in (("electronic", "electronic_stopping_power"), ("nuclear", "nuclear_stopping_power")):
        np.testing.assert_allclose(
            ph.alpha_stopping_power(E_TAB, component=comp), ASTAR.column(col), rtol=1e-12
        )
    total = ASTAR.column("electronic_stopping_power") + ASTAR.column("nuclear_stopping_power")
    np.testing.assert_allclose(ph.alpha_stopping_power(E_TAB), total, rtol=1e-12)


def test_csda_range_reproduces_astar_at_grid_points():
    for mat, name in (("water", "astar_water_liquid"), ("soft_tissue", "astar_muscle_skeletal_icrp")):
        tab = load_table(name)
        got = ph.alpha_csda_range_um(tab.column("energy_MeV"), mat)
        rho = ph.get_material(mat).density_g_cm3
        np.testing.assert_allclose(got, tab.column("csda_range") / rho * 1e4, rtol=1e-12)


def test_range_table_layout():
    t = TABLE
    assert t.energy_MeV[0] == 0.0 and t.range_um[0] == 0.0
    for arr in (t.energy_MeV, t.range_um):
        assert arr.dtype == np.float64 and arr.flags.c_contiguous and not arr.flags.writeable
        assert np.all(np.diff(arr) > 0)
    assert t.max_energy_MeV == 1000.0
    assert ph.alpha_range_table("water") is t  # cached
    assert t.table_min_MeV == 1e-3


def test_linear_grid_interpolation_error_vs_pchip():
    """Linear interpolation of the dense grid vs the PCHIP log-log curve it samples.

    Tolerance 5e-6 relative (measured 4.0e-6).
    """
    pchip = PchipInterpolator(np.log(E_TAB), np.log(ASTAR.column("csda_range")))
    e = np.geomspace(1e-3, 999.0, 20001)
    exact = np.exp(pchip(np.log(e))) * 1e4
    got = np.array([ph.range_um_from_energy(x, TABLE.energy_MeV, TABLE.range_um) for x in e])
    err = np.max(np.abs(got / exact - 1))
    assert err < 5e-6, err


def test_integral_of_inverse_stopping_power_reproduces_csda_column():
    """∫ dE / S_total (S log-log PCHIP) from 1 keV, plus ASTAR's R(1 keV), vs ASTAR csda column.

    ASTAR's CSDA range integrates the total (electronic + nuclear) stopping power. Measured
    agreement: 1.2e-4 at 10 keV, <= 2e-5 from 0.1 to 100 MeV. Tolerance 3e-4.
    """
    s_tot = ASTAR.column("electronic_stopping_power") + ASTAR.column("nuclear_stopping_power")
    f = PchipInterpolator(np.log(E_TAB), np.log(s_tot))
    for e_top in (0.01, 0.1, 1.0, 5.0, 8.785, 10.0, 100.0):
        integral = quad(lambda le: math.exp(le - f(le)), math.log(E_TAB[0]), math.log(e_top), limit=200)[0]
        r = ASTAR.column("csda_range")[0] + integral
        assert r * 1e4 == pytest.approx(ph.alpha_csda_range_um(e_top), rel=3e-4)


@pytest.mark.parametrize(
    ("energy", "s1", "s2", "measured"),
    [
        (5.3, 0.0, 10.0, 1.1e-4),
        (8.785, 20.0, 60.0, 5.7e-5),
        (6.0, 5.0, 40.0, 1.5e-4),
        (5.3, 30.0, 39.0, 9.4e-4),
    ],
)
def test_stopping_power_times_path_equals_deposited_energy(energy, s1, s2, measured):
    """∫ S(E(s)) ρ ds over a segment (trapezoid, 2e5 steps) = E(s1) − E(s2) from the range table.

    The two sides use different interpolations of ASTAR (S log-log linear; R PCHIP of the csda
    column), and ASTAR's csda column itself matches ∫dE/S to ~1e-5-1e-4. Measured relative
    differences: 1e-4 on the plateau, 9.4e-4 over the Bragg peak (last 10 µm). Tolerance 2e-3.
    """
    s = np.linspace(s1, s2, 200_001)
    residual = ph.alpha_residual_energy_MeV(energy, s)
    assert residual.min() > 1e-3  # stays inside the stopping-power table
    integral = np.trapezoid(ph.alpha_stopping_power(residual) * 1.0 * 1e-4, s)  # ρ = 1 g/cm³, MeV/µm
    deposited = ph.alpha_energy_deposited_MeV(energy, s1, s2)
    assert integral == pytest.approx(deposited, rel=2e-3)
    assert abs(integral / deposited - 1) < 2 * measured


@given(energies)
def test_energy_conservation_exact(energy):
    r0 = ph.alpha_csda_range_um(energy)
    assert ph.alpha_energy_deposited_MeV(energy, 0.0, r0) == energy
    assert ph.alpha_energy_deposited_MeV(energy, 0.0, r0 * 2 + 1.0) == energy
    assert ph.deposited_along_segment_MeV(energy, 0.0, 1e9, TABLE.energy_MeV, TABLE.range_um) == energy


@given(energies, paths, paths, paths)
def test_segments_are_additive(energy, a, b, c):
    s1, s2, s3 = sorted((a, b, c))
    whole = ph.alpha_energy_deposited_MeV(energy, s1, s3)
    parts = ph.alpha_energy_deposited_MeV(energy, s1, s2) + ph.alpha_energy_deposited_MeV(energy, s2, s3)
    assert parts == pytest.approx(whole, rel=1e-12, abs=1e-12)
    assert 0.0 <= whole <= energy


@given(energies, energies)
def test_range_monotone(e1, e2):
    lo, hi = sorted((e1, e2))
    assert ph.alpha_csda_range_um(lo) <= ph.alpha_csda_range_um(hi)


@given(st.integers(min_value=1, max_value=len(E_TAB) - 2), st.floats(min_value=0.0, max_value=1.0))
def test_stopping_power_between_grid_points_lies_between_neighbours(i, t):
    """Log-log interpolation is monotone on each interval: no overshoot (smooth, no wiggles)."""
    e = E_TAB[i] * (E_TAB[i + 1] / E_TAB[i]) ** t
    for comp in ph.ALPHA_COMPONENTS:
        s = ph.alpha_stopping_power(e, component=comp)
        ends = ph.alpha_stopping_power(E_TAB[i : i + 2], component=comp)
        assert min(ends) * (1 - 1e-12) <= s <= max(ends) * (1 + 1e-12)


@given(energies, paths)
def test_residual_energy_round_trip(energy, path):
    res = ph.alpha_residual_energy_MeV(energy, path)
    r0 = ph.alpha_csda_range_um(energy)
    if path >= r0:
        assert res == 0.0
    else:
        assert ph.alpha_csda_range_um(res) == pytest.approx(r0 - path, rel=1e-9, abs=1e-9)
    assert ph.alpha_energy_deposited_MeV(energy, 0.0, path) == pytest.approx(energy - res, abs=1e-12)


def test_density_scaling():
    r1 = ph.alpha_csda_range_um(5.0, density_g_cm3=1.0)
    assert ph.alpha_csda_range_um(5.0, density_g_cm3=2.0) == pytest.approx(r1 / 2, rel=1e-12)
    assert ph.alpha_csda_range_um(5.0, "brain") == pytest.approx(r1 / 1.04, rel=1e-12)
    t2 = ph.alpha_range_table("water", 2.0)
    assert t2.density_g_cm3 == 2.0 and t2.range_um[-1] == pytest.approx(TABLE.range_um[-1] / 2)


def test_vectorised_broadcasting_matches_kernel():
    e = np.array([[5.0], [8.785]])
    s1 = np.array([0.0, 10.0, 30.0])
    got = ph.alpha_energy_deposited_MeV(e, s1, s1 + 15.0)
    assert got.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            k = ph.deposited_along_segment_MeV(e[i, 0], s1[j], s1[j] + 15.0, TABLE.energy_MeV, TABLE.range_um)
            assert got[i, j] == k
    assert isinstance(ph.alpha_csda_range_um(5.0), float)
    assert ph.alpha_residual_energy_MeV([5.0, 6.0], 10.0).shape == (2,)


def test_kernel_edge_cases():
    tE, tR = TABLE.energy_MeV, TABLE.range_um
    assert ph.range_um_from_energy(0.0, tE, tR) == 0.0
    assert ph.range_um_from_energy(-1.0, tE, tR) == 0.0
    assert math.isnan(ph.range_um_from_energy(2000.0, tE, tR))
    assert math.isnan(ph.range_um_from_energy(math.nan, tE, tR))
    assert ph.range_um_from_energy(1000.0, tE, tR) == tR[-1]
    assert ph.energy_MeV_from_range(0.0, tE, tR) == 0.0
    assert math.isnan(ph.energy_MeV_from_range(tR[-1] * 2, tE, tR))
    assert ph.deposited_along_segment_MeV(5.0, 10.0, 10.0, tE, tR) == 0.0
    assert ph.deposited_along_segment_MeV(5.0, 20.0, 10.0, tE, tR) == 0.0
    assert ph.deposited_along_segment_MeV(5.0, 100.0, 200.0, tE, tR) == 0.0
    assert ph.deposited_along_segment_MeV(0.0, 0.0, 10.0, tE, tR) == 0.0
    assert ph.deposited_along_segment_MeV(5.0, -5.0, 10.0, tE, tR) == ph.deposited_along_segment_MeV(
        5.0, 0.0, 10.0, tE, tR
    )
    assert math.isnan(ph.deposited_along_segment_MeV(math.nan, 0.0, 10.0, tE, tR))
    assert math.isnan(ph.deposited_along_segment_MeV(5.0, math.nan, 10.0, tE, tR))
    assert math.isnan(ph.deposited_along_segment_MeV(5000.0, 0.0, 10.0, tE, tR))
    # below the first tabulated energy: power-law segment to (0, 0), still monotone
    assert 0.0 < ph.range_um_from_energy(1e-4, tE, tR) < ph.range_um_from_energy(1e-3, tE, tR)


def test_kernels_callable_from_njit_with_writable_copies():
    @numba.njit
    def total(energies, tE, tR):
        acc = 0.0
        for e in energies:
            acc += ph.deposited_along_segment_MeV(e, 0.0, 1e6, tE, tR)
            acc += ph.energy_MeV_from_range(ph.range_um_from_energy(e, tE, tR), tE, tR) - e
        return acc

    es = np.array([5.0, 6.0, 8.785])
    assert total(es, TABLE.energy_MeV.copy(), TABLE.range_um.copy()) == pytest.approx(es.sum(), rel=1e-12)
    assert total(es, TABLE.energy_MeV, TABLE.range_um) == pytest.approx(es.sum(), rel=1e-12)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ph.alpha_csda_range_um(-1.0), "energy_MeV"),
        (lambda: ph.alpha_csda_range_um(math.nan), "energy_MeV"),
        (lambda: ph.alpha_csda_range_um([5.0, 2000.0]), "energy_MeV[1]"),
        (lambda: ph.alpha_stopping_power(5e-4), "energy_MeV"),
        (lambda: ph.alpha_stopping_power(1001.0), "energy_MeV"),
        (lambda: ph.alpha_stopping_power(5.0, component="elec"), "component"),
        (lambda: ph.alpha_stopping_power(5.0, "watr"), "material"),
        (lambda: ph.alpha_stopping_power(5.0, "bone"), "material"),
        (lambda: ph.alpha_csda_range_um(5.0, density_g_cm3=-1.0), "density_g_cm3"),
        (lambda: ph.alpha_csda_range_um(5.0, density_g_cm3=0.0), "density_g_cm3"),
        (lambda: ph.alpha_residual_energy_MeV(5.0, -1.0), "path_um"),
        (lambda: ph.alpha_residual_energy_MeV(5.0, math.inf), "path_um"),
        (lambda: ph.alpha_energy_deposited_MeV(5.0, -1.0, 2.0), "start_um"),
        (lambda: ph.alpha_energy_deposited_MeV(5.0, 1.0, math.nan), "stop_um"),
        (lambda: ph.alpha_energy_deposited_MeV(5.0, 3.0, 2.0), "stop_um"),
        (lambda: ph.alpha_energy_deposited_MeV(5.0, [0.0, 3.0], [1.0, 2.0]), "stop_um[1]"),
        (lambda: ph.alpha_energy_deposited_MeV([5.0, 6.0], [0.0, 1.0, 2.0], 3.0), "shapes"),
        (lambda: ph.alpha_range_table("plasma"), "material"),
    ],
)
def test_error_paths_name_field(call, field):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field
    assert str(info.value).startswith(field)


def test_error_messages_are_helpful():
    with pytest.raises(InputError, match=r"did you mean 'water'"):
        ph.alpha_csda_range_um(5.0, "watr")
    with pytest.raises(InputError, match=r"\[0, 1000\] MeV"):
        ph.alpha_csda_range_um(1200.0)
    with pytest.raises(InputError, match=r"alpha data"):
        ph.alpha_csda_range_um(5.0, "bone")


def test_segment_kernel_equals_composition_of_range_kernels():
    """The galloping search in the segment kernel gives bit-identical results to R(E) then E(R)."""
    rng = np.random.default_rng(7)
    tE, tR = TABLE.energy_MeV, TABLE.range_um
    for _ in range(2000):
        e = rng.uniform(0.01, 12.0)
        r0 = ph.range_um_from_energy(e, tE, tR)
        a = rng.uniform(0.0, 1.2 * r0)
        b = a + rng.uniform(0.0, 0.5 * r0)
        e1 = ph.energy_MeV_from_range(r0 - a, tE, tR) if a > 0 else e
        e2 = ph.energy_MeV_from_range(r0 - b, tE, tR)
        expected = max(min(e1, e) - e2, 0.0) if a < r0 else 0.0
        assert ph.deposited_along_segment_MeV(e, a, b, tE, tR) == expected


def test_start_within_rounding_of_zero_never_exceeds_energy():
    """Regression (found by hypothesis): a subnormal start must not return E + 1 ulp."""
    e = 1.7578125
    assert ph.alpha_energy_deposited_MeV(e, 2.225073858507e-311, 10.0) == e
    assert ph.alpha_residual_energy_MeV(e, 2.225073858507e-311) <= e
