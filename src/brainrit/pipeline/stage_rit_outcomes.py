"""Stage 5 — RIT outcomes: TCP per lesion, brain-necrosis NTCP, hippocampal risk, P+, activity optimum.

Model (stated in the report):

* Tumour cells: survival ``S = S_α · S_low`` (``brainrit.radiobiology.survival_mixed``). The α part is
  microdosimetric (compound Poisson over hits) with the mean single-event specific
  energy ``z̄₁ = 0.204·L/d²`` (ICRU 36) for the nucleus diameter of the scenario and the yield-weighted
  stopping power of the chain's α lines at emission (ASTAR); the low-LET part is LQ with the
  Lea–Catcheside G factor of the dose-rate history of the kinetics.
* Clonogens per lesion: ``clonogen_density_per_cm3 × π d³/6``; lesion TCP Poisson; a group of
  ``count`` identical lesions is controlled with probability ``TCP^count``.
* Brain necrosis: LKB (Burman 1991) on the uniform healthy-brain dose converted to EQD2 with RBE_α.
* Hippocampus: uniform brain EQD2 compared with the Gondi D40% threshold (7.3 Gy EQD2).
* Doses scale linearly with injected activity (tracer-level kinetics), which gives the TCP and NTCP
  curves versus activity and the activity that maximises P+ under the scenario's NTCP limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from brainrit.pipeline.core import Context, StageResult, Table, memory_field
from brainrit.pipeline.stage_dosimetry import DoseByClass, DosimetryResult

if TYPE_CHECKING:
    from brainrit.radiobiology import ActivityOptimum


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
    alpha_tumour_per_Gy, alpha_beta_tumour_Gy : float
        Tumour LQ parameters of the low-LET component (Gy⁻¹, Gy).
    g_factor_tumour, g_factor_brain : float
        Lea–Catcheside G factors of the low-LET dose-rate history.
    alpha_beta_brain_Gy, rbe_alpha : float
        Brain α/β (Gy) and RBE of α particles for the necrosis EQD2.
    clonogens_per_lesion : tuple of float
        Clonogens per lesion of each lesion group.
    lesion_counts : tuple of int
        Number of identical lesions in each group.
    td50_Gy, m, n : float
        LKB parameters of brain necrosis.

    Examples
    --------
    >>> from brainrit.pipeline.stage_dosimetry import DoseByClass
    >>> mod = RitOutcomeModel(metastasis_dose_Gy=DoseByClass(0.0, 0.0), brain_dose_Gy=DoseByClass(0.0, 0.0),
    ...     z1_Gy=0.2, z0_Gy=1.0, alpha_tumour_per_Gy=0.3, alpha_beta_tumour_Gy=10.0, g_factor_tumour=0.0,
    ...     g_factor_brain=0.0, alpha_beta_brain_Gy=2.0, rbe_alpha=5.0, clonogens_per_lesion=(10.0,),
    ...     lesion_counts=(1,), td50_Gy=120.0, m=0.35, n=1.0)
    >>> mod.tcp(1.0)[0]  # no dose: ten surviving clonogens, TCP = exp(-10)
    4.5399929762484854e-05
    """

    metastasis_dose_Gy: DoseByClass
    brain_dose_Gy: DoseByClass
    z1_Gy: float
    z0_Gy: float
    alpha_tumour_per_Gy: float
    alpha_beta_tumour_Gy: float
    g_factor_tumour: float
    g_factor_brain: float
    alpha_beta_brain_Gy: float
    rbe_alpha: float
    clonogens_per_lesion: tuple[float, ...]
    lesion_counts: tuple[int, ...]
    td50_Gy: float
    m: float
    n: float

    def tumour_survival(self, scale: float) -> float:
        """Clonogen surviving fraction at ``scale`` × the administered activity."""
        import brainrit.radiobiology as rb

        d_a, d_e = self.metastasis_dose_Gy.alpha * scale, self.metastasis_dose_Gy.electron * scale
        s = rb.survival_mixed(
            d_a,
            d_e,
            z0_Gy=self.z0_Gy,
            alpha_per_Gy=self.alpha_tumour_per_Gy,
            alpha_beta_Gy=self.alpha_beta_tumour_Gy,
            z1_Gy=self.z1_Gy if self.z1_Gy > 0 else None,  # z̄₁ = 0: no α emitter, hence no α dose
            g_low_let=self.g_factor_tumour,
        )
        return float(s)

    def tcp(self, scale: float) -> tuple[float, tuple[float, ...]]:
        """TCP of all lesions and TCP of one lesion of each group at ``scale``."""
        import brainrit.radiobiology as rb

        s = self.tumour_survival(scale)
        per = []
        total = 1.0
        for n, count in zip(self.clonogens_per_lesion, self.lesion_counts, strict=True):
            t = float(rb.tcp_poisson(s, n))
            per.append(t)
            total *= t**count
        return total, tuple(per)

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


@dataclass(frozen=True, kw_only=True)
class RitOutcomesResult(StageResult):
    """RIT outcomes at the administered activity, their curves versus activity and the optimum.

    Attributes
    ----------
    injected_activity_MBq : float
        Total administered activity (all injections), MBq.
    tcp_all_lesions : float
        Probability that every lesion is controlled.
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
    optimum : brainrit.radiobiology.ActivityOptimum
        Activity maximising P+ under the NTCP limit.
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
    optimum: ActivityOptimum
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
    model = RitOutcomeModel(
        metastasis_dose_Gy=met,
        brain_dose_Gy=brain,
        z1_Gy=z1,
        z0_Gy=rbio.z0_Gy,
        alpha_tumour_per_Gy=rbio.alpha_tumour_per_Gy,
        alpha_beta_tumour_Gy=rbio.alpha_beta_tumour_Gy,
        g_factor_tumour=g_tumour,
        g_factor_brain=g_brain,
        alpha_beta_brain_Gy=rbio.alpha_beta_brain_Gy,
        rbe_alpha=rbio.rbe_alpha,
        clonogens_per_lesion=tuple(
            rbio.clonogen_density_per_cm3 * lesion_volume_cm3(les.diameter_mm) for les in sc.lesions
        ),
        lesion_counts=tuple(les.count for les in sc.lesions),
        td50_Gy=lkb["td50_Gy"],
        m=lkb["m"],
        n=lkb["n"],
    )

    tcp0, per_lesion = model.tcp(1.0)
    ntcp0 = model.ntcp(1.0)
    eqd2_brain = model.brain_eqd2_Gy(1.0)
    a0 = sc.injected_activity_MBq * sc.administration.injections
    lo, hi = sc.outputs.activity_scan_range
    scales = np.geomspace(lo, hi, sc.outputs.activity_scan_points)
    activities = a0 * scales
    tcp_curve = np.array([model.tcp(s)[0] for s in scales])
    ntcp_curve = np.array([model.ntcp(s) for s in scales])
    optimum = rb.activity_for_max_p_plus(
        activities,
        lambda a: model.tcp(a / a0)[0],
        lambda a: model.ntcp(a / a0),
        rbio.ntcp_limit,
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
            p,
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
    )
    return RitOutcomesResult(
        injected_activity_MBq=a0,
        tcp_all_lesions=tcp0,
        tcp_per_lesion={les.name: p for les, p in zip(sc.lesions, per_lesion, strict=True)},
        ntcp_brain_necrosis=ntcp0,
        brain_eqd2_Gy=eqd2_brain,
        hippocampus_d40_eqd2_Gy=eqd2_brain,
        hippocampus_gondi_threshold_eqd2_Gy=gondi,
        hippocampus_above_gondi_threshold=eqd2_brain > gondi,
        p_plus=tcp0 * (1 - ntcp0),
        g_factor_tumour=g_tumour,
        g_factor_brain=g_brain,
        alpha_let_keV_per_um=let,
        z1_Gy=z1,
        activity_scan_MBq=tuple(activities.tolist()),
        tcp_curve=tuple(tcp_curve.tolist()),
        ntcp_curve=tuple(ntcp_curve.tolist()),
        optimum=optimum,
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


def _g(rb, times_h, rate, repair_half_time_h) -> float:
    rate = np.asarray(rate, dtype=float)
    if not np.any(rate > 0):
        return 0.0
    return float(rb.g_factor(times_h, rate, repair_half_time_h))
