"""Unit tests for brainrit.dosimetry.voxel.spheres."""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.dosimetry.voxel.kernels import alpha_cube_escape_fraction, emission_spectrum
from brainrit.dosimetry.voxel.spheres import (
    organ_self_s_value,
    sphere_geometric_factor,
    sphere_s_values,
)
from brainrit.errors import InputError


def test_geometric_factor_integrates_to_mean_chord():
    """∫₀^{2a} φ(r/a) dr = 3a/4... the mean distance to the surface identity: ∫φ dx over [0,2] = 3/4."""
    x = np.linspace(0, 2, 200001)
    assert np.trapezoid(sphere_geometric_factor(x), x) == pytest.approx(0.75, rel=1e-9)


def test_absorbed_fractions_monotone_and_bounded():
    d = np.array([0.1, 0.3, 1.0, 3.0, 10.0, 40.0])
    s = sphere_s_values("Pb-212", d)
    for comp in ("alpha", "electron", "photon"):
        af = s.absorbed_fraction[comp]
        assert np.all(np.diff(af) > 0) and np.all((af >= 0) & (af <= 1))
    # S-values fall with mass; total is the sum
    assert np.all(np.diff(s.total_Gy_per_Bq_s) < 0)
    np.testing.assert_allclose(
        s.total_Gy_per_Bq_s,
        s.s_Gy_per_Bq_s["alpha"] + s.s_Gy_per_Bq_s["electron"] + s.s_Gy_per_Bq_s["photon"],
    )
    assert s.mass_g[-1] == pytest.approx(4 / 3 * np.pi * 2.0**3 * 1.04)  # soft tissue, 1.04 g/cm³


def test_alpha_edge_correction_first_order():
    """Large sphere: α escape ≈ 3/(4a)·(1/E)∫E_res ds, the cube formula with A/V = 3/a (< 1 % relative)."""
    d = 20.0
    s = sphere_s_values("Po-212", d, chain=False, material="water")
    spec = emission_spectrum("Po-212", chain=False)
    alpha_e = float(spec.alpha_MeV @ spec.alpha_yield)
    # alpha_cube_escape_fraction uses A/V = 6/L; a sphere of radius a has A/V = 3/a = 6/(2a)
    esc = (
        alpha_cube_escape_fraction(8.785, 2 * d / 2, material="water") * alpha_e / spec.emitted_MeV()["alpha"]
    )
    assert 1 - float(s.absorbed_fraction["alpha"]) == pytest.approx(esc, rel=0.01)


def test_local_limit_s_value():
    """Pure local α+recoil energy in a big sphere: S → E/m."""
    s = sphere_s_values("Po-212", 40.0, chain=False)
    e = emission_spectrum("Po-212", chain=False).emitted_MeV()["alpha"]
    expected = e * 1.602176634e-13 / (float(s.mass_g) / 1000)
    assert float(s.s_Gy_per_Bq_s["alpha"]) == pytest.approx(expected, rel=0.005)


def test_organ_self_dose():
    human = organ_self_s_value("Pb-212", "brain")
    mouse = organ_self_s_value("Pb-212", "brain", species="mouse")
    assert float(human.mass_g) == pytest.approx(1450.0, rel=1e-9)
    assert float(mouse.mass_g) == pytest.approx(0.36, rel=1e-9)
    assert float(mouse.total_Gy_per_Bq_s) > 1000 * float(human.total_Gy_per_Bq_s)
    # photons escape much more from the mouse brain
    assert float(mouse.absorbed_fraction["photon"]) < float(human.absorbed_fraction["photon"])


def test_errors():
    for bad in (0.0, -1.0, float("nan"), 5000.0):
        with pytest.raises(InputError):
            sphere_s_values("Y-90", bad)
    with pytest.raises(InputError):
        sphere_s_values("Y-90", 1.0, material="steel")
    with pytest.raises(InputError):
        organ_self_s_value("Y-90", "remainder")
    with pytest.raises(InputError):
        organ_self_s_value("Y-90", "brain", species="rat")
