"""Validation of α ranges and stopping powers against NIST ASTAR and published anchors.

Sources: NIST SRD-124 ASTAR (Berger, Coursey, Zucker, Chang; ICRU Report 49, 1993), packaged as
``astar_water_liquid.csv``; α energies from ICRP Publication 107 (2008) as listed in
ICRP Publication 107 (2008) α-line tables.
"""

from __future__ import annotations

import numpy as np
import pytest

import brainrit.physics as ph
from brainrit.physics.tables import load_table

ASTAR = load_table("astar_water_liquid")
E_TAB, R_TAB = ASTAR.column("energy_MeV"), ASTAR.column("csda_range")

# ICRP-107 main α lines (MeV)
ALPHA_LINES = {
    "Po-210": 5.30433,
    "Bi-212": 6.05090,
    "At-211": 5.86705,
    "Po-211": 7.45004,
    "Po-213": 8.37658,
    "Po-212": 8.78508,
}


@pytest.mark.parametrize("nuclide", sorted(ALPHA_LINES))
def test_ranges_of_therapy_alpha_lines_match_astar(nuclide):
    """CSDA range vs an independent log-log linear interpolation between the two bracketing ASTAR rows.

    The two interpolations (PCHIP vs piecewise power law) differ by at most 3.1e-4 (Po-210, in the
    wide 5-5.5 MeV interval); tolerance 5e-4.
    """
    e = ALPHA_LINES[nuclide]
    loglog = np.exp(np.interp(np.log(e), np.log(E_TAB), np.log(R_TAB))) * 1e4
    assert ph.alpha_csda_range_um(e) == pytest.approx(loglog, rel=5e-4)


def test_po210_and_po212_anchor_values():
    """ASTAR liquid water (ρ = 1.00 g/cm³): Po-210 5.304 MeV → 41.10 µm; Po-212 8.785 MeV → 91.32 µm.

    The round figures often quoted (≈ 39-40 µm and ≈ 87 µm) are 3-5 % shorter than ASTAR's CSDA range
    in liquid water. They are not projected ranges (ASTAR detour factors 0.994-0.997 give 40.84 and
    91.02 µm); they match ASTAR scaled to a tissue density of ~1.04-1.05 g/cm³ (brain, ρ = 1.04:
    39.52 and 87.80 µm) or older stopping-power sets. We keep ASTAR water and state the numbers.
    Tolerances: 0.05 µm on the ASTAR values; 5 % on the round figures.
    """
    r210 = ph.alpha_csda_range_um(5.30433)
    r212 = ph.alpha_csda_range_um(8.78508)
    assert r210 == pytest.approx(41.10, abs=0.05)
    assert r212 == pytest.approx(91.32, abs=0.05)
    assert r210 == pytest.approx(40.0, rel=0.05)
    assert r212 == pytest.approx(87.0, rel=0.05)
    assert ph.alpha_csda_range_um(5.30433, "brain") == pytest.approx(39.52, abs=0.05)
    assert ph.alpha_csda_range_um(8.78508, "brain") == pytest.approx(87.80, abs=0.05)
    detour = np.interp([5.30433, 8.78508], E_TAB, ASTAR.column("detour_factor"))
    assert r210 * detour[0] == pytest.approx(40.84, abs=0.05)
    assert r212 * detour[1] == pytest.approx(91.02, abs=0.05)


def test_bragg_peak_of_alpha_stopping_power_in_water():
    """ASTAR water: maximum total stopping power 2266 MeV cm²/g (226.6 keV/µm) at 0.70 MeV."""
    e = np.geomspace(0.3, 2.0, 4001)
    s = ph.alpha_stopping_power(e)
    assert e[np.argmax(s)] == pytest.approx(0.70, rel=0.01)
    assert s.max() * 1e-4 * 1e3 == pytest.approx(226.6, abs=0.1)  # keV/µm at ρ = 1


@pytest.mark.parametrize("energy_MeV", [20.0, 40.0, 100.0, 400.0, 1000.0])
def test_velocity_scaling_against_pstar(energy_MeV):
    """Bethe regime: S_α(E) = z² S_p(E m_p/m_α) with z = 2 (NIST ASTAR vs NIST PSTAR, water).

    Measured ratios 3.998-4.000 from 20 MeV to 1 GeV; tolerance 0.3 %. Masses: m_p = 938.272 MeV,
    m_α = 3727.379 MeV (CODATA 2018).
    """
    pstar = load_table("pstar_water_liquid")
    e_p = energy_MeV * 938.272 / 3727.379
    sp = np.exp(
        np.interp(
            np.log(e_p), np.log(pstar.column("energy_MeV")), np.log(pstar.column("electronic_stopping_power"))
        )
    )
    assert ph.alpha_stopping_power(energy_MeV, component="electronic") / sp == pytest.approx(4.0, rel=3e-3)


def test_nuclear_stopping_matters_only_at_the_end_of_track():
    """ASTAR: nuclear stopping is < 0.15 % of the total from 1 to 9 MeV (0.13 % at 1 MeV).

    It dominates at 2 keV, the last ~0.01 µm of the track.
    """
    e = np.geomspace(1.0, 9.0, 50)
    frac = ph.alpha_stopping_power(e, component="nuclear") / ph.alpha_stopping_power(e)
    assert np.all(frac < 1.5e-3)
    assert ph.alpha_stopping_power(0.002, component="nuclear") > ph.alpha_stopping_power(
        0.002, component="electronic"
    )
