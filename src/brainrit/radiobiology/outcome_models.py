"""Calibrated outcome models: population tumour control and hippocampal cognition, fitted to clinical data.

Three pieces, shared by every arm (external beam, the low-LET part of RIT, the therapeutic window):

* :class:`ClonogenModel` — the one clonogen model: a metastasis holds ``cell_density_per_cm3 × V`` cells of
  which ``clonogenic_fraction`` are clonogens (defaults: 10⁸ cells/cm³, Del Monte U, Cell Cycle
  2009;8:505; clonogenic fraction 0.1 so that the clonogen density is Webb & Nahum's 10⁷ cm⁻³). A 0.3 mm
  micrometastasis then has ~1.4·10³ cells, an 8 mm lesion 2.7·10⁷.
* :class:`PopulationTCP` — Webb–Nahum Poisson-LQ TCP with a normal spread of α between patients
  (Webb S, Nahum AE, Phys Med Biol 1993;38:653): ``TCP = ∫ g(α) exp(−Σ_i N_i e^{−α·BED_i}) dα``.
  Lesions of one patient share one α, so the control of several lesions is integrated once over α
  (:meth:`PopulationTCP.tcp_joint`), not multiplied lesion by lesion. ᾱ, σ_α and an effective α/β are
  FITTED (``scripts/fit_outcome_models.py``) to SRS, fSRS and WBRT local control and to WBRT control of
  unseen disease (anchors in ``brainrit/data/clinical_anchors_brain_metastases.csv``).
* :class:`CognitionModel` — probability of cognitive deterioration versus the bilateral-hippocampus
  D40 % EQD2 (α/β = 2 Gy; Gondi V et al., IJROBP 2012;83:e487): ``logit P_e = a_e + b·D40``. The
  intercept ``a_e`` is the disease's own baseline (hippocampal dose 0) of end-point ``e``; ``b·D40`` is
  the radiation-attributable part, common to all end-points. ``P cognitive`` in brainrit is the N0574
  test-battery end-point (deterioration on ≥ 1 test at 3 months; Brown PD et al., JAMA 2016;316:401).

The fitted values, their uncertainties and the residual of every anchor are shipped in
``brainrit/data/outcome_models_fitted.toml`` and read by :func:`calibrated_models`. These are population
models of trial cohorts, not patient-specific predictions.

Examples
--------
>>> m = calibrated_models()
>>> tcp = m.tcp.tcp_uniform(24.0, 1, 10.0)         # 10 mm metastasis, SRS 24 Gy
>>> 0.85 < tcp < 1.0
True
>>> format_probability(1.9e-218)
'< 10⁻⁴'
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import choice, in_range, non_negative, non_negative_array, positive, whole_numbers
from brainrit.errors import DataError, InputError
from brainrit.radiobiology._validate import as_output

__all__ = [
    "ANCHORS_FILE",
    "COGNITION_ENDPOINTS",
    "FITTED_FILE",
    "PARAMETER_SETS",
    "CalibratedModels",
    "ClonogenModel",
    "CognitionModel",
    "HiddenDisease",
    "PopulationTCP",
    "Probability",
    "calibrated_models",
    "default_clonogen_model",
    "format_probability",
    "probability",
]

ANCHORS_FILE = "clinical_anchors_brain_metastases.csv"
FITTED_FILE = "outcome_models_fitted.toml"
#: End-points of the cognition model (one baseline intercept each); ``battery`` is ``P cognitive``.
COGNITION_ENDPOINTS = ("battery", "executive", "memory", "hvlt_delayed_recall")
_DAYS_PER_MONTH = 365.25 / 12.0
_GRID = 7  # points spread evenly over a diameter or dose range of an anchor


# ----------------------------------------------------------------------------------------------------
# readable probabilities
# ----------------------------------------------------------------------------------------------------
def format_probability(p: float | None, *, digits: int = 3) -> str:
    """A probability as people read it: ``< 10⁻⁴`` below 10⁻⁴, ``> 0.9999`` just under 1, else ``.3g``.

    Full precision belongs in machine-readable output (results.json); tables, terminal lines and reports
    use this.

    Parameters
    ----------
    p : float or None
        Probability; None or NaN gives ``"—"``.
    digits : int
        Significant digits between 10⁻⁴ and 0.9999.

    Examples
    --------
    >>> [format_probability(x) for x in (1.9e-218, 0.0, 2.5e-4, 0.4567, 0.99999, 1.0, None)]
    ['< 10⁻⁴', '< 10⁻⁴', '0.00025', '0.457', '> 0.9999', '1', '—']
    """
    if p is None:
        return "—"
    x = float(p)
    if math.isnan(x):
        return "—"
    if x < 1e-4:
        return "< 10⁻⁴"
    if x >= 1.0:
        return "1"
    if x > 0.9999:
        return "> 0.9999"
    return f"{x:.{int(digits)}g}"


class Probability(float):
    """A probability: a plain float in arithmetic and JSON, printed with :func:`format_probability`.

    ``str()``, ``format()`` and f-strings (any format spec) give the readable form, so tables, CSV cells,
    terminal lines and notes never show ``1.9e-218``; ``repr()`` and ``json.dumps`` keep full precision.

    Examples
    --------
    >>> import json
    >>> p = Probability(1.9e-218)
    >>> f"{p:.3g}", str(p), json.dumps(p), p * 2 < 1e-200
    ('< 10⁻⁴', '< 10⁻⁴', '1.9e-218', True)
    """

    __slots__ = ()

    def __str__(self) -> str:
        return format_probability(float(self))

    def __format__(self, format_spec: str) -> str:
        return format_probability(float(self))


def probability(value: float | None) -> Probability | None:
    """``value`` as a :class:`Probability` (None and NaN stay as they are).

    Examples
    --------
    >>> probability(0.25), probability(None)
    (0.25, None)
    """
    if value is None:
        return None
    x = float(value)
    return x if math.isnan(x) else Probability(x)  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------------------
# clonogens
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClonogenModel:
    """Cells and clonogens of a spherical metastasis (the one clonogen model of brainrit).

    Parameters
    ----------
    cell_density_per_cm3 : float
        Tumour cells per cm³ (> 0).
    clonogenic_fraction : float
        Fraction of tumour cells that are clonogenic, in (0, 1].

    Examples
    --------
    >>> c = ClonogenModel(1e8, 0.1)
    >>> round(c.clonogen_density_per_cm3), f"{c.cells(0.3):.3g}", f"{c.clonogens(8.0):.3g}"
    (10000000, '1.41e+03', '2.68e+06')
    """

    cell_density_per_cm3: float
    clonogenic_fraction: float

    def __post_init__(self) -> None:
        positive("cell_density_per_cm3", self.cell_density_per_cm3)
        f = in_range("clonogenic_fraction", self.clonogenic_fraction, 0.0, 1.0)
        if f <= 0.0:
            raise InputError("clonogenic_fraction", self.clonogenic_fraction, "a fraction in (0, 1]")

    @property
    def clonogen_density_per_cm3(self) -> float:
        """Clonogens per cm³."""
        return self.cell_density_per_cm3 * self.clonogenic_fraction

    def cells(self, diameter_mm: ArrayLike) -> Any:
        """Tumour cells in a sphere of ``diameter_mm``."""
        d = non_negative_array("diameter_mm", diameter_mm)
        return as_output(math.pi / 6.0 * (d / 10.0) ** 3 * self.cell_density_per_cm3)

    def clonogens(self, diameter_mm: ArrayLike) -> Any:
        """Clonogens in a sphere of ``diameter_mm``."""
        return as_output(np.asarray(self.cells(diameter_mm)) * self.clonogenic_fraction)


def default_clonogen_model() -> ClonogenModel:
    """The sourced defaults (library set ``clonogens_brain_metastasis``).

    Examples
    --------
    >>> default_clonogen_model()
    ClonogenModel(cell_density_per_cm3=100000000.0, clonogenic_fraction=0.1)
    """
    from brainrit.radiobiology.parameter_library import parameters

    p = parameters("clonogens_brain_metastasis")
    return ClonogenModel(p["cell_density_per_cm3"], p["clonogenic_fraction"])


@dataclass(frozen=True)
class HiddenDisease:
    """Unseen metastases treated by WBRT in the SRS ± WBRT trials (calibration of ``tcp_hidden``).

    A metastasis that becomes visible within ``months`` of follow-up had between
    ``N_det·2^(−t/T_d)`` and ``N_det`` cells at treatment (``N_det`` the contrast-MRI detection threshold,
    ``T_d`` the volume doubling time); the representative lesion sits at the geometric middle,
    ``N_det·2^(−t/(2T_d))`` cells.

    Examples
    --------
    >>> f"{HiddenDisease(1e7, 112.5).cells(12.0):.3g}"
    '3.25e+06'
    """

    detection_threshold_cells: float
    doubling_time_d: float

    def __post_init__(self) -> None:
        positive("detection_threshold_cells", self.detection_threshold_cells)
        positive("doubling_time_d", self.doubling_time_d)

    def cells(self, months: float) -> float:
        """Cells of the representative unseen lesion for a follow-up of ``months``."""
        t = non_negative("months", months) * _DAYS_PER_MONTH
        return self.detection_threshold_cells * 2.0 ** (-t / (2.0 * self.doubling_time_d))

    @classmethod
    def default(cls) -> HiddenDisease:
        """Library set ``hidden_disease_trials`` (Serres 2012 threshold, Kobets 2020 doubling times)."""
        from brainrit.radiobiology.parameter_library import parameters

        p = parameters("hidden_disease_trials")
        return cls(p["detection_threshold_cells"], p["doubling_time_d"])


# ----------------------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PopulationTCP:
    """Webb–Nahum population TCP with the clonogen model (parameters: :func:`calibrated_models`).

    Parameters
    ----------
    alpha_mean_per_Gy, alpha_sd_per_Gy : float
        Mean (> 0) and SD (>= 0) of α between patients, normal truncated at 0 (Gy⁻¹).
    alpha_beta_Gy : float
        α/β of the tumour (Gy); in the calibration an *effective* value (see docs/models.md).
    clonogens : ClonogenModel

    Examples
    --------
    >>> m = PopulationTCP(0.3, 0.0, 10.0, ClonogenModel(1e8, 0.1))
    >>> round(m.tcp_bed(39.0, 1e3), 4)       # no spread: exp(−N e^{−α BED})
    0.9917
    """

    alpha_mean_per_Gy: float
    alpha_sd_per_Gy: float
    alpha_beta_Gy: float
    clonogens: ClonogenModel

    def __post_init__(self) -> None:
        positive("alpha_mean_per_Gy", self.alpha_mean_per_Gy)
        non_negative("alpha_sd_per_Gy", self.alpha_sd_per_Gy)
        positive("alpha_beta_Gy", self.alpha_beta_Gy)
        if not isinstance(self.clonogens, ClonogenModel):
            raise InputError("clonogens", self.clonogens, "a ClonogenModel")

    def bed(self, dose_Gy: ArrayLike, n_fractions: ArrayLike) -> Any:
        """BED of ``n`` equal acute fractions with the model's α/β (Gy)."""
        d = non_negative_array("dose_Gy", dose_Gy)
        n = whole_numbers("n_fractions", n_fractions)
        return as_output(d * (1.0 + d / n / self.alpha_beta_Gy))

    def tcp_bed(self, bed_Gy: ArrayLike, n_clonogens: ArrayLike) -> Any:
        """Population TCP of independent tumours, each with a uniform BED and ``n_clonogens``."""
        from brainrit.radiobiology.tcp import tcp_population_bed

        return tcp_population_bed(bed_Gy, self.alpha_mean_per_Gy, self.alpha_sd_per_Gy, n_clonogens)

    def tcp_uniform(self, dose_Gy: ArrayLike, n_fractions: ArrayLike, diameter_mm: ArrayLike) -> Any:
        """Population TCP of one lesion of ``diameter_mm`` given a uniform dose in ``n`` fractions.

        Examples
        --------
        >>> m = calibrated_models().tcp
        >>> bool(m.tcp_uniform(18.0, 1, 25.0) < m.tcp_uniform(18.0, 1, 10.0))   # bigger: harder
        True
        """
        return self.tcp_bed(self.bed(dose_Gy, n_fractions), self.clonogens.clonogens(diameter_mm))

    def tcp_joint(self, bed_Gy: ArrayLike, n_clonogens: ArrayLike) -> float:
        """Control of *all* given tumour samples of one patient (one α for all of them).

        ``∫ g(α) exp(−Σ_i N_i e^{−α·BED_i}) dα``: voxels of one lesion, or every lesion of a class, or
        every lesion of the patient. Lesions an arm does not treat (BED ≈ 0) count with their clonogens.

        Examples
        --------
        >>> m = PopulationTCP(0.3, 0.1, 10.0, ClonogenModel(1e8, 0.1))
        >>> one = m.tcp_joint([39.0], [1e4])
        >>> two = m.tcp_joint([39.0, 39.0], [1e4, 1e4])
        >>> bool(one**2 < two < one)          # shared α: better than independent lesions
        True
        """
        from brainrit.radiobiology.tcp import tcp_population_voxel

        return tcp_population_voxel(bed_Gy, n_clonogens, self.alpha_mean_per_Gy, self.alpha_sd_per_Gy)

    def with_values(self, **overrides: float) -> PopulationTCP:
        """A copy with some of ``alpha_mean_per_Gy``, ``alpha_sd_per_Gy``, ``alpha_beta_Gy`` replaced."""
        bad = set(overrides) - {"alpha_mean_per_Gy", "alpha_sd_per_Gy", "alpha_beta_Gy"}
        if bad:
            raise InputError(
                "overrides", sorted(bad)[0], "alpha_mean_per_Gy, alpha_sd_per_Gy or alpha_beta_Gy"
            )
        return replace(self, **overrides)


@dataclass(frozen=True)
class CognitionModel:
    """Cognitive deterioration versus hippocampal D40 % EQD2: ``logit P_e = a_e + b·D40``.

    Parameters
    ----------
    intercepts : Mapping[str, float]
        Baseline log-odds ``a_e`` of each end-point at zero hippocampal dose (the disease's own part).
    slope_per_Gy : float
        ``b``, log-odds per Gy of bilateral-hippocampus D40 % EQD2 (the radiation-attributable part).
    alpha_beta_Gy : float
        α/β used for the hippocampal EQD2 (2 Gy; Gondi 2012).

    Examples
    --------
    >>> m = CognitionModel({"battery": 0.0}, 0.05)
    >>> round(m.probability(0.0), 3), round(m.probability(20.0), 3)
    (0.5, 0.731)
    >>> round(m.radiation_attributable(20.0), 3)
    0.231
    """

    intercepts: Mapping[str, float]
    slope_per_Gy: float
    alpha_beta_Gy: float = 2.0

    def __post_init__(self) -> None:
        if not self.intercepts or not isinstance(self.intercepts, Mapping):
            raise InputError("intercepts", self.intercepts, "a mapping end-point -> log-odds at zero dose")
        object.__setattr__(
            self, "intercepts", MappingProxyType({str(k): float(v) for k, v in self.intercepts.items()})
        )
        non_negative("slope_per_Gy", self.slope_per_Gy)
        positive("alpha_beta_Gy", self.alpha_beta_Gy)

    def probability(self, d40_eqd2_Gy: ArrayLike, endpoint: str = "battery") -> Any:
        """Probability of the end-point's deterioration at hippocampal D40 % EQD2 ``d40_eqd2_Gy``."""
        from scipy.special import expit

        e = choice("endpoint", endpoint, self.intercepts)
        d = non_negative_array("d40_eqd2_Gy", d40_eqd2_Gy)
        return as_output(expit(self.intercepts[e] + self.slope_per_Gy * d))

    def baseline(self, endpoint: str = "battery") -> float:
        """The disease's own probability (zero hippocampal dose)."""
        return float(self.probability(0.0, endpoint))

    def radiation_attributable(self, d40_eqd2_Gy: ArrayLike, endpoint: str = "battery") -> Any:
        """Excess probability over the baseline caused by the hippocampal dose."""
        return as_output(np.asarray(self.probability(d40_eqd2_Gy, endpoint)) - self.baseline(endpoint))


@dataclass(frozen=True)
class CalibratedModels:
    """The calibrated tumour-control and cognition models and their fit records.

    ``tcp_fit`` and ``cognition_fit`` hold the raw TOML tables (parameters with SD, residual per anchor,
    χ², covariance) as read from the fitted-parameter file.

    Examples
    --------
    >>> [row[:2] for row in calibrated_models().parameter_table()][:3]
    [('tcp', 'alpha_mean_per_Gy'), ('tcp', 'alpha_sd_per_Gy'), ('tcp', 'alpha_beta_Gy')]
    """

    name: str
    tcp: PopulationTCP
    cognition: CognitionModel
    tcp_fit: Mapping[str, Any] = field(repr=False)
    cognition_fit: Mapping[str, Any] = field(repr=False)
    meta: Mapping[str, Any] = field(repr=False)

    def parameter_table(self) -> list[tuple[str, str, float, float]]:
        """``(model, parameter, value, sd)`` rows for reports."""
        rows = []
        for model, fit in (("tcp", self.tcp_fit), ("cognition", self.cognition_fit)):
            for k, p in fit["parameters"].items():
                rows.append((model, k, float(p["value"]), float(p["sd"])))
        return rows


@functools.lru_cache(maxsize=1)
def _fitted_raw() -> Mapping[str, Any]:
    path = files("brainrit") / "data" / FITTED_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read packaged {FITTED_FILE}: {exc}") from exc


PARAMETER_SETS = ("brain_metastases",)


def calibrated_models(
    name: str = "brain_metastases",
    *,
    clonogens: ClonogenModel | None = None,
    **overrides: float,
) -> CalibratedModels:
    """The shipped calibration (``outcome_models_fitted.toml``), optionally with values overridden.

    Parameters
    ----------
    name : str
        Parameter set; ``"brain_metastases"`` (the only one so far).
    clonogens : ClonogenModel, optional
        Replace the clonogen model the calibration was fitted with (the fit is then no longer exact:
        ᾱ and the clonogen number trade off).
    **overrides
        ``alpha_mean_per_Gy``, ``alpha_sd_per_Gy``, ``alpha_beta_Gy`` (tumour) or ``cognition_slope_per_Gy``.

    Examples
    --------
    >>> m = calibrated_models(alpha_sd_per_Gy=0.05)
    >>> m.tcp.alpha_sd_per_Gy
    0.05
    """
    choice("name", name, PARAMETER_SETS)
    raw = _fitted_raw()
    t, c = raw["tcp"], raw["cognition"]
    tp = {k: float(v["value"]) for k, v in t["parameters"].items()}
    clon = (
        clonogens
        if clonogens is not None
        else ClonogenModel(t["cell_density_per_cm3"], t["clonogenic_fraction"])
    )
    slope = float(c["parameters"]["slope_per_Gy"]["value"])
    known = {"alpha_mean_per_Gy", "alpha_sd_per_Gy", "alpha_beta_Gy", "cognition_slope_per_Gy"}
    for k, v in overrides.items():
        if k not in known:
            raise InputError("overrides", k, "one of " + ", ".join(sorted(known)))
        if k == "cognition_slope_per_Gy":
            slope = non_negative(k, v)
        else:
            tp[k] = float(v)
    intercepts = {
        k.removeprefix("intercept_"): float(v["value"])
        for k, v in c["parameters"].items()
        if k.startswith("intercept_")
    }
    return CalibratedModels(
        name,
        PopulationTCP(tp["alpha_mean_per_Gy"], tp["alpha_sd_per_Gy"], tp["alpha_beta_Gy"], clon),
        CognitionModel(intercepts, slope, float(c["alpha_beta_Gy"])),
        MappingProxyType(dict(t)),
        MappingProxyType(dict(c)),
        MappingProxyType(dict(raw["meta"])),
    )
