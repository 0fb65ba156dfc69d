"""Validation of photon coefficients against NIST SRD-126 (Hubbell & Seltzer 1996/2004) published values.

Values quoted from the SRD-126 tables (Table 4, "Water, Liquid"; ICRU-44 brain, soft tissue, cortical
bone), which the package ships; tolerance 1e-6 relative at tabulated energies (exact by design).
"""

from __future__ import annotations

import pytest

import brainrit.physics as ph


@pytest.mark.parametrize(
    ("energy_MeV", "mu_rho", "mu_en_rho"),
    [(1.0, 0.07072, 0.03103), (0.1, 0.1707, 0.02546), (0.01, 5.329, 4.944)],
)
def test_water_srd126_values(energy_MeV, mu_rho, mu_en_rho):
    """SRD-126 water: μ_en/ρ(1 MeV) = 0.03103 cm²/g, μ/ρ(1 MeV) = 0.07072 cm²/g, etc."""
    assert ph.photon_mu_rho_cm2_g(energy_MeV) == pytest.approx(mu_rho, rel=1e-6)
    assert ph.photon_mu_en_rho_cm2_g(energy_MeV) == pytest.approx(mu_en_rho, rel=1e-6)


def test_tissues_close_to_water_above_100_keV_and_bone_differs_below():
    """Compton-dominated range (0.1-10 MeV): brain and soft tissue μ_en/ρ within 2 % of water
    (electron density per gram within 1 %); bone μ_en/ρ at 30 keV > 3 × water (photoelectric, Ca, P)."""
    for e in (0.1, 0.2386, 0.5, 1.0, 2.6145, 10.0):
        w = ph.photon_mu_en_rho_cm2_g(e)
        for m in ("brain", "soft_tissue"):
            assert ph.photon_mu_en_rho_cm2_g(e, m) == pytest.approx(w, rel=0.02)
    assert ph.photon_mu_en_rho_cm2_g(0.03, "bone") > 3 * ph.photon_mu_en_rho_cm2_g(0.03)
