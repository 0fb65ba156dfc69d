"""Linear–quadratic survival, BED and EQD2 for fractionated doses, mixed α + low-LET fields and RBE.

Formulas: Fowler JF, Br J Radiol 1989;62:679–694 and Br J Radiol 2010;83:554–568 (BED, EQD2, repopulation
term); Sgouros G et al., MIRD Pamphlet No. 22, J Nucl Med 2010;51:311–328 (RBE-weighted dose, RBE 5 for
deterministic effects [K]); Howell RW et al., Radiat Res 1994;137:352–360 (²¹²Pb in vivo RBE fits).
Sources: Fowler 1989, Br J Radiol 62:679; Sgouros et al. 2010 (MIRD Pamphlet 22), J Nucl Med 51:311.

All doses are absorbed doses in Gy; BED and EQD2 in Gy; α in Gy⁻¹, β in Gy⁻².

Examples
--------
>>> round(bed_fractionated(30.0, 10, 10.0), 6)
39.0
>>> round(eqd2(30.0, 10, 2.0), 6)
37.5
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import (
    array_finite,
    broadcastable,
    non_negative,
    non_negative_array,
    positive,
    positive_array,
    whole_numbers,
)
from brainrit.errors import InputError
from brainrit.radiobiology._validate import as_output

__all__ = [
    "DEFAULT_RBE",
    "bed_fractionated",
    "bed_mixed",
    "bed_protracted",
    "eqd2",
    "eqd2_from_bed",
    "eqd2_mixed",
    "isoeffective_dose",
    "rbe_howell_energy",
    "rbe_howell_let",
    "rbe_weighted_dose",
    "rbe_weighted_dose_by_class",
    "survival_lq",
    "survival_mixed",
    "total_dose_for_bed",
    "total_dose_for_eqd2",
]

#: Default RBE per radiation class (MIRD Pamphlet 22, Sgouros 2010, RBE = 5 for deterministic effects of α
#: particles [K]; α-recoil nuclei are given the α value because their energy is deposited with the α track;
#: all low-LET classes 1).
DEFAULT_RBE: Mapping[str, float] = {
    "alpha": 5.0,
    "alpha_recoil": 5.0,
    "beta_minus": 1.0,
    "beta_plus": 1.0,
    "ie": 1.0,
    "auger": 1.0,
    "gamma": 1.0,
    "xray": 1.0,
    "annihilation": 1.0,
}


def survival_lq(dose_Gy: ArrayLike, alpha_per_Gy: float, beta_per_Gy2: float, g: ArrayLike = 1.0) -> Any:
    """Surviving fraction ``exp(-αD - βGD²)``.

    Parameters
    ----------
    dose_Gy : float or array
        Total absorbed dose (Gy), >= 0.
    alpha_per_Gy, beta_per_Gy2 : float
        LQ coefficients (Gy⁻¹, Gy⁻²), >= 0.
    g : float or array, optional
        Lea–Catcheside dose-protraction factor in [0, 1]: 1 for one acute dose, 1/n for n fractions with
        complete repair (see :mod:`brainrit.radiobiology.protraction`).

    Returns
    -------
    float or ndarray
        Surviving fraction.

    Examples
    --------
    >>> round(survival_lq(2.0, 0.3, 0.03), 6)
    0.486752
    """
    d = non_negative_array("dose_Gy", dose_Gy)
    a = non_negative("alpha_per_Gy", alpha_per_Gy)
    b = non_negative("beta_per_Gy2", beta_per_Gy2)
    gg = _g_arr(g)
    return as_output(np.exp(-a * d - b * gg * d * d))


def _g_arr(g: ArrayLike) -> np.ndarray:
    """Validate a G factor (finite, in [0, 1])."""
    return array_finite("g", g, low=0.0, high=1.0)


def _ab(alpha_beta_Gy: ArrayLike) -> np.ndarray:
    return positive_array("alpha_beta_Gy", alpha_beta_Gy)


_REP_NAMES = ("overall_time_days", "kickoff_days", "potential_doubling_days", "alpha_per_Gy")


def bed_fractionated(
    total_dose_Gy: ArrayLike,
    n_fractions: ArrayLike,
    alpha_beta_Gy: ArrayLike,
    *,
    overall_time_days: float | None = None,
    kickoff_days: float | None = None,
    potential_doubling_days: float | None = None,
    alpha_per_Gy: float | None = None,
) -> Any:
    """Biologically effective dose of ``n`` equal acute fractions with complete repair between them.

    ``BED = D (1 + d/(α/β))`` with ``d = D/n`` (Fowler 1989, Br J Radiol 62:679). With the four keyword
    arguments the optional repopulation term ``− ln2·max(0, T − T_k)/(α T_pot)`` is subtracted (Fowler 2010,
    Br J Radiol 83:554); brain-metastasis courses are short and have no reliable ``T_k``/``T_pot``, so it is
    off by default.

    Parameters
    ----------
    total_dose_Gy : float or array
        Total physical dose D (Gy), >= 0.
    n_fractions : int or array
        Number of fractions, whole number >= 1.
    alpha_beta_Gy : float or array
        α/β (Gy), > 0.
    overall_time_days, kickoff_days, potential_doubling_days, alpha_per_Gy : float, optional
        Repopulation term: overall time T, kick-off time T_k, potential doubling time T_pot (days)
        and α (Gy⁻¹).
        Give all four or none.

    Returns
    -------
    float or ndarray
        BED (Gy).

    Examples
    --------
    >>> bed_fractionated(20.0, 5, 10.0)
    28.0
    >>> round(bed_fractionated(24.0, 1, 2.0), 6)
    312.0
    """
    D = non_negative_array("total_dose_Gy", total_dose_Gy)
    n = whole_numbers("n_fractions", n_fractions)
    ab = _ab(alpha_beta_Gy)
    broadcastable(total_dose_Gy=D, n_fractions=n, alpha_beta_Gy=ab)
    bed = D * (1.0 + (D / n) / ab)
    rep = (overall_time_days, kickoff_days, potential_doubling_days, alpha_per_Gy)
    if any(v is not None for v in rep):
        if any(v is None for v in rep):
            raise InputError(
                "repopulation",
                dict(zip(_REP_NAMES, rep, strict=True)),
                "all four of overall_time_days, kickoff_days, potential_doubling_days, alpha_per_Gy, or none",
            )
        T = non_negative("overall_time_days", overall_time_days)
        tk = non_negative("kickoff_days", kickoff_days)
        tpot = positive("potential_doubling_days", potential_doubling_days)
        a = positive("alpha_per_Gy", alpha_per_Gy)
        bed = bed - math.log(2.0) * max(0.0, T - tk) / (a * tpot)
    return as_output(bed)


def eqd2_from_bed(bed_Gy: ArrayLike, alpha_beta_Gy: ArrayLike) -> Any:
    """Equivalent dose in 2-Gy fractions from a BED: ``EQD2 = BED / (1 + 2/(α/β))``.

    Examples
    --------
    >>> round(eqd2_from_bed(39.0, 10.0), 6)
    32.5
    """
    from brainrit.checks import array_finite

    b = array_finite("bed_Gy", bed_Gy)
    return as_output(b / (1.0 + 2.0 / _ab(alpha_beta_Gy)))


def eqd2(total_dose_Gy: ArrayLike, n_fractions: ArrayLike, alpha_beta_Gy: ArrayLike) -> Any:
    """Equivalent dose in 2-Gy fractions, ``EQD2 = D (d + α/β)/(2 + α/β)`` (Fowler 2010).

    Parameters
    ----------
    total_dose_Gy : float or array
        Total physical dose (Gy), >= 0.
    n_fractions : int or array
        Number of equal fractions (>= 1).
    alpha_beta_Gy : float or array
        α/β (Gy), > 0.

    Returns
    -------
    float or ndarray
        EQD2 (Gy).

    Examples
    --------
    >>> round(eqd2(20.0, 5, 10.0), 4)
    23.3333
    """
    D = non_negative_array("total_dose_Gy", total_dose_Gy)
    n = whole_numbers("n_fractions", n_fractions)
    ab = _ab(alpha_beta_Gy)
    broadcastable(total_dose_Gy=D, n_fractions=n, alpha_beta_Gy=ab)
    return as_output(D * (D / n + ab) / (2.0 + ab))


def isoeffective_dose(
    total_dose_Gy: ArrayLike,
    n_fractions: ArrayLike,
    alpha_beta_Gy: ArrayLike,
    new_dose_per_fraction_Gy: float,
) -> Any:
    """Total dose in fractions of ``d₂`` isoeffective to ``D₁`` in ``n`` fractions: ``D₁(d₁+α/β)/(d₂+α/β)``.

    Examples
    --------
    >>> round(isoeffective_dose(30.0, 10, 10.0, 2.0), 6)
    32.5
    """
    D = non_negative_array("total_dose_Gy", total_dose_Gy)
    n = whole_numbers("n_fractions", n_fractions)
    ab = _ab(alpha_beta_Gy)
    d2 = positive("new_dose_per_fraction_Gy", new_dose_per_fraction_Gy)
    return as_output(D * (D / n + ab) / (d2 + ab))


def total_dose_for_bed(bed_Gy: ArrayLike, n_fractions: ArrayLike, alpha_beta_Gy: ArrayLike) -> Any:
    """Physical total dose in ``n`` equal fractions that gives ``bed_Gy`` (positive root of the LQ quadratic).

    ``d = (α/β)/2 · (√(1 + 4·BED/(n·α/β)) − 1)``, ``D = n d``.

    Examples
    --------
    >>> round(total_dose_for_bed(39.0, 10, 10.0), 6)
    30.0
    """
    b = non_negative_array("bed_Gy", bed_Gy)
    n = whole_numbers("n_fractions", n_fractions)
    ab = _ab(alpha_beta_Gy)
    x = 4.0 * b / (n * ab)
    # sqrt(1+x) - 1 = x / (sqrt(1+x) + 1): no cancellation for small x
    d = 0.5 * ab * x / (np.sqrt(1.0 + x) + 1.0)
    return as_output(n * d)


def total_dose_for_eqd2(eqd2_Gy: ArrayLike, n_fractions: ArrayLike, alpha_beta_Gy: ArrayLike) -> Any:
    """Physical total dose in ``n`` equal fractions whose EQD2 is ``eqd2_Gy``.

    Examples
    --------
    Gondi et al. (IJROBP 2012;83:e487) hippocampal threshold, D40% EQD2 7.3 Gy (α/β = 2 Gy), in 10 fractions:

    >>> round(total_dose_for_eqd2(7.3, 10, 2.0), 2)
    9.8
    """
    e = non_negative_array("eqd2_Gy", eqd2_Gy)
    ab = _ab(alpha_beta_Gy)
    return total_dose_for_bed(e * (1.0 + 2.0 / ab), n_fractions, ab)


def bed_protracted(total_dose_Gy: ArrayLike, g: ArrayLike, alpha_beta_Gy: ArrayLike) -> Any:
    """BED for any dose-rate history with Lea–Catcheside factor ``G``: ``D(1 + G·D/(α/β))``.

    Examples
    --------
    >>> round(bed_protracted(10.0, 0.123967, 3.0), 4)
    14.1322
    """
    D = non_negative_array("total_dose_Gy", total_dose_Gy)
    gg = _g_arr(g)
    ab = _ab(alpha_beta_Gy)
    return as_output(D * (1.0 + gg * D / ab))


def survival_mixed(
    alpha_dose_Gy: ArrayLike,
    low_let_dose_Gy: ArrayLike = 0.0,
    *,
    z0_Gy: float,
    alpha_per_Gy: float,
    alpha_beta_Gy: float,
    z1_Gy: float | None = None,
    g_low_let: ArrayLike = 1.0,
) -> Any:
    """Cell survival in a mixed α + low-LET field without interaction: ``S = S_α · S_low``.

    The one survival model of the package (used by the Monte Carlo microdosimetry, the disease policies
    and the pipeline). The low-LET part is LQ, ``S_low = exp(−α D_low − β G D_low²)`` with β = α/(α/β)
    (:func:`survival_lq`); the α part has no shoulder (β_α = 0; MIRD Pamphlet 22, Sgouros et al.,
    J Nucl Med 2010;51:311; Roeske & Stinchcomb, J Nucl Med 1997;38:1923):

    * ``z1_Gy`` None: ``alpha_dose_Gy`` is the specific energy z of each nucleus (e.g. a Monte Carlo tally
      of every cell), ``S_α = exp(−z/z₀)``;
    * ``z1_Gy`` > 0: ``alpha_dose_Gy`` is a mean nucleus dose delivered by Poisson-distributed hits of
      single-event specific energy z̄₁, ``S_α = exp{−(D/z̄₁)(1 − e^{−z̄₁/z₀})}``
      (:func:`~brainrit.radiobiology.survival_alpha_microdosimetric`); tends to the first form as z̄₁ → 0.

    Parameters
    ----------
    alpha_dose_Gy : float or array
        α specific energy of each nucleus, or mean α dose to the nucleus (Gy), >= 0.
    low_let_dose_Gy : float or array
        Low-LET (electron + photon) absorbed dose (Gy), >= 0; broadcast against ``alpha_dose_Gy``.
    z0_Gy : float
        α inactivation specific energy z₀ (Gy), > 0 (= D₀ of the α survival curve, 1/α_α).
    alpha_per_Gy : float
        Low-LET LQ α (Gy⁻¹), >= 0.
    alpha_beta_Gy : float
        Low-LET α/β (Gy), > 0.
    z1_Gy : float, optional
        Mean single-event specific energy z̄₁ (Gy), > 0; see above.
    g_low_let : float or array
        Lea–Catcheside G of the low-LET dose in [0, 1] (1: acute dose; see
        :mod:`brainrit.radiobiology.protraction`).

    Returns
    -------
    float or ndarray
        Surviving fraction.

    Examples
    --------
    α_α = 1/z₀ = 1.5 Gy⁻¹, 1 Gy α and 2 Gy low-LET with G = 1: −ln S = 1.5 + 0.6 + 0.03·4:

    >>> round(survival_mixed(1.0, 2.0, z0_Gy=1 / 1.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0), 6)
    0.108609

    One 0.32 Gy hit on average per 0.32 Gy of mean α dose, z₀ = 0.5 Gy: −ln S = (1/0.32)(1 − e^{−0.64}):

    >>> round(survival_mixed(1.0, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, z1_Gy=0.32), 4)
    0.2283
    """
    from brainrit.radiobiology.tcp import survival_alpha_microdosimetric

    da = non_negative_array("alpha_dose_Gy", alpha_dose_Gy)
    dl = non_negative_array("low_let_dose_Gy", low_let_dose_Gy)
    a = non_negative("alpha_per_Gy", alpha_per_Gy)
    gg = array_finite("g_low_let", g_low_let, low=0.0, high=1.0)
    s_low = survival_lq(dl, a, a / _ab(alpha_beta_Gy), gg)
    if z1_Gy is None:
        s_alpha = np.exp(-da / positive("z0_Gy", z0_Gy))
    else:
        s_alpha = survival_alpha_microdosimetric(da, z1_Gy, z0_Gy)
    return as_output(s_alpha * s_low)


def bed_mixed(
    alpha_dose_Gy: ArrayLike,
    low_let_dose_Gy: ArrayLike,
    alpha_beta_Gy: ArrayLike,
    *,
    rbe_alpha: float = 5.0,
    g_low_let: ArrayLike = 1.0,
) -> Any:
    """Photon-equivalent BED of a mixed field: ``RBE·D_α + D_low(1 + G·D_low/(α/β))``.

    The α component has no repair sparing (exponential survival); ``rbe_alpha`` = RBE_max = α_α/α_γ.
    Default RBE 5: MIRD Pamphlet 22 (Sgouros 2010, J Nucl Med 51:311) [K]; ²¹²Pb in vivo 4.7 (Howell 1994).
    For brain complication end-points no α-specific RBE is known: results are assumption-driven.

    Examples
    --------
    >>> round(bed_mixed(1.0, 2.0, 10.0, rbe_alpha=5.0, g_low_let=0.5), 6)
    7.2
    """
    da = non_negative_array("alpha_dose_Gy", alpha_dose_Gy)
    dl = non_negative_array("low_let_dose_Gy", low_let_dose_Gy)
    ab = _ab(alpha_beta_Gy)
    rbe = non_negative("rbe_alpha", rbe_alpha)
    gg = _g_arr(g_low_let)
    return as_output(rbe * da + dl * (1.0 + gg * dl / ab))


def eqd2_mixed(
    alpha_dose_Gy: ArrayLike,
    low_let_dose_Gy: ArrayLike,
    alpha_beta_Gy: ArrayLike,
    *,
    rbe_alpha: float = 5.0,
    g_low_let: ArrayLike = 1.0,
) -> Any:
    """Photon-equivalent EQD2 of a mixed field: :func:`bed_mixed` ``/ (1 + 2/(α/β))``.

    Examples
    --------
    >>> round(eqd2_mixed(0.0, 30.0, 10.0, g_low_let=0.1), 6)
    32.5
    """
    bed = bed_mixed(alpha_dose_Gy, low_let_dose_Gy, alpha_beta_Gy, rbe_alpha=rbe_alpha, g_low_let=g_low_let)
    return eqd2_from_bed(bed, alpha_beta_Gy)


def rbe_weighted_dose(
    alpha_dose_Gy: ArrayLike, low_let_dose_Gy: ArrayLike = 0.0, rbe_alpha: float = 5.0
) -> Any:
    """RBE-weighted absorbed dose ``RBE·D_α + D_low`` in Gy (often written Gy(RBE); not Sv).

    MIRD Pamphlet 22 (Sgouros 2010, J Nucl Med 51:311) convention; default RBE 5 [K].

    Examples
    --------
    >>> rbe_weighted_dose(2.0, rbe_alpha=5.0)
    10.0
    """
    da = non_negative_array("alpha_dose_Gy", alpha_dose_Gy)
    dl = non_negative_array("low_let_dose_Gy", low_let_dose_Gy)
    rbe = non_negative("rbe_alpha", rbe_alpha)
    return as_output(rbe * da + dl)


def rbe_weighted_dose_by_class(
    doses_Gy: Mapping[str, ArrayLike], rbe: Mapping[str, float] | None = None
) -> Any:
    """RBE-weighted dose ``Σ_R RBE_R D_R`` over radiation classes (keys of :data:`DEFAULT_RBE`).

    Parameters
    ----------
    doses_Gy : mapping
        Radiation class (``"alpha"``, ``"beta_minus"``, ...) to absorbed dose (Gy, scalar or array).
    rbe : mapping, optional
        RBE per class; missing classes take :data:`DEFAULT_RBE`.

    Examples
    --------
    >>> rbe_weighted_dose_by_class({"alpha": 2.0, "beta_minus": 0.5, "gamma": 0.1})
    10.6
    """
    table = dict(DEFAULT_RBE)
    if rbe is not None:
        for key, val in rbe.items():
            if key not in DEFAULT_RBE:
                raise InputError("rbe", key, "keyed by radiation classes " + ", ".join(DEFAULT_RBE))
            table[key] = non_negative(f"rbe[{key!r}]", val)
    total: Any = 0.0
    for key, dose in doses_Gy.items():
        if key not in DEFAULT_RBE:
            raise InputError("doses_Gy", key, "keyed by radiation classes " + ", ".join(DEFAULT_RBE))
        total = total + table[key] * non_negative_array(f"doses_Gy[{key!r}]", dose)
    return as_output(total)


def rbe_howell_let(let_keV_per_um: ArrayLike) -> Any:
    """RBE of α-particles vs LET: ``4.8 − 6.1e-2·L + 1.0e-3·L²`` (L in keV/µm).

    Howell RW, Azure MT, Narra VR, Rao DV. Radiat Res 1994;137:352–360 (mouse testis, spermhead survival,
    vs 120 kVp X-rays) [V abstract]. The fit is for the α LET range of that study (≈ 25–175 keV/µm assumed;
    check before extrapolating).

    Examples
    --------
    >>> round(rbe_howell_let(100.0), 3)
    8.7
    """
    L = non_negative_array("let_keV_per_um", let_keV_per_um)
    return as_output(4.8 - 6.1e-2 * L + 1.0e-3 * L * L)


def rbe_howell_energy(alpha_energy_MeV: ArrayLike) -> Any:
    """RBE of α-particles vs energy: ``22·E^(−0.73)`` (E in MeV), Howell et al. Radiat Res 1994;137:352.

    Examples
    --------
    >>> round(rbe_howell_energy(8.785), 3)
    4.503
    """
    E = positive_array("alpha_energy_MeV", alpha_energy_MeV)
    return as_output(22.0 * E**-0.73)
