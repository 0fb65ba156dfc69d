"""Repeated administrations (cycles) of a decaying source: repair between cycles and tumour repopulation.

**Repair.** For cycles ``i`` given at ``t_i``, each delivering ``d_i`` with the same mono-exponential dose
rate ``Ḋ_i(t) = (d_i λ) e^{−λ(t − t_i)}`` (t ≥ t_i), the Lea–Catcheside factor of the whole course is
``G = Σ_i Σ_j d_i d_j c(|t_i − t_j|) / D²`` with, for cycles τ apart,

    c(τ) = (λ/2) [ (e^{−μτ} + e^{−λτ})/(μ + λ) + (e^{−λτ} − e^{−μτ})/(μ − λ) ]

(μ = ln2/T_rep; derived here from G = (1/D²)∬Ḋ(t)Ḋ(w)e^{−μ|t−w|} dt dw, Dale 1985, Br J Radiol 58:515).
``c(0) = λ/(λ + μ)`` is Dale's single-source G; for λ → ∞ (acute cycles) ``c(τ) → e^{−μτ}``, the
incomplete-repair kernel of acute fractions (Thames 1985, Int J Radiat Biol 47:319). For a measured
dose-rate history with any shape use :func:`~brainrit.radiobiology.g_factor` on the summed curve.

**Repopulation.** Clonogens repopulating with potential doubling time ``T_pot`` after a kick-off time
``T_k`` reduce the BED by ``ln2 · max(0, T − T_k)/(α T_pot)`` (Fowler 1989, Br J Radiol 62:679). For a
decaying source the BED stops growing once the dose rate falls below ``K = ln2/(α T_pot)`` (Gy/h): the
effective treatment time of one source is ``T_eff = ln(R₀/K)/λ`` (Dale 1996, Phys Med Biol 41:1871), and
for a course of cycles the time of the last cycle plus the ``T_eff`` of the dose rate right after it (all
cycles' residues included).

Examples
--------
>>> lam = math.log(2) / 10.6
>>> round(g_decaying_source_cycles(10.6, 1.5, [0.0]), 6)         # one cycle: λ/(λ + μ)
0.123967
>>> round(g_decaying_source_cycles(10.6, 1.5, [0.0, 1e6]), 6)    # far apart: half of it
0.061983
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import array_finite, non_negative, positive
from brainrit.errors import InputError

__all__ = [
    "cycle_times_h",
    "effective_treatment_time_h",
    "g_decaying_source_cycles",
    "repopulation_bed_loss_Gy",
    "repopulation_survival_factor",
]

LN2 = math.log(2.0)


def cycle_times_h(cycles: int, interval_h: float) -> np.ndarray:
    """Administration times ``0, Δ, 2Δ, …`` (h) of ``cycles`` cycles ``interval_h`` apart.

    Examples
    --------
    >>> cycle_times_h(3, 24.0).tolist()
    [0.0, 24.0, 48.0]
    """
    if isinstance(cycles, bool) or not isinstance(cycles, int | np.integer) or cycles < 1:
        raise InputError("cycles", cycles, "an integer >= 1")
    if cycles > 1:
        positive("interval_h", interval_h)
    return np.arange(int(cycles)) * float(interval_h)


def _pair_kernel(tau: np.ndarray, lam: float, mu: float) -> np.ndarray:
    """c(τ) of the module docstring (regular at μ = λ: the divided difference becomes τe^{−λτ})."""
    a = (np.exp(-mu * tau) + np.exp(-lam * tau)) / (mu + lam)
    d = mu - lam
    if abs(d) > 1e-9 * (mu + lam):
        b = (np.exp(-lam * tau) - np.exp(-mu * tau)) / d
    else:
        b = tau * np.exp(-lam * tau)
    return 0.5 * lam * (a + b)


def g_decaying_source_cycles(
    effective_half_life_h: float,
    repair_half_time_h: float,
    times_h: ArrayLike,
    doses_Gy: ArrayLike | None = None,
) -> float:
    """Lea–Catcheside G of a course of mono-exponentially decaying cycles (complete decay of each).

    Parameters
    ----------
    effective_half_life_h : float
        Effective half-life of every cycle's dose rate, h.
    repair_half_time_h : float
        Mono-exponential repair half-time, h.
    times_h : array
        Start time of each cycle, h.
    doses_Gy : array, optional
        Dose of each cycle (default equal; only the ratios matter).

    Returns
    -------
    float
        G in (0, 1].

    Examples
    --------
    Short-lived source: cycles act as acute fractions (compare ``g_acute_fractions([2, 2], [0, 6], 1.5)``):

    >>> round(g_decaying_source_cycles(1e-6, 1.5, [0.0, 6.0]), 5)
    0.53125
    """
    lam = LN2 / positive("effective_half_life_h", effective_half_life_h)
    mu = LN2 / positive("repair_half_time_h", repair_half_time_h)
    t = array_finite("times_h", times_h)
    if t.ndim != 1 or t.size == 0:
        raise InputError("times_h", times_h, "a non-empty 1-D array of cycle start times (h)")
    d = np.ones_like(t) if doses_Gy is None else array_finite("doses_Gy", doses_Gy, low=0.0)
    if d.shape != t.shape:
        raise InputError("doses_Gy", doses_Gy, f"one dose per cycle ({t.size})")
    total = float(d.sum())
    if total <= 0:
        raise InputError("doses_Gy", doses_Gy, "cycle doses with a total > 0")
    c = _pair_kernel(np.abs(t[:, None] - t[None, :]), lam, mu)
    return float(min(1.0, d @ c @ d / total**2))


def repopulation_bed_loss_Gy(
    treatment_time_h: ArrayLike,
    *,
    alpha_per_Gy: float,
    potential_doubling_time_h: float,
    kickoff_h: float = 0.0,
) -> Any:
    """BED lost to repopulation, ``ln2·max(0, T − T_k)/(α·T_pot)`` (Gy; Fowler 1989).

    Examples
    --------
    >>> round(repopulation_bed_loss_Gy(24.0 * 14, alpha_per_Gy=0.3, potential_doubling_time_h=72.0), 4)
    10.7823
    """
    T = array_finite("treatment_time_h", treatment_time_h, low=0.0)
    a = positive("alpha_per_Gy", alpha_per_Gy)
    tp = positive("potential_doubling_time_h", potential_doubling_time_h)
    tk = non_negative("kickoff_h", kickoff_h)
    out = LN2 * np.maximum(T - tk, 0.0) / (a * tp)
    return float(out) if out.ndim == 0 else out


def repopulation_survival_factor(
    treatment_time_h: float, *, potential_doubling_time_h: float, kickoff_h: float = 0.0
) -> float:
    """Factor ``2^{max(0, T − T_k)/T_pot}`` by which repopulation multiplies the surviving clonogens
    (the survival form of :func:`repopulation_bed_loss_Gy`: ``exp(α·BED loss)``).

    Examples
    --------
    >>> repopulation_survival_factor(48.0, potential_doubling_time_h=24.0)
    4.0
    """
    T = non_negative("treatment_time_h", treatment_time_h)
    tp = positive("potential_doubling_time_h", potential_doubling_time_h)
    tk = non_negative("kickoff_h", kickoff_h)
    return float(2.0 ** (max(0.0, T - tk) / tp))


def effective_treatment_time_h(
    initial_dose_rate_Gy_per_h: float,
    effective_half_life_h: float,
    *,
    alpha_per_Gy: float,
    potential_doubling_time_h: float,
    cycles: int = 1,
    interval_h: float = 0.0,
) -> float:
    """Time after which repopulation outpaces the dose: the last cycle's start plus ``ln(R/K)/λ``.

    ``R`` is the dose rate just after the last cycle (its own initial rate plus the decayed residues of the
    earlier cycles), ``K = ln2/(α T_pot)`` (Dale 1996, Phys Med Biol 41:1871). If R ≤ K after the last
    cycle, the last cycle after which it exceeded K is used; 0 when the rate never exceeds K. For α
    emitters pass the RBE-weighted dose rate (the rate at which BED accrues).

    Examples
    --------
    >>> lam = math.log(2) / 10.6
    >>> round(effective_treatment_time_h(1.0, 10.6, alpha_per_Gy=0.3, potential_doubling_time_h=48.0), 2)
    46.39
    """
    r0 = non_negative("initial_dose_rate_Gy_per_h", initial_dose_rate_Gy_per_h)
    lam = LN2 / positive("effective_half_life_h", effective_half_life_h)
    a = positive("alpha_per_Gy", alpha_per_Gy)
    k = LN2 / (a * positive("potential_doubling_time_h", potential_doubling_time_h))
    t = cycle_times_h(cycles, interval_h)
    for j in range(t.size - 1, -1, -1):  # the last cycle after which the dose rate still exceeds K
        r_j = r0 * float(np.sum(np.exp(-lam * (t[j] - t[: j + 1]))))
        if r_j > k:
            return float(t[j] + math.log(r_j / k) / lam)
    return 0.0
