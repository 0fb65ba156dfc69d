"""α particles: ASTAR stopping powers, CSDA ranges, residual energy, energy along a straight track.

Physics model (the MIRD cellular approach, Goddu et al. 1994, J Nucl Med 35:303): straight tracks,
continuous slowing down with the ASTAR total (electronic + nuclear) stopping power, δ-rays
deposited locally, no range straggling.

Data: NIST ASTAR (SRD-124; Berger, Coursey, Zucker, Chang; ICRU Report 49, 1993), tabulated from
1 keV to 1000 MeV, so every α of radionuclide therapy (Po-212: 8.785 MeV) is covered.

- Stopping powers: log-log linear interpolation between tabulated energies (exact at them).
- CSDA range: ASTAR's ``csda_range`` column (which integrates the total stopping power, nuclear
  included) interpolated by the range table of :mod:`brainrit.physics.rangetable`; range in µm is
  g/cm² ÷ density × 10⁴, so it scales as 1/ρ.
- Residual energy and energy deposited along a segment use the same range table:
  ``E_dep(s1, s2) = E(R0 − s1) − E(R0 − s2)``, clipped at 0.

Reference values (this ASTAR table, liquid water, ρ = 1.00): 5.304 MeV (Po-210) → 41.1 µm;
8.785 MeV (Po-212) → 91.3 µm; in brain (ρ = 1.04) 39.5 and 87.8 µm. Often-quoted round figures
(≈ 40 µm, ≈ 87 µm) are 3–5 % lower; see ``tests/validation/test_physics_alpha_reference.py``.

Examples
--------
>>> from brainrit.physics import alpha_csda_range_um, alpha_energy_deposited_MeV
>>> round(alpha_csda_range_um(5.0), 2)
37.59
>>> alpha_energy_deposited_MeV(5.0, 0.0, 100.0)
5.0
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from brainrit.errors import InputError
from brainrit.physics import _util
from brainrit.physics.materials import Material, material_with_table
from brainrit.physics.rangetable import (
    RangeTable,
    build_range_table,
    deposited_many,
    range_many,
    residual_many,
)
from brainrit.physics.tables import load_table

__all__ = [
    "ALPHA_COMPONENTS",
    "alpha_csda_range_um",
    "alpha_energy_deposited_MeV",
    "alpha_range_table",
    "alpha_residual_energy_MeV",
    "alpha_stopping_power",
]

ALPHA_COMPONENTS: tuple[str, ...] = ("electronic", "nuclear", "total")


def _astar(material: str | Material, density_g_cm3: float | None = None) -> tuple[Material, Any]:
    mat = material_with_table(material, "astar", density_g_cm3)
    return mat, load_table(mat.astar)


def alpha_stopping_power(
    energy_MeV: Any, material: str | Material = "water", component: str = "total"
) -> float | np.ndarray:
    """Mass stopping power of α particles (MeV cm²/g), ASTAR, log-log interpolated.

    Parameters
    ----------
    energy_MeV : float or array
        α kinetic energy (MeV), within the ASTAR table (1e-3 to 1000 MeV).
    material : str
        ``"water"`` (default), ``"soft_tissue"`` or ``"brain"`` (see :mod:`brainrit.physics.materials`).
    component : str
        ``"electronic"``, ``"nuclear"`` or ``"total"`` (= electronic + nuclear).

    Returns
    -------
    float or numpy.ndarray
        Mass stopping power in MeV cm²/g (multiply by ρ in g/cm³ and 1e-4 for MeV/µm).

    Raises
    ------
    brainrit.errors.InputError
        NaN, negative or out-of-table energy; unknown material or component.

    Examples
    --------
    >>> from brainrit.physics import alpha_stopping_power
    >>> alpha_stopping_power(5.0, component="electronic")
    884.757
    """
    _, tab = _astar(material)
    comp = _util.component(component, ALPHA_COMPONENTS)
    e_tab = tab.column("energy_MeV")
    e = _util.energies("energy_MeV", energy_MeV, e_tab[0], e_tab[-1], what=f"ASTAR ({tab.name})")
    el = _util.loglog(e, e_tab, tab.column("electronic_stopping_power"))
    nu = _util.loglog(e, e_tab, tab.column("nuclear_stopping_power"))
    out = {"electronic": el, "nuclear": nu, "total": el + nu}[comp]
    return _util.ret(out, energy_MeV)


@functools.lru_cache(maxsize=64)
def _range_table(name: str, density: float) -> RangeTable:
    mat, tab = _astar(name, density)
    return build_range_table(
        tab.column("energy_MeV"), tab.column("csda_range"), mat.density_g_cm3, material=mat.name
    )


def alpha_range_table(material: str | Material = "water", density_g_cm3: float | None = None) -> RangeTable:
    """Range–energy table of α particles for the numba kernels (cached per material and density).

    Parameters
    ----------
    material : str
        ``"water"`` (default), ``"soft_tissue"`` or ``"brain"``.
    density_g_cm3 : float, optional
        Density; default the material's (see :mod:`brainrit.physics.materials`).

    Returns
    -------
    RangeTable
        ``energy_MeV`` from 0 to 1000 MeV and ``range_um`` from 0, read-only float64 arrays.

    Examples
    --------
    >>> from brainrit.physics import alpha_range_table, range_um_from_energy
    >>> t = alpha_range_table("water")
    >>> float(t.energy_MeV[0]), float(t.range_um[0])
    (0.0, 0.0)
    >>> round(range_um_from_energy(8.785, t.energy_MeV, t.range_um), 1)
    91.3
    """
    mat = material_with_table(material, "astar", density_g_cm3)
    return _range_table(mat.name, mat.density_g_cm3)


def _table_and_energy(energy_MeV: Any, material: Any, density_g_cm3: Any) -> tuple[RangeTable, np.ndarray]:
    table = alpha_range_table(material, density_g_cm3)
    e = _util.energies("energy_MeV", energy_MeV, 0.0, table.max_energy_MeV, what="the ASTAR range table")
    return table, e


def alpha_csda_range_um(
    energy_MeV: Any, material: str | Material = "water", *, density_g_cm3: float | None = None
) -> float | np.ndarray:
    """CSDA range (µm) of an α particle (ASTAR ``csda_range`` ÷ density).

    Parameters
    ----------
    energy_MeV : float or array
        Kinetic energy in [0, 1000] MeV. Below ASTAR's first energy (1 keV, range 0.03 µm) the
        range is a power-law extrapolation to R(0) = 0.
    material : str
        ``"water"`` (default), ``"soft_tissue"``, ``"brain"``.
    density_g_cm3 : float, optional
        Density; ranges scale as 1/ρ.

    Examples
    --------
    >>> from brainrit.physics import alpha_csda_range_um
    >>> round(alpha_csda_range_um(8.785), 1), round(alpha_csda_range_um(8.785, "brain"), 1)
    (91.3, 87.8)
    """
    table, e = _table_and_energy(energy_MeV, material, density_g_cm3)
    return _util.ret(range_many(e, table), energy_MeV)


def alpha_residual_energy_MeV(
    energy_MeV: Any, path_um: Any, material: str | Material = "water", *, density_g_cm3: float | None = None
) -> float | np.ndarray:
    """Kinetic energy (MeV) left after travelling ``path_um`` (0 beyond the range); broadcasts.

    Examples
    --------
    >>> from brainrit.physics import alpha_residual_energy_MeV
    >>> round(alpha_residual_energy_MeV(8.785, 40.0), 3), alpha_residual_energy_MeV(5.0, 50.0)
    (6.127, 0.0)
    """
    table, e = _table_and_energy(energy_MeV, material, density_g_cm3)
    p = _util.lengths("path_um", path_um)
    return _util.ret(residual_many(e, p, table), energy_MeV, path_um)


def alpha_energy_deposited_MeV(
    energy_MeV: Any,
    start_um: Any,
    stop_um: Any,
    material: str | Material = "water",
    *,
    density_g_cm3: float | None = None,
) -> float | np.ndarray:
    """Energy (MeV) lost by an α between path lengths ``start_um`` and ``stop_um`` from emission.

    Straight track, CSDA, δ-rays deposited locally: ``E(R0 − start) − E(R0 − stop)`` with
    ``R0 = R(energy_MeV)``, 0 beyond the range. Vectorised over all arguments (numpy broadcasting).
    The same computation is available to numba code as
    :func:`brainrit.physics.deposited_along_segment_MeV`.

    Parameters
    ----------
    energy_MeV : float or array
        Initial kinetic energy in [0, 1000] MeV.
    start_um, stop_um : float or array
        Path lengths (µm) from the emission point, ``0 <= start_um <= stop_um``.
    material : str
        ``"water"`` (default), ``"soft_tissue"``, ``"brain"``.
    density_g_cm3 : float, optional
        Density; default the material's.

    Raises
    ------
    brainrit.errors.InputError
        Bad energy, negative or NaN path, ``stop_um < start_um``, unknown material, bad density.

    Examples
    --------
    >>> from brainrit.physics import alpha_energy_deposited_MeV
    >>> round(alpha_energy_deposited_MeV(5.0, 0.0, 10.0), 3)
    0.95
    >>> alpha_energy_deposited_MeV(5.0, [0.0, 10.0], [10.0, 100.0]).round(3).tolist()
    [0.95, 4.05]
    """
    table, e = _table_and_energy(energy_MeV, material, density_g_cm3)
    a = _util.lengths("start_um", start_um)
    b = _util.lengths("stop_um", stop_um)
    try:
        _, aa, bb = np.broadcast_arrays(e, a, b)
    except ValueError:
        shapes = (np.shape(energy_MeV), np.shape(start_um), np.shape(stop_um))
        raise InputError("shapes", shapes, "shapes that broadcast together") from None
    bad = bb < aa
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
        where = f"stop_um[{', '.join(map(str, idx))}]" if bad.ndim else "stop_um"
        raise InputError(where, bb[idx].item(), f">= start_um ({aa[idx].item():g} um)")
    return _util.ret(deposited_many(e, a, b, table), energy_MeV, start_um, stop_um)
