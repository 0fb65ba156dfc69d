"""Stage 5 — RIT outcomes: TCP per lesion, brain-necrosis NTCP, hippocampal risk, P+, activity optimum.

Model (stated in the report):

* Tumour cells: survival ``S = S_α · S_low``. The α part is microdosimetric (compound Poisson over
  hits, ``brainrit.radiobiology.survival_alpha_microdosimetric``) with the mean single-event specific
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

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "rit_outcomes", "RIT outcomes"


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


def run(ctx: Context) -> StageResult:
    dos = ctx.get("dosimetry")
    if dos is None:
        return not_available(KEY, TITLE, "needs the dosimetry stage, which did not run")
    import brainrit.radiobiology as rb

    sc = ctx.scenario
    rbio = sc.radiobiology
    met = dos.objects["dose_Gy"]["metastasis"]
    brain = dos.objects["dose_Gy"]["brain"]
    times = dos.objects["times_h"]
    rates = dos.objects["dose_rate_Gy_per_h"]
    g_tumour = _g(rb, times, rates["metastasis"]["electron"], rbio.repair_half_time_tumour_h)
    g_brain = _g(rb, times, rates["brain"]["electron"], rbio.repair_half_time_brain_h)
    let = alpha_let_keV_per_um(sc.radiopharmaceutical.nuclide)
    z1 = (
        float(rb.single_event_specific_energy_Gy(let, 2 * sc.microgeometry.nucleus_radius_um))
        if let > 0
        else 0.0
    )
    lkb = rb.parameters("brain_necrosis_lkb")
    gondi = rb.parameters("hippocampus_gondi_d40")["threshold_eqd2_Gy"]
    beta_t = rbio.alpha_tumour_per_Gy / rbio.alpha_beta_tumour_Gy

    def tumour_survival(scale: float) -> float:
        d_a, d_e = met["alpha"] * scale, met["electron"] * scale
        s_a = float(rb.survival_alpha_microdosimetric(d_a, z1, rbio.z0_Gy)) if d_a > 0 and z1 > 0 else 1.0
        s_low = math.exp(-rbio.alpha_tumour_per_Gy * d_e - beta_t * g_tumour * d_e**2)
        return s_a * s_low

    def tcp_all(scale: float) -> tuple[float, list[float]]:
        s = tumour_survival(scale)
        per = []
        total = 1.0
        for les in sc.lesions:
            n = rbio.clonogen_density_per_cm3 * lesion_volume_cm3(les.diameter_mm)
            t = float(rb.tcp_poisson(s, n))
            per.append(t)
            total *= t**les.count
        return total, per

    def brain_eqd2(scale: float) -> float:
        return float(
            rb.eqd2_mixed(
                brain["alpha"] * scale,
                brain["electron"] * scale,
                rbio.alpha_beta_brain_Gy,
                rbe_alpha=rbio.rbe_alpha,
                g_low_let=g_brain,
            )
        )

    def ntcp(scale: float) -> float:
        return float(rb.ntcp_lkb([brain_eqd2(scale)], [1.0], lkb["td50_Gy"], lkb["m"], lkb["n"]))

    tcp0, per_lesion = tcp_all(1.0)
    ntcp0 = ntcp(1.0)
    eqd2_brain = brain_eqd2(1.0)
    a0 = sc.injected_activity_MBq * sc.administration.injections
    lo, hi = sc.outputs.activity_scan_range
    scales = np.geomspace(lo, hi, sc.outputs.activity_scan_points)
    activities = a0 * scales
    tcp_curve = np.array([tcp_all(s)[0] for s in scales])
    ntcp_curve = np.array([ntcp(s) for s in scales])
    optimum = rb.activity_for_max_p_plus(
        activities,
        lambda a: tcp_all(a / a0)[0],
        lambda a: ntcp(a / a0),
        rbio.ntcp_limit,
    )
    lesion_rows = tuple(
        (
            les.name,
            les.diameter_mm,
            les.count,
            "yes" if les.visible else "no",
            met["alpha"],
            met["electron"],
            rbio.clonogen_density_per_cm3 * lesion_volume_cm3(les.diameter_mm),
            p,
        )
        for les, p in zip(sc.lesions, per_lesion, strict=True)
    )
    data = {
        "injected_activity_MBq": a0,
        "tcp_all_lesions": tcp0,
        "tcp_per_lesion": {les.name: p for les, p in zip(sc.lesions, per_lesion, strict=True)},
        "ntcp_brain_necrosis": ntcp0,
        "brain_eqd2_Gy": eqd2_brain,
        "hippocampus_d40_eqd2_Gy": eqd2_brain,
        "hippocampus_gondi_threshold_eqd2_Gy": gondi,
        "hippocampus_above_gondi_threshold": eqd2_brain > gondi,
        "p_plus": tcp0 * (1 - ntcp0),
        "g_factor_tumour": g_tumour,
        "g_factor_brain": g_brain,
        "alpha_let_keV_per_um": let,
        "z1_Gy": z1,
        "activity_scan_MBq": activities.tolist(),
        "tcp_curve": tcp_curve.tolist(),
        "ntcp_curve": ntcp_curve.tolist(),
        "optimum": {
            "activity_MBq": optimum.activity_MBq,
            "p_plus": optimum.p_plus,
            "tcp": optimum.tcp,
            "ntcp": optimum.ntcp,
            "ntcp_limit": optimum.ntcp_limit,
            "limited_by_ntcp": optimum.limited_by_ntcp,
        },
    }
    notes = (
        f"Tumour G factor {g_tumour:.3g}, brain G factor {g_brain:.3g} "
        "(numerical, from the dose-rate history).",
        f"α LET at emission {let:.1f} keV/µm → z̄₁ = {z1:.3f} Gy "
        f"for a {2 * sc.microgeometry.nucleus_radius_um:g} µm nucleus.",
        "Hippocampal dose = healthy-brain dose (RIT irradiates the brain uniformly at organ scale).",
        "Mean lesion dose assumes every lesion takes up the metastasis concentration of the kinetics model.",
    )
    return StageResult(
        KEY,
        TITLE,
        data=data,
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
        figures=(_curve_figure(activities, tcp_curve, ntcp_curve, a0, optimum, rbio.ntcp_limit),)
        if ctx.figures
        else (),
        notes=notes,
        objects={"tcp_all": tcp_all, "ntcp": ntcp},
    )


def _g(rb, times_h, rate, repair_half_time_h) -> float:
    rate = np.asarray(rate, dtype=float)
    if not np.any(rate > 0):
        return 0.0
    return float(rb.g_factor(times_h, rate, repair_half_time_h))


def _curve_figure(activities, tcp, ntcp, a0, optimum, limit) -> Figure:
    fig, ax = new_figure()
    ax.semilogx(activities, tcp, label="TCP (all lesions)", color="#1f77b4")
    ax.semilogx(activities, ntcp, label="NTCP brain necrosis", color="#d62728")
    ax.semilogx(activities, tcp * (1 - ntcp), label="P+", color="#2ca02c", linestyle="--")
    ax.axvline(a0, color="0.5", linestyle=":", label="administered")
    ax.axhline(limit, color="#d62728", linestyle=":", linewidth=0.8)
    if math.isfinite(optimum.activity_MBq):
        ax.plot([optimum.activity_MBq], [optimum.p_plus], "o", color="#2ca02c", label="optimum")
    ax.set_xlabel("injected activity (MBq)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return Figure(
        "rit_curves",
        "RIT: control and complication versus injected activity",
        to_png(fig),
        "TCP of all lesions, brain-necrosis NTCP (LKB) and P+ = TCP·(1 − NTCP); dotted line: NTCP limit.",
    )
