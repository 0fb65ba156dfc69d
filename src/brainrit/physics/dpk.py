"""Monte Carlo scaled dose point kernels (DPK) of monoenergetic electrons in water.

A scaled kernel ``j(x) = d(E/E0)/dx`` gives the fraction of an isotropic point source's electron
energy ``E0`` absorbed per unit ``x = r/r0`` around it in an infinite medium, with ``r0`` the CSDA
range at ``E0``. Its integral ``F(x) = ∫₀ˣ j dx'`` is the fraction absorbed inside the sphere of
radius ``x·r0``. Unlike a straight-ahead CSDA track, a Monte Carlo kernel includes multiple
scattering and energy-loss straggling: at 1 MeV (ETRAN) half of the energy lies inside 0.50 r0 and
92 % inside 0.80 r0 (a straight-ahead CSDA track: 42 % and 69 %).

Tables (packaged ``electron_dpk_water_scaled.csv``, provenance in its header):

- ``"ETRAN"`` (default): Seltzer SM 1991, Appl Radiat Isot 42:917–941 (ETRAN), E0 = 0.01, 0.1, 0.5,
  1 MeV, point values on x = 0, 0.025, …; ``F`` by the trapezoid rule.
- ``"EGSnrc"``: Mainegra-Hing E, Rogers DWO, Kawrakow I 2005, Med Phys 32:685–699 (EDKnrc),
  E0 = 0.01, 0.015, 0.1, 1 MeV, shell averages over 0.05-wide shells; ``F`` by summing shells.

Both tables integrate to 1 within 0.4 % (the rest is bremsstrahlung that escapes and
tabulation error); ``F`` is divided by its final value so that every kernel conserves the
emitted electron energy (bremsstrahlung, < 1 % below 1 MeV in water, is absorbed with the rest).

Energy interpolation: for an energy between two tabulated ones, ``F(x; E)`` is interpolated
linearly in ``ln E`` at fixed ``x`` (equivalently the kernel shapes are mixed, each scaled by
its own ``r0(E)``). Below 10 keV the 10 keV shape is used (ranges < 2.5 µm: deposition is local at
any voxel size). Above 1 MeV no Monte Carlo table is published with these data: the 1 MeV shape is
used, scaled by the CSDA range at the actual energy (the shape in units of r0 changes slowly: the
ETRAN 0.5 and 1 MeV kernels place their 50 % radius at 0.51 and 0.50 r0, their 90 % radius at
0.78 r0 both).

Examples
--------
>>> from brainrit.physics.dpk import dpk_fraction_within
>>> f = dpk_fraction_within([[0.5, 0.8, 1.2]], [1.0])
>>> [round(float(v), 2) for v in f[0]]
[0.5, 0.92, 1.0]
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainrit.checks import choice
from brainrit.errors import DataError

__all__ = ["DPK_CODES", "ScaledDPK", "dpk_fraction_within", "scaled_dpk"]

#: Monte Carlo codes whose scaled kernels are packaged.
DPK_CODES: tuple[str, ...] = ("ETRAN", "EGSnrc")

_X_GRID = np.linspace(0.0, 1.5, 1201)


@dataclass(frozen=True)
class ScaledDPK:
    """Cumulative scaled kernels of one Monte Carlo code on a common ``x = r/r0`` grid.

    Attributes
    ----------
    code : str
        One of :data:`DPK_CODES`.
    energy_MeV : ndarray
        Tabulated electron energies E0 (MeV), increasing.
    x : ndarray
        Grid of r/r0 (0 … 1.5).
    cumulative : ndarray
        ``F(x)`` per energy, shape ``(len(energy_MeV), len(x))``, normalised to 1 at the end.
    raw_integral : ndarray
        ``∫ j dx`` of each table before normalisation.

    Examples
    --------
    >>> k = scaled_dpk("EGSnrc")
    >>> [float(e) for e in k.energy_MeV]
    [0.01, 0.015, 0.1, 1.0]
    """

    code: str
    energy_MeV: np.ndarray
    x: np.ndarray
    cumulative: np.ndarray
    raw_integral: np.ndarray


@functools.lru_cache(maxsize=4)
def scaled_dpk(code: str = "ETRAN") -> ScaledDPK:
    """The packaged scaled kernels of ``code`` as cumulative fractions (cached).

    Examples
    --------
    >>> k = scaled_dpk()
    >>> k.code, [float(e) for e in k.energy_MeV], bool(abs(k.raw_integral - 1).max() < 0.02)
    ('ETRAN', [0.01, 0.1, 0.5, 1.0], True)
    """
    from brainrit.physics.tables import _read_text

    key = choice("code", code, DPK_CODES)
    text = _read_text("electron_dpk_water_scaled")
    rows = [line.split(",") for line in io.StringIO(text) if line.strip() and not line.startswith("#")]
    if [c.strip() for c in rows[0]] != ["code", "E0_MeV", "x_r_over_r0", "j"]:
        raise DataError("electron_dpk_water_scaled.csv: unexpected header " + ",".join(rows[0]))
    data = [(float(r[1]), float(r[2]), float(r[3])) for r in rows[1:] if r[0] == key]
    energies = sorted({e for e, _, _ in data})
    cum, raw = [], []
    for e in energies:
        x = np.array([d[1] for d in data if d[0] == e])
        j = np.array([d[2] for d in data if d[0] == e])
        order = np.argsort(x)
        x, j = x[order], j[order]
        if key == "ETRAN":  # point values: trapezoid rule from x = 0
            edges = x
            f = np.concatenate([[0.0], np.cumsum(0.5 * (j[1:] + j[:-1]) * np.diff(x))])
        else:  # shell averages over [0.05 k, 0.05 (k + 1)]
            width = 0.05
            edges = np.arange(x.size + 1) * width
            f = np.concatenate([[0.0], np.cumsum(j * width)])
        if f[-1] <= 0:
            raise DataError(f"electron_dpk_water_scaled.csv: empty {key} kernel at {e} MeV")
        raw.append(f[-1])
        cum.append(np.interp(_X_GRID, edges, f / f[-1], right=1.0))
    out = ScaledDPK(key, np.array(energies), _X_GRID.copy(), np.array(cum), np.array(raw))
    for a in (out.energy_MeV, out.x, out.cumulative, out.raw_integral):
        a.setflags(write=False)
    return out


def dpk_fraction_within(x: Any, energy_MeV: Any, *, code: str = "ETRAN") -> np.ndarray:
    """Fraction of an electron's energy absorbed within ``x = r/r0`` of a point source.

    Parameters
    ----------
    x : array_like, shape (n_energies, n_radii)
        Radii in units of the CSDA range at each energy (>= 0); row ``i`` belongs to ``energy_MeV[i]``.
    energy_MeV : array_like, shape (n_energies,)
        Electron energies (MeV, > 0).
    code : {"ETRAN", "EGSnrc"}
        Kernel set (module notes).

    Returns
    -------
    ndarray
        ``F(x; E)`` shaped like ``x``: 0 at the source, 1 beyond the kernel's end. Interpolated in
        ``ln E`` between tabulated energies; the first/last table outside their range.

    Examples
    --------
    >>> f = dpk_fraction_within([[0.5], [0.5]], [0.1, 0.3])
    >>> bool(0.4 < f[0, 0] < 0.6 and 0.4 < f[1, 0] < 0.6)
    True
    """
    k = scaled_dpk(code)
    xx = np.atleast_2d(np.asarray(x, float))
    e = np.atleast_1d(np.asarray(energy_MeV, float))
    if xx.shape[0] != e.size:
        raise DataError(f"dpk_fraction_within: {xx.shape[0]} rows of x for {e.size} energies")
    log_t = np.log(k.energy_MeV)
    log_e = np.log(np.clip(e, k.energy_MeV[0], k.energy_MeV[-1]))
    hi = np.clip(np.searchsorted(log_t, log_e, side="right"), 1, log_t.size - 1)
    lo = hi - 1
    w = (log_e - log_t[lo]) / (log_t[hi] - log_t[lo])
    out = np.empty_like(xx)
    for i in range(log_t.size - 1):
        rows = np.flatnonzero(lo == i)
        if rows.size == 0:
            continue
        sub = xx[rows]
        f_lo = np.interp(sub, k.x, k.cumulative[i], right=1.0)
        f_hi = np.interp(sub, k.x, k.cumulative[i + 1], right=1.0)
        ww = w[rows][:, None]
        out[rows] = (1.0 - ww) * f_lo + ww * f_hi
    return out
