"""Compiled overlap relaxation of a perivascular cuff, the hot loop of
:func:`~brainrit.dosimetry.geometry.perivascular_cells`.

The algorithm and its arithmetic are those of :func:`brainrit.dosimetry.geometry._relax` with the cuff's
projection (:func:`brainrit.dosimetry.geometry._cuff_project`): each iteration finds every pair of centres
closer than ``2·rc − tol``, pushes both apart by half the overlap (× 1.02) along their line, and projects
the centres back into the cuff. Pairs are found with a cell list instead of a k-d tree and visited in
lexicographic order ``(i, j)``, ``i < j`` — the order the Python reference uses too — so the two give
identical positions (``tests/unit/test_geometry.py`` checks it). Each displacement sum is accumulated in
the order of ``numpy.add.at`` over that pair list: first the ``−push`` terms of the pairs where a cell is
``i``, then the ``+push`` terms where it is ``j``.

A pair at (almost) zero distance has no direction; the reference draws one from the caller's random
generator. The kernel stops before such an iteration and reports it (status 2), and the caller runs that
one iteration in Python with its generator, then resumes the kernel.

Examples
--------
>>> import numpy as np
>>> c = np.array([[10.0, 0.0, 10.0], [10.0, 0.0, 14.0]])
>>> out, it, status = relax_cuff(c, 3.0, 6.0, 30.0, 100.0, 0, 100)
>>> status, bool(np.linalg.norm(out[1] - out[0]) >= 6.0 - 1e-8)
(0, True)
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["cuff_project", "pairs_within", "relax_cuff"]

CONVERGED, MAX_ITER, TINY = 0, 1, 2


@numba.njit(cache=True, nogil=True)
def cuff_project(c, rc, rmin, rmax, length):  # pragma: no cover - compiled
    """Cuff centres moved radially into ``[rmin, rmax]`` and axially into ``[rc, length − rc]`` (new array).

    Same operations as the numpy :func:`brainrit.dosimetry.geometry._cuff_project`.
    """
    n = c.shape[0]
    out = np.empty_like(c)
    zlo, zhi = rc, length - rc
    for k in range(n):
        x, y = c[k, 0], c[k, 1]
        rho = math.hypot(x, y)
        target = min(max(rho, rmin), rmax)
        s = target / max(rho, 1e-300)
        if rho < 1e-12:
            out[k, 0] = rmin
            out[k, 1] = 0.0
        else:
            out[k, 0] = x * s
            out[k, 1] = y * s
        out[k, 2] = min(max(c[k, 2], zlo), zhi)
    return out


@numba.njit(cache=True, nogil=True)
def _neighbours(c, r):  # pragma: no cover - compiled
    """Neighbour list: for each i, the ``j > i`` with ``(dx² + dy²) + dz² <= r²``, ascending.

    Returns ``(offsets, j)``: the neighbours of ``i`` are ``j[offsets[i]:offsets[i + 1]]``. A cell list
    of edge ``r``, cells numbered with z fastest so the three z-neighbours are one run of points.
    """
    n = c.shape[0]
    r2 = r * r
    lo = np.empty(3)
    dims = np.empty(3, dtype=np.int64)
    for a in range(3):
        lo[a] = c[:, a].min()
        dims[a] = int((c[:, a].max() - lo[a]) / r) + 1
    nx, ny, nz = dims[0], dims[1], dims[2]
    ci = np.empty((n, 3), dtype=np.int64)
    cell = np.empty(n, dtype=np.int64)
    for k in range(n):
        for a in range(3):
            ci[k, a] = min(int((c[k, a] - lo[a]) / r), dims[a] - 1)
        cell[k] = (ci[k, 0] * ny + ci[k, 1]) * nz + ci[k, 2]
    start = np.zeros(nx * ny * nz + 1, dtype=np.int64)
    for k in range(n):
        start[cell[k] + 1] += 1
    for m in range(nx * ny * nz):
        start[m + 1] += start[m]
    fill = start[:-1].copy()
    members = np.empty(n, dtype=np.int64)
    xs = np.empty((n, 3))  # coordinates in cell order, for locality
    for k in range(n):
        q = fill[cell[k]]
        members[q] = k
        xs[q, 0], xs[q, 1], xs[q, 2] = c[k, 0], c[k, 1], c[k, 2]
        fill[cell[k]] += 1
    offsets = np.zeros(n + 1, dtype=np.int64)
    cap = 16 * n + 16
    out = np.empty(cap, dtype=np.int64)
    m = 0
    buf = np.empty(n, dtype=np.int64)
    for i in range(n):
        xi, yi, zi = c[i, 0], c[i, 1], c[i, 2]
        nb = 0
        z0, z1 = max(ci[i, 2] - 1, 0), min(ci[i, 2] + 1, nz - 1)
        for gx in range(max(ci[i, 0] - 1, 0), min(ci[i, 0] + 2, nx)):
            for gy in range(max(ci[i, 1] - 1, 0), min(ci[i, 1] + 2, ny)):
                g = (gx * ny + gy) * nz
                for p in range(start[g + z0], start[g + z1 + 1]):
                    j = members[p]
                    if j <= i:
                        continue
                    dx = xi - xs[p, 0]
                    dy = yi - xs[p, 1]
                    dz = zi - xs[p, 2]
                    if (dx * dx + dy * dy) + dz * dz <= r2:
                        q = nb  # insertion keeps buf[:nb] ascending
                        while q > 0 and buf[q - 1] > j:
                            buf[q] = buf[q - 1]
                            q -= 1
                        buf[q] = j
                        nb += 1
        if m + nb > cap:
            cap = 2 * (m + nb)
            grown = np.empty(cap, dtype=np.int64)
            grown[:m] = out[:m]
            out = grown
        out[m : m + nb] = buf[:nb]
        m += nb
        offsets[i + 1] = m
    return offsets, out[:m].copy()


@numba.njit(cache=True, nogil=True)
def pairs_within(c, r):  # pragma: no cover - compiled
    """Index pairs ``(i, j)``, ``i < j``, with ``(dx² + dy²) + dz² <= r²`` (the k-d tree's test), in
    lexicographic order: an ``(m, 2)`` int64 array."""
    offsets, nbr = _neighbours(c, r)
    out = np.empty((nbr.shape[0], 2), dtype=np.int64)
    for i in range(c.shape[0]):
        for q in range(offsets[i], offsets[i + 1]):
            out[q, 0] = i
            out[q, 1] = nbr[q]
    return out


@numba.njit(cache=True, nogil=True)
def relax_cuff(c, rc, rmin, rmax, length, it, max_iter):  # pragma: no cover - compiled
    """Run relaxation iterations from iteration ``it`` of ``max_iter`` (``c`` already projected).

    Returns ``(c, it, status)``: status 0 converged (no overlapping pair left), 1 ``max_iter`` reached,
    2 stopped before an iteration with a pair at distance < 1e-12 µm (``c`` not yet moved by it).

    Pairs come from a neighbour list of cutoff ``r + skin`` rebuilt whenever some centre has moved more
    than ``skin / 2`` (less a margin for rounding) since it was built, so no pair within ``r`` is missed.
    """
    n = c.shape[0]
    d = 2.0 * rc
    tol = 1e-9 * d
    r = d - tol
    r2 = r * r
    skin = 0.25 * d
    half_skin2 = (0.5 * skin * (1.0 - 1e-6)) ** 2
    offsets, nbr = _neighbours(c, r + skin)
    built = c.copy()
    pi = np.empty(0, dtype=np.int64)
    pj = np.empty(0, dtype=np.int64)
    while it < max_iter:
        moved2 = 0.0
        for k in range(n):
            ex = c[k, 0] - built[k, 0]
            ey = c[k, 1] - built[k, 1]
            ez = c[k, 2] - built[k, 2]
            moved2 = max(moved2, ex * ex + ey * ey + ez * ez)
        if moved2 > half_skin2:
            offsets, nbr = _neighbours(c, r + skin)
            built = c.copy()
        if pi.shape[0] < nbr.shape[0]:
            pi = np.empty(nbr.shape[0], dtype=np.int64)
            pj = np.empty(nbr.shape[0], dtype=np.int64)
        m = 0
        for i in range(n):
            for q in range(offsets[i], offsets[i + 1]):
                j = nbr[q]
                dx = c[i, 0] - c[j, 0]
                dy = c[i, 1] - c[j, 1]
                dz = c[i, 2] - c[j, 2]
                if (dx * dx + dy * dy) + dz * dz <= r2:
                    pi[m] = i
                    pj[m] = j
                    m += 1
        if m == 0:
            return c, it, 0
        push = np.empty((m, 3))
        for p in range(m):
            i, j = pi[p], pj[p]
            vx = c[j, 0] - c[i, 0]
            vy = c[j, 1] - c[i, 1]
            vz = c[j, 2] - c[i, 2]
            dist = math.sqrt((vx * vx + vy * vy) + vz * vz)
            if dist < 1e-12:
                return c, it, 2
            f = 0.5 * (d - dist) * 1.02
            push[p, 0] = f * (vx / dist)
            push[p, 1] = f * (vy / dist)
            push[p, 2] = f * (vz / dist)
        disp = np.zeros((n, 3))
        for p in range(m):  # np.add.at(disp, i, -push), in pair order
            i = pi[p]
            for a in range(3):
                disp[i, a] += -push[p, a]
        for p in range(m):  # np.add.at(disp, j, push)
            j = pj[p]
            for a in range(3):
                disp[j, a] += push[p, a]
        c = cuff_project(c + disp, rc, rmin, rmax, length)
        it += 1
    return c, it, 1
