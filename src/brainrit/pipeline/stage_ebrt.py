"""Stage 6 — external-beam arms on the species' brain phantom: dose grids, DVHs and outcomes.

The phantom (:mod:`brainrit.phantoms`: 1 mm human, 0.1 mm mouse) carries the scenario's lesions:
entries with a position are placed there; the others (``count`` copies) are scattered at random in the
brain with the run's seed. Each non-RIT arm of the scenario becomes a dose grid
(:func:`brainrit.ebrt.phantom_arms.custom_arm`) and its outcomes come from :mod:`brainrit.ebrt.outcomes`
with the calibrated outcome models of the scenario's ``[radiobiology.outcome_models]`` (population TCP,
clonogen model, hippocampal cognition), so that every arm, RIT included, is judged by one model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from brainrit.cache import memoize
from brainrit.pipeline.core import Context, StageNotRun, StageResult, Table, memory_field, stage_result
from brainrit.pipeline.stage_images import PatientImagesResult

if TYPE_CHECKING:
    from brainrit.ebrt.arms import Arm
    from brainrit.ebrt.outcomes import ComparisonTable
    from brainrit.phantoms import Phantom

__all__ = ["EbrtResult"]

SHOWN_METRICS = (
    "TCP visible",
    "TCP micrometastases",
    "TCP all lesions",
    "NTCP necrosis",
    "V12 normal brain",
    "brain mean dose",
    "hippocampi D40 EQD2",
    "P cognitive",
    "P+",
)
#: Metrics that are probabilities (printed with :func:`brainrit.radiobiology.format_probability`).
PROBABILITY_METRICS = frozenset(
    {"TCP", "TCP visible", "TCP micrometastases", "TCP all lesions", "NTCP necrosis", "NTCP necrosis LKB",
     "P cognitive", "P cognitive (V55)", "P+", "P+ incl. cognition"}
)  # fmt: skip


def build_phantom(ctx: Context):
    """The species' phantom with the scenario's lesions (positioned ones, then the scattered ones).

    The phantom depends only on the species, the lesion entries and ``study.seed``, so it is built once
    per worker for each of those (:mod:`brainrit.cache`) and shared, read-only, by the stages and samples.
    When the patient-images stage ran, the phantom is the patient's own structures.
    """
    patient = ctx.get(PatientImagesResult)
    if patient is not None:
        return patient.voxel_phantom
    sc = ctx.scenario
    lesions = tuple(
        (x.name, None if x.position_mm is None else tuple(x.position_mm), x.diameter_mm, x.count, x.visible)
        for x in sc.lesions
    )
    # The anatomy (where scattered lesions lie) is part of the patient the scenario describes, so it is
    # drawn from study.seed, not from a run's or a sweep sample's seed: a sweep of radiobiology or
    # activity then compares like with like on one patient (sweep study.seed for a population of anatomies).
    return _phantom(sc.study.species, lesions, int(sc.study.seed))


@memoize(maxsize=4)
def _phantom(species: str, lesions: tuple[tuple[Any, ...], ...], seed: int):
    from brainrit.phantoms import add_lesions, human_brain, metastasis, micrometastases, mouse_brain

    phantom = human_brain() if species == "human" else mouse_brain()
    placed = [
        metastasis(name, position, diameter, species=species, visible=visible)
        for name, position, diameter, count, visible in lesions
        if position is not None and count == 1
    ]
    phantom = add_lesions(phantom, placed)
    rng = np.random.default_rng(seed)
    for name, position, diameter, count, visible in lesions:
        if position is None or count > 1:
            group = micrometastases(phantom, count, diameter, seed=rng, prefix=f"{name} #", visible=visible)
            phantom = add_lesions(phantom, group)
    return phantom


def outcome_model(ctx: Context):
    """The ebrt outcome model: the scenario's calibrated models (``[radiobiology.outcome_models]``)."""
    from brainrit.ebrt.outcomes import default_outcome_model

    rb = ctx.scenario.radiobiology
    cal = rb.outcome_models.models()
    return default_outcome_model(
        "calibrated",
        alpha_per_Gy=cal.tcp.alpha_mean_per_Gy,
        alpha_sd_per_Gy=cal.tcp.alpha_sd_per_Gy,
        tumour_alpha_beta_Gy=cal.tcp.alpha_beta_Gy,
        clonogen_density_per_cm3=cal.tcp.clonogens.clonogen_density_per_cm3,
        brain_alpha_beta_Gy=rb.alpha_beta_brain_Gy,
        cognition_intercept=cal.cognition.intercepts["battery"],
        cognition_slope_per_Gy=cal.cognition.slope_per_Gy,
    )


def entry_lesion_tcp(lesion_tcp: Mapping[str, float], entries: Sequence[str]) -> dict[str, float]:
    """TCP of one lesion of each scenario lesion entry (the median over its copies on the phantom).

    Placed lesions carry the entry's name; scattered copies are named ``"<entry> #k"``.

    Examples
    --------
    >>> entry_lesion_tcp({"BM1": 0.9, "micro #1": 0.5, "micro #2": 0.7, "micro #3": 0.6}, ["BM1", "micro"])
    {'BM1': 0.9, 'micro': 0.6}
    """
    out = {}
    for e in entries:
        vals = [v for k, v in lesion_tcp.items() if k == e or k.startswith(f"{e} #")]
        if vals:
            out[e] = float(np.median(vals))
    return out


@stage_result
class EbrtResult(StageResult):
    """External-beam arms on the species' phantom: outcomes per arm.

    Attributes
    ----------
    phantom : mapping
        Phantom summary: species, shape, voxel_mm, volumes_cm3 (brain, hippocampi), lesions (name,
        diameter_mm, visible, centre_mm).
    outcomes : mapping of str to mapping
        Arm name → metric (see :data:`brainrit.ebrt.outcomes.METRICS`) → value (None where undefined).
    lesion_tcp : mapping of str to mapping
        Arm name → scenario lesion entry → TCP of one lesion of that entry.
    outcome_model : mapping
        Parameters of the outcome model.
    table : brainrit.ebrt.outcomes.ComparisonTable
        The comparison table (in memory only).
    voxel_phantom : brainrit.phantoms.Phantom
        The phantom with the scenario's lesions (in memory only).
    arms : tuple of brainrit.ebrt.arms.Arm
        Dose grids of the arms (in memory only).

    Examples
    --------
    >>> EbrtResult.key
    'ebrt'
    """

    key: ClassVar[str] = "ebrt"
    title: ClassVar[str] = "External-beam arms"

    phantom: Mapping[str, Any]
    outcomes: Mapping[str, Mapping[str, float | None]]
    lesion_tcp: Mapping[str, Mapping[str, float]]
    outcome_model: Mapping[str, Any]
    table: ComparisonTable = memory_field()
    voxel_phantom: Phantom = memory_field()
    arms: tuple[Arm, ...] = memory_field()


def run(ctx: Context) -> EbrtResult:
    """Dose grids, DVH metrics and outcomes of every non-RIT arm of the scenario on the phantom."""
    sc = ctx.scenario
    ebrt_arms = [a for a in sc.arms if a.type != "rit"]
    if not ebrt_arms:
        raise StageNotRun("the scenario has no external-beam arm")
    from brainrit.ebrt.outcomes import ComparisonTable, arm_outcomes
    from brainrit.ebrt.phantom_arms import custom_arm
    from brainrit.radiobiology import probability

    phantom = build_phantom(ctx)
    arms = []
    for a in ebrt_arms:
        kwargs: dict = {}
        if a.type in ("wbrt", "ha-wbrt", "fsrs"):
            kwargs = {"dose_Gy": a.dose_Gy, "n_fractions": a.n_fractions}
        elif a.type == "srs":
            kwargs = {"dose_Gy": a.dose_Gy}
        elif a.type == "wbrt+srs":
            kwargs = {
                "dose_Gy": a.wbrt_dose_Gy,
                "n_fractions": a.wbrt_fractions,
                "srs_dose_Gy": a.srs_dose_Gy,
            }
        if hasattr(a, "gradient_index"):
            kwargs["gradient_index"] = a.gradient_index
        arms.append(custom_arm(phantom, a.name, a.type, **kwargs))
    model = outcome_model(ctx)
    evaluated = [arm_outcomes(a, phantom.masks, phantom.lesions, model=model) for a in arms]
    table = ComparisonTable.from_outcomes(evaluated)
    metrics = {
        name: {k: probability(v) if k in PROBABILITY_METRICS else v for k, v in m.items()}
        for name, m in table.as_dict().items()
    }
    entries = [x.name for x in sc.lesions]
    lesion_tcp = {o.arm: entry_lesion_tcp(o.lesion_tcp, entries) for o in evaluated}
    rows = tuple((name, *(metrics[name].get(m) for m in SHOWN_METRICS)) for name in metrics)
    return EbrtResult(
        phantom={
            "species": phantom.species,
            "shape": list(phantom.shape),
            "voxel_mm": list(phantom.voxel_mm),
            "volumes_cm3": {k: phantom.volume_cm3(k) for k in ("brain", "hippocampi")},
            "lesions": [
                {
                    "name": x.name,
                    "diameter_mm": x.diameter_mm,
                    "visible": x.visible,
                    "centre_mm": list(x.centre_mm),
                }
                for x in phantom.lesions
            ],
        },
        outcomes=metrics,
        lesion_tcp=lesion_tcp,
        outcome_model={k: getattr(model, k) for k in model.__dataclass_fields__},
        tables=(
            Table(
                "ebrt_outcomes",
                "External-beam arms on the phantom",
                ("arm", *(_label(m) for m in SHOWN_METRICS)),
                rows,
            ),
        ),
        notes=(
            f"{phantom.species} phantom, {phantom.voxel_mm[0]:g} mm voxels, brain "
            f"{_volume_text(phantom.volume_cm3('brain'))} cm³, {len(phantom.lesions)} lesions "
            f"({sum(x.visible for x in phantom.lesions)} visible).",
            "TCP: calibrated Webb–Nahum population TCP over each lesion's voxels "
            f"(ᾱ {model.alpha_per_Gy:.3g} Gy⁻¹, σ {model.alpha_sd_per_Gy:.3g} Gy⁻¹, "
            f"α/β {model.tumour_alpha_beta_Gy:.3g} Gy, {model.clonogen_density_per_cm3:.3g} clonogens/cm³); "
            "classes integrated over one α per patient; every lesion counts for every arm. Necrosis: LKB "
            "(Burman 1991) on normal-brain EQD2, combined with the HyTEC V12 risk for SRS. P cognitive: "
            "calibrated hippocampal D40 % EQD2 model (N0574 battery end-point).",
        ),
        table=table,
        voxel_phantom=phantom,
        arms=tuple(arms),
    )


def _label(metric: str) -> str:
    from brainrit.ebrt.outcomes import METRICS

    unit = dict(METRICS).get(metric, "")
    return f"{metric} ({unit})" if unit else metric


def _volume_text(v_cm3: float) -> str:
    """Volume for a note: whole cm³ from 10 cm³ (``1,268``), two significant digits below (``0.45``)."""
    return f"{v_cm3:,.0f}" if v_cm3 >= 10 else f"{v_cm3:.2g}"
