"""Geometric reduction factors for spheres (numba kernels, no validation).

Notation (Goddu et al., J Nucl Med 1994;35:303; Howell et al., J Nucl Med 1994;35:1861): a point
source emits isotropically; ψ_{T←S}(x) is the fraction of a sphere of radius ``x`` centred on a point
drawn uniformly from the source region S that lies inside the target T. The energy deposited in T
per emission is then ∫ ψ(x) dD(x), where D(x) is the energy a straight CSDA track has lost after a
path length x. Integrating by parts with D(0) = 0 and ψ = 0 beyond the largest chord gives
E_T = −∫ ψ'(x) D(x) dx, which is what the self-dose kernels evaluate (Gauss–Legendre between the
points where ψ' is not smooth), with ψ' in closed form.

Basic functions (concentric spheres):

- ``f(s, x, b)``: fraction of a sphere of radius x, centred at distance s from the centre of a ball of
  radius b, that lies inside the ball: 1 if x ≤ b − s, 0 if x ≥ s + b or x ≤ s − b,
  else (b² − (s − x)²)/(4 s x).
- ball source radius a → ball target radius b: ψ(x) = (3/a³) ∫₀ᵃ s² f(s, x, b) ds (closed form below).
- surface source radius a → ball target b: ψ(x) = f(a, x, b).
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def frac_in_ball(s, x, b):  # pragma: no cover - compiled
    """f(s, x, b): fraction of a sphere (radius x, centre at distance s from the ball centre) in ball b."""
    if x <= 0.0:
        return 1.0 if s < b else (0.5 if s == b else 0.0)
    if s <= 0.0:
        return 1.0 if x < b else 0.0
    if x <= b - s:
        return 1.0
    if x >= s + b or x <= s - b:
        return 0.0
    return (b * b - (s - x) * (s - x)) / (4.0 * s * x)


@numba.njit(cache=True, nogil=True)
def _clip(v, lo, hi):  # pragma: no cover - compiled
    return lo if v < lo else (hi if v > hi else v)


@numba.njit(cache=True, nogil=True)
def psi_ball(x, a, b):  # pragma: no cover - compiled
    """ψ for a uniform ball source (radius a) and a concentric ball target (radius b)."""
    if x <= 0.0:
        return 1.0 if a <= b else (b / a) ** 3
    c = _clip(b - x, 0.0, a)
    lo = _clip(abs(x - b), 0.0, a)
    hi = _clip(x + b, 0.0, a)
    k = b * b - x * x

    def big_f(s):
        return (k * s * s / 2.0 + 2.0 * x * s**3 / 3.0 - s**4 / 4.0) / (4.0 * x)

    total = c**3 / 3.0
    if hi > lo:
        total += big_f(hi) - big_f(lo)
    return 3.0 * total / a**3


@numba.njit(cache=True, nogil=True)
def dpsi_ball(x, a, b):  # pragma: no cover - compiled
    """dψ/dx for a uniform ball source (radius a) and a concentric ball target (radius b)."""
    if x <= 0.0:
        return 0.0
    lo = _clip(abs(x - b), 0.0, a)
    hi = _clip(x + b, 0.0, a)
    if hi <= lo:
        return 0.0
    x2 = x * x
    b2 = b * b

    def g(s):
        s2 = s * s
        return -(b2 * s2 / 2.0 - s2 * s2 / 4.0) / (4.0 * x2) - s2 / 8.0

    return 3.0 * (g(hi) - g(lo)) / a**3


@numba.njit(cache=True, nogil=True)
def psi_surface(x, a, b):  # pragma: no cover - compiled
    """ψ for a source on a sphere of radius a and a concentric ball target of radius b."""
    return frac_in_ball(a, x, b)


@numba.njit(cache=True, nogil=True)
def dpsi_surface(x, a, b):  # pragma: no cover - compiled
    """dψ/dx for a source on a sphere of radius a and a concentric ball target of radius b."""
    if x <= 0.0 or x <= b - a or x >= a + b or x <= a - b:
        return 0.0
    return -(b * b - a * a) / (4.0 * a * x * x) - 1.0 / (4.0 * a)


@numba.njit(cache=True, nogil=True)
def dpsi_matrix(x, rc, rn, out):  # pragma: no cover - compiled
    """dψ/dx for targets (N, Cy, C) × sources (N, Cy, CS, C) of a cell (rc) with nucleus (rn) -> out[3, 4]."""
    nn = dpsi_ball(x, rn, rn)
    cn = dpsi_ball(x, rn, rc)
    nc = dpsi_ball(x, rc, rn)
    cc = dpsi_ball(x, rc, rc)
    ns = dpsi_surface(x, rc, rn)
    cs = dpsi_surface(x, rc, rc)
    vc = rc**3
    vn = rn**3
    vy = vc - vn
    # target N
    out[0, 0] = nn
    out[0, 2] = ns
    out[0, 3] = nc
    out[0, 1] = (vc * nc - vn * nn) / vy
    # target C
    out[2, 0] = cn
    out[2, 2] = cs
    out[2, 3] = cc
    out[2, 1] = (vc * cc - vn * cn) / vy
    # target Cy = C - N
    for j in range(4):
        out[1, j] = out[2, j] - out[0, j]


@numba.njit(cache=True, nogil=True)
def frac_integral(s, x1, x2, b):  # pragma: no cover - compiled
    """∫_{x1}^{x2} f(s, x, b) dx (closed form), 0 <= x1 < x2."""
    total = 0.0
    if s <= 1e-12 * b:
        hi = x2 if x2 < b else b
        return hi - x1 if hi > x1 else 0.0
    # full region x in [0, b - s]
    if s < b:
        hi = x2 if x2 < b - s else b - s
        if hi > x1:
            total += hi - x1
    lo = abs(s - b)
    up = s + b
    u1 = x1 if x1 > lo else lo
    u2 = x2 if x2 < up else up
    if u2 > u1:
        k = (b * b - s * s) / (4.0 * s)
        if k != 0.0 and u1 > 0.0:
            total += k * math.log(u2 / u1)
        total += (u2 - u1) / 2.0 - (u2 * u2 - u1 * u1) / (8.0 * s)
    return total


# Gauss–Legendre nodes on [-1, 1]
GL_X16, GL_W16 = np.polynomial.legendre.leggauss(16)
GL_X4, GL_W4 = np.polynomial.legendre.leggauss(4)
