"""Stage 8 — Therapeutic window: outcome of RIT, WBRT and SRS versus the time they are given.

Model (:mod:`brainrit.disease`, stated in the report): lesions seeded by a Poisson process grow from one
cell (mouse MDA-231-Br: Gompertz; human: exponential with the Kobets 2020 doubling time of the primary),
first as a perivascular cuff, then as an angiogenic spheroid; VCAM-1 is expressed from a few cells on.
Imaging modalities see a lesion with a logistic sensitivity in its cell number. RIT treats every
VCAM-1-positive lesion present at the injection with the cell survival from the perivascular
micro-dosimetry (:func:`brainrit.disease.rit_dose_from_vascular`; mean lesion dose if that is not
available), scaled to the dosimetry stage's mean metastasis α dose; WBRT and SRS use LQ and the scenario's
regimens. Outputs are Monte Carlo averages over virtual patients seeded from the scenario seed.

Scenario inputs: the ``[disease]`` section (primary, doubling time, growth spread, expected lesions,
horizon, number of virtual patients; unset values take the species defaults of :mod:`brainrit.disease`),
the total lesion count (default expected lesions per patient), radiobiology
parameters, micro-geometry, the first WBRT-type arm (regimen; default 30 Gy/10 fx) and the first SRS arm's
gradient index (default 3).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "window", "Therapeutic window"
N_TIMES = 41
_COLOURS = {
    "RIT": "#2ca02c",
    "WBRT": "#d62728",
    "WBRT at detection": "#ff7f0e",
    "SRS": "#1f77b4",
    "SRS+RIT": "#9467bd",
}


def _wbrt_regimen(sc) -> tuple[float, int, str]:
    for arm in sc.arms:
        if arm.type in ("wbrt", "ha-wbrt"):
            return arm.dose_Gy, arm.n_fractions, arm.name
        if arm.type == "wbrt+srs":
            return arm.wbrt_dose_Gy, arm.wbrt_fractions, arm.name
    return 30.0, 10, "default WBRT 30 Gy/10 fx"


def _gradient_index(sc) -> float:
    for arm in sc.arms:
        if arm.type in ("srs", "wbrt+srs", "fsrs"):
            return arm.gradient_index
    return 3.0


def vessel_alpha_fraction(ctx: Context) -> float:
    """Share of the metastasis α energy released by activity on its vessels (antigen-bound + blood pools of
    the kinetics), the rest being interstitial, cell-associated or released daughters (1 if unknown)."""
    kin, dos = ctx.get("kinetics"), ctx.get("dosimetry")
    if kin is None or dos is None:
        return 1.0
    tia = getattr(kin.objects["result"], "compartment_tia_Bq_s", None)
    energy = dos.data.get("energy_per_decay_MeV", {})
    if not tia or not energy:
        return 1.0
    on_vessel = total = 0.0
    for (region, pool, member), n in tia.items():
        if region != "metastasis" or member not in energy:
            continue
        e = n * energy[member]["alpha"]
        total += e
        if pool in ("bound", "blood"):
            on_vessel += e
    return on_vessel / total if total > 0 else 1.0


def run(ctx: Context) -> StageResult:
    dos = ctx.get("dosimetry")
    rit_out = ctx.get("rit_outcomes")
    if dos is None or rit_out is None:
        return not_available(KEY, TITLE, "needs the dosimetry and RIT-outcome stages, which did not run")
    import brainrit.disease as dz

    sc = ctx.scenario
    rb = sc.radiobiology
    mg = sc.microgeometry
    species = sc.study.species
    met = dos.objects["dose_Gy"]["metastasis"]
    brain = dos.objects["dose_Gy"]["brain"]
    z1 = float(rit_out.data.get("z1_Gy", 0.0))
    g_t = float(rit_out.data.get("g_factor_tumour", 0.0))
    ntcp_rit = float(rit_out.data["ntcp_brain_necrosis"])
    common = dict(
        z1_Gy=z1, z0_Gy=rb.z0_Gy, alpha_per_Gy=rb.alpha_tumour_per_Gy, alpha_beta_Gy=rb.alpha_beta_tumour_Gy,
        ntcp=ntcp_rit, g_factor=g_t,
    )  # fmt: skip
    notes: list[str] = []
    f_vessel = vessel_alpha_fraction(ctx)
    try:
        rit = dz.rit_dose_from_vascular(
            sc.radiopharmaceutical.nuclide, met["alpha"], met["electron"], brain["alpha"], brain["electron"],
            lumen_radius_um=mg.capillary_lumen_radius_um, wall_thickness_um=mg.endothelium_thickness_um,
            nucleus_radius_um=mg.nucleus_radius_um, cuff_thickness_um=mg.cuff_thickness_um,
            intercapillary_distance_um=mg.intercapillary_distance_um, material=mg.material,
            vessel_fraction=f_vessel, **common,
        )  # fmt: skip
    except ImportError as exc:  # the micro-dosimetry module is missing in this installation
        rit = dz.rit_dose_uniform(met["alpha"], met["electron"], brain["alpha"], brain["electron"], **common)
        notes.append(f"Perivascular micro-dosimetry unavailable ({exc}); all cells get the mean lesion dose.")
    wbrt_D, wbrt_n, wbrt_name = _wbrt_regimen(sc)
    wbrt = dz.wbrt_outcome(
        wbrt_D, wbrt_n, alpha_per_Gy=rb.alpha_tumour_per_Gy, alpha_beta_Gy=rb.alpha_beta_tumour_Gy,
        alpha_beta_brain_Gy=rb.alpha_beta_brain_Gy,
    )  # fmt: skip
    wbrt_ntcp_source = "LKB on a uniform whole-brain EQD2"
    ebrt = ctx.get("ebrt")
    arm_out = (ebrt.data.get("outcomes", {}) if ebrt is not None else {}).get(wbrt_name, {})
    if isinstance(arm_out, dict) and isinstance(arm_out.get("NTCP necrosis"), float):
        wbrt = replace(wbrt, ntcp=arm_out["NTCP necrosis"])
        wbrt_ntcp_source = f"external-beam stage, arm {wbrt_name!r} (phantom dose distribution)"
    srs = dz.SRSModel(rb.alpha_tumour_per_Gy, rb.alpha_beta_tumour_Gy, _gradient_index(sc))
    n_lesions = sum(les.count for les in sc.lesions) or None
    ds = sc.disease
    growth = None
    if ds.doubling_time_d is not None:
        preset = "MDA-231-Br" if species == "mouse" else ds.primary
        growth = dz.growth_preset(preset, doubling_time_d=ds.doubling_time_d)
    course = dz.default_course(
        species,
        primary=ds.primary,
        expected_lesions=ds.expected_lesions if ds.expected_lesions is not None else n_lesions,
        growth=growth,
        horizon_d=ds.horizon_d,
        growth_cv=ds.growth_cv,
    )
    clonogen_fraction = min(1.0, rb.clonogen_density_per_cm3 / course.growth.cell_density_per_cm3)
    tr = dz.Treatments(rit, wbrt, srs, clonogen_fraction)
    times = np.linspace(course.seeding.start_d, course.horizon_d, N_TIMES)
    seq = np.random.SeedSequence([ctx.seed, 10])  # stage-specific stream of the scenario seed
    patients = dz.sample_patients(course, ds.n_patients, seq)
    w = dz.therapeutic_window(course, tr, times, patients=patients)

    rows = []
    for p in w.policies:
        t_best, pp = w.best_time(p)
        i = int(np.argmax(w.p_plus[p]))
        at_best = (w.p_all_controlled[p][i], w.expected_failures[p][i], w.ntcp[p][i])
        rows.append((p, t_best, *(float(x) for x in at_best), pp))
    det = {k: float(dz.detection_time_d(course.growth, m.n50_cells)) for k, m in course.modalities.items()}
    data = {
        "species": species,
        "growth": {
            "model": course.growth.name,
            "kind": course.growth.kind,
            "doubling_time_d": course.growth.doubling_time_d,
            "n_max_cells": course.growth.n_max_cells if math.isfinite(course.growth.n_max_cells) else None,
            "vcam1_onset_cells": course.growth.vcam1_onset_cells,
            "angiogenic_switch_cells": course.growth.angiogenic_switch_cells,
            "cell_density_per_cm3": course.growth.cell_density_per_cm3,
        },
        "seeding": {
            "expected_lesions": course.seeding.expected_count,
            "start_d": course.seeding.start_d,
            "end_d": course.seeding.end_d,
        },
        "horizon_d": course.horizon_d,
        "modalities_n50_cells": {k: m.n50_cells for k, m in course.modalities.items()},
        "median_detection_day_from_seeding": det,
        "clonogen_fraction": clonogen_fraction,
        "rit_dose_source": rit.source,
        "rit_vessel_alpha_fraction": f_vessel,
        "rit_cell_survival": {
            "perivascular": rit.survival_perivascular,
            "spheroid": rit.survival_spheroid,
            "vcam1_negative": rit.survival_vcam1_negative,
        },
        "rit_mean_alpha_dose_Gy": rit.mean_alpha_dose_Gy,
        "rit_unhit_fraction": rit.unhit_fraction,
        "wbrt_regimen": {"name": wbrt_name, "dose_Gy": wbrt_D, "n_fractions": wbrt_n},
        "wbrt_ntcp": wbrt.ntcp,
        "wbrt_ntcp_source": wbrt_ntcp_source,
        "window": w.as_dict(),
    }
    notes += [
        f"RIT doses per lesion from {rit.source}: mean nucleus α dose "
        + ", ".join(f"{k} {v:.3g} Gy" for k, v in rit.mean_alpha_dose_Gy.items())
        + "; cells with no α hit expected: "
        + ", ".join(f"{k} {v:.2g}" for k, v in rit.unhit_fraction.items())
        + f". {100 * f_vessel:.3g} % of the metastasis α energy comes from activity on its vessels "
        "(distributed by the vessel geometry), the rest is added uniformly.",
        f"{ds.n_patients} virtual patients (seed {ctx.seed}), {course.seeding.expected_count:g} lesions "
        f"expected per patient, seeded on days {course.seeding.start_d:g}–{course.seeding.end_d:g}; "
        f"outcome at day {course.horizon_d:.4g}. Lesions seeded after a treatment count as uncontrolled.",
        "Growth, seeding and detection thresholds: scenario [disease] section, else brainrit.disease "
        "defaults for the species (sources in its docstrings).",
        f"WBRT {wbrt_D:g} Gy/{wbrt_n} fx: brain-necrosis NTCP {wbrt.ntcp:.3g} from {wbrt_ntcp_source}; "
        "SRS: RTOG 90-05 dose by diameter, HyTEC V12 risk.",
        "Median detection from seeding: " + ", ".join(f"{k} day {v:.3g}" for k, v in det.items()) + ".",
    ]
    figures = (_window_figure(w), _timeline_figure(course, patients)) if ctx.figures else ()
    return StageResult(
        KEY,
        TITLE,
        data=data,
        tables=(
            Table(
                "window_best",
                "Best treatment time per policy (maximum P+)",
                ("policy", "day", "P(all lesions controlled)", "expected failing lesions", "NTCP", "P+"),
                tuple(rows),
                "Maximum over the treatment days of P+ = P(all controlled) × (1 − NTCP); days from the "
                "start of seeding.",
            ),
        ),
        figures=figures,
        notes=tuple(notes),
        objects={"window": w, "course": course, "treatments": tr, "patients": patients},
    )


def _window_figure(w) -> Figure:
    fig, axes = new_figure(2, height_in=3.8)
    t = w.treatment_times_d
    for p in w.policies:
        c = _COLOURS.get(p, None)
        # combined policies drawn wide and pale underneath, so that coinciding curves stay visible
        wide = {"linewidth": 4.0, "alpha": 0.4} if "+" in p else {"linewidth": 1.4}
        axes[0].plot(t, w.p_all_controlled[p], color=c, label=p, **wide)
        axes[0].plot(t, w.p_plus[p], color=c, linestyle="--", linewidth=0.9)
        axes[1].plot(t, w.expected_failures[p], color=c, label=p, **wide)
    axes[0].set_xlabel("treatment day (from start of seeding)")
    axes[0].set_ylabel("probability")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].set_title("P(all controlled) — solid; P+ — dashed", fontsize=9)
    axes[1].set_xlabel("treatment day")
    axes[1].set_ylabel("expected failing lesions")
    for ax in axes:
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=7)
    return Figure(
        "window_curve",
        "Therapeutic window: outcome versus treatment time",
        to_png(fig),
        f"Monte Carlo over {w.n_patients} virtual patients ({w.mean_lesions:.3g} lesions each on average). "
        "WBRT at detection is given when contrast MRI first sees a lesion (independent of the x-axis).",
    )


def _timeline_figure(course, patients) -> Figure:
    import brainrit.disease as dz

    counts = patients.lesion_counts
    k = int(np.argmax(counts > 0)) if np.any(counts > 0) else 0
    one = patients.subset(k, k + 1)
    t = np.linspace(course.seeding.start_d, course.horizon_d, 300)
    st = dz.lesion_states(course, one, t)
    fig, ax = new_figure()
    for i in range(one.seed_time_d.size):
        n = np.where(st["seeded"][i], st["cells"][i], np.nan)
        ax.semilogy(t, n, color="0.4", linewidth=0.8)
        for name, colour in (("VCAM-1 MRI", "#2ca02c"), ("contrast MRI", "#d62728")):
            td = one.detection_time_d[name][i]
            if td <= course.horizon_d:
                ax.plot([td], [dz.cells_at(course.growth, td - one.seed_time_d[i], one.rate_multiplier[i])],
                        "o", color=colour, markersize=3)  # fmt: skip
    for name, m in course.modalities.items():
        ax.axhline(m.n50_cells, linestyle=":", linewidth=0.8, color="0.2")
        ax.text(t[0], m.n50_cells * 1.15, f"{name} N50", fontsize=7)
    ax.axhline(course.growth.vcam1_onset_cells, color="#2ca02c", linewidth=0.6)
    ax.axhline(course.growth.angiogenic_switch_cells, color="#9467bd", linewidth=0.6)
    ax.set_xlabel("day")
    ax.set_ylabel("cells per lesion")
    return Figure(
        "lesion_timeline",
        "Lesion timeline of one virtual patient",
        to_png(fig),
        "Cells per lesion; dots: detection by VCAM-1 MRI (green) and contrast MRI (red) with each lesion's "
        "own threshold; dotted: modality N50; green line: VCAM-1 onset; purple: angiogenic switch.",
    )
