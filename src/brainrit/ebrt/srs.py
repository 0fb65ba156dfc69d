"""Stereotactic radiosurgery (SRS, fSRS) dose around spherical targets, set by the Paddick gradient index.

Analytic model (derived [D] from Paddick I, Lippitz B. J Neurosurg 2006;105 Suppl:194–201)
-------------------------------------------------------------------------------------------

A sphere of radius ``R`` receives the prescription ``D_p`` at its surface (perfect conformity). Outside,
``D(r) = D_p (R/r)^k`` with ``k = 3 ln 2 / ln GI`` so that the 50 % isodose encloses GI times the
prescription-isodose volume (Paddick gradient index ``GI = V50%/V100%``). Inside,
``D(r) = D_p [h − (h − 1)(r/R)²]`` with ``h`` the maximum-to-prescription ratio (1 = uniform, the
reference model; 1.25 for an 80 % isodose prescription, 2 for a Gamma Knife 50 % isodose).
Defaults: GI = 3.0 (Gamma Knife Perfexion 2.54–3.39, Nakazawa H et al. J Radiat Res 2014;55:518–526);
prescriptions by size from RTOG 90-05.

Normal-brain volume above ``D_x``: ``V_x = 4/3 π (r_x³ − R³)``, ``r_x = R (D_p/D_x)^{1/k}``. Check: a 2 cm
lesion at 20 Gy with GI 3 gives V12 = 5.22 cm³ (HyTEC, Milano et al. 2021: V12 ≈ 5 cm³ ↔ ≈ 10 %
radionecrosis).

Several lesions: the doses of the individual spheres add (superposition).

Examples
--------
>>> round(v_isodose_cm3(10.0, 20.0, 12.0, 3.0), 2)
5.22
>>> round(falloff_exponent(3.0), 4)
1.8928
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brainrit.checks import array_finite, in_range, positive
from brainrit.ebrt.regimens import srs_prescription_Gy
from brainrit.errors import InputError
from brainrit.phantoms.geometry import check_grid

__all__ = [
    "DEFAULT_GRADIENT_INDEX",
    "falloff_exponent",
    "isodose_radius_mm",
    "radial_dose_Gy",
    "srs_dose",
    "v_isodose_cm3",
]

#: Paddick gradient index (Gamma Knife Perfexion 2.54–3.39; Nakazawa et al. 2014, J Radiat Res 55:518).
DEFAULT_GRADIENT_INDEX = 3.0


def falloff_exponent(gradient_index: float) -> float:
    """Power-law exponent ``k = 3 ln 2 / ln GI`` (GI > 1).

    Examples
    --------
    >>> round(falloff_exponent(3.0), 4)   # GI = 3: dose ∝ r^-1.89 outside the target
    1.8928
    """
    gi = positive("gradient_index", gradient_index)
    if gi <= 1.0:
        raise InputError("gradient_index", gradient_index, "a number > 1 (V50% / V100%)")
    return float(3.0 * np.log(2.0) / np.log(gi))


def isodose_radius_mm(
    radius_mm: float, prescription_Gy: float, isodose_Gy: float, gradient_index: float
) -> float:
    """Radius (mm) of the ``isodose_Gy`` surface: ``R (D_p/D_x)^{1/k}`` (``R`` if D_x ≥ D_p).

    Examples
    --------
    >>> round(isodose_radius_mm(10.0, 20.0, 10.0, 3.0), 3)   # 50 % isodose, GI 3: R·2^(1/k) = R·GI^(1/3)
    14.422
    """
    r = positive("radius_mm", radius_mm)
    dp = positive("prescription_Gy", prescription_Gy)
    dx = positive("isodose_Gy", isodose_Gy)
    if dx >= dp:
        return r
    return float(r * (dp / dx) ** (1.0 / falloff_exponent(gradient_index)))


def v_isodose_cm3(
    radius_mm: float, prescription_Gy: float, isodose_Gy: float, gradient_index: float
) -> float:
    """Normal-tissue volume (cm³) outside the sphere receiving ≥ ``isodose_Gy`` (analytic model).

    Examples
    --------
    >>> round(v_isodose_cm3(10.0, 20.0, 10.0, 3.0), 3)   # (GI − 1) × target volume 4.189 cm³
    8.378
    """
    r = positive("radius_mm", radius_mm)
    rx = isodose_radius_mm(r, prescription_Gy, isodose_Gy, gradient_index)
    return float(4.0 / 3.0 * np.pi * (rx**3 - r**3) / 1000.0)


def radial_dose_Gy(
    r_mm: np.ndarray | float,
    radius_mm: float,
    prescription_Gy: float,
    gradient_index: float = DEFAULT_GRADIENT_INDEX,
    max_to_prescription: float = 1.0,
) -> np.ndarray:
    """Dose (Gy) at distance ``r_mm`` from the centre of one spherical target.

    Examples
    --------
    >>> radial_dose_Gy([0.0, 5.0, 5.0 * 3 ** (1 / 3)], 5.0, 24.0).round(6).tolist()   # R50 = R·GI^(1/3)
    [24.0, 24.0, 12.0]
    """
    r = np.asarray(r_mm, dtype=float)
    big_r = positive("radius_mm", radius_mm)
    dp = positive("prescription_Gy", prescription_Gy)
    k = falloff_exponent(gradient_index)
    h = in_range("max_to_prescription", max_to_prescription, 1.0, 3.0)
    if r.ndim == 0:
        rr = np.maximum(r, 1e-12)
        return np.where(r <= big_r, dp * (h - (h - 1.0) * (r / big_r) ** 2), dp * (big_r / rr) ** k)
    # grids: the outside law everywhere, in place (no full-size temporaries), then the few voxels inside
    out = np.maximum(r, 1e-12)
    np.divide(big_r, out, out=out)
    out **= k  # `**`, as before (numpy's fast paths for k = 2, 0.5, ...)
    np.multiply(dp, out, out=out)
    inside = r <= big_r
    ri = r[inside]
    out[inside] = dp * (h - (h - 1.0) * (ri / big_r) ** 2)
    return out


def srs_dose(
    shape: Sequence[int],
    voxel_mm: Sequence[float] | float,
    origin_mm: Sequence[float],
    *,
    centres_mm: np.ndarray,
    diameters_mm: Sequence[float],
    prescriptions_Gy: Sequence[float] | None = None,
    gradient_index: float = DEFAULT_GRADIENT_INDEX,
    max_to_prescription: float = 1.0,
) -> np.ndarray:
    """Total SRS/fSRS dose (Gy, float32) of spherical targets on a grid.

    Parameters
    ----------
    shape, voxel_mm, origin_mm : grid geometry.
    centres_mm : array (N, 3)
        Target centres (mm).
    diameters_mm : sequence of N float
        Target diameters (mm).
    prescriptions_Gy : sequence of N float, optional
        Dose at each target surface (all fractions). Default: single-fraction RTOG 90-05 dose by
        diameter (24/18/15 Gy).
    gradient_index : float
        Paddick GI (default 3.0).
    max_to_prescription : float
        Maximum-to-prescription ratio inside the target (default 1).

    Examples
    --------
    >>> import numpy as np
    >>> d = srs_dose((41, 41, 41), 1.0, (-20.0, -20.0, -20.0), centres_mm=np.zeros((1, 3)),
    ...     diameters_mm=[10.0])
    >>> float(d[20, 20, 20]), float(d[25, 20, 20]), round(float(d[35, 20, 20]), 2)  # centre, surface, 15 mm
    (24.0, 24.0, 3.0)
    """
    shp, vox, org = check_grid(shape, voxel_mm, origin_mm)
    c = np.atleast_2d(np.asarray(centres_mm, dtype=float))
    d = array_finite("diameters_mm", diameters_mm, low=0.0, strict_low=True, unit="mm").ravel()
    if c.shape != (d.size, 3) or not np.all(np.isfinite(c)):
        raise InputError(
            "centres_mm", f"array of shape {c.shape}", f"an array of shape ({d.size}, 3), finite"
        )
    if prescriptions_Gy is None:
        rx = np.array([srs_prescription_Gy(di) for di in d])
    else:
        rx = array_finite("prescriptions_Gy", prescriptions_Gy, low=0.0, strict_low=True, unit="Gy").ravel()
        if rx.size != d.size:
            raise InputError("prescriptions_Gy", prescriptions_Gy, f"{d.size} values (one per target)")
    falloff_exponent(gradient_index)  # validates GI
    x, y, z = (org[a] + vox[a] * np.arange(shp[a]) for a in range(3))
    dose = None
    for ci, di, dp in zip(c, d, rx, strict=True):
        dx2 = ((x - ci[0]) ** 2)[:, None, None]
        dy2 = ((y - ci[1]) ** 2)[None, :, None]
        dz2 = ((z - ci[2]) ** 2)[None, None, :]
        r = dx2 + dy2 + dz2
        np.sqrt(r, out=r)
        one = radial_dose_Gy(r, 0.5 * di, dp, gradient_index, max_to_prescription)
        if dose is None:  # 0 + D = D: the first target's dose is the sum so far
            dose = one
        else:
            dose += one
    if dose is None:
        return np.zeros(shp, dtype=np.float32)
    return dose.astype(np.float32)
