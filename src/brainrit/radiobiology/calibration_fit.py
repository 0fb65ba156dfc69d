"""Fitting the outcome models to the clinical anchors: the anchor table, model values, fits, the TOML record.

:mod:`brainrit.radiobiology.outcome_models` holds the models and reads the shipped calibration; this module
is what ``scripts/fit_outcome_models.py`` runs to produce it. Anchors are read from
``brainrit/data/clinical_anchors_brain_metastases.csv`` (every row with its source and the basis of its
uncertainty); each is turned into a model value on the same basis (:func:`anchor_model_value`), and the
TCP and cognition parameters are fitted by weighted least squares (:func:`fit_tcp`, :func:`fit_cognition`)
with their covariance, χ² and the residual of every anchor (:func:`fitted_toml` writes the record).

Examples
--------
>>> anchors = clinical_anchors()
>>> sorted({a.model for a in anchors}), all(a.sd > 0 for a in anchors)
(['cognition', 'cognition_hr', 'tcp', 'tcp_hidden'], True)
"""

from __future__ import annotations

import csv
import datetime as _dt
import functools
import hashlib
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.checks import choice, non_negative, positive
from brainrit.errors import DataError, InputError
from brainrit.radiobiology.outcome_models import (
    _GRID,
    ANCHORS_FILE,
    COGNITION_ENDPOINTS,
    ClonogenModel,
    CognitionModel,
    HiddenDisease,
    PopulationTCP,
    default_clonogen_model,
)

__all__ = [
    "Anchor",
    "AnchorResidual",
    "FitResult",
    "FittedParameter",
    "anchor_model_value",
    "anchors_sha256",
    "clinical_anchors",
    "fit_cognition",
    "fit_tcp",
    "fitted_toml",
]


# ----------------------------------------------------------------------------------------------------
# anchors
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anchor:
    """One clinical anchor (a row of ``clinical_anchors_brain_metastases.csv``).

    Examples
    --------
    >>> a = {x.id: x for x in clinical_anchors()}["hytec_fsrs_21_40mm"]
    >>> a.schedule_grid(), a.value, a.sd
    ([(27.0, 3), (30.0, 5), (35.0, 5)], 0.8, 0.05)
    """

    id: str
    model: str
    schedules: str
    diameter_mm: str
    endpoint: str
    value: float
    relation: str
    sd: float
    sd_basis: str
    months: float
    n: int | None
    source: str
    assumption: str

    def schedule_grid(self) -> list[tuple[float, int]]:
        """``(dose_Gy, n_fractions)`` pairs the model value is averaged over."""
        out: list[tuple[float, int]] = []
        for item in self.schedules.split(";"):
            dose, _, n = item.strip().partition("/")
            lo, _, hi = dose.partition("-")
            doses = np.linspace(float(lo), float(hi), _GRID) if hi else [float(lo)]
            out.extend((float(d), int(n)) for d in doses)
        return out

    def diameter_grid(self) -> np.ndarray:
        """Lesion diameters (mm) the model value is averaged over."""
        lo, _, hi = self.diameter_mm.partition("-")
        return np.linspace(float(lo), float(hi), _GRID) if hi else np.array([float(lo)])


def _anchor_text() -> str:
    path = files("brainrit") / "data" / ANCHORS_FILE
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read packaged {ANCHORS_FILE}: {exc}") from exc


def anchors_sha256() -> str:
    """SHA-256 of the packaged anchor table (recorded in the fitted-parameter file).

    Examples
    --------
    >>> from brainrit.radiobiology.outcome_models import calibrated_models
    >>> anchors_sha256() == calibrated_models().meta["data_sha256"]
    True
    """
    return hashlib.sha256(_anchor_text().encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def clinical_anchors() -> tuple[Anchor, ...]:
    """The clinical anchors of the calibration, in file order.

    Examples
    --------
    >>> a = {x.id: x for x in clinical_anchors()}
    >>> a["hytec_21_30mm_18Gy"].value, a["aoyama2006_new_mets"].model
    (0.75, 'tcp_hidden')
    """
    lines = [ln for ln in _anchor_text().splitlines() if ln and not ln.startswith("#")]
    out = []
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        try:
            months = float(row["months"].lstrip("~"))
            out.append(
                Anchor(
                    id=row["id"],
                    model=choice("model", row["model"], ("tcp", "tcp_hidden", "cognition", "cognition_hr")),
                    schedules=row["schedules"],
                    diameter_mm=row["diameter_mm"],
                    endpoint=row["endpoint"],
                    value=float(row["value"]),
                    relation=choice("relation", row["relation"], ("=", ">=")),
                    sd=positive("sd", float(row["sd"])),
                    sd_basis=row["sd_basis"],
                    months=months,
                    n=int(row["n"]) if row["n"] else None,
                    source=row["source"],
                    assumption=row["assumption"],
                )
            )
        except (KeyError, ValueError, InputError) as exc:
            raise DataError(f"{ANCHORS_FILE}: bad row {row.get('id')!r}: {exc}") from exc
    return tuple(out)


def anchor_model_value(
    anchor: Anchor,
    *,
    tcp: PopulationTCP | None = None,
    cognition: CognitionModel | None = None,
    hippocampal_d40_eqd2_Gy: Mapping[str, float] | None = None,
    hidden: HiddenDisease | None = None,
) -> float:
    """The model's value for one anchor (what the fit compares with ``anchor.value``).

    * ``tcp``: mean population TCP over the anchor's diameters × schedules (uniform prescription dose);
    * ``tcp_hidden``: population TCP of the representative unseen lesion (:class:`HiddenDisease`);
    * ``cognition``: probability of the end-point at the arm's hippocampal D40 % EQD2;
    * ``cognition_hr``: ``ln(1 − P_a)/ln(1 − P_b)`` of the end-point for arms ``a:b``.

    Examples
    --------
    >>> from brainrit.radiobiology.outcome_models import calibrated_models
    >>> a = {x.id: x for x in clinical_anchors()}["patchell1990_wbrt"]
    >>> 0.2 < anchor_model_value(a, tcp=calibrated_models().tcp) < 0.5
    True
    """
    if anchor.model in ("tcp", "tcp_hidden"):
        if tcp is None:
            raise InputError("tcp", None, "a PopulationTCP for a tumour-control anchor")
        if anchor.model == "tcp":
            sched = anchor.schedule_grid()
            dose = np.array([s[0] for s in sched])
            nfx = np.array([s[1] for s in sched])
            dd, dia = np.meshgrid(np.arange(dose.size), anchor.diameter_grid(), indexing="ij")
            vals = tcp.tcp_uniform(dose[dd.ravel()], nfx[dd.ravel()], dia.ravel())
            return float(np.mean(vals))
        hd = hidden if hidden is not None else HiddenDisease.default()
        (dose_Gy, n), *_ = anchor.schedule_grid()
        n0 = hd.cells(anchor.months) * tcp.clonogens.clonogenic_fraction
        return float(tcp.tcp_bed(tcp.bed(dose_Gy, n), n0))
    if cognition is None or hippocampal_d40_eqd2_Gy is None:
        raise InputError("cognition", None, "a CognitionModel and hippocampal doses for a cognition anchor")
    arms = anchor.schedules.split(":")
    for a in arms:
        if a not in hippocampal_d40_eqd2_Gy:
            raise InputError("hippocampal_d40_eqd2_Gy", sorted(hippocampal_d40_eqd2_Gy), f"a dose for {a!r}")
    if anchor.model == "cognition":
        return float(cognition.probability(hippocampal_d40_eqd2_Gy[arms[0]], anchor.endpoint))
    pa, pb = (float(cognition.probability(hippocampal_d40_eqd2_Gy[a], anchor.endpoint)) for a in arms)
    return math.log1p(-pa) / math.log1p(-pb)


# ----------------------------------------------------------------------------------------------------
# fitting
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FittedParameter:
    """A fitted value with its standard uncertainty (from the fit covariance).

    Examples
    --------
    >>> FittedParameter(0.17, 0.1).sd
    0.1
    """

    value: float
    sd: float


@dataclass(frozen=True)
class AnchorResidual:
    """Observed vs model value of one anchor; ``z`` = (model − observed)/sd (0 when a bound holds).

    Examples
    --------
    >>> r = AnchorResidual("x", 0.75, 0.80, 0.05, 1.0, "=")
    >>> round((r.model - r.observed) / r.sd, 6) == r.z
    True
    """

    id: str
    observed: float
    model: float
    sd: float
    z: float
    relation: str


@dataclass(frozen=True)
class FitResult:
    """Weighted least-squares fit of one model to its anchors.

    ``covariance`` is ``(JᵀJ)⁻¹`` scaled by the Birge factor ``max(1, χ²/dof)``, so that scatter between
    series larger than their stated uncertainties widens the parameter uncertainties.

    Examples
    --------
    >>> fit = fit_cognition({"srs": 1.0, "wbrt_30_12+srs": 36.4, "wbrt_30_10": 39.5, "ha_wbrt_30_10": 6.2})
    >>> fit.dof, round(fit.birge_ratio, 1)
    (4, 1.2)
    """

    parameters: Mapping[str, FittedParameter]
    covariance: np.ndarray
    residuals: tuple[AnchorResidual, ...]
    chi2: float
    dof: int

    @property
    def birge_ratio(self) -> float:
        """``sqrt(χ²/dof)``."""
        return math.sqrt(self.chi2 / self.dof) if self.dof > 0 else math.nan


def _z(anchor: Anchor, model: float) -> float:
    if anchor.model == "cognition_hr":  # log scale
        z = (math.log(model) - math.log(anchor.value)) / anchor.sd
    else:
        z = (model - anchor.value) / anchor.sd
    if anchor.relation == ">=" and model >= anchor.value:
        return 0.0
    return z


def _least_squares(
    names: Sequence[str],
    x0: Sequence[float],
    bounds: tuple[Sequence[float], Sequence[float]],
    anchors: Sequence[Anchor],
    value: Callable[[np.ndarray, Anchor], float],
) -> FitResult:
    from scipy.optimize import least_squares

    def resid(x: np.ndarray) -> np.ndarray:
        return np.array([_z(a, value(x, a)) for a in anchors])

    fit = least_squares(resid, np.asarray(x0, float), bounds=bounds, x_scale="jac", xtol=1e-12, ftol=1e-12)
    r = resid(fit.x)
    chi2 = float(np.sum(r**2))
    dof = len(anchors) - len(names)
    jac = fit.jac
    try:
        cov = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:  # pragma: no cover - degenerate design
        cov = np.full((len(names), len(names)), math.nan)
    cov = cov * max(1.0, chi2 / dof if dof > 0 else 1.0)
    params = {
        n: FittedParameter(float(v), float(math.sqrt(max(cov[i, i], 0.0))))
        for i, (n, v) in enumerate(zip(names, fit.x, strict=True))
    }
    res = tuple(
        AnchorResidual(a.id, a.value, float(value(fit.x, a)), a.sd, float(z), a.relation)
        for a, z in zip(anchors, r, strict=True)
    )
    return FitResult(MappingProxyType(params), cov, res, chi2, dof)


def fit_tcp(
    anchors: Sequence[Anchor] | None = None,
    *,
    clonogens: ClonogenModel | None = None,
    hidden: HiddenDisease | None = None,
) -> FitResult:
    """Fit ᾱ, σ_α and the effective α/β of :class:`PopulationTCP` to the tumour-control anchors.

    Parameters
    ----------
    anchors : sequence of Anchor, optional
        Default: the ``tcp`` and ``tcp_hidden`` rows of :func:`clinical_anchors`.
    clonogens : ClonogenModel, optional
        Default :func:`default_clonogen_model` (held fixed: ρ and ᾱ are not separately identifiable).
    hidden : HiddenDisease, optional
        Default :meth:`HiddenDisease.default`.

    Examples
    --------
    >>> fit = fit_tcp()
    >>> sorted(fit.parameters), fit.dof
    (['alpha_beta_Gy', 'alpha_mean_per_Gy', 'alpha_sd_per_Gy'], 8)
    """
    rows = [a for a in (anchors if anchors is not None else clinical_anchors()) if a.model.startswith("tcp")]
    if len(rows) < 4:
        raise InputError("anchors", len(rows), "at least 4 tumour-control anchors")
    clon = clonogens if clonogens is not None else default_clonogen_model()
    hid = hidden if hidden is not None else HiddenDisease.default()

    def value(x: np.ndarray, a: Anchor) -> float:
        return anchor_model_value(a, tcp=PopulationTCP(x[0], x[1], x[2], clon), hidden=hid)

    return _least_squares(
        ("alpha_mean_per_Gy", "alpha_sd_per_Gy", "alpha_beta_Gy"),
        (0.3, 0.1, 10.0),
        ((0.01, 0.001, 0.5), (2.0, 1.0, 100.0)),
        rows,
        value,
    )


def fit_cognition(
    hippocampal_d40_eqd2_Gy: Mapping[str, float], anchors: Sequence[Anchor] | None = None
) -> FitResult:
    """Fit the end-point intercepts and the common dose slope of :class:`CognitionModel`.

    Parameters
    ----------
    hippocampal_d40_eqd2_Gy : Mapping[str, float]
        Bilateral-hippocampus D40 % EQD2 (α/β 2 Gy) of each arm key used in the anchor table
        (``srs``, ``wbrt_30_12+srs``, ``wbrt_30_10``, ``ha_wbrt_30_10``), e.g. from the phantom arms.
    anchors : sequence of Anchor, optional
        Default: the ``cognition`` and ``cognition_hr`` rows of :func:`clinical_anchors`.

    Examples
    --------
    >>> doses = {"srs": 1.0, "wbrt_30_12+srs": 36.4, "wbrt_30_10": 39.5, "ha_wbrt_30_10": 6.2}
    >>> fit = fit_cognition(doses)
    >>> 0.0 < fit.parameters["slope_per_Gy"].value < 0.1
    True
    """
    rows = [
        a for a in (anchors if anchors is not None else clinical_anchors()) if a.model.startswith("cognition")
    ]
    endpoints = [e for e in COGNITION_ENDPOINTS if any(a.endpoint == e for a in rows)]
    unknown = {a.endpoint for a in rows} - set(endpoints)
    if unknown:
        raise DataError(f"{ANCHORS_FILE}: unknown cognition end-point(s) {sorted(unknown)}")
    doses = {
        str(k): non_negative(f"hippocampal_d40_eqd2_Gy[{k!r}]", v) for k, v in hippocampal_d40_eqd2_Gy.items()
    }

    def model(x: np.ndarray) -> CognitionModel:
        return CognitionModel(dict(zip(endpoints, x[:-1], strict=True)), x[-1])

    def value(x: np.ndarray, a: Anchor) -> float:
        return anchor_model_value(a, cognition=model(x), hippocampal_d40_eqd2_Gy=doses)

    k = len(endpoints)
    return _least_squares(
        (*(f"intercept_{e}" for e in endpoints), "slope_per_Gy"),
        (*([0.0] * k), 0.03),
        ((*([-10.0] * k), 0.0), (*([10.0] * k), 1.0)),
        rows,
        value,
    )


# ----------------------------------------------------------------------------------------------------
# the shipped calibration
# ----------------------------------------------------------------------------------------------------
def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float | np.floating | np.integer):
        return repr(float(v)) if not isinstance(v, int | np.integer) else str(int(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))  # pragma: no cover


def _fit_section(name: str, fit: FitResult, extra: Mapping[str, Any]) -> list[str]:
    lines = [f"[{name}]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in extra.items()]
    lines += [
        f"chi2 = {_toml_value(fit.chi2)}",
        f"dof = {fit.dof}",
        f"birge_ratio = {_toml_value(fit.birge_ratio)}",
        f"parameter_order = {_toml_value(list(fit.parameters))}",
        f"covariance = {_toml_value([list(map(float, r)) for r in fit.covariance])}",
        "",
    ]
    for k, p in fit.parameters.items():
        lines += [
            f"[{name}.parameters.{k}]",
            f"value = {_toml_value(p.value)}",
            f"sd = {_toml_value(p.sd)}",
            "",
        ]
    for r in fit.residuals:
        lines += [
            f"[{name}.residuals.{r.id}]",
            f"observed = {_toml_value(r.observed)}",
            f"model = {_toml_value(r.model)}",
            f"sd = {_toml_value(r.sd)}",
            f"z = {_toml_value(r.z)}",
            f'relation = "{r.relation}"',
            "",
        ]
    return lines


def fitted_toml(
    tcp_fit: FitResult,
    cognition_fit: FitResult,
    *,
    clonogens: ClonogenModel,
    hidden: HiddenDisease,
    hippocampal_d40_eqd2_Gy: Mapping[str, float],
    date: str | None = None,
) -> str:
    """The text of ``outcome_models_fitted.toml`` for two fits (written by the fitting script).

    Examples
    --------
    >>> import tomllib
    >>> doses = {"srs": 1.0, "wbrt_30_12+srs": 36.4, "wbrt_30_10": 39.5, "ha_wbrt_30_10": 6.2}
    >>> text = fitted_toml(fit_tcp(), fit_cognition(doses), clonogens=default_clonogen_model(),
    ...                    hidden=HiddenDisease.default(), hippocampal_d40_eqd2_Gy=doses, date="2026-12-04")
    >>> tomllib.loads(text)["meta"]["date"]
    '2026-12-04'
    """
    head = [
        "# brainrit calibrated outcome models — GENERATED by scripts/fit_outcome_models.py; do not edit.",
        f"# Data: brainrit/data/{ANCHORS_FILE} (sources cited there). Uncertainties: 1 SD from the fit",
        "# covariance scaled by max(1, chi2/dof). Residual z = (model - observed)/sd per anchor.",
        "",
        "[meta]",
        'name = "brain_metastases"',
        f"date = {_toml_value(date or _dt.date.today().isoformat())}",
        f"data_file = {_toml_value(ANCHORS_FILE)}",
        f"data_sha256 = {_toml_value(anchors_sha256())}",
        "",
    ]
    tcp_extra = {
        "model": "Webb-Nahum population Poisson-LQ TCP (alpha normal between patients, truncated at 0)",
        "cell_density_per_cm3": clonogens.cell_density_per_cm3,
        "clonogenic_fraction": clonogens.clonogenic_fraction,
        "hidden_detection_threshold_cells": hidden.detection_threshold_cells,
        "hidden_doubling_time_d": hidden.doubling_time_d,
    }
    cog_extra: dict[str, Any] = {
        "model": "logit P_e = intercept_e + slope * hippocampal D40% EQD2 (alpha/beta 2 Gy)",
        "alpha_beta_Gy": 2.0,
    }
    doses = ["[cognition.hippocampal_d40_eqd2_Gy]"] + [
        f'"{k}" = {_toml_value(float(v))}' for k, v in hippocampal_d40_eqd2_Gy.items()
    ]
    return (
        "\n".join(
            head
            + _fit_section("tcp", tcp_fit, tcp_extra)
            + _fit_section("cognition", cognition_fit, cog_extra)
            + doses
        )
        + "\n"
    )
