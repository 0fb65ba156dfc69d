"""Outcomes per arm (TCP per lesion, brain necrosis NTCP, V12, hippocampal cognitive risk, P+) and a
comparison table of arms.

Models (all from :mod:`brainrit.radiobiology`, parameters from its cited library):

* **TCP** (default: the calibrated Webb–Nahum population model of
  :func:`brainrit.radiobiology.calibrated_models`, ᾱ, σ_α and α/β fitted to clinical anchors, clonogens
  from the one clonogen model): ``TCP = ∫ g(α) exp[−Σ_i N_i e^{−α·BED_i}] dα`` over the lesion's dose
  samples (:func:`~brainrit.radiobiology.tcp_population_voxel`; with ``alpha_sd_per_Gy = 0`` the plain
  Poisson ``exp[−Σ ρ v_i S(D_i)]``). The per-voxel fractionation of a composite arm enters through the
  Lea–Catcheside factor of acute fractions, ``G = Σ_c D_c²/n_c / D²`` (Lea & Catcheside 1942; Dale 1985),
  so that ``αD(1 + GD/(α/β)) = α·Σ_c BED_c``. Lesions covered by voxels use the voxel doses (weights
  rescaled to the exact sphere volume); sub-voxel micrometastases use the dose interpolated at their
  centre. Lesions of one patient share one α, so ``TCP visible``, ``TCP micrometastases`` and ``TCP all
  lesions`` integrate all the lesions of the class at once (not a product of per-lesion TCPs); every
  lesion counts whether the arm treats it or not. ``TCP`` is the control of the lesions the arm treats
  (every lesion for whole-brain arms, visible lesions for focal arms), used for iso-effect rescaling.
* **Brain necrosis**: LKB on the normal brain (brain minus lesions), voxel EQD2 with α/β = 2 Gy
  (``brain_necrosis_lkb``: TD50 60 Gy, m 0.15, n 0.25; Burman 1991). For arms with a single-fraction
  (SRS) component, V12 of that component in normal brain and the HyTEC V12 risk
  (:func:`~brainrit.radiobiology.ntcp_srs_v12`, Milano 2021); the necrosis NTCP is then
  ``1 − (1 − NTCP_LKB,rest)(1 − NTCP_V12)`` with LKB over the other (fractionated) courses only, so
  the SRS hot spot is not counted twice (``NTCP necrosis LKB`` reports LKB over everything). fSRS:
  V20 (3 fx) or V24 (5 fx) are reported (HyTEC limits < 20 cm³); their risk is not modelled, LKB is used.
* **Hippocampi** (both): D100 %, Dmax (physical), D40 % EQD2 (α/β = 2 Gy) against the Gondi 2012
  threshold of 7.3 Gy; ``P cognitive``: the calibrated cognition model (N0574 battery end-point,
  ``logit P = a + b·D40``, disease baseline ``a``); ``P cognitive (V55)``: the Okoukoni 2017 V55 logistic
  for reference (fitted to 50–60 Gy partial-brain courses; its baseline below 55 Gy).
* **P+** = TCP all lesions × (1 − NTCP necrosis); ``P+ incl. cognition`` also multiplies by
  (1 − P cognitive) (:func:`~brainrit.radiobiology.p_plus`, independent end-points).

:func:`compare_arms` builds the table (rows = arms, columns = :data:`METRICS`); :func:`iso_effect` and
:func:`compare_at_equal` rescale each arm's prescriptions (same fractionation) to equal control or equal
toxicity — e.g. the RIT arm's TCP or NTCP, whose row the pipeline adds with
:meth:`ComparisonTable.with_row`; :func:`structure_dvhs` gives the DVHs for overlays.

Examples
--------
>>> import numpy as np
>>> from brainrit.ebrt.arms import Arm, ArmComponent
>>> from brainrit.phantoms.geometry import Lesion
>>> shape = (20, 20, 20)
>>> brain = np.ones(shape, bool)
>>> arm = Arm("uniform 30/10", (ArmComponent("WBRT", np.full(shape, 30.0), 10, "WBRT"),),
...           (1.0, 1.0, 1.0), (0.0, 0.0, 0.0))
>>> micro = Lesion("m", np.array([10.0, 10.0, 10.0]), 0.1, visible=False)   # 0.1 mm: 5.2 clonogens
>>> out = arm_outcomes(arm, {"brain": brain}, [micro])
>>> round(out.lesion_tcp["m"], 3)   # 5 clonogens, 30 Gy/10 fx: only the most resistant patients fail
0.965
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.cache import Identity, memoize
from brainrit.checks import finite, non_negative, positive
from brainrit.ebrt.arms import Arm
from brainrit.errors import DataError, InputError
from brainrit.phantoms.geometry import Lesion, check_mask, sample_trilinear, sphere_box, voxel_volume_cm3

__all__ = [
    "METRICS",
    "TUMOUR_PARAMETER_SETS",
    "ArmOutcome",
    "ComparisonTable",
    "OutcomeModel",
    "arm_outcomes",
    "compare_arms",
    "compare_at_equal",
    "default_outcome_model",
    "iso_effect",
    "structure_dvhs",
]

#: Columns of the comparison table: (name, unit).
METRICS: tuple[tuple[str, str], ...] = (
    ("TCP", ""),
    ("TCP visible", ""),
    ("TCP micrometastases", ""),
    ("TCP all lesions", ""),
    ("NTCP necrosis", ""),
    ("NTCP necrosis LKB", ""),
    ("V12 normal brain", "cm3"),
    ("V20/V24 normal brain (fSRS)", "cm3"),
    ("brain mean dose", "Gy"),
    ("brain D95", "Gy"),
    ("brain EQD2 mean (a/b 2)", "Gy"),
    ("hippocampi D100", "Gy"),
    ("hippocampi Dmax", "Gy"),
    ("hippocampi D40 EQD2", "Gy"),
    ("Gondi D40 > 7.3 Gy", ""),
    ("P cognitive", ""),
    ("P cognitive (V55)", ""),
    ("P+", ""),
    ("P+ incl. cognition", ""),
    ("prescription scale", ""),
)


def _calibrated(attr: str) -> Any:
    from brainrit.radiobiology import calibrated_models

    m = calibrated_models()
    return {
        "alpha_per_Gy": m.tcp.alpha_mean_per_Gy,
        "alpha_sd_per_Gy": m.tcp.alpha_sd_per_Gy,
        "tumour_alpha_beta_Gy": m.tcp.alpha_beta_Gy,
        "clonogen_density_per_cm3": m.tcp.clonogens.clonogen_density_per_cm3,
        "cognition_intercept": m.cognition.intercepts["battery"],
        "cognition_slope_per_Gy": m.cognition.slope_per_Gy,
    }[attr]


@dataclass(frozen=True)
class OutcomeModel:
    """Radiobiological parameters of the outcome evaluation (defaults: the calibrated models).

    Tumour: ``alpha_per_Gy`` is the mean α of the population (σ ``alpha_sd_per_Gy``); cognition:
    ``logit P = cognition_intercept + cognition_slope_per_Gy × hippocampal D40 % EQD2``.

    Examples
    --------
    >>> m = OutcomeModel()
    >>> m.alpha_sd_per_Gy > 0, m.brain_alpha_beta_Gy
    (True, 2.0)
    """

    alpha_per_Gy: float = field(default_factory=lambda: _calibrated("alpha_per_Gy"))
    alpha_sd_per_Gy: float = field(default_factory=lambda: _calibrated("alpha_sd_per_Gy"))
    tumour_alpha_beta_Gy: float = field(default_factory=lambda: _calibrated("tumour_alpha_beta_Gy"))
    clonogen_density_per_cm3: float = field(default_factory=lambda: _calibrated("clonogen_density_per_cm3"))
    brain_alpha_beta_Gy: float = 2.0
    lkb_td50_Gy: float = 60.0
    lkb_m: float = 0.15
    lkb_n: float = 0.25
    hippocampus_alpha_beta_Gy: float = 2.0
    cognition_intercept: float = field(default_factory=lambda: _calibrated("cognition_intercept"))
    cognition_slope_per_Gy: float = field(default_factory=lambda: _calibrated("cognition_slope_per_Gy"))

    def __post_init__(self) -> None:
        positive("alpha_per_Gy", self.alpha_per_Gy)
        non_negative("alpha_sd_per_Gy", self.alpha_sd_per_Gy)
        positive("tumour_alpha_beta_Gy", self.tumour_alpha_beta_Gy)
        non_negative("clonogen_density_per_cm3", self.clonogen_density_per_cm3)
        positive("brain_alpha_beta_Gy", self.brain_alpha_beta_Gy)
        positive("lkb_td50_Gy", self.lkb_td50_Gy)
        positive("lkb_m", self.lkb_m)
        positive("lkb_n", self.lkb_n)
        positive("hippocampus_alpha_beta_Gy", self.hippocampus_alpha_beta_Gy)
        finite("cognition_intercept", self.cognition_intercept)
        non_negative("cognition_slope_per_Gy", self.cognition_slope_per_Gy)


TUMOUR_PARAMETER_SETS = (
    "calibrated",
    "lq_brain_metastasis",
    "tcp_webb_nahum_generic",
    "tcp_srs_audit_lq_rho1e7",
    "tcp_srs_audit_lq_rho1e9",
)


def default_outcome_model(tumour: str = "calibrated", **overrides: float) -> OutcomeModel:
    """Outcome model from the radiobiology parameter library, with overrides.

    Parameters
    ----------
    tumour : str
        Tumour parameter set: ``"calibrated"`` (default: the population TCP fitted to clinical anchors,
        :func:`brainrit.radiobiology.calibrated_models`); ``"lq_brain_metastasis"`` (α 0.3 Gy⁻¹, no
        spread, α/β 10 Gy, Loo et al. 2021, with ρ = 10⁷ cm⁻³ of ``tcp_webb_nahum_generic``);
        ``"tcp_webb_nahum_generic"`` (population: ᾱ 0.35, σ 0.08 Gy⁻¹, ρ 10⁷ cm⁻³, α/β 10 Gy; Webb &
        Nahum 1993); ``"tcp_srs_audit_lq_rho1e7"`` / ``"tcp_srs_audit_lq_rho1e9"`` (LQ fitted to 8
        single-fraction SRS series: α 0.49 / 0.59 Gy⁻¹, α/β 16.7 / 15.7 Gy; PO08 SRS audit conference
        abstract).
    **overrides
        Any :class:`OutcomeModel` field.

    Normal brain: ``brain_necrosis_lkb`` (Burman 1991, α/β 2 Gy); hippocampi: ``lq_hippocampus`` (α/β 2 Gy);
    cognition: the calibrated model for every tumour set.

    Examples
    --------
    >>> default_outcome_model("lq_brain_metastasis").alpha_sd_per_Gy
    0.0
    """
    from brainrit.checks import choice
    from brainrit.radiobiology import parameters

    name = choice("tumour", tumour, TUMOUR_PARAMETER_SETS)
    lq = parameters("lq_brain_metastasis")
    wn = parameters("tcp_webb_nahum_generic")
    lkb = parameters("brain_necrosis_lkb")
    values: dict[str, float] = {
        "alpha_per_Gy": lq["alpha_per_Gy"],
        "alpha_sd_per_Gy": 0.0,
        "tumour_alpha_beta_Gy": lq["alpha_beta_Gy"],
        "clonogen_density_per_cm3": wn["clonogen_density_per_cm3"],
        "brain_alpha_beta_Gy": lkb["alpha_beta_Gy"],
        "lkb_td50_Gy": lkb["td50_Gy"],
        "lkb_m": lkb["m"],
        "lkb_n": lkb["n"],
        "hippocampus_alpha_beta_Gy": parameters("lq_hippocampus")["alpha_beta_Gy"],
    }
    if name == "calibrated":
        for k in ("alpha_per_Gy", "alpha_sd_per_Gy", "tumour_alpha_beta_Gy", "clonogen_density_per_cm3"):
            values[k] = _calibrated(k)
    elif name == "tcp_webb_nahum_generic":
        values["alpha_per_Gy"] = wn["alpha_mean_per_Gy"]
        values["alpha_sd_per_Gy"] = wn["alpha_sd_per_Gy"]
    elif name.startswith("tcp_srs_audit"):
        audit = parameters(name)
        values["alpha_per_Gy"] = audit["alpha_per_Gy"]
        values["tumour_alpha_beta_Gy"] = audit["alpha_beta_Gy"]
        values["clonogen_density_per_cm3"] = audit["clonogen_density_per_cm3"]
    unknown = set(overrides) - set(OutcomeModel.__dataclass_fields__)
    if unknown:
        raise InputError("overrides", sorted(unknown)[0], "a field of OutcomeModel")
    values.update(overrides)
    return OutcomeModel(**values)


@dataclass(frozen=True)
class ArmOutcome:
    """Outcomes of one arm: per-lesion TCP and the table metrics (see :data:`METRICS`)."""

    arm: str
    lesion_tcp: Mapping[str, float]
    metrics: Mapping[str, float]
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, eq=False)
class ComparisonTable:
    """Rows = arms, columns = metrics; ``values[i, j]`` = metric ``j`` of arm ``i`` (NaN: not applicable)."""

    arms: tuple[str, ...]
    metrics: tuple[str, ...]
    units: tuple[str, ...]
    values: np.ndarray

    @classmethod
    def from_outcomes(cls, outcomes: Sequence[ArmOutcome]) -> ComparisonTable:
        """The table of already evaluated arms (one row per :class:`ArmOutcome`).

        Examples
        --------
        >>> out = ArmOutcome("A", {}, {m: 0.5 for m, _ in METRICS})
        >>> ComparisonTable.from_outcomes([out]).row("A")["P+"]
        0.5
        """
        return _table([o.arm for o in outcomes], [o.metrics for o in outcomes])

    def row(self, arm: str) -> dict[str, float]:
        """Metrics of one arm."""
        if arm not in self.arms:
            raise InputError("arm", arm, "one of " + ", ".join(repr(a) for a in self.arms))
        i = self.arms.index(arm)
        return {m: float(v) for m, v in zip(self.metrics, self.values[i], strict=True)}

    def column(self, metric: str) -> dict[str, float]:
        """One metric for every arm."""
        if metric not in self.metrics:
            raise InputError("metric", metric, "one of " + ", ".join(repr(m) for m in self.metrics))
        j = self.metrics.index(metric)
        return {a: float(v) for a, v in zip(self.arms, self.values[:, j], strict=True)}

    def with_row(self, arm: str, metrics: Mapping[str, float]) -> ComparisonTable:
        """A new table with one more row (e.g. the RIT arm computed by the pipeline); missing = NaN."""
        bad = set(metrics) - set(self.metrics)
        if bad:
            raise InputError("metrics", sorted(bad)[0], "one of the table's metrics")
        row = np.array([float(metrics.get(m, math.nan)) for m in self.metrics])
        return ComparisonTable((*self.arms, arm), self.metrics, self.units, np.vstack([self.values, row]))

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        """``{arm: {metric: value or None}}`` (JSON-ready)."""
        return {
            a: {m: (None if not np.isfinite(v) else float(v)) for m, v in zip(self.metrics, r, strict=True)}
            for a, r in zip(self.arms, self.values, strict=True)
        }

    def to_text(self, metrics: Sequence[str] | None = None, digits: int = 3) -> str:
        """A Markdown table (for logs and the report)."""
        cols = list(metrics) if metrics is not None else list(self.metrics)
        for c in cols:
            self.column(c)  # validates
        units = [self.units[self.metrics.index(c)] for c in cols]
        head = ["arm"] + [f"{c} ({u})" if u else c for c, u in zip(cols, units, strict=True)]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for a in self.arms:
            r = self.row(a)
            cells = ["—" if not np.isfinite(r[c]) else f"{r[c]:.{digits}g}" for c in cols]
            lines.append("| " + " | ".join([a, *cells]) + " |")
        return "\n".join(lines)


def _component_samples(arm: Arm, index: tuple[np.ndarray, ...] | np.ndarray) -> np.ndarray:
    """Dose of each component (rows) at the voxels ``index`` (indices, or a boolean mask: C order)."""
    return np.stack([c.dose_Gy[index].astype(float) for c in arm.components])


def _dose_and_g(n_fractions: np.ndarray, doses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Total dose and Lea–Catcheside G of acute fractions, per sample (``doses``: components × samples)."""
    n = n_fractions[:, None]
    total = doses.sum(axis=0)
    sq = (doses**2 / n).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(total > 0, sq / np.maximum(total, 1e-300) ** 2, 1.0)
    return total, np.clip(g, 0.0, 1.0)


def _eqd2(n_fractions: np.ndarray, doses: np.ndarray, alpha_beta_Gy: float) -> np.ndarray:
    total, g = _dose_and_g(n_fractions, doses)
    return total * (1.0 + g * total / alpha_beta_Gy) / (1.0 + 2.0 / alpha_beta_Gy)


def _percent_dose(values: np.ndarray, percent: float) -> float:
    """D(percent) of equal-volume samples, with the DVH module's definition (ICRU 83)."""
    from brainrit.dosimetry.voxel.dvh import _equal_volume_D

    # the number dvh(values as 1 mm³ voxels).D(percent) gives, by a partial sort instead of a full one
    return _equal_volume_D(values, percent, 0.001)


@dataclass(frozen=True, eq=False)
class _Samples:
    """Component doses (rows = components) at every point the outcome models need."""

    name: str
    whole_brain: bool
    n_fractions: np.ndarray
    techniques: tuple[str, ...]
    voxel_cm3: float
    lesions: tuple[Lesion, ...]
    lesion_doses: tuple[np.ndarray, ...]
    brain: np.ndarray  # all brain voxels
    normal: np.ndarray  # boolean selection of ``brain`` columns outside every lesion
    hippocampi: np.ndarray | None
    brain_d95_per_scale: float  # D95 of the whole brain at scale 1 (physical dose: linear in the scale)


def _check_lesions_on_grid(arm: Arm, lesions: Sequence[Lesion]) -> None:
    shp = np.asarray(arm.shape)
    org, vox = np.asarray(arm.origin_mm), np.asarray(arm.voxel_mm)
    lo, hi = org - 0.5 * vox, org + (shp - 0.5) * vox
    for les in lesions:
        if not isinstance(les, Lesion):
            raise InputError("lesions", les, "Lesion objects")
        if np.any(les.centre_mm - les.radius_mm < lo) or np.any(les.centre_mm + les.radius_mm > hi):
            raise DataError(
                f"dose grid does not cover lesion {les.name!r} (centre {les.centre_mm.tolist()} mm, "
                f"diameter {les.diameter_mm:g} mm); grid spans {lo.tolist()} to {hi.tolist()} mm"
            )


def _samples_key(a: Mapping[str, Any]) -> tuple | None:
    # The dose samples depend on the arm's grids, the masks and the lesions only (never on the outcome
    # model). Cached by identity only when all three cannot change in place: read-only grids (a cached
    # custom_arm), a read-only mapping of read-only masks (a phantom's) and a tuple of lesions.
    arm, masks, lesions = a["arm"], a["masks"], a["lesions"]
    frozen = (
        isinstance(arm, Arm)
        and isinstance(masks, MappingProxyType)
        and isinstance(lesions, tuple)
        and not any(c.dose_Gy.flags.writeable for c in arm.components)
        and not any(getattr(m, "flags", None) is None or m.flags.writeable for m in masks.values())
    )
    return (Identity(arm), Identity(masks), Identity(lesions)) if frozen else None


@memoize(maxsize=8, key=_samples_key)
def _sample(arm: Arm, masks: Mapping[str, np.ndarray], lesions: Sequence[Lesion]) -> _Samples:
    if not isinstance(arm, Arm):
        raise InputError("arm", arm, "an Arm")
    if "brain" not in masks:
        raise InputError("masks", sorted(masks), "a mapping with a 'brain' mask")
    shape = arm.shape
    brain = check_mask("brain", masks["brain"], shape)
    if not brain.any():
        raise InputError("masks['brain']", "an empty mask", "a mask with at least one voxel")
    lesions = tuple(lesions)
    _check_lesions_on_grid(arm, lesions)
    lesion_doses: list[np.ndarray | None] = []
    in_lesion = np.zeros(shape, dtype=bool)
    sub_voxel = []
    for k, les in enumerate(lesions):
        hit = sphere_box(shape, arm.voxel_mm, arm.origin_mm, les.centre_mm, les.radius_mm)
        if hit is not None:
            box, local = hit
            index = tuple(ix + sl.start for ix, sl in zip(np.nonzero(local), box, strict=True))
            lesion_doses.append(_component_samples(arm, index))
            in_lesion[box] |= local
        else:  # sub-voxel micrometastasis: dose interpolated at its centre (all of them at once)
            lesion_doses.append(None)
            sub_voxel.append(k)
    if sub_voxel:
        org, vox = np.asarray(arm.origin_mm), np.asarray(arm.voxel_mm)
        top = org + vox * (np.asarray(shape) - 1)
        # centres in the outer half voxel of the grid (allowed by the coverage check) take the edge value
        pts = np.clip(np.array([lesions[k].centre_mm for k in sub_voxel]), org, top)
        at = np.stack([sample_trilinear(c.dose_Gy, arm.voxel_mm, arm.origin_mm, pts) for c in arm.components])
        for j, k in enumerate(sub_voxel):
            lesion_doses[k] = at[:, j : j + 1]
    hip = None
    if "hippocampi" in masks:
        hip = check_mask("hippocampi", masks["hippocampi"], shape)
    elif "hippocampus_left" in masks and "hippocampus_right" in masks:
        hip = check_mask("hippocampus_left", masks["hippocampus_left"], shape) | check_mask(
            "hippocampus_right", masks["hippocampus_right"], shape
        )
    # a boolean mask selects the voxels in the order of np.nonzero, without the index arrays
    brain_doses = _component_samples(arm, brain)
    return _Samples(
        arm.name,
        arm.whole_brain,
        np.array([c.n_fractions for c in arm.components], dtype=float),
        tuple(c.technique for c in arm.components),
        voxel_volume_cm3(arm.voxel_mm),
        lesions,
        tuple(d for d in lesion_doses if d is not None),
        brain_doses,
        ~in_lesion[brain],
        _component_samples(arm, hip) if hip is not None and hip.any() else None,
        _percent_dose(brain_doses.sum(axis=0), 95.0),
    )


def _lesion_bed(
    n_fr: np.ndarray, doses: np.ndarray, les: Lesion, model: OutcomeModel
) -> tuple[np.ndarray, np.ndarray]:
    """BED of each dose sample of a lesion and the clonogens each sample stands for."""
    n_samples = doses.shape[1]
    total, g = _dose_and_g(n_fr, doses)
    bed = total * (1.0 + g * total / model.tumour_alpha_beta_Gy)
    return bed, np.full(n_samples, model.clonogen_density_per_cm3 * les.volume_cm3 / n_samples)


def _joint_tcp(parts: Sequence[tuple[np.ndarray, np.ndarray]], model: OutcomeModel) -> float:
    """Control of every sample of ``parts`` in one patient (one α for all; NaN if empty)."""
    from brainrit.radiobiology import tcp_population_voxel

    if not parts:
        return math.nan
    bed = np.concatenate([b for b, _ in parts])
    n = np.concatenate([c for _, c in parts])
    return float(tcp_population_voxel(bed, n, model.alpha_per_Gy, model.alpha_sd_per_Gy))


def _cognition(d40_eqd2_Gy: float, model: OutcomeModel) -> float:
    from scipy.special import expit

    return float(expit(model.cognition_intercept + model.cognition_slope_per_Gy * d40_eqd2_Gy))


def _evaluate(sm: _Samples, mdl: OutcomeModel, scale: float = 1.0) -> ArmOutcome:
    from brainrit.radiobiology import hippocampal_v55_okoukoni, ntcp_lkb, ntcp_srs_v12, p_plus, parameters

    notes: list[str] = []
    nf = sm.n_fractions
    # --- tumour control (lesions of one patient share one α: classes are integrated jointly)
    parts = [_lesion_bed(nf, scale * d, les, mdl) for les, d in zip(sm.lesions, sm.lesion_doses, strict=True)]
    tcp = {les.name: _joint_tcp([p], mdl) for les, p in zip(sm.lesions, parts, strict=True)}
    vis = [p for les, p in zip(sm.lesions, parts, strict=True) if les.visible]
    mic = [p for les, p in zip(sm.lesions, parts, strict=True) if not les.visible]
    tcp_vis = _joint_tcp(vis, mdl)
    tcp_mic = _joint_tcp(mic, mdl)
    tcp_all = _joint_tcp(parts, mdl)
    treated = tcp_all if sm.whole_brain else tcp_vis
    if not sm.whole_brain and mic:
        notes.append("focal arm: micrometastases untreated, counted in 'TCP all lesions' and P+")

    # --- normal brain (brain minus lesions)
    doses = scale * sm.brain[:, sm.normal]
    total = doses.sum(axis=0)
    eq_brain = _eqd2(nf, doses, mdl.brain_alpha_beta_Gy)
    vfrac = np.full(eq_brain.size, 1.0 / eq_brain.size)
    ntcp_lkb_v = float(ntcp_lkb(eq_brain, vfrac, mdl.lkb_td50_Gy, mdl.lkb_m, mdl.lkb_n))
    single = [i for i, t in enumerate(sm.techniques) if nf[i] == 1 and t == "SRS"]
    v12 = ntcp_v12 = v_fsrs = math.nan
    if single:
        v12 = float(np.sum(doses[single].sum(axis=0) >= 12.0)) * sm.voxel_cm3
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # domain warning (V12 > 20 cm³) recorded as a note instead
            ntcp_v12 = float(ntcp_srs_v12(v12))
        if v12 > 20.0:
            notes.append(f"V12 = {v12:.3g} cm³ is outside the HyTEC model's 0–20 cm³ range")
        # SRS necrosis from V12 (HyTEC); LKB only for the other (fractionated) courses, so the SRS hot
        # spot is not counted twice
        rest = [i for i in range(nf.size) if i not in single]
        ntcp_rest = 0.0
        if rest:
            eq_rest = _eqd2(nf[rest], doses[rest], mdl.brain_alpha_beta_Gy)
            ntcp_rest = float(ntcp_lkb(eq_rest, vfrac, mdl.lkb_td50_Gy, mdl.lkb_m, mdl.lkb_n))
        ntcp_nec = 1.0 - (1.0 - ntcp_rest) * (1.0 - ntcp_v12)
    else:
        ntcp_nec = ntcp_lkb_v
    for i, t in enumerate(sm.techniques):
        if t == "fSRS" and nf[i] in (3, 5):
            thr = 20.0 if nf[i] == 3 else 24.0
            v_fsrs = float(np.sum(doses[i] >= thr)) * sm.voxel_cm3

    # --- hippocampi
    h_d100 = h_dmax = h_d40 = gondi = p_cog = p_v55 = math.nan
    if sm.hippocampi is not None:
        hd = scale * sm.hippocampi
        htot = hd.sum(axis=0)
        h_d100, h_dmax = _percent_dose(htot, 100.0), float(htot.max())
        heq = _eqd2(nf, hd, mdl.hippocampus_alpha_beta_Gy)
        h_d40 = _percent_dose(heq, 40.0)
        # voxel EQD2 already combines the arm's components: compare with the Gondi threshold directly
        gondi = float(h_d40 > parameters("hippocampus_gondi_d40")["threshold_eqd2_Gy"])
        v55 = 100.0 * float(np.mean(heq >= 55.0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # V55 > 50 % is outside Okoukoni's data; value still reported
            p_v55 = float(hippocampal_v55_okoukoni(v55))
        p_cog = _cognition(h_d40, mdl)
    else:
        notes.append("no hippocampus mask: cognition metrics not computed")

    d95 = scale * sm.brain_d95_per_scale  # whole brain, lesions included
    pp = float(p_plus(tcp_all, ntcp_nec)) if np.isfinite(tcp_all) else math.nan
    pp_cog = (
        float(p_plus(tcp_all, [ntcp_nec, p_cog])) if np.isfinite(tcp_all) and np.isfinite(p_cog) else math.nan
    )
    metrics = {
        "TCP": treated,
        "TCP visible": tcp_vis,
        "TCP micrometastases": tcp_mic,
        "TCP all lesions": tcp_all,
        "NTCP necrosis": ntcp_nec,
        "NTCP necrosis LKB": ntcp_lkb_v,
        "V12 normal brain": v12,
        "V20/V24 normal brain (fSRS)": v_fsrs,
        "brain mean dose": float(total.mean()),
        "brain D95": d95,
        "brain EQD2 mean (a/b 2)": float(eq_brain.mean()),
        "hippocampi D100": h_d100,
        "hippocampi Dmax": h_dmax,
        "hippocampi D40 EQD2": h_d40,
        "Gondi D40 > 7.3 Gy": gondi,
        "P cognitive": p_cog,
        "P cognitive (V55)": p_v55,
        "P+": pp,
        "P+ incl. cognition": pp_cog,
        "prescription scale": float(scale),
    }
    return ArmOutcome(sm.name, MappingProxyType(tcp), MappingProxyType(metrics), tuple(notes))


def arm_outcomes(
    arm: Arm,
    masks: Mapping[str, np.ndarray],
    lesions: Sequence[Lesion] = (),
    *,
    model: OutcomeModel | None = None,
) -> ArmOutcome:
    """TCP per lesion, necrosis NTCP (LKB, V12), hippocampal metrics and P+ for one arm.

    Parameters
    ----------
    arm : Arm
    masks : Mapping[str, ndarray of bool]
        Must hold ``"brain"``; ``"hippocampi"`` (or ``"hippocampus_left"`` + ``"hippocampus_right"``)
        enables the cognition metrics. Same shape as the arm's grid.
    lesions : sequence of Lesion
        All metastases, visible and micro.
    model : OutcomeModel, optional
        Default :func:`default_outcome_model`.

    Raises
    ------
    InputError
        Missing brain mask, wrong mask shape, an empty brain.
    DataError
        A lesion not covered by the dose grid.
    """
    mdl = model if model is not None else default_outcome_model()
    return _evaluate(_sample(arm, masks, lesions), mdl)


def compare_arms(
    arms: Sequence[Arm],
    masks: Mapping[str, np.ndarray],
    lesions: Sequence[Lesion] = (),
    *,
    model: OutcomeModel | None = None,
) -> ComparisonTable:
    """Comparison table (rows = arms, columns = :data:`METRICS`) on the same patient or mouse.

    Examples
    --------
    >>> import numpy as np
    >>> from brainrit.ebrt.arms import Arm, ArmComponent
    >>> shape = (10, 10, 10)
    >>> wb = Arm("WBRT", (ArmComponent("WBRT", np.full(shape, 30.0), 10, "WBRT"),), (1, 1, 1), (0, 0, 0))
    >>> table = compare_arms([wb], {"brain": np.ones(shape, bool)})
    >>> round(table.row("WBRT")["NTCP necrosis"], 4)       # LKB, EQD2 37.5 Gy: Φ(−2.5)
    0.0062
    """
    arms = _unique_arms(arms)
    mdl = model if model is not None else default_outcome_model()
    rows = [arm_outcomes(a, masks, lesions, model=mdl).metrics for a in arms]
    return _table([a.name for a in arms], rows)


def _unique_arms(arms: Sequence[Arm]) -> tuple[Arm, ...]:
    arms = tuple(arms)
    if not arms:
        raise InputError("arms", arms, "at least one Arm")
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise InputError("arms", names, "arms with unique names")
    return arms


def _table(names: Sequence[str], rows: Sequence[Mapping[str, float]]) -> ComparisonTable:
    values = np.array([[r[m] for m, _ in METRICS] for r in rows], dtype=float)
    return ComparisonTable(tuple(names), tuple(m for m, _ in METRICS), tuple(u for _, u in METRICS), values)


_ISO_METRICS = ("TCP", "TCP all lesions", "NTCP necrosis", "NTCP necrosis LKB", "P cognitive")


def iso_effect(
    arm: Arm,
    masks: Mapping[str, np.ndarray],
    lesions: Sequence[Lesion],
    metric: str,
    target: float,
    *,
    model: OutcomeModel | None = None,
    scale_range: tuple[float, float] = (0.05, 5.0),
) -> ArmOutcome:
    """Outcomes of ``arm`` with every prescription scaled (same fractions) so that ``metric`` = ``target``.

    Used to compare arms at equal tumour control (``metric="TCP"``) or equal toxicity
    (``metric="NTCP necrosis"``), e.g. against the RIT arm's TCP or NTCP. The scale factor is in
    ``metrics["prescription scale"]``; it is found by Brent's method (relative tolerance 1e-6) on the
    dose samples, so each step costs no grid work.

    Raises
    ------
    InputError
        Unknown metric, target outside (0, 1), or a target the arm cannot reach within ``scale_range``.

    Examples
    --------
    >>> import numpy as np
    >>> from brainrit.ebrt.arms import Arm, ArmComponent
    >>> shape = (10, 10, 10)
    >>> wb = Arm("WBRT", (ArmComponent("WBRT", np.full(shape, 30.0), 10, "WBRT"),), (1, 1, 1), (0, 0, 0))
    >>> out = iso_effect(wb, {"brain": np.ones(shape, bool)}, [], "NTCP necrosis", 0.05)
    >>> # EQD2 (α/β 2) = 15 s + 22.5 s² must equal TD50 (1 + m Φ⁻¹(0.05)) = 45.2 Gy
    >>> round(out.metrics["prescription scale"], 4), round(out.metrics["NTCP necrosis"], 6)
    (1.1226, 0.05)
    """
    from scipy.optimize import brentq

    from brainrit.checks import choice

    key = choice("metric", metric, _ISO_METRICS)
    tgt = float(target)
    if not (0.0 < tgt < 1.0):
        raise InputError("target", target, "a probability strictly between 0 and 1")
    lo, hi = (positive("scale_range[0]", scale_range[0]), positive("scale_range[1]", scale_range[1]))
    if hi <= lo:
        raise InputError("scale_range", scale_range, "(low, high) with 0 < low < high")
    mdl = model if model is not None else default_outcome_model()
    sm = _sample(arm, masks, lesions)

    def f(s: float) -> float:
        return _evaluate(sm, mdl, s).metrics[key] - tgt

    f_lo, f_hi = f(lo), f(hi)
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo * f_hi > 0:
        raise InputError(
            "target",
            target,
            f"a {key} that {arm.name!r} reaches between {lo:g}× and {hi:g}× its prescription "
            f"({key} {f_lo + tgt:.3g} to {f_hi + tgt:.3g})",
        )
    s = brentq(f, lo, hi, rtol=1e-6, xtol=1e-9)
    out = _evaluate(sm, mdl, s)
    return ArmOutcome(f"{arm.name} @ {key} = {tgt:g}", out.lesion_tcp, out.metrics, out.notes)


def compare_at_equal(
    arms: Sequence[Arm],
    masks: Mapping[str, np.ndarray],
    lesions: Sequence[Lesion],
    metric: str,
    target: float,
    *,
    model: OutcomeModel | None = None,
) -> ComparisonTable:
    """Comparison table with every arm rescaled to the same ``metric`` (equal control or equal toxicity).

    Rows are named ``"<arm> @ <metric> = <target>"``; arms that cannot reach the target get a row of NaN
    (with the scale NaN) rather than failing the table.
    """
    arms = _unique_arms(arms)
    mdl = model if model is not None else default_outcome_model()
    names, rows = [], []
    for a in arms:
        try:
            out = iso_effect(a, masks, lesions, metric, target, model=mdl)
            names.append(out.arm)
            rows.append(out.metrics)
        except InputError as exc:
            if exc.field != "target" or not (0.0 < float(target) < 1.0):
                raise
            names.append(f"{a.name} @ {metric} = {float(target):g}")
            rows.append({m: math.nan for m, _ in METRICS})
    return _table(names, rows)


def structure_dvhs(
    arm: Arm,
    masks: Mapping[str, np.ndarray],
    names: Sequence[str] | None = None,
    *,
    bin_width_Gy: float | None = None,
) -> dict[str, Any]:
    """DVH of each structure for an arm (for DVH overlays in the report): ``{name: DVH}``."""
    from brainrit.dosimetry.voxel.dvh import dvh

    keys = list(masks) if names is None else list(names)
    dose = arm.dose_Gy
    out = {}
    for k in keys:
        if k not in masks:
            raise InputError("names", k, "names of the given masks: " + ", ".join(sorted(masks)))
        m = check_mask(k, masks[k], arm.shape)
        if m.any():
            out[k] = dvh(dose, m, arm.voxel_mm, bin_width_Gy=bin_width_Gy, origin_mm=arm.origin_mm)
    return out
