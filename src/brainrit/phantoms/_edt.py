"""Numba kernel of the exact Euclidean distance transform (imported lazily by :mod:`.geometry`).

Separable squared-distance transform of Felzenszwalb PF, Huttenlocher DP (Theory Comput
2012;8:415–428, DOI 10.4086/toc.2012.v008a019): one lower envelope of parabolas per grid line, along
axis 0, then 1, then 2. Each squared distance is accumulated as ``((Δ0·s0)² + (Δ1·s1)²) + (Δ2·s2)²``, the
order in which :func:`scipy.ndimage.distance_transform_edt` adds the terms for its nearest feature, so
both give the same floating-point distances (checked in ``tests/unit/test_phantom_geometry_edt.py``).
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _line(f: np.ndarray, n: int, s: float, v: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    """``out[p] = min_q f[q] + ((p - q)·s)²`` over the finite ``f[q]`` (inf when there is none)."""
    k = -1
    for q in range(n):
        fq = f[q]
        if fq == np.inf:
            continue
        if k < 0:
            k = 0
            v[0] = q
            z[0] = -np.inf
            z[1] = np.inf
            continue
        qs = q * s
        while True:
            r = v[k]
            rs = r * s
            x = ((fq + qs * qs) - (f[r] + rs * rs)) / (2.0 * s * s * (q - r))
            if x <= z[k]:
                k -= 1  # never below 0: z[0] = -inf
            else:
                break
        k += 1
        v[k] = q
        z[k] = x
        z[k + 1] = np.inf
    if k < 0:
        for p in range(n):
            out[p] = np.inf
        return
    j = 0
    for p in range(n):
        while z[j + 1] < p:
            j += 1
        # the envelope's boundaries are rounded: take the best of the neighbouring parabolas too
        best = np.inf
        for m in range(max(j - 1, 0), min(j + 2, k + 1)):
            d = (p - v[m]) * s
            val = f[v[m]] + d * d
            if val < best:
                best = val
        out[p] = best


@numba.njit(cache=True, nogil=True)
def squared_distance(mask: np.ndarray, s0: float, s1: float, s2: float) -> np.ndarray:
    """Squared distance (mm²) from each voxel centre to the nearest ``True`` voxel of a 3-D mask."""
    n0, n1, n2 = mask.shape
    nmax = max(n0, n1, n2)
    d2 = np.empty((n0, n1, n2), dtype=np.float64)
    f = np.empty(nmax, dtype=np.float64)
    out = np.empty(nmax, dtype=np.float64)
    v = np.empty(nmax, dtype=np.int64)
    z = np.empty(nmax + 1, dtype=np.float64)
    for j in range(n1):
        for k in range(n2):
            for i in range(n0):
                f[i] = 0.0 if mask[i, j, k] else np.inf
            _line(f, n0, s0, v, z, out)
            for i in range(n0):
                d2[i, j, k] = out[i]
    for i in range(n0):
        for k in range(n2):
            for j in range(n1):
                f[j] = d2[i, j, k]
            _line(f, n1, s1, v, z, out)
            for j in range(n1):
                d2[i, j, k] = out[j]
    for i in range(n0):
        for j in range(n1):
            _line(d2[i, j], n2, s2, v, z, out)
            for k in range(n2):
                d2[i, j, k] = out[k]
    return d2
