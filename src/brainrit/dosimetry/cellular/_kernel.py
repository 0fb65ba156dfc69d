"""Point kernels and sphere responses on a distance grid (internal; used by cross-dose, clusters, vascular).

``K_c(x)``: energy (MeV per decay) deposited within distance x of a point source by radiation class c
(straight CSDA tracks, the same physics as the self-dose kernels). ``e_c(s; b)``: energy deposited in a
ball of radius b by a point source at distance s from its centre,
e(s) = ∫ f(s, x, b) dK(x) (f: fraction of the sphere of radius x inside the ball), evaluated exactly
for K piecewise linear on the grid (closed-form ∫ f dx on each grid cell).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np

from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular._psi import GL_W16, GL_X16, frac_in_ball, frac_integral

#: Largest distance (µm) covered by point kernels by default. Beyond it the energy of long-range β and
#: photons belongs to macroscopic (voxel) dosimetry; the cell/vessel results ignore it.
DEFAULT_MAX_DISTANCE_UM = 3000.0
DEFAULT_H_UM = 0.1
#: The grid extends this far (µm) beyond the longest track so that ball responses e(s; b) are complete
#: for balls (cells, nuclei) of radius up to this value.
PAD_UM = 150.0


@dataclass(frozen=True)
class PointKernel:
    """Cumulative point kernel: ``cumulative_MeV[c, j]`` = energy within ``x_um[j]`` by class c per decay."""

    x_um: np.ndarray
    cumulative_MeV: np.ndarray
    density_g_cm3: float


@functools.lru_cache(maxsize=128)
def point_kernel_for(
    members: tuple[tuple[str, float], ...],
    material: str,
    electron_model: str,
    max_distance_um: float = DEFAULT_MAX_DISTANCE_UM,
    h_um: float = DEFAULT_H_UM,
) -> PointKernel:
    """Point kernel of a list of (member, decays per parent decay) (cached)."""
    tb = src.tables(material, electron_model)
    sets = [src.member_emissions(m, tb.material, tb.density_g_cm3).scaled(n) for m, n in members]
    es = src.EmissionSet.concat(sets)
    return _kernel(es, tb, max_distance_um, h_um)


def monoenergetic_kernel(particle: str, energy_MeV: float, material: str, electron_model: str) -> PointKernel:
    tb = src.tables(material, electron_model)
    es = src.monoenergetic(particle, energy_MeV)
    return _kernel(es, tb, DEFAULT_MAX_DISTANCE_UM, DEFAULT_H_UM)


def _kernel(es: src.EmissionSet, tb: src.Tables, max_distance_um: float, h_um: float) -> PointKernel:
    xmax = min(max(src.max_range_um(es, tb), 1.0) * 1.0001 + PAD_UM, max_distance_um + PAD_UM)
    x = src.kernel_grid(xmax, h_um)
    out = np.zeros((len(src.RADIATION_CLASSES), x.size))
    if es.energy_MeV.size:
        src.cumulative_kernel(
            es.kind, es.energy_MeV, es.weight, es.cls, es.mu_per_um, es.ratio,
            tb.alpha_E, tb.alpha_R, tb.electron_E, tb.electron_R, x, out,
        )  # fmt: skip
    # local (zero-range) deposits: K jumps at x = 0+; attribute them to the first grid cell
    out[:, 0] = 0.0
    out.setflags(write=False)
    return PointKernel(x, out, tb.density_g_cm3)


@numba.njit(cache=True, nogil=True)
def _ball_response(x, k, b, out):  # pragma: no cover - compiled
    nx = x.shape[0]
    ncls = k.shape[0]
    for i in range(nx):
        s = x[i]
        lo = s - b if s > b else 0.0
        hi = s + b
        j0 = np.searchsorted(x, lo, side="right") - 1
        if j0 < 0:
            j0 = 0
        j = j0
        while j < nx - 1 and x[j] < hi:
            w = frac_integral(s, x[j], x[j + 1], b) / (x[j + 1] - x[j])
            if w != 0.0:
                for c in range(ncls):
                    out[c, i] += w * (k[c, j + 1] - k[c, j])
            j += 1


_BALL_CACHE: dict[tuple[int, float], tuple[PointKernel, np.ndarray]] = {}


def ball_response(kernel: PointKernel, b: float) -> np.ndarray:
    """e_c(s; b) on s = ``kernel.x_um`` (MeV per decay deposited in a ball of radius b), cached."""
    key = (id(kernel), float(b))
    hit = _BALL_CACHE.get(key)
    if hit is not None and hit[0] is kernel:
        return hit[1]
    out = np.zeros_like(kernel.cumulative_MeV)
    _ball_response(kernel.x_um, kernel.cumulative_MeV, float(b), out)
    out.setflags(write=False)
    if len(_BALL_CACHE) > 512:
        _BALL_CACHE.clear()
    _BALL_CACHE[key] = (kernel, out)
    return out


# ----------------------------------------------------------------------------------------------
# cross-dose between two spherical cells
# ----------------------------------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _interp_rows(s, x, e, out_vec):  # pragma: no cover - compiled
    n = x.shape[0]
    if s >= x[n - 1]:
        for c in range(e.shape[0]):
            out_vec[c] = 0.0
        return
    j = np.searchsorted(x, s, side="right") - 1
    if j < 0:
        j = 0
    t = (s - x[j]) / (x[j + 1] - x[j])
    for c in range(e.shape[0]):
        out_vec[c] = e[c, j] + t * (e[c, j + 1] - e[c, j])


@numba.njit(cache=True, nogil=True)
def _source_integral(d, a, surface, x, e, out_vec):  # pragma: no cover - compiled
    """∫ p(s) e(s) ds for a source ball (or sphere surface) of radius a whose centre is at distance d
    from the target centre; p is the density of the source-point distance s to the target centre."""
    ncls = e.shape[0]
    for c in range(ncls):
        out_vec[c] = 0.0
    tmp = np.empty(ncls)
    gx = GL_X16
    gw = GL_W16
    lo = abs(d - a)
    hi = d + a
    pts = np.array([0.0, lo, hi])
    nseg = 8
    for seg in range(2):
        u0 = pts[seg]
        v0 = pts[seg + 1]
        if v0 <= u0:
            continue
        if surface and seg == 0:
            continue
        for m in range(nseg):
            u = u0 + (v0 - u0) * m / nseg
            v = u0 + (v0 - u0) * (m + 1) / nseg
            half = 0.5 * (v - u)
            mid = 0.5 * (v + u)
            for q in range(gx.shape[0]):
                s = mid + half * gx[q]
                if surface:
                    p = s / (2.0 * a * d)
                else:
                    p = 3.0 * s * s * frac_in_ball(d, s, a) / a**3
                if p == 0.0:
                    continue
                _interp_rows(s, x, e, tmp)
                for c in range(ncls):
                    out_vec[c] += gw[q] * half * p * tmp[c]


@numba.njit(cache=True, nogil=True)
def cross_energy(d, rc_s, rn_s, x, e_tn, e_tc, out):  # pragma: no cover - compiled
    """out[c, t, s]: energy (MeV/decay) into target t of a cell from source s of a cell at distance d.

    ``e_tn``/``e_tc``: ball responses for the target cell's nucleus / cell radius.
    """
    ncls = e_tn.shape[0]
    vn = rn_s**3
    vc = rc_s**3
    vy = vc - vn
    tmp = np.empty(ncls)
    for ti in range(2):
        e = e_tn if ti == 0 else e_tc
        row = 0 if ti == 0 else 2
        _source_integral(d, rn_s, False, x, e, tmp)
        for c in range(ncls):
            out[c, row, 0] = tmp[c]
        _source_integral(d, rc_s, False, x, e, tmp)
        for c in range(ncls):
            out[c, row, 3] = tmp[c]
        _source_integral(d, rc_s, True, x, e, tmp)
        for c in range(ncls):
            out[c, row, 2] = tmp[c]
        for c in range(ncls):
            out[c, row, 1] = (vc * out[c, row, 3] - vn * out[c, row, 0]) / vy
    for c in range(ncls):
        for s in range(4):
            out[c, 1, s] = out[c, 2, s] - out[c, 0, s]
