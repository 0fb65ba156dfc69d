"""Stage 6 — external-beam arms on the species' brain phantom: dose grids, DVHs and outcomes.

The phantom (:mod:`brainrit.phantoms`: 1 mm human, 0.1 mm mouse) carries the scenario's lesions:
entries with a position are placed there; the others (``count`` copies) are scattered at random in the
brain with the run's seed. Each non-RIT arm of the scenario becomes a dose grid
(:func:`brainrit.ebrt.phantom_arms.custom_arm`) and its outcomes come from :mod:`brainrit.ebrt.outcomes`
with the scenario's tumour LQ parameters, so that every arm, RIT included, is judged by one model.
"""

from __future__ import annotations

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "ebrt", "External-beam arms"

SHOWN_METRICS = (
    "TCP",
    "TCP all lesions",
    "NTCP necrosis",
    "V12 normal brain",
    "brain mean dose",
    "hippocampi D40 EQD2",
    "P cognitive (V55)",
    "P+",
)


def build_phantom(ctx: Context):
    """The species' phantom with the scenario's lesions (positioned ones, then the scattered ones)."""
    from brainrit.phantoms import add_lesions, human_brain, metastasis, micrometastases, mouse_brain

    sc = ctx.scenario
    species = sc.study.species
    phantom = human_brain() if species == "human" else mouse_brain()
    placed = [
        metastasis(x.name, x.position_mm, x.diameter_mm, species=species, visible=x.visible)
        for x in sc.lesions
        if x.position_mm is not None and x.count == 1
    ]
    phantom = add_lesions(phantom, placed)
    rng = np.random.default_rng(ctx.seed)
    for x in sc.lesions:
        if x.position_mm is None or x.count > 1:
            group = micrometastases(
                phantom, x.count, x.diameter_mm, seed=rng, prefix=f"{x.name} #", visible=x.visible
            )
            phantom = add_lesions(phantom, group)
    return phantom


def outcome_model(ctx: Context):
    """The ebrt outcome model with the scenario's radiobiology (plain Poisson LQ, as for RIT)."""
    from brainrit.ebrt.outcomes import default_outcome_model

    rb = ctx.scenario.radiobiology
    return default_outcome_model(
        alpha_per_Gy=rb.alpha_tumour_per_Gy,
        alpha_sd_per_Gy=0.0,
        tumour_alpha_beta_Gy=rb.alpha_beta_tumour_Gy,
        clonogen_density_per_cm3=rb.clonogen_density_per_cm3,
        brain_alpha_beta_Gy=rb.alpha_beta_brain_Gy,
    )


def run(ctx: Context) -> StageResult:
    sc = ctx.scenario
    ebrt_arms = [a for a in sc.arms if a.type != "rit"]
    if not ebrt_arms:
        return not_available(KEY, TITLE, "the scenario has no external-beam arm")
    from brainrit.ebrt.outcomes import compare_arms, structure_dvhs
    from brainrit.ebrt.phantom_arms import custom_arm

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
    table = compare_arms(arms, phantom.masks, phantom.lesions, model=model)
    metrics = table.as_dict()
    rows = tuple((name, *(metrics[name].get(m) for m in SHOWN_METRICS)) for name in metrics)
    data = {
        "phantom": {
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
        "outcomes": metrics,
        "outcome_model": {k: getattr(model, k) for k in model.__dataclass_fields__},
    }
    figures: tuple[Figure, ...] = ()
    if ctx.figures:
        dvhs = {a.name: structure_dvhs(a, phantom.masks, ["brain", "hippocampi"]) for a in arms}
        figures = (_dvh_figure(dvhs), _slice_figure(arms, phantom))
    return StageResult(
        KEY,
        TITLE,
        data=data,
        tables=(
            Table(
                "ebrt_outcomes",
                "External-beam arms on the phantom",
                ("arm", *(_label(m) for m in SHOWN_METRICS)),
                rows,
            ),
        ),
        figures=figures,
        notes=(
            f"{phantom.species} phantom, {phantom.voxel_mm[0]:g} mm voxels, brain "
            f"{phantom.volume_cm3('brain'):.0f} cm³, {len(phantom.lesions)} lesions "
            f"({sum(x.visible for x in phantom.lesions)} visible).",
            "TCP: Poisson LQ over each lesion's voxels (whole-brain arms: every lesion; SRS: visible only). "
            "Necrosis: LKB (Burman 1991) on normal-brain EQD2, combined with the HyTEC V12 risk for SRS.",
        ),
        objects={"table": table, "phantom": phantom, "arms": arms},
    )


def _label(metric: str) -> str:
    from brainrit.ebrt.outcomes import METRICS

    unit = dict(METRICS).get(metric, "")
    return f"{metric} ({unit})" if unit else metric


def _dvh_figure(dvhs) -> Figure:
    fig, ax = new_figure()
    styles = {"brain": "-", "hippocampi": "--"}
    for i, (arm, curves) in enumerate(dvhs.items()):
        for structure, d in curves.items():
            ax.plot(
                d.dose_Gy,
                100 * d.volume_fraction,
                styles.get(structure, ":"),
                color=f"C{i}",
                label=f"{arm} — {structure}",
            )
    ax.set_xlabel("dose (Gy)")
    ax.set_ylabel("volume receiving ≥ dose (%)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    return Figure(
        "dvh",
        "Dose–volume histograms",
        to_png(fig),
        "Cumulative DVHs of brain (solid) and hippocampi (dashed).",
    )


def _slice_figure(arms, phantom) -> Figure:
    n = len(arms)
    fig, axes = new_figure(ncols=n, height_in=3.4)
    axes = np.atleast_1d(axes)
    hip = phantom.masks["hippocampi"]
    k = int(np.argmax(hip.sum(axis=(0, 1)))) if hip.any() else phantom.shape[2] // 2
    brain = phantom.masks["brain"][:, :, k].T
    extent = (
        phantom.origin_mm[0] - phantom.voxel_mm[0] / 2,
        phantom.origin_mm[0] + (phantom.shape[0] - 0.5) * phantom.voxel_mm[0],
        phantom.origin_mm[1] - phantom.voxel_mm[1] / 2,
        phantom.origin_mm[1] + (phantom.shape[1] - 0.5) * phantom.voxel_mm[1],
    )
    vmax = max(float(a.dose_Gy.max()) for a in arms)
    for ax, arm in zip(axes, arms, strict=True):
        im = ax.imshow(
            arm.dose_Gy[:, :, k].T, origin="lower", extent=extent, cmap="inferno", vmin=0, vmax=vmax
        )
        ax.contour(brain, levels=[0.5], colors="white", linewidths=0.6, extent=extent)
        ax.contour(hip[:, :, k].T, levels=[0.5], colors="cyan", linewidths=0.8, extent=extent)
        ax.set_title(arm.name, fontsize=8)
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
    fig.colorbar(im, ax=list(axes), label="physical dose (Gy)", shrink=0.8)
    z = phantom.origin_mm[2] + k * phantom.voxel_mm[2]
    return Figure(
        "dose_slices",
        f"Dose maps, axial slice z = {z:.0f} mm",
        to_png(fig),
        "Total physical dose of each arm; white: brain outline, cyan: hippocampi.",
    )
