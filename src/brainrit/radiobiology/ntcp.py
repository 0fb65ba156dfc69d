"""Normal-tissue complication probability: LKB (on EQD2-converted DVHs), logistic, relative seriality,
SRS V12 radionecrosis, QUANTEC brain necrosis versus Dmax, and hippocampal cognitive-decline models.

Every clinical model states its source and the range of the data it rests on; outside that range it warns
with :class:`brainrit.radiobiology.DomainWarning` (it does not refuse, because sensitivity sweeps need the
curve). Sources are named on each model; bibliography: docs/references.md.

Examples
--------
>>> round(ntcp_lkb([60.0], [1.0], 60.0, 0.15, 0.25), 3)
0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import (
    array_finite,
    in_range,
    non_negative,
    non_negative_array,
    positive,
    volume_fractions,
    whole_numbers,
)
from brainrit.errors import InputError
from brainrit.radiobiology._validate import as_output, outside_domain

__all__ = [
    "HippocampalThresholdResult",
    "dvh_to_eqd2",
    "generalized_eud",
    "hippocampal_d40_gondi",
    "hippocampal_d50_ma",
    "hippocampal_rtog0933_check",
    "hippocampal_v55_okoukoni",
    "ntcp_brain_necrosis_quantec",
    "ntcp_lkb",
    "ntcp_lkb_dvh",
    "ntcp_lkb_eqd2",
    "ntcp_logistic",
    "ntcp_relative_seriality",
    "ntcp_srs_v12",
]


def _dvh(dose_Gy: ArrayLike, volume_fraction: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    d = array_finite("dvh_dose_Gy", dose_Gy, low=0.0).ravel()
    v = volume_fractions("dvh_volume_fraction", volume_fraction)
    if d.shape != v.shape:
        raise InputError("dvh_volume_fraction", f"shape {v.shape}", f"the shape of dvh_dose_Gy {d.shape}")
    return d, v


def dvh_to_eqd2(dose_Gy: ArrayLike, n_fractions: int, alpha_beta_Gy: float) -> Any:
    """Convert each bin dose of a DVH delivered in ``n`` fractions to EQD2: ``D(D/n + α/β)/(2 + α/β)``.

    Examples
    --------
    >>> dvh_to_eqd2([30.0, 9.0], 10, 2.0).round(3).tolist()
    [37.5, 6.525]
    """
    from brainrit.radiobiology.lq import eqd2

    return eqd2(dose_Gy, n_fractions, alpha_beta_Gy)


def generalized_eud(dose_Gy: ArrayLike, volume_fraction: ArrayLike, n: float) -> float:
    """Generalised EUD ``(Σ v_i D_i^{1/n})^n`` over a differential DVH (volume fractions summing to 1).

    Examples
    --------
    >>> round(generalized_eud([10.0, 20.0], [0.5, 0.5], 1.0), 6)
    15.0
    """
    d, v = _dvh(dose_Gy, volume_fraction)
    nn = positive("n", n)
    a = 1.0 / nn
    dmax = float(d.max())
    if dmax == 0.0:
        return 0.0
    # scale by Dmax to avoid overflow for large 1/n
    return dmax * float(np.sum(v * (d / dmax) ** a)) ** nn


def ntcp_lkb(
    dvh_dose_Gy: ArrayLike, dvh_volume_fraction: ArrayLike, td50_Gy: float, m: float, n: float
) -> float:
    """Lyman–Kutcher–Burman NTCP on a differential DVH (Burman et al. IJROBP 1991;21:123).

    ``NTCP = Φ((gEUD − TD50)/(m·TD50))``, ``gEUD = (Σ v_i D_i^{1/n})^n``. Doses should be EQD2 when the
    fractionation differs from 2 Gy (see :func:`ntcp_lkb_eqd2`). Library entries: ``brain_necrosis_lkb``
    (TD50 60 Gy, m 0.15, n 0.25) and ``brainstem_necrosis_lkb`` (65 Gy, 0.14, 0.16).

    Parameters
    ----------
    dvh_dose_Gy : array
        Dose of each DVH bin (Gy), >= 0.
    dvh_volume_fraction : array
        Differential volume fraction of each bin; must sum to 1 (±1e-3).
    td50_Gy, m, n : float
        Whole-organ TD50 (Gy), slope m and volume parameter n (all > 0).

    Returns
    -------
    float
        NTCP.

    Examples
    --------
    >>> round(ntcp_lkb([45.0, 0.0], [0.5, 0.5], 60.0, 0.15, 0.25), 4)
    0.0069
    """
    gEUD = generalized_eud(dvh_dose_Gy, dvh_volume_fraction, n)
    td50 = positive("td50_Gy", td50_Gy)
    mm = positive("m", m)
    return 0.5 * math.erfc(-(gEUD - td50) / (mm * td50) / math.sqrt(2.0))  # Φ(t)


def ntcp_lkb_eqd2(
    dvh_dose_Gy: ArrayLike,
    dvh_volume_fraction: ArrayLike,
    *,
    n_fractions: int,
    alpha_beta_Gy: float,
    td50_Gy: float,
    m: float,
    n: float,
) -> float:
    """LKB NTCP after converting each DVH bin to EQD2 (bin dose given in ``n_fractions`` equal fractions).

    Examples
    --------
    WBRT 30 Gy/10 fx uniformly to the brain (EQD2 37.5 Gy at α/β = 2 Gy) with Burman brain parameters:

    >>> ntcp = ntcp_lkb_eqd2([30.0], [1.0], n_fractions=10, alpha_beta_Gy=2.0, td50_Gy=60.0, m=0.15, n=0.25)
    >>> round(ntcp, 4)
    0.0062
    """
    d = array_finite("dvh_dose_Gy", dvh_dose_Gy, low=0.0)
    return ntcp_lkb(dvh_to_eqd2(d, n_fractions, alpha_beta_Gy), dvh_volume_fraction, td50_Gy, m, n)


def ntcp_lkb_dvh(
    dvh: Any,
    td50_Gy: float,
    m: float,
    n: float,
    *,
    n_fractions: int | None = None,
    alpha_beta_Gy: float | None = None,
) -> float:
    """LKB NTCP from a :class:`brainrit.dosimetry.voxel.dvh.DVH` (or any object with ``differential()``).

    With ``n_fractions`` and ``alpha_beta_Gy`` each bin is first converted to EQD2 (:func:`ntcp_lkb_eqd2`);
    without them the doses are used as they are (already EQD2, or 2-Gy fractions).

    Examples
    --------
    >>> class Flat:
    ...     def differential(self):
    ...         return np.array([30.0]), np.array([1.0])
    >>> round(ntcp_lkb_dvh(Flat(), 60.0, 0.15, 0.25, n_fractions=10, alpha_beta_Gy=2.0), 4)
    0.0062
    """
    if not callable(getattr(dvh, "differential", None)):
        raise InputError("dvh", type(dvh).__name__, "a DVH object with a differential() method")
    dose, frac = dvh.differential()
    if (n_fractions is None) != (alpha_beta_Gy is None):
        raise InputError("n_fractions", n_fractions, "given together with alpha_beta_Gy (or both omitted)")
    if n_fractions is None:
        return ntcp_lkb(dose, frac, td50_Gy, m, n)
    return ntcp_lkb_eqd2(
        dose, frac, n_fractions=n_fractions, alpha_beta_Gy=alpha_beta_Gy, td50_Gy=td50_Gy, m=m, n=n
    )  # type: ignore[arg-type]


def ntcp_logistic(eud_Gy: ArrayLike, td50_Gy: float, gamma50: float) -> Any:
    """Logistic NTCP ``1/(1 + (TD50/EUD)^{4γ50})`` (Niemierko-type logit; Burman et al. 1991).

    Examples
    --------
    >>> ntcp_logistic(60.0, 60.0, 2.0)
    0.5
    """
    from brainrit.radiobiology.tcp import tcp_logistic

    return tcp_logistic(eud_Gy, td50_Gy, gamma50)


def ntcp_relative_seriality(
    dvh_dose_Gy: ArrayLike, dvh_volume_fraction: ArrayLike, d50_Gy: float, gamma: float, s: float
) -> float:
    """Relative-seriality NTCP (Källman et al. 1992, Int J Radiat Biol 62:249) [K].

    ``NTCP = [1 − ∏_i (1 − P(D_i)^s)^{v_i}]^{1/s}``, ``P(D) = 2^{−exp[eγ(1 − D/D50)]}``.

    Examples
    --------
    >>> round(ntcp_relative_seriality([60.0], [1.0], 60.0, 2.0, 1.0), 6)
    0.5
    """
    d, v = _dvh(dvh_dose_Gy, dvh_volume_fraction)
    d50 = positive("d50_Gy", d50_Gy)
    g = positive("gamma", gamma)
    ss = positive("s", s)
    p = np.exp(-math.log(2.0) * np.exp(math.e * g * (1.0 - d / d50)))
    ps = np.clip(p**ss, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_prod = float(np.sum(v * np.log1p(-np.minimum(ps, 1.0 - 1e-300))))
    return float((-math.expm1(log_prod)) ** (1.0 / ss))


# ----------------------------------------------------------------------------------------------------
# Brain necrosis anchors
# ----------------------------------------------------------------------------------------------------
# [D] logistic through the two QUANTEC anchors 72 Gy → 5 %, 90 Gy → 10 % (Lawrence et al. IJROBP 2010;76:S20).
_Q_B1 = (math.log(0.10 / 0.90) - math.log(0.05 / 0.95)) / (90.0 - 72.0)
_Q_B0 = math.log(0.05 / 0.95) - 72.0 * _Q_B1


def ntcp_brain_necrosis_quantec(dmax_eqd2_Gy: ArrayLike) -> Any:
    """Symptomatic brain necrosis versus maximum brain dose (EQD2, conventional fractionation).

    Logistic ``1/(1 + e^{−(b0 + b1·Dmax)})`` fitted here [D] through the QUANTEC anchors 72 Gy → 5 % and
    90 Gy → 10 % (Lawrence YR et al., IJROBP 2010;76(3 Suppl):S20–S27; stated as BED 120 / 150 Gy with
    α/β = 3 Gy): b1 = 0.0415 Gy⁻¹, b0 = −5.93. It then gives 3.1 % at 60 Gy, consistent with QUANTEC's
    "< 3 % at Dmax < 60 Gy". Domain: Dmax EQD2 50–100 Gy, partial-brain conventionally fractionated RT;
    warns outside (not for single-fraction SRS: use :func:`ntcp_srs_v12`).

    Examples
    --------
    >>> round(ntcp_brain_necrosis_quantec(72.0), 4)
    0.05
    """
    d = non_negative_array("dmax_eqd2_Gy", dmax_eqd2_Gy)
    for x in np.atleast_1d(d).ravel()[:1]:
        outside_domain("QUANTEC brain necrosis", "Dmax EQD2 (Gy)", float(x), 50.0, 100.0, "Lawrence 2010")
    return as_output(1.0 / (1.0 + np.exp(-(_Q_B0 + _Q_B1 * d))))


# [D] logistic through the HyTEC single-fraction anchors V12 5 cm³ → 10 %, 10 cm³ → 15 % (Milano 2021).
_V12_B1 = (math.log(0.15 / 0.85) - math.log(0.10 / 0.90)) / 5.0
_V12_B0 = math.log(0.10 / 0.90) - 5.0 * _V12_B1


def ntcp_srs_v12(v12_cm3: ArrayLike, n_fractions: int = 1) -> Any:
    """Symptomatic radionecrosis risk after single-fraction SRS versus V12 (brain volume receiving >= 12 Gy).

    Logistic ``1/(1 + e^{−(b0 + b1·V12)})`` fitted here [D] through the HyTEC anchors V12 5 cm³ → 10 % and
    10 cm³ → 15 % (Milano MT et al., IJROBP 2021;110(1):68–86 [V]): b1 = 0.0925 cm⁻³, b0 = −2.66. It predicts
    21.9 % at 15 cm³ (HyTEC ≈ 20 % [K]). Only for one fraction (multi-fraction HyTEC limits are V20 < 20 cm³
    in 3 fx and V24 < 20 cm³ in 5 fx for < 10 %, not modelled); raises for ``n_fractions != 1``.
    Domain: V12 0–20 cm³ (warns outside); the baseline 6.5 % at V12 = 0 is an extrapolation.

    Examples
    --------
    >>> round(ntcp_srs_v12(10.0), 4)
    0.15
    """
    if whole_numbers("n_fractions", n_fractions) != 1:
        raise InputError("n_fractions", n_fractions, "1 (the V12 model is for single-fraction SRS)")
    v = non_negative_array("v12_cm3", v12_cm3)
    for x in np.atleast_1d(v).ravel()[:1]:
        outside_domain("HyTEC SRS V12 radionecrosis", "V12 (cm³)", float(x), 0.0, 20.0, "Milano 2021")
    return as_output(1.0 / (1.0 + np.exp(-(_V12_B0 + _V12_B1 * v))))


# ----------------------------------------------------------------------------------------------------
# Hippocampal cognition models
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HippocampalThresholdResult:
    """Outcome of a threshold-type hippocampal dose model.

    Examples
    --------
    >>> r = hippocampal_d40_gondi(10.0, 1)   # 10 Gy in one fraction, far above 7.3 Gy EQD2
    >>> r.threshold_Gy, r.exceeds
    (7.3, True)
    """

    metric: str
    value_Gy: float
    threshold_Gy: float
    exceeds: bool
    interpretation: str
    source: str


def hippocampal_d40_gondi(
    d40_Gy: float, n_fractions: int, alpha_beta_Gy: float = 2.0
) -> HippocampalThresholdResult:
    """Gondi threshold: EQD2 (α/β = 2 Gy) to 40 % of the bilateral hippocampi > 7.3 Gy.

    Gondi V, Hermann BP, Mehta MP, Tomé WA. IJROBP 2012;83(4):e487–e493 [V]: D40% EQD2 > 7.3 Gy associated
    with WMS-III word-list delayed-recall impairment at 18 months (OR 19.3, p = 0.043; n = 18 evaluable;
    fractionated SRT for benign/low-grade tumours). Their fitted NTCP curve was not retrieved, so this is a
    threshold classification. Domain: Jaspers et al. (Front Oncol 2019;9:991) found the model failed at
    high doses (median D40% 47.2 Gy EQD2), so it warns above 40 Gy EQD2 [D choice of cut-off].

    Parameters
    ----------
    d40_Gy : float
        Physical dose to 40 % of the bilateral hippocampi (Gy) over the whole course.
    n_fractions : int
        Number of fractions of the course.
    alpha_beta_Gy : float, optional
        α/β (Gy); default 2 Gy as in Gondi 2012.

    Examples
    --------
    >>> r = hippocampal_d40_gondi(30.0, 10)
    >>> r.value_Gy, r.exceeds
    (37.5, True)
    """
    from brainrit.radiobiology.parameter_library import parameters

    p = parameters("hippocampus_gondi_d40")
    thr = p["threshold_eqd2_Gy"]
    return _hippocampal_threshold(
        ("d40_Gy", d40_Gy, "D40%"),
        n_fractions,
        alpha_beta_Gy,
        threshold_Gy=thr,
        inclusive=False,
        domain_high_Gy=40.0,
        model="Gondi D40% hippocampal model (domain: Gondi 2012; Jaspers 2019)",
        interpretation=f"above {thr:g} Gy: OR {p['odds_ratio']:g} for delayed-recall impairment at 18 months",
        source=p.entries["threshold_eqd2_Gy"].source,
    )


def hippocampal_d50_ma(
    d50_Gy: float, n_fractions: int, alpha_beta_Gy: float = 2.0
) -> HippocampalThresholdResult:
    """Ma et al. anchor: bilateral-hippocampus D50% of 22.1 Gy ↔ 20 % risk of HVLT-R delayed-recall decline.

    Ma TM, Grimm J, ..., Redmond KJ. Radiother Oncol 2017;125:234–240 [V abstract] (n = 30; prophylactic
    and glioblastoma RT; decline at 6 months). The abstract reports the dose for 20 % risk; the fitted curve
    parameters were not retrieved, so this classifies D50% EQD2 against 22.1 Gy (the paper's dose is assumed
    to be EQD2 with α/β = 2 Gy [K] — verify). Domain: 0–60 Gy EQD2 (the "wide dose range" of the study,
    bounds assumed); warns outside.

    Examples
    --------
    >>> hippocampal_d50_ma(10.0, 10).exceeds
    False
    """
    from brainrit.radiobiology.parameter_library import parameters

    p = parameters("hippocampus_ma_d50")
    thr, risk = p["d50_Gy"], p["risk"]
    return _hippocampal_threshold(
        ("d50_Gy", d50_Gy, "D50%"),
        n_fractions,
        alpha_beta_Gy,
        threshold_Gy=thr,
        inclusive=True,
        domain_high_Gy=60.0,
        model="Ma D50% hippocampal model (domain: Ma 2017)",
        interpretation=f"at or above {thr:g} Gy: >= {risk:.0%} risk of HVLT-R delayed-recall decline (6 mo)",
        source=p.entries["d50_Gy"].source,
    )


def _hippocampal_threshold(
    dose: tuple[str, float, str],
    n_fractions: int,
    alpha_beta_Gy: float,
    *,
    threshold_Gy: float,
    inclusive: bool,
    domain_high_Gy: float,
    model: str,
    interpretation: str,
    source: str,
) -> HippocampalThresholdResult:
    """EQD2 of a hippocampal dose metric classified against a published threshold."""
    from brainrit.radiobiology.lq import eqd2

    field, value, label = dose
    e = float(eqd2(non_negative(field, value), n_fractions, alpha_beta_Gy))
    outside_domain(model, f"{label} EQD2 (Gy)", e, 0.0, domain_high_Gy, source)
    return HippocampalThresholdResult(
        metric=f"{label} EQD2 (α/β={float(alpha_beta_Gy):g} Gy), bilateral hippocampi",
        value_Gy=e,
        threshold_Gy=threshold_Gy,
        exceeds=e >= threshold_Gy if inclusive else e > threshold_Gy,
        interpretation=interpretation,
        source=source,
    )


# [D] logistic through Okoukoni 2017 anchors (V55 0/25/50 % → 14.9/45.9/80.6 %).
_OK_B0 = -1.742
_OK_B1 = 0.0631


def hippocampal_v55_okoukoni(v55_percent: ArrayLike) -> Any:
    """Probability of HVLT-R immediate-recall impairment (score <= 15) versus hippocampal V55Gy (%).

    Okoukoni C et al., Adv Radiat Oncol 2017;2:624–629 [V]: V55 0 %, 25 %, 50 % ↔ 14.9 %, 45.9 %, 80.6 %
    (conventionally fractionated RT for primary brain tumours, n = 53). Logistic fitted to those points [D]:
    ``p = 1/(1 + e^{−(−1.742 + 0.0631·V55)})``. Domain V55 0–50 % (warns above).

    Examples
    --------
    >>> round(hippocampal_v55_okoukoni(25.0), 3)
    0.459
    """
    v = array_finite("v55_percent", v55_percent, low=0.0, high=100.0)
    for x in np.atleast_1d(v).ravel()[:1]:
        outside_domain("Okoukoni V55 hippocampal model", "V55 (%)", float(x), 0.0, 50.0, "Okoukoni 2017")
    return as_output(1.0 / (1.0 + np.exp(-(_OK_B0 + _OK_B1 * v))))


_RTOG0933 = "RTOG 0933 (Gondi 2014, JCO 32:3810)"


def hippocampal_rtog0933_check(d100_Gy: float, dmax_Gy: float, n_fractions: int = 10) -> dict[str, Any]:
    """Check hippocampal doses against the RTOG 0933 / NRG CC001 HA-WBRT constraints (30 Gy in 10 fx).

    Per protocol D100% <= 9 Gy and Dmax <= 16 Gy [K]; acceptable variation D100% <= 10 Gy, Dmax <= 17 Gy [V]
    (Gondi V et al., JCO 2014;32:3810). Physical doses for a 10-fraction course; raises otherwise.

    Examples
    --------
    >>> hippocampal_rtog0933_check(8.5, 16.5)["status"]
    'acceptable variation'
    """
    if whole_numbers("n_fractions", n_fractions) != 10:
        raise InputError("n_fractions", n_fractions, "10 (the RTOG 0933 constraints are for 30 Gy in 10 fx)")
    d100 = in_range("d100_Gy", d100_Gy, 0.0, 1000.0, unit="Gy")
    dmax = in_range("dmax_Gy", dmax_Gy, 0.0, 1000.0, unit="Gy")
    if dmax < d100:
        raise InputError("dmax_Gy", dmax_Gy, f"a number >= d100_Gy ({d100:g})")
    if d100 <= 9.0 and dmax <= 16.0:
        status = "per protocol"
    elif d100 <= 10.0 and dmax <= 17.0:
        status = "acceptable variation"
    else:
        status = "unacceptable"
    return {"status": status, "d100_Gy": d100, "dmax_Gy": dmax, "source": _RTOG0933}
