"""Spatial index of the nuclei and the numba track walker (3-D DDA, Amanatides & Woo, Eurographics 1987).

Nuclei are binned on a uniform grid (CSR layout); each α track is walked through the bins it crosses and
tested only against the nuclei in those bins. :func:`_brute_force_numpy` is the all-tracks × all-nuclei
reference used by the tests and the benchmark.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from brainrit.dosimetry.microdosimetry.geometry import MicroGeometry
from brainrit.physics import deposited_along_segment_MeV, range_um_from_energy  # numba kernels

__all__: list[str] = []

_MAX_GRID_BINS = 2_000_000


@dataclass(frozen=True)
class _Grid:
    lo: np.ndarray  # (3,)
    bin_um: float
    shape: np.ndarray  # (3,) int64
    start: np.ndarray  # (nbins + 1,) int64, CSR offsets
    items: np.ndarray  # nucleus indices, int64


@numba.njit(cache=True, nogil=True)
def _fill_grid(centres, radius, lo, h, shape, start, items, count_only):  # pragma: no cover - numba
    nx, ny, nz = shape[0], shape[1], shape[2]
    for i in range(centres.shape[0]):
        i0 = max(0, math.floor((centres[i, 0] - radius[i] - lo[0]) / h))
        i1 = min(nx - 1, math.floor((centres[i, 0] + radius[i] - lo[0]) / h))
        j0 = max(0, math.floor((centres[i, 1] - radius[i] - lo[1]) / h))
        j1 = min(ny - 1, math.floor((centres[i, 1] + radius[i] - lo[1]) / h))
        k0 = max(0, math.floor((centres[i, 2] - radius[i] - lo[2]) / h))
        k1 = min(nz - 1, math.floor((centres[i, 2] + radius[i] - lo[2]) / h))
        for a in range(i0, i1 + 1):
            for b in range(j0, j1 + 1):
                for c in range(k0, k1 + 1):
                    flat = (a * ny + b) * nz + c
                    if count_only:
                        start[flat + 1] += 1
                    else:
                        items[start[flat]] = i
                        start[flat] += 1


def _build_grid(geom: MicroGeometry) -> _Grid:
    c, r = geom.centres_um, geom.nucleus_radius_um
    lo = (c - r[:, None]).min(axis=0) - 1e-6
    hi = (c + r[:, None]).max(axis=0) + 1e-6
    ext = hi - lo
    if geom.grid_bin_um is not None:
        h = float(geom.grid_bin_um)
    else:
        h = max(2.0 * float(r.max()), float(np.prod(ext) / c.shape[0]) ** (1.0 / 3.0))
    while np.prod(np.ceil(ext / h)) > _MAX_GRID_BINS:
        h *= 1.25
    shape = np.maximum(1, np.ceil(ext / h)).astype(np.int64)
    nbins = int(np.prod(shape))
    start = np.zeros(nbins + 1, np.int64)
    dummy = np.zeros(1, np.int64)
    _fill_grid(c, r, lo, h, shape, start, dummy, True)
    start = np.cumsum(start)
    items = np.empty(int(start[-1]), np.int64)
    cursor = start.copy()
    _fill_grid(c, r, lo, h, shape, cursor, items, False)
    return _Grid(lo, h, shape, start, items)


@numba.njit(cache=True, nogil=True)
def _walk_tracks(
    pos,
    dirs,
    energy,
    recoil,
    centres,
    radius,
    gy_per_mev,
    lo,
    h,
    shape,
    start,
    items,
    table_e,
    table_r,
    log_lo,
    inv_dlog,
    hits,
    z,
    ev_hist,
    acc,
    stamp,
):  # pragma: no cover - numba (tested through simulate)
    """Deposit every track in the nuclei it crosses.

    One function on purpose (it is > 80 lines): this is the hot loop of the package; the slab clip, the
    DDA set-up, the per-bin sphere test and the tally update share a dozen scalar locals per track, and
    splitting them into njit helpers returning tuples measurably slows the walk and the numba compile.

    z: (N, 2) per nucleus [Σz, Σz²] over events.
    acc: [n_events, Σz_event, Σz_event², E emitted (MeV), E deposited in nuclei (MeV), max track fraction].
    """
    nx, ny, nz = shape[0], shape[1], shape[2]
    hi0, hi1, hi2 = lo[0] + nx * h, lo[1] + ny * h, lo[2] + nz * h
    nb = ev_hist.shape[0] - 2
    for k in range(pos.shape[0]):
        e0 = energy[k]
        acc[3] += e0 + recoil[k]
        rng_um = range_um_from_energy(e0, table_e, table_r)
        if rng_um <= 0.0:
            continue
        px, py, pz = pos[k, 0], pos[k, 1], pos[k, 2]
        ux, uy, uz = dirs[k, 0], dirs[k, 1], dirs[k, 2]
        # clip the segment [0, range] to the grid box (slab method)
        t0, t1 = 0.0, rng_um
        ok = True
        for ax in range(3):
            if ax == 0:
                p, u, a, b = px, ux, lo[0], hi0
            elif ax == 1:
                p, u, a, b = py, uy, lo[1], hi1
            else:
                p, u, a, b = pz, uz, lo[2], hi2
            if abs(u) < 1e-300:
                if p < a or p > b:
                    ok = False
            else:
                ta = (a - p) / u
                tb = (b - p) / u
                if ta > tb:
                    ta, tb = tb, ta
                t0 = max(t0, ta)
                t1 = min(t1, tb)
        if not ok or t0 >= t1:
            continue
        tm = 0.5 * (t0 + min(t1, t0 + 1e-9 * h + 1e-12))
        ix = min(nx - 1, max(0, math.floor((px + tm * ux - lo[0]) / h)))
        iy = min(ny - 1, max(0, math.floor((py + tm * uy - lo[1]) / h)))
        iz = min(nz - 1, max(0, math.floor((pz + tm * uz - lo[2]) / h)))
        sx = 1 if ux > 0 else -1
        sy = 1 if uy > 0 else -1
        sz = 1 if uz > 0 else -1
        inf = 1e300
        tmx = ((lo[0] + (ix + (1 if ux > 0 else 0)) * h) - px) / ux if ux != 0 else inf
        tmy = ((lo[1] + (iy + (1 if uy > 0 else 0)) * h) - py) / uy if uy != 0 else inf
        tmz = ((lo[2] + (iz + (1 if uz > 0 else 0)) * h) - pz) / uz if uz != 0 else inf
        tdx = h / abs(ux) if ux != 0 else inf
        tdy = h / abs(uy) if uy != 0 else inf
        tdz = h / abs(uz) if uz != 0 else inf
        track_dep = 0.0
        while True:
            flat = (ix * ny + iy) * nz + iz
            for q in range(start[flat], start[flat + 1]):
                i = items[q]
                if stamp[i] == k:
                    continue
                stamp[i] = k
                ox, oy, oz = px - centres[i, 0], py - centres[i, 1], pz - centres[i, 2]
                b = ox * ux + oy * uy + oz * uz
                c = ox * ox + oy * oy + oz * oz - radius[i] * radius[i]
                disc = b * b - c
                if disc <= 0.0:
                    continue
                sq = math.sqrt(disc)
                s_in = max(0.0, -b - sq)
                s_out = min(rng_um, -b + sq)
                if s_out <= s_in:
                    continue
                dep = deposited_along_segment_MeV(e0, s_in, s_out, table_e, table_r)
                if c < 0.0:  # the decay sits in this nucleus: its recoil nucleus stops here
                    dep += recoil[k]
                if dep <= 0.0:
                    continue
                zi = dep * gy_per_mev[i]
                hits[i] += 1
                z[i, 0] += zi
                z[i, 1] += zi * zi
                track_dep += dep
                acc[0] += 1.0
                acc[1] += zi
                acc[2] += zi * zi
                jb = math.floor((math.log(zi) - log_lo) * inv_dlog)
                if jb < 0:
                    ev_hist[0] += 1
                elif jb >= nb:
                    ev_hist[nb + 1] += 1
                else:
                    ev_hist[jb + 1] += 1
            # next bin
            if tmx <= tmy and tmx <= tmz:
                if tmx > t1:
                    break
                ix += sx
                if ix < 0 or ix >= nx:
                    break
                tmx += tdx
            elif tmy <= tmz:
                if tmy > t1:
                    break
                iy += sy
                if iy < 0 or iy >= ny:
                    break
                tmy += tdy
            else:
                if tmz > t1:
                    break
                iz += sz
                if iz < 0 or iz >= nz:
                    break
                tmz += tdz
        acc[4] += track_dep
        frac = track_dep / (e0 + recoil[k])
        if frac > acc[5]:
            acc[5] = frac


def _brute_force_numpy(
    pos: np.ndarray,
    dirs: np.ndarray,
    energy: np.ndarray,
    centres: np.ndarray,
    radius: np.ndarray,
    gy_per_mev: np.ndarray,
    table_e: np.ndarray,
    table_r: np.ndarray,
    chunk: int = 2048,
) -> tuple[np.ndarray, np.ndarray]:
    """Reference: every track against every nucleus, vectorised numpy in chunks of tracks.

    Same physics as the grid walker (linear interpolation of the same range table); used by the tests and
    as the baseline of the benchmark. Returns (hits, z_Gy) per nucleus.
    """
    n = centres.shape[0]
    hits = np.zeros(n, np.int64)
    z = np.zeros(n)
    for a in range(0, pos.shape[0], chunk):
        p, u, e = pos[a : a + chunk], dirs[a : a + chunk], energy[a : a + chunk]
        r0 = np.interp(e, table_e, table_r)
        o = p[:, None, :] - centres[None, :, :]  # (T, N, 3)
        b = np.einsum("tnk,tk->tn", o, u)
        c = np.einsum("tnk,tnk->tn", o, o) - radius[None, :] ** 2
        disc = b * b - c
        sq = np.sqrt(np.maximum(disc, 0.0))
        s_in = np.maximum(0.0, -b - sq)
        s_out = np.minimum(r0[:, None], -b + sq)
        ok = (disc > 0) & (s_out > s_in)
        ti, ni = np.nonzero(ok)
        rr = r0[ti]
        e1 = np.interp(rr - s_in[ti, ni], table_r, table_e)
        e2 = np.where(s_out[ti, ni] >= rr, 0.0, np.interp(rr - s_out[ti, ni], table_r, table_e))
        e1 = np.where(s_in[ti, ni] <= 0.0, e[ti], e1)
        dep = e1 - e2
        good = dep > 0
        np.add.at(hits, ni[good], 1)
        np.add.at(z, ni[good], dep[good] * gy_per_mev[ni[good]])
    return hits, z
