"""Lea–Catcheside dose-protraction factor G (numerical and closed forms) and Dale's BED for decaying sources.

For a dose-rate history Ḋ(t) with total dose D and mono-exponential repair of sublethal damage
(rate μ = ln2/T_rep), ``−ln S = αD + βGD²`` with

    G = (2/D²) ∫ Ḋ(t) dt ∫_{−∞}^{t} Ḋ(w) e^{−μ(t−w)} dw

(Lea & Catcheside 1942, J Genet 44:216; Dale 1985, Br J Radiol 58:515). Closed forms and Dale's
finite-time BED follow Dale (1985); the sum-of-exponentials and
uptake–clearance forms are derived from the definition of G [D] and checked against the numerical G in
the validation tests.

Examples
--------
>>> round(g_factor_exponential(10.6, 1.5), 6)
0.123967
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import array_finite, choice, non_negative, positive, whole_numbers
from brainrit.errors import InputError
from brainrit.radiobiology._validate import as_output

__all__ = [
    "bed_decaying_source",
    "dose_decaying_source",
    "g_acute_fractions",
    "g_biexponential_repair",
    "g_constant_rate",
    "g_decaying_source",
    "g_factor",
    "g_factor_exponential",
    "g_fractions",
    "g_sum_of_exponentials",
]

LN2 = math.log(2.0)


# ----------------------------------------------------------------------------------------------------
# Numerical G from a sampled dose-rate curve (piecewise-linear dose rate, exact integration per segment)
# ----------------------------------------------------------------------------------------------------
_NSERIES = 24  # terms of the small-x series; remainder < 1/25! for x < 1


def _series(x: np.ndarray, coef: Callable[[int], float]) -> np.ndarray:
    """Σ_k coef(k)·(−x)^k by Horner's rule (for |x| < 1)."""
    out = np.zeros_like(x)
    for k in range(_NSERIES - 1, -1, -1):
        out = out * (-x) + coef(k)
    return out


def _segment_integrals(x: np.ndarray) -> tuple[np.ndarray, ...]:
    """Exact integrals over one segment in the reduced variable σ ∈ [0, 1], with x = μh.

    E0 = ∫ e^{−xσ}, E1 = ∫ σ e^{−xσ}; K_pq = ∫_0^1 ∫_0^σ σ^p υ^q e^{−x(σ−υ)} dυ dσ.
    Series (x < 1): K_pq = Σ_k (−x)^k q! / ((q+k+1)! (p+q+k+2)).
    """
    small = x < 1.0
    xs = np.where(small, x, 0.5)
    xl = np.where(small, 2.0, x)
    f = math.factorial
    e0 = np.where(small, _series(xs, lambda k: 1.0 / f(k + 1)), -np.expm1(-xl) / xl)
    e1 = np.where(
        small, _series(xs, lambda k: 1.0 / (f(k) * (k + 2))), (1.0 - np.exp(-xl) * (1.0 + xl)) / xl**2
    )
    ex = np.exp(-xl)
    k00 = np.where(small, _series(xs, lambda k: 1.0 / (f(k + 1) * (k + 2))), (xl - 1.0 + ex) / xl**2)
    k01 = np.where(
        small, _series(xs, lambda k: 1.0 / (f(k + 2) * (k + 3))), 0.5 / xl - 1.0 / xl**2 + (1.0 - ex) / xl**3
    )
    k10 = np.where(
        small,
        _series(xs, lambda k: 1.0 / (f(k + 1) * (k + 3))),
        0.5 / xl + ((xl + 1.0) * ex - 1.0) / xl**3,
    )
    k11 = np.where(
        small,
        _series(xs, lambda k: 1.0 / (f(k + 2) * (k + 4))),
        1.0 / (3.0 * xl) - 0.5 / xl**2 + (1.0 - (xl + 1.0) * ex) / xl**4,
    )
    return e0, e1, np.exp(-x), k00, k01, k10, k11


def _accumulate_py(decay, cin, cout, quad):  # pragma: no cover - compiled by numba
    """Q = Σ_k (Y_k·cin_k + quad_k), Y_{k+1} = Y_k·decay_k + cout_k, Y_0 = 0; returns (Q, Y_N)."""
    y = 0.0
    q = 0.0
    for k in range(decay.shape[0]):
        q += y * cin[k] + quad[k]
        y = y * decay[k] + cout[k]
    return q, y


@functools.cache
def _accumulate():
    """The recursion compiled with numba (imported lazily: ``import brainrit.radiobiology`` stays cheap)."""
    import numba

    return numba.njit(cache=True)(_accumulate_py)


def g_factor(
    times_h: ArrayLike,
    dose_rates_Gy_per_h: ArrayLike,
    repair_half_time_h: float,
    *,
    tail: str = "none",
) -> float:
    """Lea–Catcheside G from a sampled dose-rate curve (numerical).

    The dose rate is taken as piecewise linear between the samples and zero before the first and after the
    last sample; the double integral is then evaluated exactly segment by segment (exponential repair kernel
    integrated analytically, O(N) recursion), so the only error is the piecewise-linear representation of
    the curve (second order in the sample spacing; exact for constant-rate and piecewise-linear histories).
    Sample densely where the dose rate changes on the scale of the repair half-time. After the last sample
    the dose rate is zero (``tail="none"``) or continues as the exponential through the last two samples,
    integrated exactly (``tail="exponential"``, for curves cut off before complete decay).

    Parameters
    ----------
    times_h : array
        Sample times (h), strictly increasing, at least 2.
    dose_rates_Gy_per_h : array
        Dose rate at each time (Gy/h), finite and >= 0, not all zero.
    repair_half_time_h : float
        Mono-exponential repair half-time T_rep (h), > 0.
    tail : {"none", "exponential"}, optional
        What follows the last sample (see above). ``"exponential"`` needs the last two rates > 0 and
        decreasing.

    Returns
    -------
    float
        G in [0, 1] (of the history including the tail, if any).

    Examples
    --------
    Constant rate for 1 h with T_rep = 1.5 h (closed form 2(x − 1 + e^{−x})/x², x = μT):

    >>> round(g_factor([0.0, 1.0], [1.0, 1.0], 1.5), 6)
    0.862236
    """
    t = array_finite("times_h", times_h)
    r = array_finite("dose_rates_Gy_per_h", dose_rates_Gy_per_h, low=0.0)
    trep = positive("repair_half_time_h", repair_half_time_h)
    tail = choice("tail", tail, ("none", "exponential"))
    if t.ndim != 1 or t.size < 2:
        raise InputError("times_h", times_h, "a 1-D array of at least 2 sample times")
    if r.shape != t.shape:
        raise InputError("dose_rates_Gy_per_h", f"shape {r.shape}", f"the shape of times_h {t.shape}")
    h = np.diff(t)
    if np.any(h <= 0):
        i = int(np.argmax(h <= 0))
        raise InputError(f"times_h[{i + 1}]", float(t[i + 1]), f"strictly increasing (> {t[i]:g})")
    if r.max() <= 0:
        raise InputError("dose_rates_Gy_per_h", "all zero", "a dose-rate curve with a total dose > 0")
    r = r / r.max()  # G is scale-free; normalising avoids under/overflow of D²
    r0, r1 = r[:-1], r[1:]
    dose = float(np.sum(0.5 * h * (r0 + r1)))
    if dose <= 0:  # pragma: no cover - guarded above
        raise InputError("dose_rates_Gy_per_h", "all zero", "a dose-rate curve with a total dose > 0")
    mu = LN2 / trep
    x = mu * h
    e0, e1, ex, k00, k01, k10, k11 = _segment_integrals(x)
    dr = r1 - r0
    cin = h * (r0 * (e0 - e1) + r1 * e1)
    cout = h * (r0 * e1 + r1 * (e0 - e1))
    quad = h * h * (r0 * r0 * k00 + r0 * dr * (k01 + k10) + dr * dr * k11)
    q, y_end = _accumulate()(ex, cin, cout, quad)
    if tail == "exponential":
        if not (0.0 < r[-1] < r[-2]):
            raise InputError(
                "dose_rates_Gy_per_h[-2:]",
                (float(dose_rates_Gy_per_h[-2]), float(dose_rates_Gy_per_h[-1])),  # type: ignore[index]
                "two positive, decreasing rates for tail='exponential'",
            )
        k = math.log(r[-2] / r[-1]) / h[-1]
        rn = float(r[-1])
        # tail Ḋ = r_N e^{−k s}: its dose, its interaction with the earlier history (Y_N) and with itself
        dose += rn / k
        q += y_end * rn / (k + mu) + rn * rn / ((k + mu) * 2.0 * k)
    return float(min(1.0, 2.0 * q / (dose * dose)))


# ----------------------------------------------------------------------------------------------------
# Closed forms
# ----------------------------------------------------------------------------------------------------
def _mu(repair_half_time_h: float) -> float:
    return LN2 / positive("repair_half_time_h", repair_half_time_h)


def g_fractions(
    n_fractions: int, repair_half_time_h: float | None = None, interval_h: float = math.inf
) -> float:
    """G for ``n`` equal acute fractions, with complete or incomplete repair between them.

    Complete repair (``interval_h = inf``): ``G = 1/n``. Equal intervals Δt with θ = e^{−μΔt}:
    ``G = (1/n)[1 + (2/n) Σ_{k=1}^{n−1} (n−k) θ^k]``, the incomplete-repair factor ``1 + h_n`` of Thames
    (1985, Int J Radiat Biol 47:319) [K] written from the definition of G.

    Examples
    --------
    >>> g_fractions(10)
    0.1
    >>> round(g_fractions(2, 1.5, 6.0), 6)
    0.53125
    """
    n = int(whole_numbers("n_fractions", n_fractions))
    dt = positive("interval_h", interval_h) if not math.isinf(interval_h) else math.inf
    if math.isinf(dt):
        return 1.0 / n
    if repair_half_time_h is None:
        raise InputError("repair_half_time_h", None, "a finite number > 0 when interval_h is finite")
    theta = math.exp(-_mu(repair_half_time_h) * dt)
    k = np.arange(1, n)
    return float((1.0 + 2.0 / n * np.sum((n - k) * theta**k)) / n)


def g_acute_fractions(doses_Gy: ArrayLike, times_h: ArrayLike, repair_half_time_h: float) -> float:
    """G for acute fractions of any sizes at any times: ``Σ_i Σ_j d_i d_j e^{−μ|t_i − t_j|} / D²``.

    Examples
    --------
    >>> round(g_acute_fractions([2.0, 2.0], [0.0, 6.0], 1.5), 6)
    0.53125
    """
    d = array_finite("doses_Gy", doses_Gy, low=0.0)
    t = array_finite("times_h", times_h)
    if d.ndim != 1 or d.shape != t.shape or d.size == 0:
        raise InputError("times_h", times_h, f"a 1-D array matching doses_Gy (shape {d.shape})")
    total = float(d.sum())
    if total <= 0:
        raise InputError("doses_Gy", doses_Gy, "fraction doses with a total > 0")
    mu = _mu(repair_half_time_h)
    kernel = np.exp(-mu * np.abs(t[:, None] - t[None, :]))
    return float(d @ kernel @ d / total**2)


def g_constant_rate(duration_h: ArrayLike, repair_half_time_h: float) -> Any:
    """G for a constant dose rate over ``T``: ``2(μT − 1 + e^{−μT})/(μT)²`` (Lea & Catcheside 1942).

    Examples
    --------
    >>> round(g_constant_rate(1.0, 1.5), 6)
    0.862236
    >>> g_constant_rate(0.0, 1.5)
    1.0
    """
    T = array_finite("duration_h", duration_h, low=0.0)
    x = _mu(repair_half_time_h) * T
    small = x < 1e-2
    xl = np.where(small, 1.0, x)
    big = 2.0 * (xl + np.expm1(-xl)) / xl**2
    ser = 1.0 - x / 3.0 + x**2 / 12.0 - x**3 / 60.0 + x**4 / 360.0
    return as_output(np.where(small, ser, big))


def g_sum_of_exponentials(
    amplitudes_Gy_per_h: Sequence[float], rates_per_h: Sequence[float], repair_half_time_h: float
) -> float:
    """G for ``Ḋ(t) = Σ_i a_i e^{−k_i t}``, t >= 0 [D, derived from the definition of G; Lea & Catcheside
    1942].

    ``G = (2/D²) Σ_i Σ_j a_i a_j / ((k_i + μ)(k_i + k_j))`` with ``D = Σ a_i/k_i``. Amplitudes may be negative
    (uptake phases) as long as the dose rate stays >= 0, which the caller must ensure; D must be > 0.

    Examples
    --------
    >>> round(g_sum_of_exponentials([1.0], [math.log(2) / 10.6], 1.5), 6)
    0.123967
    """
    a = array_finite("amplitudes_Gy_per_h", amplitudes_Gy_per_h)
    k = array_finite("rates_per_h", rates_per_h, low=0.0, strict_low=True)
    if a.ndim != 1 or a.shape != k.shape or a.size == 0:
        raise InputError("rates_per_h", rates_per_h, f"a 1-D array matching amplitudes (shape {a.shape})")
    mu = _mu(repair_half_time_h)
    dose = float(np.sum(a / k))
    if dose <= 0:
        raise InputError("amplitudes_Gy_per_h", amplitudes_Gy_per_h, "amplitudes giving a total dose > 0")
    s = np.sum(np.outer(a / (k + mu), a) / (k[:, None] + k[None, :]))
    return float(2.0 * s / dose**2)


def g_factor_exponential(
    effective_half_life_h: float, repair_half_time_h: float, uptake_half_life_h: float | None = None
) -> float:
    """G for a mono-exponentially decaying dose rate, optionally after exponential uptake (complete decay).

    Without uptake: ``G = λ/(λ + μ)`` (Dale 1985). With uptake, ``Ḋ ∝ e^{−λ_e t} − e^{−λ_u t}``:
    ``G = λ_e λ_u (λ_e + λ_u + μ) / ((λ_e + μ)(λ_u + μ)(λ_e + λ_u))`` [D] — the sum-of-exponentials form
    simplified; it is symmetric in λ_e, λ_u and regular at λ_u = λ_e (equivalent to the uptake/clearance
    BED of Howell, Goddu & Rao 1994, J Nucl Med 35:1861 [K]).

    Parameters
    ----------
    effective_half_life_h : float
        Effective (physical + biological) clearance half-life (h), > 0.
    repair_half_time_h : float
        Repair half-time (h), > 0.
    uptake_half_life_h : float, optional
        Uptake half-life (h), > 0.

    Returns
    -------
    float
        G.

    Examples
    --------
    >>> round(g_factor_exponential(10.6, 1.5, uptake_half_life_h=1.0), 6)
    0.119692
    """
    lam = LN2 / positive("effective_half_life_h", effective_half_life_h)
    mu = _mu(repair_half_time_h)
    if uptake_half_life_h is None:
        return lam / (lam + mu)
    lu = LN2 / positive("uptake_half_life_h", uptake_half_life_h)
    return lam * lu * (lam + lu + mu) / ((lam + mu) * (lu + mu) * (lam + lu))


def g_biexponential_repair(
    g_of_repair_half_time: Callable[[float], float],
    repair_half_times_h: Sequence[float],
    weights: Sequence[float],
) -> float:
    """G for multi-exponential repair: ``Σ_m c_m G(T_m)`` with weights summing to 1.

    Millar & Canney 1993 (Int J Radiat Biol 64:275); Pop et al. 2000 (Radiother Oncol 55:301). Default CNS
    parameters in the library entry ``cns_biexponential_repair`` (T = 0.19 h / 2.16 h, weights 0.505 / 0.495,
    Millar 2015 via klinge-th/modelBED [V]).

    Examples
    --------
    >>> g = g_biexponential_repair(lambda tr: g_constant_rate(0.5, tr), (0.19, 2.16), (0.505, 0.495))
    >>> round(g, 4)
    0.7687
    """
    t = array_finite("repair_half_times_h", repair_half_times_h, low=0.0, strict_low=True)
    c = array_finite("weights", weights, low=0.0)
    if t.ndim != 1 or t.shape != c.shape or t.size == 0:
        raise InputError("weights", weights, f"a 1-D array matching repair_half_times_h (shape {t.shape})")
    if abs(float(c.sum()) - 1.0) > 1e-6:
        raise InputError("weights", weights, "repair weights summing to 1")
    return float(sum(ci * float(g_of_repair_half_time(float(ti))) for ti, ci in zip(t, c, strict=True)))


# ----------------------------------------------------------------------------------------------------
# Dale (1985) decaying source with finite treatment time
# ----------------------------------------------------------------------------------------------------
def _f(s: float, T: float) -> float:
    """F(s) = ∫_0^T e^{−st} dt = (1 − e^{−sT})/s."""
    if math.isinf(T):
        return 1.0 / s
    return -math.expm1(-s * T) / s


def dose_decaying_source(
    initial_dose_rate_Gy_per_h: float, effective_half_life_h: float, duration_h: float = math.inf
) -> float:
    """Dose from ``Ḋ = R₀ e^{−λt}`` over ``[0, T]``: ``R₀(1 − e^{−λT})/λ`` (Dale 1985, Br J Radiol 58:515).

    Examples
    --------
    >>> round(dose_decaying_source(1.0, 10.6), 4)
    15.2926
    """
    r0 = non_negative("initial_dose_rate_Gy_per_h", initial_dose_rate_Gy_per_h)
    lam = LN2 / positive("effective_half_life_h", effective_half_life_h)
    T = _duration(duration_h)
    return r0 * _f(lam, T)


def _duration(duration_h: float) -> float:
    if isinstance(duration_h, float | int) and math.isinf(duration_h) and duration_h > 0:
        return math.inf
    return positive("duration_h", duration_h)


def g_decaying_source(
    effective_half_life_h: float, repair_half_time_h: float, duration_h: float = math.inf
) -> float:
    """G of ``Ḋ = R₀e^{−λt}`` truncated at ``T`` (Dale 1985); λ/(λ+μ) for complete decay.

    ``G(T) = 2[F(2λ) − F(λ+μ)] / ((μ − λ) F(λ)²)`` with ``F(s) = (1 − e^{−sT})/s``; when μ ≈ λ the divided
    difference is replaced by direct quadrature of its regular integrand.

    Examples
    --------
    >>> round(g_decaying_source(10.6, 1.5), 6)
    0.123967
    """
    lam = LN2 / positive("effective_half_life_h", effective_half_life_h)
    mu = _mu(repair_half_time_h)
    T = _duration(duration_h)
    if math.isinf(T):
        return lam / (lam + mu)
    if abs(mu - lam) > 1e-3 * (mu + lam):
        q = (_f(2 * lam, T) - _f(lam + mu, T)) / (mu - lam)
    else:
        from scipy.integrate import quad

        dm = mu - lam

        def integrand(t: float) -> float:
            e0 = 1.0 if dm * t == 0 else -math.expm1(-dm * t) / (dm * t)
            return math.exp(-2 * lam * t) * t * e0

        q = quad(integrand, 0.0, T, epsabs=0.0, epsrel=1e-12, limit=200)[0]
    return min(1.0, 2.0 * q / _f(lam, T) ** 2)


def bed_decaying_source(
    initial_dose_rate_Gy_per_h: float,
    effective_half_life_h: float,
    repair_half_time_h: float,
    alpha_beta_Gy: float,
    duration_h: float = math.inf,
) -> float:
    """Dale's BED for a continuously decaying source over ``[0, T]`` (Dale 1985, Br J Radiol 58:515).

    ``BED(T) = D(T)(1 + G(T)·D(T)/(α/β))``, identical to Dale's expression
    ``(R₀/λ){(1−e^{−λT}) + R₀/((μ−λ)(α/β))[(1−e^{−2λT}) − 2λ/(μ+λ)(1−e^{−(μ+λ)T})]}`` and, for T → ∞,
    ``D[1 + Dλ/((μ+λ)(α/β))]``.

    Parameters
    ----------
    initial_dose_rate_Gy_per_h : float
        R₀ (Gy/h), >= 0.
    effective_half_life_h : float
        T_eff (h), > 0.
    repair_half_time_h : float
        T_rep (h), > 0.
    alpha_beta_Gy : float
        α/β (Gy), > 0.
    duration_h : float, optional
        Treatment time T (h), > 0; default complete decay.

    Returns
    -------
    float
        BED (Gy).

    Examples
    --------
    Worked example (Dale 1985 closed form; D = 10 Gy, T_eff 10.6 h, T_rep 1.5 h, α/β 3 Gy):

    >>> r0 = 10.0 * math.log(2) / 10.6
    >>> round(bed_decaying_source(r0, 10.6, 1.5, 3.0), 4)
    14.1322
    """
    ab = positive("alpha_beta_Gy", alpha_beta_Gy)
    dose = dose_decaying_source(initial_dose_rate_Gy_per_h, effective_half_life_h, duration_h)
    if dose == 0.0:
        return 0.0
    g = g_decaying_source(effective_half_life_h, repair_half_time_h, duration_h)
    return dose * (1.0 + g * dose / ab)
