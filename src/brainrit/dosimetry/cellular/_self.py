"""Self-cell energy matrix (numba kernel, internal): targets (N, Cy, C) × sources (N, Cy, CS, C)."""

from __future__ import annotations

import numba
import numpy as np

from brainrit.dosimetry.cellular._psi import GL_W16, GL_X16, dpsi_matrix
from brainrit.dosimetry.cellular._sources import deposited, track_range
from brainrit.physics import energy_MeV_from_range


@numba.njit(cache=True, nogil=True)
def _psi0(rc, rn):  # pragma: no cover - compiled
    """ψ(0+) for (N, Cy, C) ← (N, Cy, CS, C): where a zero-range emission deposits its energy."""
    psi0 = np.zeros((3, 4))
    psi0[0, 0] = 1.0
    psi0[0, 3] = (rn / rc) ** 3
    psi0[2, 0] = 1.0
    psi0[2, 1] = 1.0
    psi0[2, 2] = 0.5
    psi0[2, 3] = 1.0
    for j in range(4):
        psi0[1, j] = psi0[2, j] - psi0[0, j]
    return psi0


@numba.njit(cache=True, nogil=True)
def self_energy(
    kind, energy, weight, cls, mu, ratio, ta_E, ta_R, te_E, te_R, rc, rn, out
):  # pragma: no cover
    """out[c, t, s] += energy (MeV per decay) deposited in target t from source s by class c.

    E_T = −∫₀^{2R_C} ψ'_{T←S}(x) D(x) dx, 16-point Gauss–Legendre on each interval between the
    points where ψ' or D is not smooth: R_C − R_N, 2R_N, R_C + R_N, 2R_C and the track range.
    The geometry factors at the fixed nodes are computed once; only the interval that contains a
    track's range gets its own nodes.
    """
    gx = GL_X16
    gw = GL_W16
    nq = gx.shape[0]
    ncls = out.shape[0]
    psi0 = _psi0(rc, rn)
    xmax = 2.0 * rc
    bp = np.sort(np.array([0.0, rc - rn, 2.0 * rn, rc + rn, xmax]))
    nint = 4
    # fixed nodes, weights and geometry factors
    xs = np.empty(nint * nq)
    ws = np.empty(nint * nq)
    dps = np.zeros((nint * nq, 3, 4))
    tmp = np.empty((3, 4))
    for i in range(nint):
        u = bp[i]
        v = bp[i + 1]
        half = 0.5 * (v - u)
        mid = 0.5 * (v + u)
        for q in range(nq):
            k = i * nq + q
            xs[k] = mid + half * gx[q]
            ws[k] = gw[q] * half
            if v > u:
                dpsi_matrix(xs[k], rc, rn, tmp)
                dps[k] = tmp
    acc = np.zeros((ncls, nint * nq))
    for k in range(energy.shape[0]):
        c = cls[k]
        e = energy[k]
        w = weight[k]
        kd = kind[k]
        if kd == 3:
            for t in range(3):
                for s in range(4):
                    out[c, t, s] += w * e * psi0[t, s]
            continue
        r = track_range(kd, e, ta_E, ta_R, te_E, te_R)
        for i in range(nint):
            u = bp[i]
            v = bp[i + 1]
            if v <= u:
                continue
            if r <= u:  # the track has stopped: D(x) = E on the whole interval
                for q in range(nq):
                    acc[c, i * nq + q] += w * e
                continue
            if r >= v:
                for q in range(nq):
                    j = i * nq + q
                    acc[c, j] += w * deposited(kd, e, xs[j], mu[k], ratio[k], ta_E, ta_R, te_E, te_R)
                continue
            # the range ends inside [u, v]: split there
            for a, b in ((u, r), (r, v)):
                half = 0.5 * (b - a)
                mid = 0.5 * (b + a)
                if half <= 0.0:
                    continue
                for q in range(nq):
                    x = mid + half * gx[q]
                    if x >= r:
                        d = e
                    elif kd == 0:
                        d = e - energy_MeV_from_range(r - x, ta_E, ta_R)
                    else:
                        d = e - energy_MeV_from_range(r - x, te_E, te_R)
                    if d == 0.0:
                        continue
                    dpsi_matrix(x, rc, rn, tmp)
                    f = -w * gw[q] * half * d
                    for t in range(3):
                        for s in range(4):
                            out[c, t, s] += f * tmp[t, s]
    for c in range(ncls):
        for j in range(nint * nq):
            a = acc[c, j]
            if a == 0.0:
                continue
            f = -ws[j] * a
            for t in range(3):
                for s in range(4):
                    out[c, t, s] += f * dps[j, t, s]
