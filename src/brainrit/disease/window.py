"""The therapeutic window: outcome of each treatment policy versus the time it is given, by Monte Carlo
over virtual patients.

A virtual patient is a set of lesions seeded by the course's Poisson process, each growing by the growth
model (optionally with its own log-normal growth-rate multiplier) and with its own detection threshold
for every imaging modality (drawn from the modality's sensitivity curve). For each treatment time ``t`` and
each policy (:mod:`brainrit.disease.policies`) a lesion is controlled with probability ``p_i(t)``
(Poisson TCP; 0 for lesions the policy leaves untreated, e.g. seeded after ``t`` or not seen by SRS), the
lesions of one patient independently. Outputs, averaged over patients, as functions of ``t``:

* ``p_all_controlled`` — probability that every lesion of the patient is controlled, ``E[Π p_i]``;
* ``expected_failures`` — expected number of lesions that fail, ``E[Σ (1 − p_i)]``;
* ``ntcp`` — complication probability of the policy (brain necrosis / SRS radionecrosis);
* ``p_plus`` — uncomplicated control ``E[Π p_i · (1 − NTCP)]``.

"WBRT at detection" is given when the guiding modality (contrast MRI) first sees a lesion of the patient
(never, if that is after the horizon), so it does not depend on ``t`` — a reference line. "RIT at VCAM-1
detection" likewise starts the RIT course when VCAM-1 MRI first sees a lesion of the patient.

Reproducibility: patient ``k`` draws from its own ``numpy.random.Generator`` seeded with the k-th child of
``SeedSequence(seed).spawn(n_patients)``; every per-patient quantity depends only on that patient's lesions,
and averages are taken over the full, ordered patient array, so results are bit-identical for any number
of ``workers``.

Examples
--------
>>> from brainrit.disease.policies import SRSModel, rit_dose_uniform, wbrt_outcome
>>> course = default_course("mouse")
>>> rit = rit_dose_uniform(0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3,
...                        alpha_beta_Gy=10.0, ntcp=0.0)
>>> tr = Treatments(rit, wbrt_outcome(15.0, 3, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0),
...                 SRSModel(), clonogen_fraction=0.01)
>>> w = therapeutic_window(course, tr, [2.0, 10.0, 30.0], n_patients=50, seed=1)
>>> bool(w.p_all_controlled["RIT"][0] > w.p_all_controlled["RIT"][2])
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brainrit.checks import array_finite, choice, in_range, non_negative, positive
from brainrit.disease.detection import Modality, check_modality_order, default_modalities
from brainrit.disease.growth import GrowthModel, cells_at, diameter_mm, growth_preset, time_to_reach_d
from brainrit.disease.policies import (
    POLICIES,
    RITDose,
    SRSModel,
    WBRTDose,
    srs_ntcp,
    srs_survival,
    srs_v12_cm3,
)
from brainrit.disease.seeding import SeedingProcess, default_seeding
from brainrit.errors import InputError

__all__ = [
    "DiseaseCourse",
    "Treatments",
    "VirtualPatients",
    "WindowResult",
    "default_course",
    "lesion_states",
    "sample_patients",
    "therapeutic_window",
    "vcam1_lead_time_d",
]

#: Corroyer-Dulmont et al. 2020: overall survival compared at 40 days (Neuro-Oncology 2020;22:357;
#: docs/references.md [CorroyerDulmont2020]).
MOUSE_HORIZON_D = 40.0


@dataclass(frozen=True)
class DiseaseCourse:
    """Growth, seeding and imaging of one kind of patient, and the time at which outcomes are assessed.

    Attributes
    ----------
    growth : GrowthModel
    seeding : SeedingProcess
    modalities : Mapping[str, Modality]
        Must include ``"VCAM-1 MRI"`` and ``"contrast MRI"``, in order of sensitivity.
    horizon_d : float
        Outcome assessment time (days, ≥ end of seeding); treatment times may not exceed it.
    growth_cv : float
        Coefficient of variation of the per-lesion growth-rate multiplier (log-normal, mean 1); 0: none.
    random_thresholds : bool
        Draw each lesion's detection thresholds from the sensitivity curves (False: every lesion at N50).
    guiding_modality : str
        The modality that decides what SRS treats and when "WBRT at detection" is given.
    """

    growth: GrowthModel
    seeding: SeedingProcess
    modalities: Mapping[str, Modality]
    horizon_d: float
    growth_cv: float = 0.0
    random_thresholds: bool = True
    guiding_modality: str = "contrast MRI"

    def __post_init__(self) -> None:
        check_modality_order(self.modalities)
        h = positive("horizon_d", self.horizon_d)
        if h < self.seeding.end_d:
            raise InputError("horizon_d", self.horizon_d, f">= the end of seeding, {self.seeding.end_d:g} d")
        non_negative("growth_cv", self.growth_cv)
        choice("guiding_modality", self.guiding_modality, list(self.modalities))


def default_course(
    species: str,
    *,
    primary: str = "breast",
    expected_lesions: float | None = None,
    growth: GrowthModel | None = None,
    horizon_d: float | None = None,
    growth_cv: float = 0.0,
) -> DiseaseCourse:
    """The documented course for ``"mouse"`` (MDA-231-Br, intracardiac) or ``"human"`` (``primary`` =
    ``"breast"`` or ``"lung"``).

    Mouse horizon: day 40 (Corroyer-Dulmont 2020 compared survival at 40 days). Human horizon: end of
    seeding plus the time a single cell needs to reach the contrast-MRI N90 (every lesion seeded can then
    be seen), i.e. the outcome is assessed once all the disease would be clinically visible.

    Examples
    --------
    >>> c = default_course("human", primary="lung", expected_lesions=3)
    >>> c.growth.doubling_time_d, round(c.seeding.expected_count, 6)
    (139.0, 3.0)
    """
    sp = choice("species", species, ("mouse", "human"))
    preset = "MDA-231-Br" if sp == "mouse" else choice("primary", primary, ("breast", "lung"))
    g = growth or growth_preset(preset)
    seeding = default_seeding(sp)
    if expected_lesions is not None:
        seeding = SeedingProcess.from_expected_count(expected_lesions, seeding.start_d, seeding.end_d)
    mods = default_modalities(sp, g)
    if horizon_d is None:
        if sp == "mouse":
            horizon_d = MOUSE_HORIZON_D
        else:
            t90 = float(time_to_reach_d(g, mods["contrast MRI"].n90_cells))
            horizon_d = seeding.end_d + (t90 if math.isfinite(t90) else 3650.0)
    return DiseaseCourse(g, seeding, mods, float(horizon_d), growth_cv=growth_cv)


@dataclass(frozen=True)
class VirtualPatients:
    """Lesions of ``n_patients`` virtual patients, flattened and ordered by patient.

    ``patient[i]`` is lesion i's patient index (non-decreasing); ``detection_time_d[name][i]`` its
    detection day by each modality.
    """

    n_patients: int
    patient: np.ndarray
    seed_time_d: np.ndarray
    rate_multiplier: np.ndarray
    threshold_cells: Mapping[str, np.ndarray]
    detection_time_d: Mapping[str, np.ndarray]

    @classmethod
    def from_arrays(
        cls,
        course: DiseaseCourse,
        patient: Sequence[int],
        seed_time_d: Sequence[float],
        *,
        n_patients: int | None = None,
        rate_multiplier: Sequence[float] | None = None,
        threshold_cells: Mapping[str, Sequence[float]] | None = None,
    ) -> VirtualPatients:
        """Patients with given lesions (thresholds default to each modality's N50: deterministic limit).

        Examples
        --------
        >>> c = default_course("human")
        >>> vp = VirtualPatients.from_arrays(c, [0], [100.0])
        >>> t = float(vp.detection_time_d["contrast MRI"][0])     # 100 d + 86 d × log2(N50 = 10^7.5)
        >>> round(t - 100.0 - 86.0 * math.log2(10**7.5), 6)
        0.0
        """
        pid = np.asarray(patient, dtype=np.int64)
        t = array_finite("seed_time_d", seed_time_d)
        if pid.shape != t.shape or pid.ndim != 1:
            raise InputError("patient", patient, "a 1-D sequence as long as seed_time_d")
        if pid.size and (np.any(np.diff(pid) < 0) or pid[0] < 0):
            raise InputError("patient", patient, "non-negative patient indices in non-decreasing order")
        n = int(pid[-1]) + 1 if pid.size else 0
        n = n if n_patients is None else int(n_patients)
        if pid.size and n <= pid[-1]:
            raise InputError("n_patients", n_patients, f"> the largest patient index, {int(pid[-1])}")
        if np.any(t < course.seeding.start_d):
            start = course.seeding.start_d
            raise InputError("seed_time_d", float(t.min()), f">= the start of seeding, {start:g} d")
        if rate_multiplier is None:
            m = np.ones_like(t)
        else:
            m = array_finite("rate_multiplier", rate_multiplier, low=0, strict_low=True)
        thr = {}
        for name, mod in course.modalities.items():
            if threshold_cells is not None and name in threshold_cells:
                field_ = f"threshold_cells[{name!r}]"
                thr[name] = array_finite(field_, threshold_cells[name], low=0, strict_low=True)
            else:
                thr[name] = np.full(t.shape, mod.n50_cells)
        det = {k: t + np.asarray(time_to_reach_d(course.growth, v, m), dtype=float) for k, v in thr.items()}
        return cls(n, pid, t, m, thr, det)

    @property
    def lesion_counts(self) -> np.ndarray:
        """Number of lesions of each patient."""
        return np.bincount(self.patient, minlength=self.n_patients)

    def subset(self, start: int, stop: int) -> VirtualPatients:
        """Patients ``start .. stop-1`` (re-indexed from 0)."""
        a, b = np.searchsorted(self.patient, [start, stop], side="left")
        sl = slice(int(a), int(b))
        return VirtualPatients(
            stop - start, self.patient[sl] - start, self.seed_time_d[sl], self.rate_multiplier[sl],
            {k: v[sl] for k, v in self.threshold_cells.items()},
            {k: v[sl] for k, v in self.detection_time_d.items()},
        )  # fmt: skip


def _spawn(seed, n: int) -> list[np.random.SeedSequence]:
    if isinstance(seed, np.random.SeedSequence):
        return seed.spawn(n)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError("seed", seed, "an int >= 0 or a numpy SeedSequence")
    return np.random.SeedSequence(int(seed)).spawn(n)


def sample_patients(course: DiseaseCourse, n_patients: int, seed) -> VirtualPatients:
    """Draw ``n_patients`` virtual patients; patient k uses the k-th child of ``SeedSequence(seed)``.

    Examples
    --------
    >>> vp = sample_patients(default_course("mouse"), 200, seed=3)
    >>> bool(15 < vp.lesion_counts.mean() < 25)      # Poisson mean 20
    True
    """
    if isinstance(n_patients, bool) or not isinstance(n_patients, int | np.integer) or n_patients < 1:
        raise InputError("n_patients", n_patients, "an integer >= 1")
    names = list(course.modalities)
    pids, times, mults = [], [], []
    thr: dict[str, list[np.ndarray]] = {k: [] for k in names}
    cv = course.growth_cv
    sigma = math.sqrt(math.log1p(cv * cv))
    for k, child in enumerate(_spawn(seed, int(n_patients))):
        rng = np.random.default_rng(child)
        t = course.seeding.sample(rng)
        n = t.size
        m = rng.lognormal(-0.5 * sigma * sigma, sigma, n) if cv > 0 else np.ones(n)
        for name in names:
            mod = course.modalities[name]
            thr[name].append(mod.thresholds(rng if course.random_thresholds else None, n))
        pids.append(np.full(n, k, dtype=np.int64))
        times.append(t)
        mults.append(m)
    return VirtualPatients.from_arrays(
        course, np.concatenate(pids), np.concatenate(times), n_patients=int(n_patients),
        rate_multiplier=np.concatenate(mults), threshold_cells={k: np.concatenate(v) for k, v in thr.items()},
    )  # fmt: skip


def lesion_states(course: DiseaseCourse, patients: VirtualPatients, time_d) -> dict[str, np.ndarray]:
    """State of every lesion at each time (arrays of shape lesions × times): ``seeded``, ``cells``,
    ``diameter_mm``, ``vcam1`` (VCAM-1 expressed), ``spheroid`` (past the angiogenic switch) and
    ``detected[name]`` per modality."""
    t = np.atleast_1d(array_finite("time_d", time_d))
    age = t[None, :] - patients.seed_time_d[:, None]
    n = np.asarray(cells_at(course.growth, age, patients.rate_multiplier[:, None]), dtype=float)
    return {
        "seeded": age >= 0,
        "cells": n,
        "diameter_mm": np.asarray(diameter_mm(course.growth, n)),
        "vcam1": n >= course.growth.vcam1_onset_cells,
        "spheroid": n >= course.growth.angiogenic_switch_cells,
        "detected": {k: v[:, None] <= t[None, :] for k, v in patients.detection_time_d.items()},
    }


@dataclass(frozen=True)
class Treatments:
    """Everything the policies need: RIT cell survival by state (per cycle), WBRT regimen, SRS model, the
    clonogenic fraction of tumour cells (clonogen density / cell density), RIT cycles, and the probability
    of cognitive decline each treatment causes (0 = not modelled).

    RIT cycles: ``rit_cycles`` administrations ``rit_interval_d`` days apart; each multiplies the
    surviving clonogens of every lesion present by ``rit``'s survival for the lesion's state at that cycle.
    Survivors are taken to regrow along the untreated growth curve between cycles, so a lesion's expected
    surviving clonogens after the course are ``f_c · N(t_last) · Π_k S_k`` (an approximation: a depleted
    Gompertz lesion regrows faster than the untreated one, so this is optimistic for RIT). Cycles after the
    horizon are not given; lesions seeded after the last cycle given are untreated.
    """

    rit: RITDose
    wbrt: WBRTDose
    srs: SRSModel
    clonogen_fraction: float
    rit_cycles: int = 1
    rit_interval_d: float = 0.0
    wbrt_cognition: float = 0.0
    rit_cognition: float = 0.0

    def __post_init__(self) -> None:
        f = in_range("clonogen_fraction", self.clonogen_fraction, 0.0, 1.0)
        if f <= 0:
            raise InputError("clonogen_fraction", self.clonogen_fraction, "a number in (0, 1]")
        c = self.rit_cycles
        if isinstance(c, bool) or not isinstance(c, int | np.integer) or not 1 <= c <= 100:
            raise InputError("rit_cycles", c, "an integer from 1 to 100")
        if c > 1:
            positive("rit_interval_d", self.rit_interval_d)
        else:
            non_negative("rit_interval_d", self.rit_interval_d)
        in_range("wbrt_cognition", self.wbrt_cognition, 0.0, 1.0)
        in_range("rit_cognition", self.rit_cognition, 0.0, 1.0)


@dataclass(frozen=True)
class WindowResult:
    """Therapeutic-window curves (one array over treatment times per policy).

    ``p_all_controlled``: every lesion of the patient, seen and unseen, controlled. ``ntcp``: brain
    necrosis / radionecrosis; ``cognition``: probability of cognitive decline; ``p_complication``:
    ``1 − (1 − NTCP)(1 − P_cognition)``; ``p_plus``: ``E[Π p_i · (1 − NTCP)(1 − P_cognition)]``.
    ``lead_time_d``: how much earlier VCAM-1 MRI than contrast MRI first sees a lesion of the patient
    (``median``, ``mean`` over patients where both see one before the horizon; ``n_both``;
    ``fraction_vcam1_only``: patients seen by VCAM-1 MRI only).
    """

    treatment_times_d: np.ndarray
    policies: tuple[str, ...]
    p_all_controlled: Mapping[str, np.ndarray]
    p_all_controlled_se: Mapping[str, np.ndarray]
    expected_failures: Mapping[str, np.ndarray]
    ntcp: Mapping[str, np.ndarray]
    p_plus: Mapping[str, np.ndarray]
    n_patients: int
    mean_lesions: float
    rit_source: str
    extra: dict[str, Any] = field(default_factory=dict)
    cognition: Mapping[str, np.ndarray] = field(default_factory=dict)
    p_complication: Mapping[str, np.ndarray] = field(default_factory=dict)
    lead_time_d: Mapping[str, float] = field(default_factory=dict)

    def best_time(self, policy: str) -> tuple[float, float]:
        """(treatment day, P+) at the maximum of P+ for ``policy`` (earliest if tied)."""
        p = self.p_plus[choice("policy", policy, self.policies)]
        i = int(np.argmax(p))
        return float(self.treatment_times_d[i]), float(p[i])

    def as_dict(self) -> dict[str, Any]:
        """JSON-able dict of the curves."""
        return {
            "treatment_times_d": self.treatment_times_d.tolist(),
            "n_patients": self.n_patients,
            "mean_lesions_per_patient": self.mean_lesions,
            "rit_dose_source": self.rit_source,
            "policies": {
                p: {
                    "p_all_controlled": self.p_all_controlled[p].tolist(),
                    "p_all_controlled_se": self.p_all_controlled_se[p].tolist(),
                    "expected_failures": self.expected_failures[p].tolist(),
                    "ntcp": self.ntcp[p].tolist(),
                    "p_plus": self.p_plus[p].tolist(),
                    "cognition": self.cognition[p].tolist() if p in self.cognition else None,
                    "p_complication": self.p_complication[p].tolist() if p in self.p_complication else None,
                    "best_time_d": self.best_time(p)[0],
                    "best_p_plus": self.best_time(p)[1],
                    "at_best_time": self.at_best_time(p),
                }
                for p in self.policies
            },
            "vcam1_lead_time_d": dict(self.lead_time_d),
        }

    def at_best_time(self, policy: str) -> dict[str, float]:
        """At the maximum of P+: the day, P(all disease controlled), expected failing lesions, NTCP,
        cognition, any complication and P+.

        Examples
        --------
        >>> from brainrit.disease.policies import SRSModel, rit_dose_uniform, wbrt_outcome
        >>> rit = rit_dose_uniform(0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3,
        ...                        alpha_beta_Gy=10.0, ntcp=0.0)
        >>> tr = Treatments(rit, wbrt_outcome(15.0, 3, alpha_per_Gy=0.3, alpha_beta_Gy=10.0,
        ...                 alpha_beta_brain_Gy=2.0), SRSModel(), clonogen_fraction=0.01, wbrt_cognition=0.3)
        >>> w = therapeutic_window(default_course("mouse"), tr, [5.0, 20.0], n_patients=20, seed=1)
        >>> round(w.at_best_time("WBRT")["cognition"], 12)
        0.3
        """
        pol = choice("policy", policy, self.policies)
        i = int(np.argmax(self.p_plus[pol]))
        out = {
            "day": float(self.treatment_times_d[i]),
            "p_all_controlled": float(self.p_all_controlled[pol][i]),
            "expected_failures": float(self.expected_failures[pol][i]),
            "ntcp": float(self.ntcp[pol][i]),
            "p_plus": float(self.p_plus[pol][i]),
        }
        if pol in self.cognition:
            out["cognition"] = float(self.cognition[pol][i])
            out["p_complication"] = float(self.p_complication[pol][i])
        return out


def _per_patient(values: np.ndarray, patient: np.ndarray, n_patients: int, reduce=np.add) -> np.ndarray:
    """Reduce lesion rows to patient rows (patients without lesions get the identity of ``reduce``)."""
    shape = (n_patients, *values.shape[1:])
    ident = 0.0 if reduce is np.add else np.inf
    out = np.full(shape, ident)
    if values.shape[0] == 0:
        return out
    starts = np.searchsorted(patient, np.arange(n_patients), side="left")
    has = np.bincount(patient, minlength=n_patients) > 0
    # segments between the starts of consecutive patients that have lesions (strictly increasing, < L)
    out[has] = reduce.reduceat(values, starts[has], axis=0)
    return out


def _evaluate(
    course: DiseaseCourse, tr: Treatments, vp: VirtualPatients, times: np.ndarray, policies: Sequence[str]
) -> dict[str, dict[str, np.ndarray]]:
    st = lesion_states(course, vp, times)
    seeded, n = st["seeded"], st["cells"]
    fc = tr.clonogen_fraction
    rit = tr.rit
    s_rit = _rit_survival(rit, st["vcam1"], st["spheroid"])
    guide = course.guiding_modality
    det = st["detected"][guide]
    s_srs = srs_survival(tr.srs, st["diameter_mm"])
    treatable = det & seeded & (st["diameter_mm"] <= 40.0)
    v12 = np.where(treatable, srs_v12_cm3(tr.srs, st["diameter_mm"]), 0.0)
    pid, P, T = vp.patient, vp.n_patients, times.size
    n_srs = None
    if any(p in ("SRS", "SRS+RIT") for p in policies):
        v12_sum = _per_patient(v12, pid, P)
        any_treated = _per_patient(treatable.astype(float), pid, P) > 0
        n_srs = srs_ntcp(v12_sum, any_treated)
    out: dict[str, dict[str, np.ndarray]] = {}
    neg_inf = -np.inf
    rit_course = None
    if tr.rit_cycles > 1 and any(p in ("RIT", "SRS+RIT") for p in policies):
        rit_course = _rit_cycles(course, tr, vp, times)
    for policy in policies:
        cog = np.zeros((P, T))
        if policy == "RIT":
            logp = np.where(seeded, -fc * n * s_rit, neg_inf) if rit_course is None else rit_course[0]
            ntcp = np.full((P, T), rit.ntcp)
            cog = np.full((P, T), tr.rit_cognition)
        elif policy == "RIT at VCAM-1 detection":
            logp, given = _rit_at_detection(course, tr, vp, T)
            ntcp = np.broadcast_to(np.where(given, rit.ntcp, 0.0)[:, None], (P, T))
            cog = np.broadcast_to(np.where(given, tr.rit_cognition, 0.0)[:, None], (P, T))
        elif policy == "WBRT":
            logp = np.where(seeded, -fc * n * tr.wbrt.survival, neg_inf)
            ntcp = np.full((P, T), tr.wbrt.ntcp)
            cog = np.full((P, T), tr.wbrt_cognition)
        elif policy == "SRS":
            logp = np.where(treatable, -fc * n * s_srs, neg_inf)
            ntcp = n_srs
        elif policy == "SRS+RIT":
            if rit_course is None:
                logp = np.where(seeded, -fc * n * s_rit * np.where(treatable, s_srs, 1.0), neg_inf)
            else:  # a lesion SRS treats at t is present at the first cycle: survivals multiply
                logp = rit_course[0] * np.where(treatable, s_srs, 1.0)
            ntcp = 1.0 - (1.0 - rit.ntcp) * (1.0 - n_srs)
            cog = np.full((P, T), tr.rit_cognition)
        else:  # WBRT at detection
            t_det = _per_patient(vp.detection_time_d[guide][:, None], pid, P, reduce=np.minimum)[:, 0]
            given = t_det <= course.horizon_d
            t_les = t_det[pid] if pid.size else np.zeros(0)
            age = t_les - vp.seed_time_d
            ok = given[pid] & (age >= 0) if pid.size else np.zeros(0, bool)
            n_d = np.asarray(cells_at(course.growth, np.where(ok, age, 0.0), vp.rate_multiplier), dtype=float)
            lp = np.where(ok, -fc * n_d * tr.wbrt.survival, neg_inf)
            logp = np.broadcast_to(lp[:, None], (lp.size, T))
            ntcp = np.broadcast_to(np.where(given, tr.wbrt.ntcp, 0.0)[:, None], (P, T))
            cog = np.broadcast_to(np.where(given, tr.wbrt_cognition, 0.0)[:, None], (P, T))
        with np.errstate(over="ignore"):
            p_les = np.exp(logp)
        out[policy] = {
            "log_p_all": _per_patient(logp, pid, P),
            "failures": _per_patient(1.0 - p_les, pid, P),
            "ntcp": np.asarray(ntcp, dtype=float),
            "cognition": np.asarray(cog, dtype=float),
        }
    return out


def _rit_survival(rit: RITDose, vcam1: np.ndarray, spheroid: np.ndarray) -> np.ndarray:
    """Per-cycle surviving fraction of each lesion by its state."""
    return np.where(vcam1, np.where(spheroid, rit.survival_spheroid, rit.survival_perivascular),
                    rit.survival_vcam1_negative)  # fmt: skip


def _course_logp(
    course: DiseaseCourse, tr: Treatments, vp: VirtualPatients, start_d: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """log P(control) of every lesion for a RIT course starting at ``start_d`` (lesions × starts, or
    lesions × 1 for per-lesion starts) and whether the lesion received any cycle."""
    fc = tr.clonogen_fraction
    shape = np.broadcast_shapes(vp.seed_time_d[:, None].shape, start_d.shape)
    log_s = np.zeros(shape)
    received = np.zeros(shape, dtype=bool)
    n_last = np.zeros(shape)
    for k in range(tr.rit_cycles):
        t_k = start_d + k * tr.rit_interval_d
        given = t_k <= course.horizon_d
        age = t_k - vp.seed_time_d[:, None]
        here = (age >= 0) & given
        n_k = np.asarray(cells_at(course.growth, np.where(here, age, 0.0), vp.rate_multiplier[:, None]))
        s_k = _rit_survival(tr.rit, n_k >= course.growth.vcam1_onset_cells,
                            n_k >= course.growth.angiogenic_switch_cells)  # fmt: skip
        with np.errstate(divide="ignore"):
            log_s = log_s + np.where(here, np.log(s_k), 0.0)
        n_last = np.where(here, n_k, n_last)
        received |= here
    with np.errstate(over="ignore", under="ignore"):
        logp = np.where(received, -fc * n_last * np.exp(log_s), -np.inf)
    return logp, received


def _rit_cycles(
    course: DiseaseCourse, tr: Treatments, vp: VirtualPatients, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    return _course_logp(course, tr, vp, np.broadcast_to(times[None, :], (1, times.size)))


def _first_detection(vp: VirtualPatients, modality: str) -> np.ndarray:
    """Day each patient's first lesion is seen by ``modality`` (inf: no lesion)."""
    return _per_patient(vp.detection_time_d[modality][:, None], vp.patient, vp.n_patients, np.minimum)[:, 0]


def _rit_at_detection(
    course: DiseaseCourse, tr: Treatments, vp: VirtualPatients, T: int
) -> tuple[np.ndarray, np.ndarray]:
    """RIT course started when VCAM-1 MRI first sees a lesion of the patient (independent of t)."""
    t_det = _first_detection(vp, "VCAM-1 MRI")
    given = t_det <= course.horizon_d
    if vp.patient.size == 0:
        return np.zeros((0, T)), given
    start = np.where(given, t_det, np.inf)[vp.patient][:, None]
    logp, _ = _course_logp(course, tr, vp, start)
    return np.broadcast_to(logp, (logp.shape[0], T)), given


def vcam1_lead_time_d(course: DiseaseCourse, patients: VirtualPatients) -> dict[str, float]:
    """How much earlier VCAM-1 MRI than contrast MRI first sees a lesion of each patient (days).

    Returns ``median`` and ``mean`` over the patients in whom both see a lesion before the horizon (NaN
    if none), ``n_both``, and ``fraction_vcam1_only`` (seen by VCAM-1 MRI only before the horizon).

    Examples
    --------
    >>> c = default_course("human")
    >>> vp = VirtualPatients.from_arrays(c, [0], [100.0])
    >>> round(vcam1_lead_time_d(c, vp)["median"] / 86.0, 3)  # doublings from VCAM-1 to contrast N50
    8.381
    """
    v = _first_detection(patients, "VCAM-1 MRI")
    c = _first_detection(patients, "contrast MRI")
    h = course.horizon_d
    both = (v <= h) & (c <= h)
    lead = c[both] - v[both]
    n_v = int(np.sum(v <= h))
    return {
        "median": float(np.median(lead)) if lead.size else math.nan,
        "mean": float(lead.mean()) if lead.size else math.nan,
        "n_both": int(both.sum()),
        "fraction_vcam1_only": float(np.sum((v <= h) & (c > h)) / n_v) if n_v else 0.0,
    }


def therapeutic_window(
    course: DiseaseCourse,
    treatments: Treatments,
    treatment_times_d,
    *,
    n_patients: int = 500,
    seed=0,
    policies: Sequence[str] = POLICIES,
    workers: int = 1,
    patients: VirtualPatients | None = None,
) -> WindowResult:
    """Outcome of each policy versus treatment time, averaged over virtual patients.

    Parameters
    ----------
    course : DiseaseCourse
    treatments : Treatments
    treatment_times_d : array
        Treatment days; each must lie in [start of seeding, horizon] (``InputError`` otherwise — e.g. a
        treatment before any lesion can have been seeded).
    n_patients : int
        Virtual patients (ignored when ``patients`` is given).
    seed : int or SeedSequence
        Seeds the patients (one spawned child per patient).
    policies : sequence of str
        Any of :data:`~brainrit.disease.policies.POLICIES`.
    workers : int
        Threads evaluating contiguous blocks of patients; results do not depend on it.
    patients : VirtualPatients, optional
        Pre-drawn or hand-made patients.

    Returns
    -------
    WindowResult
    """
    t = np.atleast_1d(array_finite("treatment_times_d", treatment_times_d))
    if t.ndim != 1 or t.size == 0:
        raise InputError("treatment_times_d", treatment_times_d, "a non-empty 1-D array of days")
    lo, hi = course.seeding.start_d, course.horizon_d
    bad = (t < lo) | (t > hi)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InputError(
            f"treatment_times_d[{i}]", float(t[i]),
            f"a day in [{lo:g}, {hi:g}] (not before seeding starts, not after the horizon)",
        )  # fmt: skip
    pols = tuple(choice("policies", p, POLICIES) for p in policies)
    if not pols:
        raise InputError("policies", policies, "at least one of " + ", ".join(POLICIES))
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise InputError("workers", workers, "an integer >= 1")
    vp = patients if patients is not None else sample_patients(course, n_patients, seed)
    P = vp.n_patients
    if P < 1:
        raise InputError("patients", P, "at least one patient")
    k = min(int(workers), P)
    edges = np.linspace(0, P, k + 1).round().astype(int)
    blocks = [vp.subset(int(a), int(b)) for a, b in itertools.pairwise(edges)]
    if k == 1:
        parts = [_evaluate(course, treatments, blocks[0], t, pols)]
    else:
        with ThreadPoolExecutor(max_workers=k) as ex:
            parts = list(ex.map(lambda b: _evaluate(course, treatments, b, t, pols), blocks))
    p_all, p_se, fails, ntcps, pplus, cogs, pcomp = {}, {}, {}, {}, {}, {}, {}
    for p in pols:
        logp = np.concatenate([q[p]["log_p_all"] for q in parts])
        f = np.concatenate([q[p]["failures"] for q in parts])
        nt = np.concatenate([q[p]["ntcp"] for q in parts])
        cg = np.concatenate([q[p]["cognition"] for q in parts])
        pa = np.exp(logp)
        p_all[p] = pa.mean(axis=0)
        p_se[p] = pa.std(axis=0, ddof=1) / math.sqrt(P) if P > 1 else np.zeros(t.size)
        fails[p] = f.mean(axis=0)
        ntcps[p] = nt.mean(axis=0)
        cogs[p] = cg.mean(axis=0)
        spared = (1.0 - nt) * (1.0 - cg)
        pcomp[p] = 1.0 - spared.mean(axis=0)
        pplus[p] = (pa * spared).mean(axis=0)
    return WindowResult(
        t, pols, p_all, p_se, fails, ntcps, pplus, P, float(vp.lesion_counts.mean()), treatments.rit.source,
        cognition=cogs, p_complication=pcomp, lead_time_d=vcam1_lead_time_d(course, vp),
    )  # fmt: skip
