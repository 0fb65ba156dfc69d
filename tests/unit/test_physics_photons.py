"""Unit tests of brainrit.physics photon coefficients (NIST SRD-126, Hubbell & Seltzer)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import brainrit.physics as ph
from brainrit.errors import InputError
from brainrit.physics.tables import load_table

PHOTON_TABLES = {
    "water": "nist_xray_attenuation_water",
    "soft_tissue": "nist_xray_attenuation_tissue",
    "brain": "nist_xray_attenuation_brain",
    "bone": "nist_xray_attenuation_bone",
}
FUNCS = {"mu_rho": ph.photon_mu_rho_cm2_g, "mu_en_rho": ph.photon_mu_en_rho_cm2_g}


@pytest.mark.parametrize("material", sorted(PHOTON_TABLES))
def test_table_reproduced_at_grid_points(material):
    """Every row is reproduced exactly; at a repeated (edge) energy, the above-edge row."""
    tab = load_table(PHOTON_TABLES[material])
    e = tab.column("energy_MeV")
    above_edge = np.append(e[1:] != e[:-1], True)  # last row of each run of equal energies
    for col, f in FUNCS.items():
        got = f(e[above_edge], material)
        np.testing.assert_allclose(got, tab.column(col)[above_edge], rtol=1e-12)


def test_edges_are_not_smeared():
    """Bone, Ca K edge at 4.038 keV: μ/ρ jumps 129.6 → 333.2 cm²/g (SRD-126 cortical bone)."""
    below, at, above = ph.photon_mu_rho_cm2_g(
        [4.038e-3 * (1 - 1e-9), 4.038e-3, 4.038e-3 * (1 + 1e-9)], "bone"
    )
    assert below == pytest.approx(129.6, rel=1e-6)
    assert at == 333.2
    assert above == pytest.approx(333.2, rel=1e-6)
    tab = load_table("nist_xray_attenuation_bone")
    assert np.sum(np.diff(tab.column("energy_MeV")) == 0) >= 4  # several edges present


@pytest.mark.parametrize("material", sorted(PHOTON_TABLES))
def test_loglog_interpolation_is_a_power_law_between_rows(material):
    tab = load_table(PHOTON_TABLES[material])
    e, mu = tab.column("energy_MeV"), tab.column("mu_en_rho")
    for i in range(len(e) - 1):
        if e[i + 1] == e[i]:
            continue
        x = math.sqrt(e[i] * e[i + 1])  # geometric mean → geometric mean of the values
        assert ph.photon_mu_en_rho_cm2_g(x, material) == pytest.approx(
            math.sqrt(mu[i] * mu[i + 1]), rel=1e-10
        )


@given(st.sampled_from(sorted(PHOTON_TABLES)), st.floats(min_value=1e-3, max_value=20.0))
def test_values_bracketed_by_neighbouring_rows(material, energy):
    tab = load_table(PHOTON_TABLES[material])
    e = tab.column("energy_MeV")
    i = min(int(np.searchsorted(e, energy, side="right")) - 1, len(e) - 2)
    for col, f in FUNCS.items():
        y = tab.column(col)[i : i + 2]
        assert y.min() * (1 - 1e-12) <= f(energy, material) <= y.max() * (1 + 1e-12)


def test_mu_en_never_exceeds_mu_and_density_scaling():
    e = np.geomspace(1e-3, 20.0, 400)
    for m in PHOTON_TABLES:
        assert np.all(ph.photon_mu_en_rho_cm2_g(e, m) <= ph.photon_mu_rho_cm2_g(e, m) * (1 + 1e-12))
    assert ph.photon_mu_cm(1.0, "bone") == pytest.approx(ph.photon_mu_rho_cm2_g(1.0, "bone") * 1.92)
    assert ph.photon_mu_cm(1.0, "water", density_g_cm3=0.5) == pytest.approx(0.07072 * 0.5)
    assert ph.photon_mu_rho_cm2_g([[1.0], [2.0]]).shape == (2, 1)
    assert isinstance(ph.photon_mu_cm(1.0), float)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ph.photon_mu_rho_cm2_g(5e-4), "energy_MeV"),
        (lambda: ph.photon_mu_rho_cm2_g(25.0), "energy_MeV"),
        (lambda: ph.photon_mu_en_rho_cm2_g(-1.0), "energy_MeV"),
        (lambda: ph.photon_mu_en_rho_cm2_g([1.0, math.nan]), "energy_MeV[1]"),
        (lambda: ph.photon_mu_rho_cm2_g(1.0, "bones"), "material"),
        (lambda: ph.photon_mu_rho_cm2_g(1.0, 3), "material"),
        (lambda: ph.photon_mu_cm(1.0, density_g_cm3=math.nan), "density_g_cm3"),
    ],
)
def test_error_paths_name_field(call, field):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field


def test_error_message_names_range_and_table():
    with pytest.raises(InputError, match=r"\[0.001, 20\] MeV.*SRD-126"):
        ph.photon_mu_rho_cm2_g(30.0)
    with pytest.raises(InputError, match="did you mean 'bone'"):
        ph.photon_mu_rho_cm2_g(1.0, "bones")
