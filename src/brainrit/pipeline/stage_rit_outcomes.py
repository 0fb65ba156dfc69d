"""Stage 5 — RIT outcomes: TCP per lesion, brain-necrosis NTCP, hippocampal risk, P+, activity optimum.

Model (stated in the report):

* Tumour cells: survival ``S = S_α · S_low`` (``brainrit.radiobiology.survival_mixed``). The α part is
  microdosimetric (compound Poisson over hits) with the mean single-event specific
  energy ``z̄₁ = 0.204·L/d²`` (ICRU 36) for the nucleus diameter of the scenario and the yield-weighted
  stopping power of the chain's α lines at emission (ASTAR); the low-LET part is LQ with the
  Lea–Catcheside G factor of the dose-rate history of the kinetics.
* TCP: the calibrated population model (:func:`brainrit.radiobiology.calibrated_models`, as for every
  external-beam arm) on the low-LET BED ``D(1 + G·D/(α/β))``, the α-particle survival multiplying the
  clonogen number: ``TCP = ∫ g(α) exp(−Σ_i N_i S_α e^{−α·BED}) dα``. Clonogens per lesion from the one
  clonogen model of ``[radiobiology.outcome_models]``; all the lesions of the patient (``count`` copies of
  each entry) share one α.
* P cognitive: the calibrated hippocampal model at D40 % EQD2 = the uniform RBE-weighted brain EQD2 (no
  α-specific RBE is known for cognition: an assumption).
* Brain necrosis: LKB (Burman 1991) on the uniform healthy-brain dose converted to EQD2 with RBE_α.
* Hippocampus: uniform brain EQD2 compared with the Gondi D40% threshold (7.3 Gy EQD2).
* Doses scale linearly with injected activity (the antibody mass, which sets saturation, is held fixed),
  which gives the TCP and NTCP curves versus activity.
* Tumour repopulation during the course: clonogens multiply by ``2^{T/T_pot}`` where ``T`` is the last
  time the RBE-weighted tumour dose rate exceeds ``K = ln2/(α T_pot)`` (Dale 1996, Phys Med Biol
  41:1871; Fowler 1989) and ``T_pot`` is the initial doubling time of the disease-course growth model
  (an upper bound on T_pot: volume doubling includes cell loss).
* Activity optimum: the activity (all injections together) that maximises P+ without exceeding any organ
  limit of the scenario's ``[limits]`` (:func:`brainrit.radiobiology.optimise_activity`: red marrow,
  kidney BED of the kidneys' own dose-rate history, brain-necrosis NTCP, hippocampal EQD2), every dose
  RBE-weighted with ``radiobiology.rbe_alpha`` — no α RBE is established for these organs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from brainrit.pipeline.core import Context, StageResult, Table, memory_field, stage_result
from brainrit.pipeline.stage_dosimetry import DoseByClass, DosimetryResult

if TYPE_CHECKING:
    from brainrit.radiobiology import ActivityPlan, CognitionModel, PopulationTCP


__all__ = ["RitOutcomeModel", "RitOutcomesResult"]


def alpha_let_keV_per_um(nuclide: str) -> float:
    """Yield-weighted stopping power of the chain's α lines at emission in water, keV/µm (ASTAR)."""
    from brainrit.nuclides import nuclide_summary
    from brainrit.physics import alpha_stopping_power

    lines = nuclide_summary(nuclide)["alpha_lines"]
    if not lines:
        return 0.0
    e = np.array([a["energy_MeV"] for a in lines])
    w = np.array([a["yield_per_parent_decay"] for a in lines])
    s = np.asarray(alpha_stopping_power(e, "water"), dtype=float)  # MeV cm²/g, ρ = 1 g/cm³
    return float(np.sum(w * s) / np.sum(w) * 0.1)  # MeV/cm → keV/µm: ×1000/1e4


def lesion_volume_cm3(diameter_mm: float) -> float:
    """Volume of a sphere of diameter ``diameter_mm``, cm³."""
    return math.pi * diameter_mm**3 / 6.0 / 1000.0


@dataclass(frozen=True, kw_only=True)
class RitOutcomeModel:
    """TCP of the scenario's lesions and brain-necrosis NTCP as functions of a scale of the administered
    activity (doses scale linearly with activity: tracer-level kinetics).

    Attributes
    ----------
    metastasis_dose_Gy, brain_dose_Gy : DoseByClass
        Mean α and electron dose at scale 1, Gy.
    z1_Gy, z0_Gy : float
        Mean single-event specific energy of the nucleus and its inactivation constant, Gy.
    tcp_model : brainrit.radiobiology.PopulationTCP
        Calibrated population TCP of the low-LET component (ᾱ, σ_α, α/β).
    cognition : brainrit.radiobiology.CognitionModel
        Calibrated cognition model.
    g_factor_tumour, g_factor_brain : float
        Lea–Catcheside G factors of the low-LET dose-rate history.
    alpha_beta_brain_Gy, rbe_alpha : float
        Brain α/β (Gy) and RBE of α particles for the necrosis EQD2.
    clonogens_per_lesion : tuple of float
        Clonogens per lesion of each lesion group.
    lesion_counts : tuple of int
        Number of identical lesions in each group.
    lesion_names : tuple of str
        Name of each lesion group.
    lesion_visible : tuple of bool
        Whether each lesion group is visible on MRI.
    td50_Gy, m, n : float
        LKB parameters of brain necrosis.

    Examples
    --------
    >>> from brainrit.pipeline.stage_dosimetry import DoseByClass
    >>> from brainrit.radiobiology import calibrated_models
    >>> cal = calibrated_models()
    >>> mod = RitOutcomeModel(metastasis_dose_Gy=DoseByClass(0.0, 0.0), brain_dose_Gy=DoseByClass(0.0, 0.0),
    ...     z1_Gy=0.2, z0_Gy=1.0, tcp_model=cal.tcp, cognition=cal.cognition, g_factor_tumour=0.0,
    ...     g_factor_brain=0.0, alpha_beta_brain_Gy=2.0, rbe_alpha=5.0, clonogens_per_lesion=(10.0,),
    ...     lesion_counts=(1,), lesion_names=("m",), lesion_visible=(False,), td50_Gy=120.0, m=0.35, n=1.0)
    >>> round(mod.tcp(1.0)[0] / math.exp(-10.0), 12)  # no dose: ten surviving clonogens, TCP = exp(-10)
    1.0
    """

    metastasis_dose_Gy: DoseByClass
    brain_dose_Gy: DoseByClass
    z1_Gy: float
    z0_Gy: float
    tcp_model: PopulationTCP
    cognition: CognitionModel
    g_factor_tumour: float
    g_factor_brain: float
    alpha_beta_brain_Gy: float
    rbe_alpha: float
    clonogens_per_lesion: tuple[float, ...]
    lesion_counts: tuple[int, ...]
    lesion_names: tuple[str, ...]
    lesion_visible: tuple[bool, ...]
    td50_Gy: float
    m: float
    n: float
    potential_doubling_time_h: float = math.inf
    times_h: tuple[float, ...] = ()
    tumour_rbe_dose_rate_Gy_per_h: tuple[float, ...] = ()

    def repopulation_time_h(self, scale: float) -> float:
        """Last time the RBE-weighted tumour dose rate exceeds ``ln2/(α T_pot)`` at ``scale``, h."""
        if not math.isfinite(self.potential_doubling_time_h) or not self.times_h:
            return 0.0
        k = math.log(2.0) / (self.tcp_model.alpha_mean_per_Gy * self.potential_doubling_time_h)
        above = np.nonzero(np.asarray(self.tumour_rbe_dose_rate_Gy_per_h) * scale > k)[0]
        return float(self.times_h[above[-1]]) if above.size else 0.0

    def alpha_survival(self, scale: float) -> float:
        """Microdosimetric α-particle surviving fraction of a tumour cell at ``scale``."""
        import brainrit.radiobiology as rb

        d_a = self.metastasis_dose_Gy.alpha * scale
        if d_a <= 0 or self.z1_Gy <= 0:  # z̄₁ = 0: no α emitter, hence no α dose
            return 1.0
        # the one survival family (low-LET dose 0 here: its kill enters the population TCP's BED)
        return float(
            rb.survival_mixed(
                d_a,
                0.0,
                z0_Gy=self.z0_Gy,
                alpha_per_Gy=self.tcp_model.alpha_mean_per_Gy,
                alpha_beta_Gy=self.tcp_model.alpha_beta_Gy,
                z1_Gy=self.z1_Gy,
            )
        )

    def low_let_bed_Gy(self, scale: float) -> float:
        """BED of the low-LET tumour dose (Lea–Catcheside G, calibrated α/β) at ``scale``, Gy."""
        d_e = self.metastasis_dose_Gy.electron * scale
        return d_e * (1.0 + self.g_factor_tumour * d_e / self.tcp_model.alpha_beta_Gy)

    def _survival_and_bed(self, scale: float) -> tuple[float, float]:
        """α surviving fraction × repopulation factor, and low-LET BED (Gy), at ``scale``."""
        return self.alpha_survival(scale) * self.repopulation_factor(scale), self.low_let_bed_Gy(scale)

    def _tcp_of(
        self,
        groups: list[int],
        scale: float,
        *,
        one: bool = False,
        survival_bed: tuple[float, float] | None = None,
    ) -> float | None:
        if not groups:
            return None
        s_a, bed = self._survival_and_bed(scale) if survival_bed is None else survival_bed
        n = [self.clonogens_per_lesion[i] * s_a * (1 if one else self.lesion_counts[i]) for i in groups]
        return self.tcp_model.tcp_joint([bed] * len(n), n)

    def repopulation_factor(self, scale: float) -> float:
        """Clonogens multiply by ``2^{T/T_pot}`` over the repopulation time at ``scale`` (Fowler 1989)."""
        import brainrit.radiobiology as rb

        t = self.repopulation_time_h(scale)
        if t <= 0:
            return 1.0
        t_pot = self.potential_doubling_time_h
        return float(rb.repopulation_survival_factor(t, potential_doubling_time_h=t_pot))

    def tcp_hidden(self, scale: float) -> float:
        """TCP of the lesions contrast MRI does not see (all lesions if every lesion is visible)."""
        hidden = [i for i in range(len(self.clonogens_per_lesion)) if not self.lesion_visible[i]]
        t = self._tcp_of(hidden, scale)  # the optimiser's constraint: only this class, not all three
        return float(t if t is not None else self.tcp_total(scale))

    def tcp_total(self, scale: float) -> float:
        """TCP of all lesions (one α per patient) at ``scale``: ``tcp(scale)[0]``, no per-lesion TCPs."""
        total = self._tcp_of(list(range(len(self.clonogens_per_lesion))), scale)
        return 1.0 if total is None else float(total)  # no lesion: nothing to control

    def tcp(self, scale: float) -> tuple[float, tuple[float, ...]]:
        """TCP of all lesions (one α per patient) and TCP of one lesion of each group at ``scale``."""
        groups = list(range(len(self.clonogens_per_lesion)))
        sb = self._survival_and_bed(scale)
        per = tuple(float(self._tcp_of([i], scale, one=True, survival_bed=sb)) for i in groups)  # type: ignore[arg-type]
        total = self._tcp_of(groups, scale, survival_bed=sb)
        return (1.0 if total is None else float(total)), per  # no lesion: nothing to control

    def tcp_classes(self, scale: float) -> dict[str, float | None]:
        """TCP of the visible lesions, of the micrometastases and of all lesions (None: empty class)."""
        groups = list(range(len(self.clonogens_per_lesion)))
        sb = self._survival_and_bed(scale)
        visible = [i for i in groups if self.lesion_visible[i]]
        total = self._tcp_of(groups, scale, survival_bed=sb)
        return {
            "visible": self._tcp_of(visible, scale, survival_bed=sb),
            "micrometastases": self._tcp_of([i for i in groups if i not in visible], scale, survival_bed=sb),
            "all": 1.0 if total is None else float(total),
        }

    def lesion_tcp(self, scale: float) -> dict[str, float]:
        """TCP of one lesion of each lesion group at ``scale``."""
        return dict(zip(self.lesion_names, self.tcp(scale)[1], strict=True))

    def p_cognitive(self, scale: float) -> float:
        """Calibrated cognitive-deterioration probability at the brain EQD2 of ``scale``."""
        return float(self.cognition.probability(self.brain_eqd2_Gy(scale)))

    def brain_eqd2_Gy(self, scale: float) -> float:
        """RBE-weighted, G-corrected EQD2 of the uniform healthy-brain dose at ``scale``, Gy."""
        import brainrit.radiobiology as rb

        return float(
            rb.eqd2_mixed(
                self.brain_dose_Gy.alpha * scale,
                self.brain_dose_Gy.electron * scale,
                self.alpha_beta_brain_Gy,
                rbe_alpha=self.rbe_alpha,
                g_low_let=self.g_factor_brain,
            )
        )

    def ntcp(self, scale: float) -> float:
        """Brain-necrosis NTCP (LKB) at ``scale``."""
        import brainrit.radiobiology as rb

        return float(rb.ntcp_lkb([self.brain_eqd2_Gy(scale)], [1.0], self.td50_Gy, self.m, self.n))


@stage_result
class RitOutcomesResult(StageResult):
    """RIT outcomes at the administered activity, their curves versus activity and the optimum.

    Attributes
    ----------
    injected_activity_MBq : float
        Total administered activity (all injections), MBq.
    tcp_all_lesions : float
        Probability that every lesion is controlled.
    tcp_visible, tcp_micrometastases : float or None
        Probability that every visible lesion / every micrometastasis is controlled (None: no such lesion).
    p_cognitive : float
        Calibrated probability of cognitive deterioration (N0574 battery end-point).
    tcp_per_lesion : mapping of str to float
        TCP of one lesion of each scenario lesion group.
    ntcp_brain_necrosis : float
        LKB brain-necrosis NTCP.
    brain_eqd2_Gy, hippocampus_d40_eqd2_Gy : float
        Healthy-brain EQD2 (RBE-weighted, G-corrected) and the hippocampal D40% EQD2 (equal), Gy.
    hippocampus_gondi_threshold_eqd2_Gy : float
        Gondi D40% threshold, Gy EQD2.
    hippocampus_above_gondi_threshold : bool
    p_plus : float
        TCP · (1 − NTCP).
    g_factor_tumour, g_factor_brain : float
        Lea–Catcheside G factors.
    alpha_let_keV_per_um : float
        Yield-weighted α LET at emission, keV/µm.
    z1_Gy : float
        Mean single-event specific energy of the nucleus, Gy.
    activity_scan_MBq, tcp_curve, ntcp_curve : tuple of float
        TCP and NTCP versus injected activity.
    optimum : mapping
        Activity (all injections, MBq) maximising P+ within every organ limit: ``activity_MBq``,
        ``p_plus``, ``limited_by`` (``brain``, ``marrow``, ``kidneys``, ``cognition`` or ``scan range``),
        ``organ_rbe_Gy`` (organ → Gy(RBE)), and ``tcp``, ``ntcp``, ``kidney_bed_Gy``,
        ``hippocampus_eqd2_Gy``, ``max_activity_MBq`` (limit → highest activity it allows).
    activity_for_micrometastasis_tcp_0p5_MBq : float or None
        Activity at which the TCP of the hidden lesions reaches 0.5 within the limits (None if none does).
    micrometastasis_tcp_0p5_reason : str
        Why it is None ("" otherwise).
    micrometastasis_tcp_0p5_unconstrained_MBq : float or None
        Where the TCP would reach 0.5 ignoring the limits.
    micrometastasis_tcp_0p5_organ_rbe_Gy : mapping
        Organ doses (Gy(RBE)) at that activity (within the limits, else unconstrained).
    limits : mapping
        The organ limits used (``brainrit.radiobiology.OrganLimits`` fields).
    repopulation_time_h : float
        Time over which tumour repopulation was counted at the administered activity, h.
    plan : brainrit.radiobiology.ActivityPlan
        The optimiser's result (in memory only).
    model : RitOutcomeModel
        The outcome model, to evaluate other activities (in memory only).

    Examples
    --------
    >>> RitOutcomesResult.key
    'rit_outcomes'
    """

    key: ClassVar[str] = "rit_outcomes"
    title: ClassVar[str] = "RIT outcomes"

    injected_activity_MBq: float
    tcp_all_lesions: float
    tcp_visible: float | None
    tcp_micrometastases: float | None
    p_cognitive: float
    tcp_per_lesion: Mapping[str, float]
    ntcp_brain_necrosis: float
    brain_eqd2_Gy: float
    hippocampus_d40_eqd2_Gy: float
    hippocampus_gondi_threshold_eqd2_Gy: float
    hippocampus_above_gondi_threshold: bool
    p_plus: float
    g_factor_tumour: float
    g_factor_brain: float
    alpha_let_keV_per_um: float
    z1_Gy: float
    activity_scan_MBq: tuple[float, ...]
    tcp_curve: tuple[float, ...]
    ntcp_curve: tuple[float, ...]
    optimum: Mapping[str, object]
    activity_for_micrometastasis_tcp_0p5_MBq: float | None
    micrometastasis_tcp_0p5_reason: str
    micrometastasis_tcp_0p5_unconstrained_MBq: float | None
    micrometastasis_tcp_0p5_organ_rbe_Gy: Mapping[str, float]
    limits: Mapping[str, object]
    repopulation_time_h: float
    plan: ActivityPlan = memory_field()
    model: RitOutcomeModel = memory_field()


def run(ctx: Context) -> RitOutcomesResult:
    """TCP, NTCP, P+ and the activity optimum of the RIT arm from the dosimetry stage's doses."""
    dos = ctx.require(DosimetryResult)
    import brainrit.radiobiology as rb

    sc = ctx.scenario
    rbio = sc.radiobiology
    met = dos.dose_Gy["metastasis"]
    brain = dos.dose_Gy["brain"]
    times = dos.times_h
    rates = dos.dose_rate_Gy_per_h
    g_tumour = _g(rb, times, rates["metastasis"].electron, rbio.repair_half_time_tumour_h)
    g_brain = _g(rb, times, rates["brain"].electron, rbio.repair_half_time_brain_h)
    let = alpha_let_keV_per_um(sc.radiopharmaceutical.nuclide)
    z1 = (
        float(rb.single_event_specific_energy_Gy(let, 2 * sc.microgeometry.nucleus_radius_um))
        if let > 0
        else 0.0
    )
    lkb = rb.parameters("brain_necrosis_lkb")
    gondi = rb.parameters("hippocampus_gondi_d40")["threshold_eqd2_Gy"]
    cal = rbio.outcome_models.models()
    model = RitOutcomeModel(
        metastasis_dose_Gy=met,
        brain_dose_Gy=brain,
        z1_Gy=z1,
        z0_Gy=rbio.z0_Gy,
        tcp_model=cal.tcp,
        cognition=cal.cognition,
        g_factor_tumour=g_tumour,
        g_factor_brain=g_brain,
        alpha_beta_brain_Gy=rbio.alpha_beta_brain_Gy,
        rbe_alpha=rbio.rbe_alpha,
        clonogens_per_lesion=tuple(float(cal.tcp.clonogens.clonogens(les.diameter_mm)) for les in sc.lesions),
        lesion_counts=tuple(les.count for les in sc.lesions),
        lesion_names=tuple(les.name for les in sc.lesions),
        lesion_visible=tuple(les.visible for les in sc.lesions),
        td50_Gy=lkb["td50_Gy"],
        m=lkb["m"],
        n=lkb["n"],
        potential_doubling_time_h=_potential_doubling_time_h(sc),
        times_h=tuple(np.asarray(times, dtype=float).tolist()),
        tumour_rbe_dose_rate_Gy_per_h=tuple(
            (
                rbio.rbe_alpha * np.asarray(rates["metastasis"].alpha)
                + np.asarray(rates["metastasis"].electron)
            )
            .astype(float)
            .tolist()
        ),
    )

    tcp0, per_lesion = model.tcp(1.0)
    classes = model.tcp_classes(1.0)
    ntcp0 = model.ntcp(1.0)
    eqd2_brain = model.brain_eqd2_Gy(1.0)
    a0 = sc.injected_activity_MBq * sc.administration.injections
    lo, hi = sc.outputs.activity_scan_range
    scales = np.geomspace(lo, hi, sc.outputs.activity_scan_points)
    activities = a0 * scales
    tcp_curve = np.array([model.tcp_total(s) for s in scales])
    ntcp_curve = np.array([model.ntcp(s) for s in scales])
    limits = sc.limits.to_organ_limits(brain_ntcp_default=rbio.ntcp_limit)
    organ_doses = {
        organ: rb.OrganDose(
            alpha_Gy_per_MBq=dos.dose_Gy[organ].alpha / a0,
            electron_Gy_per_MBq=dos.dose_Gy[organ].electron / a0,
            g_factor=_g(rb, times, rates[organ].electron, limits.kidney_repair_half_time_h)
            if organ == "kidneys"
            else 1.0,
        )
        for organ in ("marrow", "kidneys")
        if organ in dos.dose_Gy
    }
    plan = rb.optimise_activity(
        (float(activities[0]), float(activities[-1])),
        tcp=lambda a: model.tcp_total(a / a0),
        brain_ntcp=lambda a: model.ntcp(a / a0),
        hippocampus_eqd2_Gy=lambda a: model.brain_eqd2_Gy(a / a0),
        organ_doses=organ_doses,
        limits=limits,
        rbe_alpha=rbio.rbe_alpha,
        tcp_micrometastasis=lambda a: model.tcp_hidden(a / a0),
    )
    lesion_rows = tuple(
        (
            les.name,
            les.diameter_mm,
            les.count,
            "yes" if les.visible else "no",
            met.alpha,
            met.electron,
            n,
            rb.probability(p),
        )
        for les, n, p in zip(sc.lesions, model.clonogens_per_lesion, per_lesion, strict=True)
    )
    notes = (
        f"Tumour G factor {g_tumour:.3g}, brain G factor {g_brain:.3g} "
        "(numerical, from the dose-rate history).",
        f"α LET at emission {let:.1f} keV/µm → z̄₁ = {z1:.3f} Gy "
        f"for a {2 * sc.microgeometry.nucleus_radius_um:g} µm nucleus.",
        "Hippocampal dose = healthy-brain dose (RIT irradiates the brain uniformly at organ scale).",
        "Mean lesion dose assumes every lesion takes up the metastasis concentration of the kinetics model.",
        f"Optimum {plan.activity_MBq:.4g} MBq (all injections), limited by {plan.limited_by}: "
        + ", ".join(f"{o} {v:.3g} Gy(RBE)" for o, v in plan.organ_rbe_Gy.items())
        + (f", kidney BED {plan.kidney_bed_Gy:.3g} Gy" if plan.kidney_bed_Gy is not None else "")
        + f"; RBE_α = {rbio.rbe_alpha:g} for every organ (no α RBE is established for these organs).",
        (
            f"Micrometastasis TCP 0.5 at {plan.tcp_0p5_activity_MBq:.4g} MBq."
            if plan.tcp_0p5_activity_MBq is not None
            else f"Micrometastasis TCP 0.5 out of reach: {plan.tcp_0p5_reason}."
        ),
        f"Tumour repopulation counted over {model.repopulation_time_h(1.0):.3g} h "
        f"(T_pot = {model.potential_doubling_time_h:.4g} h).",
    )
    return RitOutcomesResult(
        injected_activity_MBq=a0,
        tcp_all_lesions=rb.probability(tcp0),
        tcp_visible=rb.probability(classes["visible"]),
        tcp_micrometastases=rb.probability(classes["micrometastases"]),
        p_cognitive=rb.probability(model.p_cognitive(1.0)),
        tcp_per_lesion={les.name: rb.probability(p) for les, p in zip(sc.lesions, per_lesion, strict=True)},
        ntcp_brain_necrosis=rb.probability(ntcp0),
        brain_eqd2_Gy=eqd2_brain,
        hippocampus_d40_eqd2_Gy=eqd2_brain,
        hippocampus_gondi_threshold_eqd2_Gy=gondi,
        hippocampus_above_gondi_threshold=eqd2_brain > gondi,
        p_plus=rb.probability(tcp0 * (1 - ntcp0)),
        g_factor_tumour=g_tumour,
        g_factor_brain=g_brain,
        alpha_let_keV_per_um=let,
        z1_Gy=z1,
        activity_scan_MBq=tuple(activities.tolist()),
        tcp_curve=tuple(tcp_curve.tolist()),
        ntcp_curve=tuple(ntcp_curve.tolist()),
        optimum=plan.as_dict(),
        activity_for_micrometastasis_tcp_0p5_MBq=plan.tcp_0p5_activity_MBq,
        micrometastasis_tcp_0p5_reason=plan.tcp_0p5_reason,
        micrometastasis_tcp_0p5_unconstrained_MBq=plan.tcp_0p5_unconstrained_MBq,
        micrometastasis_tcp_0p5_organ_rbe_Gy=dict(plan.tcp_0p5_organ_rbe_Gy),
        limits={**dataclasses.asdict(limits), "kidney_bed_limit_Gy": limits.kidney_bed_limit_Gy},
        repopulation_time_h=model.repopulation_time_h(1.0),
        plan=plan,
        model=model,
        tables=(
            Table(
                "rit_lesions",
                "RIT: dose and control per lesion (administered activity)",
                (
                    "lesion",
                    "diameter (mm)",
                    "count",
                    "visible",
                    "α dose (Gy)",
                    "electron dose (Gy)",
                    "clonogens per lesion",
                    "TCP per lesion",
                ),
                lesion_rows,
            ),
        ),
        notes=notes,
    )


def _potential_doubling_time_h(sc) -> float:
    """Initial doubling time of the scenario's disease-course growth model, h."""
    from brainrit.disease import growth_preset

    if sc.disease.doubling_time_d is not None:
        return sc.disease.doubling_time_d * 24.0
    preset = "MDA-231-Br" if sc.study.species == "mouse" else sc.disease.primary
    return growth_preset(preset).doubling_time_d * 24.0


def _g(rb, times_h, rate, repair_half_time_h) -> float:
    rate = np.asarray(rate, dtype=float)
    if not np.any(rate > 0):
        return 0.0
    return float(rb.g_factor(times_h, rate, repair_half_time_h))
