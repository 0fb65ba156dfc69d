"""Validation of electron ranges: ESTAR vs NIST published values; Cole (MIRDcell) vs ESTAR.

Sources: NIST SRD-124 ESTAR, liquid water (Berger, Coursey, Zucker, Chang; ICRU Report 37, 1984);
Cole A., Radiat Res 38:7 (1969) in the form coded by MIRDcell (Goddu et al. 1994, J Nucl Med 35:303).
"""

from __future__ import annotations

import pytest

import brainrit.physics as ph


@pytest.mark.parametrize(
    ("energy_MeV", "collision", "total", "csda_g_cm2"),
    [(0.1, 4.115, 4.119, 0.01431), (1.0, 1.849, 1.862, 0.4367)],
)
def test_estar_water_matches_nist_published_values(energy_MeV, collision, total, csda_g_cm2):
    """NIST ESTAR web output for liquid water (4 significant figures).

    The packaged table was recomputed from ESTAR's parameters (file header: 3 significant figures vs
    NIST; CSDA within 0.3 % from 20 keV to 5 MeV). Measured: stopping powers within 0.01 %, CSDA
    within 0.04 % (143.04 µm vs 143.1 µm; 4365.7 µm vs 4367 µm). Tolerance 0.3 %.
    """
    assert ph.electron_stopping_power(energy_MeV, component="collision") == pytest.approx(collision, rel=3e-3)
    assert ph.electron_stopping_power(energy_MeV) == pytest.approx(total, rel=3e-3)
    assert ph.electron_csda_range_um(energy_MeV) == pytest.approx(csda_g_cm2 * 1e4, rel=3e-3)


# Cole (this package: E(R) = ∫ MIRDcell dE/dr) vs ESTAR CSDA in liquid water, measured relative difference
COLE_VS_ESTAR = [
    (10.0, 0.081),
    (20.0, 0.041),
    (50.0, 0.008),
    (100.0, -0.002),
    (200.0, 0.005),
    (500.0, 0.034),
    (1000.0, 0.054),
    (2000.0, 0.059),
]


@pytest.mark.parametrize(("energy_keV", "difference"), COLE_VS_ESTAR)
def test_cole_range_vs_estar_csda(energy_keV, difference):
    """Cole range vs ESTAR CSDA range: +8.1 % at 10 keV, +4.1 % at 20 keV, +0.8 % at 50 keV,
    −0.2 % at 100 keV, +0.5 % at 200 keV, +3.4 % at 500 keV, +5.4 % at 1 MeV, +5.9 % at 2 MeV.

    Cole's relation is a fit to electron-beam absorption measurements (practical, not CSDA, ranges
    at low energy), so a difference of several % from ESTAR below 20 keV is expected; MIRDcell uses
    it for µm-scale cell dosimetry. Tolerance: the stated difference ± 0.3 percentage points.
    """
    cole = ph.cole_range_um(energy_keV)
    estar = ph.electron_csda_range_um(energy_keV / 1000.0)
    assert cole / estar - 1 == pytest.approx(difference, abs=3e-3)


def test_cole_at_1_kev_and_the_estar_gap():
    """1 keV: Cole gives 0.0679 µm. ESTAR has no data below 10 keV; the packaged table's power-law
    extrapolation (R ∝ E^1.78 from 10-12.5 keV) gives 0.0417 µm, 39 % shorter, and is not a
    measurement. The public ESTAR function therefore refuses 1 keV and points to Cole; the kernel
    table (which must start at R(0) = 0) carries the extrapolation.
    """
    assert ph.cole_range_um(1.0) == pytest.approx(0.0679, abs=1e-4)
    t = ph.electron_range_table()
    extrapolated = ph.range_um_from_energy(0.001, t.energy_MeV, t.range_um)
    assert extrapolated == pytest.approx(0.0417, abs=2e-4)
    assert extrapolated / ph.cole_range_um(1.0) - 1 == pytest.approx(-0.386, abs=0.01)


def test_cole_original_range_formula_only_valid_below_tens_of_keV():
    """Cole's closed form R = 0.0431 (E + 0.367)^1.77 − 0.007 vs our E(R) inverse: within 0.3 % at
    1-10 keV, +5.3 % at 100 keV, ×1.9 at 1 MeV (the 0.00413 R^1.33 term of MIRDcell's inverse is
    missing from it). MIRDcell itself only uses it as a starting guess (RangeCalc.BetaNegRange).
    """

    def closed(e_keV: float) -> float:
        return 0.0431 * (e_keV + 0.367) ** 1.77 - 0.007

    for e in (1.0, 5.0, 10.0):
        assert closed(e) == pytest.approx(ph.cole_range_um(e), rel=3e-3)
    assert closed(100.0) / ph.cole_range_um(100.0) - 1 == pytest.approx(0.053, abs=3e-3)
    assert closed(1000.0) / ph.cole_range_um(1000.0) == pytest.approx(1.913, abs=0.01)
