"""CT numbers (HU) → mass density (g/cm³): a piecewise-linear calibration through reference tissues.

Model
-----
A CT number is ``HU = 1000 (μ/μ_water − 1)`` at the scanner's effective energy. For each reference
material of known composition and density, its CT number follows from the NIST mass attenuation
coefficients (Hubbell JH, Seltzer SM, NIST Standard Reference Database 126, 2004,
doi:10.18434/T4D01F): ``HU = 1000 (ρ (μ/ρ) / (μ/ρ)_water − 1)``. This is the stoichiometric idea of
Schneider U, Pedroni E, Lomax A. "The calibration of CT Hounsfield units for radiotherapy treatment
planning." Phys Med Biol 1996;41:111–124 (doi:10.1088/0031-9155/41/1/009), reduced to the three
materials :mod:`brainrit.physics` tabulates: air (ρ = 0.0012 g/cm³, HU = −1000), water (1.000 g/cm³,
HU = 0), ICRU-44 brain (1.04 g/cm³) and ICRU-44 cortical bone (1.92 g/cm³; ICRU Report 44, 1989).
Density is interpolated linearly in HU between these points (air–water–soft tissue, then soft
tissue–bone, the shape of the usual "bilinear" calibration) and extrapolated linearly beyond bone;
values are clipped at the air density.

The default effective energy 0.07 MeV is an assumption (the mean energy of a 120 kVp spectrum after
a head is of that order); it only moves the bone point. A measured calibration of the patient's
scanner (CT of an electron-density phantom) should be passed as ``calibration`` instead.

Check (a material not among the points): ICRU-44 soft tissue at its ICRU density 1.06 g/cm³ has
HU ≈ 53 at 70 keV; the calibration gives its density within 2 % (``tests/unit/test_patient_images.py``).

Examples
--------
>>> from brainrit.dosimetry.voxel.density import hu_to_density_g_cm3
>>> [round(float(x), 3) for x in hu_to_density_g_cm3([-1000.0, 0.0, 40.0])]
[0.001, 1.0, 1.041]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from brainrit.checks import array_finite, in_range
from brainrit.errors import InputError

__all__ = [
    "AIR_DENSITY_G_CM3",
    "calibration_points",
    "density_to_hu",
    "hu_of_material",
    "hu_to_density_g_cm3",
]

#: Dry air at 20 °C, 101.325 kPa (NIST SRD-126 "Air, Dry (near sea level)": 1.205e-3 g/cm³).
AIR_DENSITY_G_CM3 = 1.205e-3


def hu_of_material(
    material: str, *, effective_energy_MeV: float = 0.07, density_g_cm3: float | None = None
) -> float:
    """CT number of a :mod:`brainrit.physics` material at an effective energy (NIST SRD-126 μ/ρ).

    Examples
    --------
    >>> hu_of_material("water")
    0.0
    >>> 1000 < hu_of_material("bone") < 2500
    True
    """
    from brainrit.physics import get_material, photon_mu_rho_cm2_g

    e = in_range("effective_energy_MeV", effective_energy_MeV, 0.02, 0.2, unit="MeV")
    mat = get_material(material, density_g_cm3)
    mu = float(photon_mu_rho_cm2_g(e, mat.name)) * mat.density_g_cm3
    mu_w = float(photon_mu_rho_cm2_g(e, "water"))
    return 1000.0 * (mu / mu_w - 1.0)


def calibration_points(*, effective_energy_MeV: float = 0.07) -> tuple[np.ndarray, np.ndarray]:
    """Default calibration ``(HU, density g/cm³)``: air, water, ICRU-44 brain and cortical bone.

    Examples
    --------
    >>> hu, rho = calibration_points()
    >>> hu[:2].tolist(), rho.tolist()
    ([-1000.0, 0.0], [0.001205, 1.0, 1.04, 1.92])
    """
    from brainrit.physics import get_material

    hu = [-1000.0, 0.0]
    rho = [AIR_DENSITY_G_CM3, 1.0]
    for name in ("brain", "bone"):
        hu.append(hu_of_material(name, effective_energy_MeV=effective_energy_MeV))
        rho.append(get_material(name).density_g_cm3)
    return np.array(hu), np.array(rho)


def _points(calibration: Any, effective_energy_MeV: float) -> tuple[np.ndarray, np.ndarray]:
    if calibration is None:
        return calibration_points(effective_energy_MeV=effective_energy_MeV)
    allowed = "a sequence of at least two (HU, density g/cm3) pairs with increasing HU and densities > 0"
    try:
        pts = np.asarray(calibration, dtype=float)
    except (TypeError, ValueError):
        raise InputError("calibration", calibration, allowed) from None
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 2 or not np.all(np.isfinite(pts)):
        raise InputError("calibration", calibration, allowed)
    if np.any(np.diff(pts[:, 0]) <= 0) or np.any(pts[:, 1] <= 0):
        raise InputError("calibration", calibration, allowed)
    return pts[:, 0], pts[:, 1]


def _extrapolate(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    y = np.interp(x, xp, fp)
    lo, hi = x < xp[0], x > xp[-1]
    y[lo] = fp[0] + (x[lo] - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0])
    y[hi] = fp[-1] + (x[hi] - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    return y


def hu_to_density_g_cm3(
    hu: Any,
    *,
    calibration: Sequence[Sequence[float]] | None = None,
    effective_energy_MeV: float = 0.07,
) -> np.ndarray:
    """Mass density (g/cm³) from CT numbers by piecewise-linear interpolation.

    Parameters
    ----------
    hu : float or array
        CT numbers (HU), finite.
    calibration : sequence of (HU, density) pairs, optional
        A measured calibration (increasing HU). Default: :func:`calibration_points`.
    effective_energy_MeV : float
        Effective CT energy for the default calibration (0.02–0.2 MeV).

    Returns
    -------
    ndarray
        Densities, at least the air density.

    Examples
    --------
    >>> float(hu_to_density_g_cm3(500.0, calibration=[(0, 1.0), (1000, 2.0)]))
    1.5
    """
    h = array_finite("hu", hu)
    xp, fp = _points(calibration, effective_energy_MeV)
    out = _extrapolate(np.atleast_1d(h).astype(float).ravel(), xp, fp).reshape(h.shape)
    return np.maximum(out, AIR_DENSITY_G_CM3)


def density_to_hu(
    density_g_cm3: Any,
    *,
    calibration: Sequence[Sequence[float]] | None = None,
    effective_energy_MeV: float = 0.07,
) -> np.ndarray:
    """Inverse of :func:`hu_to_density_g_cm3` (the calibration is monotonic).

    Examples
    --------
    >>> float(density_to_hu(1.5, calibration=[(0, 1.0), (1000, 2.0)]))
    500.0
    """
    rho = array_finite("density_g_cm3", density_g_cm3, low=0.0, strict_low=True, unit="g/cm3")
    xp, fp = _points(calibration, effective_energy_MeV)
    if np.any(np.diff(fp) <= 0):
        raise InputError("calibration", calibration, "densities increasing with HU (invertible)")
    out = _extrapolate(np.atleast_1d(rho).astype(float).ravel(), fp, xp).reshape(rho.shape)
    return out
