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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from brainrit.pipeline.core import Context, StageResult, Table, memory_field, stage_result, to_jsonable
from brainrit.pipeline.stage_dosimetry import DosimetryResult
from brainrit.pipeline.stage_ebrt import EbrtResult
from brainrit.pipeline.stage_kinetics import KineticsStageResult
from brainrit.pipeline.stage_rit_outcomes import RitOutcomesResult

if TYPE_CHECKING:
    from brainrit.disease import DiseaseCourse, RITDose, Treatments, VirtualPatients, WindowResult

__all__ = ["DiseaseSetup", "TherapeuticWindowResult", "disease_setup"]

N_TIMES = 41


@stage_result
class TherapeuticWindowResult(StageResult):
    """Outcome of RIT, WBRT and SRS versus the day they are given (Monte Carlo over virtual patients).

    Attributes
    ----------
    species : str
    growth : mapping
        Growth model: model, kind, doubling_time_d, n_max_cells (None if unbounded), vcam1_onset_cells,
        angiogenic_switch_cells, cell_density_per_cm3.
    seeding : mapping
        expected_lesions, start_d, end_d.
    horizon_d : float
        Day of the outcome.
    modalities_n50_cells, median_detection_day_from_seeding : mapping of str to float
        Per imaging modality: cells at 50 % sensitivity; median detection day from seeding.
    clonogen_fraction : float
        Clonogens per tumour cell.
    rit_dose_source : str
        ``"vascular micro-dosimetry"`` or ``"mean lesion dose"``.
    rit_vessel_alpha_fraction : float
        Share of the metastasis α energy released by activity on its vessels.
    rit_cell_survival : mapping of str to float
        Mean cell survival after RIT: perivascular, spheroid, vcam1_negative.
    rit_mean_alpha_dose_Gy, rit_unhit_fraction : mapping of str to float
        Mean nucleus α dose (Gy) and probability of no α hit, per lesion state.
    wbrt_regimen : mapping
        name, dose_Gy, n_fractions.
    wbrt_ntcp : float
        Brain-necrosis NTCP of the WBRT regimen.
    wbrt_ntcp_source : str
    rit_cycles, rit_interval_d : int, float
        RIT administrations and the days between them.
    cognition_source : str
        Where the cognition probabilities of WBRT and RIT come from.
        Where that NTCP comes from.
    window : brainrit.disease.WindowResult
        The curves per policy; in results.json as its ``as_dict()`` under ``window``.
    rit_dose : brainrit.disease.RITDose
        Per-state RIT survival (in memory only).
    course, treatments, patients
        The disease course, the treatments and the virtual patients (in memory only).

    Examples
    --------
    >>> TherapeuticWindowResult.key
    'window'
    """

    key: ClassVar[str] = "window"
    title: ClassVar[str] = "Therapeutic window"

    species: str
    growth: Mapping[str, Any]
    seeding: Mapping[str, float]
    horizon_d: float
    modalities_n50_cells: Mapping[str, float]
    median_detection_day_from_seeding: Mapping[str, float]
    clonogen_fraction: float
    rit_dose_source: str
    rit_vessel_alpha_fraction: float
    rit_cell_survival: Mapping[str, float]
    rit_mean_alpha_dose_Gy: Mapping[str, float]
    rit_unhit_fraction: Mapping[str, float]
    wbrt_regimen: Mapping[str, Any]
    wbrt_ntcp: float
    wbrt_ntcp_source: str
    rit_cycles: int
    rit_interval_d: float
    cognition_source: str
    window: WindowResult = memory_field()
    rit_dose: RITDose = memory_field()
    course: DiseaseCourse = memory_field()
    treatments: Treatments = memory_field()
    patients: VirtualPatients = memory_field()

    @classmethod
    def data_keys(cls) -> tuple[str, ...]:
        """The fields in results.json, and ``window``."""
        return (*super().data_keys(), "window")

    def to_json(self) -> dict[str, Any]:
        """results.json data, with the window curves (``WindowResult.as_dict()``) under ``window``."""
        out = {k: to_jsonable(getattr(self, k)) for k in super().data_keys()}
        out["window"] = to_jsonable(self.window.as_dict())
        return out


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


def vessel_alpha_fraction(kin: KineticsStageResult, dos: DosimetryResult) -> float:
    """Share of the metastasis α energy released by activity on its vessels (antigen-bound + blood pools of
    the kinetics), the rest being interstitial, cell-associated or released daughters.

    1 when the kinetic model has no compartments or the metastasis receives no α energy (all of the α
    dose, if any, is then attributed to the vessels, as before compartments existed)."""
    tia = kin.solution.compartment_tia_Bq_s
    energy = dos.energy_per_decay_MeV
    if not tia:
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


@dataclass(frozen=True)
class DiseaseSetup:
    """What the window (and the comparison's burden endpoint) needs: per-cycle RIT cell survival, WBRT and
    SRS models, the disease course, the treatments with RIT cycles and cognition, and the virtual
    patients (drawn from the scenario seed's window stream).

    Examples
    --------
    >>> from brainrit.pipeline.runner import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide", "kinetics",
    ...                  "dosimetry", "rit_outcomes", "window"])
    >>> r.stages["window"].treatments.rit_cycles
    1
    """

    rit: RITDose
    wbrt_name: str
    wbrt_dose_Gy: float
    wbrt_fractions: int
    wbrt_ntcp_source: str
    cognition_source: str
    vessel_fraction: float
    course: DiseaseCourse
    treatments: Treatments
    patients: VirtualPatients


def disease_setup(ctx: Context) -> DiseaseSetup:
    """Build the RIT survival (one cycle), WBRT/SRS models, course, treatments and patients of ``ctx``.

    RIT per cycle: the course's mean doses divided by the number of injections (exact for linear kinetics;
    for saturable binding the cycles differ and this is their mean). The perivascular cuff receives the
    antigen-bound decays per µm of vessel of one cycle plus the healthy-brain α dose
    (:mod:`brainrit.dosimetry.perivascular`). Cognition: the external-beam stage's "P cognitive (V55)" of
    the WBRT arm and the same Okoukoni V55 model for RIT (V55 = 100 % if the hippocampal EQD2 ≥ 55 Gy);
    0 when the external-beam stage did not run (said in the notes).

    Examples
    --------
    >>> from brainrit.pipeline.core import Context
    >>> from brainrit.pipeline.runner import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> sc = builtin_scenario("mouse-vcam1-pb212")
    >>> r = run_scenario(sc, stages=["radionuclide", "kinetics", "dosimetry", "rit_outcomes"])
    >>> ctx = Context(sc, r.seed, results=dict(r.stages))
    >>> disease_setup(ctx).course.horizon_d
    40.0
    """
    kin = ctx.require(KineticsStageResult)
    dos = ctx.require(DosimetryResult)
    rit_out = ctx.require(RitOutcomesResult)
    import brainrit.disease as dz
    from brainrit.dosimetry.perivascular import vessel_decays_per_um

    sc = ctx.scenario
    rb = sc.radiobiology
    mg = sc.microgeometry
    species = sc.study.species
    n_cyc = kin.injections
    met = dos.dose_Gy["metastasis"]
    brain = dos.dose_Gy["brain"]
    z1 = float(rit_out.z1_Gy)
    g_t = float(rit_out.g_factor_tumour)
    ntcp_rit = float(rit_out.ntcp_brain_necrosis)
    om = rb.outcome_models
    cal = om.models()
    alpha, ab = cal.tcp.alpha_mean_per_Gy, cal.tcp.alpha_beta_Gy  # calibrated mean α (no spread here)
    common = dict(
        z1_Gy=z1, z0_Gy=rb.z0_Gy, alpha_per_Gy=alpha, alpha_beta_Gy=ab, ntcp=ntcp_rit, g_factor=g_t,
    )  # fmt: skip
    f_vessel = vessel_alpha_fraction(kin, dos)
    bound = vessel_decays_per_um(kin.solution, "metastasis", "bound", mg.intercapillary_distance_um)
    rit = dz.rit_dose_from_vascular(
        sc.radiopharmaceutical.nuclide, met.alpha / n_cyc, met.electron / n_cyc, brain.alpha / n_cyc,
        brain.electron / n_cyc,
        lumen_radius_um=mg.capillary_lumen_radius_um, wall_thickness_um=mg.endothelium_thickness_um,
        nucleus_radius_um=mg.nucleus_radius_um, cuff_thickness_um=mg.cuff_thickness_um,
        intercapillary_distance_um=mg.intercapillary_distance_um, material=mg.material,
        vessel_fraction=f_vessel, cuff_decays_per_um={m: v / n_cyc for m, v in bound.items()}, **common,
    )  # fmt: skip
    wbrt_D, wbrt_n, wbrt_name = _wbrt_regimen(sc)
    wbrt = dz.wbrt_outcome(
        wbrt_D, wbrt_n, alpha_per_Gy=alpha, alpha_beta_Gy=ab,
        alpha_beta_brain_Gy=rb.alpha_beta_brain_Gy,
    )  # fmt: skip
    wbrt_ntcp_source = "LKB on a uniform whole-brain EQD2"
    ebrt = ctx.get(EbrtResult)  # None: the uniform-dose LKB value above is used, and said so
    arm_out = ebrt.outcomes.get(wbrt_name) if ebrt is not None else None  # None: default regimen
    ntcp_arm = arm_out.get("NTCP necrosis") if arm_out is not None else None
    if isinstance(ntcp_arm, float):
        wbrt = replace(wbrt, ntcp=ntcp_arm)
        wbrt_ntcp_source = f"external-beam stage, arm {wbrt_name!r} (phantom dose distribution)"
    cog_arm = arm_out.get("P cognitive") if arm_out is not None else None
    if cog_arm is not None and math.isfinite(float(cog_arm)):
        wbrt_cog = float(cog_arm)
        rit_cog = float(rit_out.p_cognitive)
        cognition_source = (
            f"calibrated cognition model: WBRT from the external-beam stage (arm {wbrt_name!r}), RIT from "
            f"the RIT-outcome stage (hippocampal EQD2 {float(rit_out.hippocampus_d40_eqd2_Gy):.3g} Gy)"
        )
    else:
        wbrt_cog, rit_cog = 0.0, float(rit_out.p_cognitive)
        cognition_source = (
            "RIT from the RIT-outcome stage; WBRT not modelled (the external-beam stage did not run): 0"
        )
    srs = dz.SRSModel(alpha, ab, _gradient_index(sc))
    n_lesions = sum(les.count for les in sc.lesions) or None
    ds = sc.disease
    preset = "MDA-231-Br" if species == "mouse" else ds.primary
    doubling = {"doubling_time_d": ds.doubling_time_d} if ds.doubling_time_d is not None else {}
    # the one clonogen model: cell density of [radiobiology.outcome_models] (cells ↔ size)
    growth = dz.growth_preset(preset, cell_density_per_cm3=om.cell_density_per_cm3, **doubling)
    course = dz.default_course(
        species,
        primary=ds.primary,
        expected_lesions=ds.expected_lesions if ds.expected_lesions is not None else n_lesions,
        growth=growth,
        horizon_d=ds.horizon_d,
        growth_cv=ds.growth_cv,
    )
    clonogen_fraction = om.clonogenic_fraction
    tr = dz.Treatments(
        rit, wbrt, srs, clonogen_fraction, rit_cycles=n_cyc, rit_interval_d=kin.interval_h / 24.0,
        wbrt_cognition=wbrt_cog, rit_cognition=rit_cog,
    )  # fmt: skip
    seq = np.random.SeedSequence([ctx.seed, 10])  # stage-specific stream of the scenario seed
    patients = dz.sample_patients(course, ds.n_patients, seq)
    return DiseaseSetup(
        rit, wbrt_name, wbrt_D, wbrt_n, wbrt_ntcp_source, cognition_source, f_vessel, course, tr, patients
    )


def run(ctx: Context) -> TherapeuticWindowResult:
    """Therapeutic-window curves of every policy from the upstream doses and the disease course."""
    import brainrit.disease as dz
    from brainrit.radiobiology import probability

    sc = ctx.scenario
    species = sc.study.species
    ds = sc.disease
    setup = disease_setup(ctx)
    rit, tr, course, patients = setup.rit, setup.treatments, setup.course, setup.patients
    wbrt, f_vessel = tr.wbrt, setup.vessel_fraction
    wbrt_D, wbrt_n, wbrt_name = setup.wbrt_dose_Gy, setup.wbrt_fractions, setup.wbrt_name
    wbrt_ntcp_source = setup.wbrt_ntcp_source
    notes: list[str] = []
    times = np.linspace(course.seeding.start_d, course.horizon_d, N_TIMES)
    w = dz.therapeutic_window(course, tr, times, patients=patients)

    rows = []
    for p in w.policies:
        t_best, pp = w.best_time(p)
        i = int(np.argmax(w.p_plus[p]))
        at_best = (w.p_all_controlled[p][i], w.expected_failures[p][i], w.ntcp[p][i])
        p_all, failing, ntcp_p = (float(x) for x in at_best)
        rows.append((p, t_best, probability(p_all), failing, probability(ntcp_p), probability(pp)))
    det = {k: float(dz.detection_time_d(course.growth, m.n50_cells)) for k, m in course.modalities.items()}
    growth_summary = {
        "model": course.growth.name,
        "kind": course.growth.kind,
        "doubling_time_d": course.growth.doubling_time_d,
        "n_max_cells": course.growth.n_max_cells if math.isfinite(course.growth.n_max_cells) else None,
        "vcam1_onset_cells": course.growth.vcam1_onset_cells,
        "angiogenic_switch_cells": course.growth.angiogenic_switch_cells,
        "cell_density_per_cm3": course.growth.cell_density_per_cm3,
    }
    notes += [
        f"RIT doses per lesion from {rit.source}: mean nucleus α dose "
        + ", ".join(f"{k} {v:.3g} Gy" for k, v in rit.mean_alpha_dose_Gy.items())
        + "; cells with no α hit expected: "
        + ", ".join(f"{k} {v:.2g}" for k, v in rit.unhit_fraction.items())
        + f". Spheroid: {100 * f_vessel:.3g} % of the metastasis α energy comes from activity on its "
        "vessels (distributed by the vessel lattice), the rest is added uniformly. Perivascular cuff: its "
        "capillary's antigen-bound decays plus the healthy-brain α dose (the Monte Carlo's decays).",
        f"RIT in {tr.rit_cycles} cycle(s)"
        + (f" {tr.rit_interval_d:.3g} days apart" if tr.rit_cycles > 1 else "")
        + "; 'RIT at VCAM-1 detection' starts the course when VCAM-1 MRI first sees a lesion of the "
        f"patient. VCAM-1 MRI sees a patient's first lesion a median {w.lead_time_d['median']:.3g} days "
        "before contrast MRI.",
        f"Cognition: {setup.cognition_source}.",
        f"{ds.n_patients} virtual patients (seed {ctx.seed}), {course.seeding.expected_count:g} lesions "
        f"expected per patient, seeded on days {course.seeding.start_d:g}–{course.seeding.end_d:g}; "
        f"outcome at day {course.horizon_d:.4g}. Lesions seeded after a treatment count as uncontrolled.",
        "Growth, seeding and detection thresholds: scenario [disease] section, else brainrit.disease "
        "defaults for the species (sources in its docstrings).",
        f"WBRT {wbrt_D:g} Gy/{wbrt_n} fx: brain-necrosis NTCP {probability(wbrt.ntcp):.3g} "
        f"from {wbrt_ntcp_source}; "
        "SRS: RTOG 90-05 dose by diameter, HyTEC V12 risk.",
        "Median detection from seeding: "
        + ", ".join(f"{k} day {v:.3g}" if v < 100 else f"{k} day {v:,.0f}" for k, v in det.items())
        + ".",
    ]
    return TherapeuticWindowResult(
        species=species,
        growth=growth_summary,
        seeding={
            "expected_lesions": course.seeding.expected_count,
            "start_d": course.seeding.start_d,
            "end_d": course.seeding.end_d,
        },
        horizon_d=course.horizon_d,
        modalities_n50_cells={k: m.n50_cells for k, m in course.modalities.items()},
        median_detection_day_from_seeding=det,
        clonogen_fraction=tr.clonogen_fraction,
        rit_dose_source=rit.source,
        rit_vessel_alpha_fraction=f_vessel,
        rit_cell_survival={
            "perivascular": rit.survival_perivascular,
            "spheroid": rit.survival_spheroid,
            "vcam1_negative": rit.survival_vcam1_negative,
        },
        rit_mean_alpha_dose_Gy=rit.mean_alpha_dose_Gy,
        rit_unhit_fraction=rit.unhit_fraction,
        wbrt_regimen={"name": wbrt_name, "dose_Gy": wbrt_D, "n_fractions": wbrt_n},
        wbrt_ntcp=wbrt.ntcp,
        wbrt_ntcp_source=wbrt_ntcp_source,
        rit_cycles=tr.rit_cycles,
        rit_interval_d=tr.rit_interval_d,
        cognition_source=setup.cognition_source,
        window=w,
        rit_dose=rit,
        course=course,
        treatments=tr,
        patients=patients,
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
        notes=tuple(notes),
    )
