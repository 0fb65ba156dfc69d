"""Stage 7 — comparison of arms: RIT beside each external-beam arm on the same patient or mouse.

Every arm is judged on one basis (:mod:`brainrit.radiobiology.outcome_models`, the calibrated models):

* ``TCP visible``, ``TCP micrometastases``, ``TCP all lesions`` — population TCP (Webb–Nahum, fitted to
  clinical anchors) of every lesion of the class, whether the arm treats it or not, integrated over one α
  per patient; ``lesion TCP`` — TCP of one lesion of each scenario lesion entry;
* ``NTCP necrosis`` — brain necrosis (LKB on EQD2; HyTEC V12 for SRS);
* ``P cognitive`` — cognitive deterioration (N0574 battery) from the hippocampal D40 % EQD2 (RIT: the
  uniform RBE-weighted brain EQD2), with the disease baseline;
* ``P+`` = TCP all lesions × (1 − NTCP necrosis); ``P+ incl. cognition`` = P+ × (1 − P cognitive).

``best_p_plus`` is the arm with the highest P+, or None when no arm reaches P+ ≥ 10⁻³ (no arm controls all
the disease); the notes then say which arm does best on visible lesions and on micrometastases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from brainrit.pipeline.core import Context, StageNotRun, StageResult, Table, stage_result
from brainrit.pipeline.stage_ebrt import EbrtResult
from brainrit.pipeline.stage_images import PatientImagesResult, comparison_metrics
from brainrit.pipeline.stage_rit_outcomes import RitOutcomesResult

__all__ = ["ARM_KEYS", "BEST_P_PLUS_FLOOR", "ComparisonResult"]

#: The keys of ``arms[<arm name>]`` (results.json ``stages.comparison.data.arms``).
ARM_KEYS = (
    "TCP visible",
    "TCP micrometastases",
    "TCP all lesions",
    "lesion TCP",
    "NTCP necrosis",
    "P cognitive",
    "P+",
    "P+ incl. cognition",
)
#: Below this P+ for every arm, no arm is named best.
BEST_P_PLUS_FLOOR = 1e-3

COLUMNS = (
    ("TCP visible", "TCP visible lesions"),
    ("TCP micrometastases", "TCP micrometastases"),
    ("TCP all lesions", "TCP all lesions"),
    ("NTCP necrosis", "NTCP brain necrosis"),
    ("P cognitive", "P cognitive decline"),
    ("P+", "P+"),
    ("P+ incl. cognition", "P+ incl. cognition"),
)


@stage_result
class ComparisonResult(StageResult):
    """Outcomes of every arm of the scenario side by side, on one basis.

    Attributes
    ----------
    arms : mapping of str to mapping
        Arm name → :data:`ARM_KEYS` → value (a probability, None where undefined; ``lesion TCP`` maps each
        lesion entry to the TCP of one of its lesions); for the mouse also ``burden vs untreated``
        (metastatic burden at the read-out day relative to untreated) and ``growth delay (d)``. Arms whose
        stage did not run are absent (and named in the notes).
    best_p_plus : str or None
        The arm with the highest P+, None when every arm's P+ is below 10⁻³.
    best_by_class : mapping of str to str
        Class (``visible``, ``micrometastases``) → the arm with the highest TCP of that class.

    Examples
    --------
    >>> ComparisonResult.key
    'comparison'
    """

    key: ClassVar[str] = "comparison"
    title: ClassVar[str] = "Comparison of arms"

    arms: Mapping[str, Mapping[str, Any]]
    best_p_plus: str | None
    best_by_class: Mapping[str, str]


def _metrics(
    tcp_vis: float | None,
    tcp_mic: float | None,
    tcp_all: float,
    lesion_tcp: Mapping[str, float],
    ntcp: float,
    p_cog: float | None,
) -> dict[str, Any]:
    from brainrit.radiobiology import probability

    pp = tcp_all * (1.0 - ntcp)
    return {
        "TCP visible": probability(tcp_vis),
        "TCP micrometastases": probability(tcp_mic),
        "TCP all lesions": probability(tcp_all),
        "lesion TCP": {k: probability(v) for k, v in lesion_tcp.items()},
        "NTCP necrosis": probability(ntcp),
        "P cognitive": probability(p_cog),
        "P+": probability(pp),
        "P+ incl. cognition": probability(pp * (1.0 - p_cog) if p_cog is not None else None),
    }


def rit_metrics(rit: RitOutcomesResult, scale: float = 1.0) -> dict[str, Any]:
    """The RIT arm's :data:`ARM_KEYS` at ``scale`` × the administered activity."""
    m = rit.model
    tcp = m.tcp_classes(scale)
    return _metrics(
        tcp["visible"],
        tcp["micrometastases"],
        tcp["all"],
        m.lesion_tcp(scale),
        m.ntcp(scale),
        m.p_cognitive(scale),
    )


def ebrt_metrics(ebrt: EbrtResult, name: str) -> dict[str, Any]:
    """An external-beam arm's :data:`ARM_KEYS` from the ebrt stage."""
    o = ebrt.outcomes[name]
    nan_none = lambda x: None if x is None or (isinstance(x, float) and math.isnan(x)) else x  # noqa: E731
    return _metrics(
        nan_none(o.get("TCP visible")),
        nan_none(o.get("TCP micrometastases")),
        1.0
        if nan_none(o.get("TCP all lesions")) is None
        else o["TCP all lesions"],  # no lesion: nothing to fail
        ebrt.lesion_tcp[name],
        o["NTCP necrosis"],
        nan_none(o.get("P cognitive")),
    )


def run(ctx: Context) -> ComparisonResult:
    """One row per arm: RIT from the RIT-outcomes stage, external-beam arms from the ebrt stage."""
    sc = ctx.scenario
    metrics: dict[str, dict[str, Any]] = {}
    rit_out = ctx.get(RitOutcomesResult)  # None: RIT arms are listed as without outcomes
    for arm in sc.arms:
        if arm.type == "rit" and rit_out is not None:
            metrics[arm.name] = rit_metrics(rit_out, arm.activity_scale)
    patient = ctx.get(PatientImagesResult)  # the RIT arm again, from the patient's own images
    rit_arms = [a.name for a in sc.arms if a.type == "rit" and a.activity_scale == 1.0]
    patient_rows = [f"{name} (patient images)" for name in rit_arms] if patient is not None else []
    for name in patient_rows:
        metrics[name] = comparison_metrics(patient)
    ebrt = ctx.get(EbrtResult)  # None: external-beam arms are listed as without outcomes
    if ebrt is not None:
        for name in ebrt.outcomes:
            metrics[name] = ebrt_metrics(ebrt, name)
    if not metrics:
        raise StageNotRun("no arm produced outcomes (the RIT-outcome and external-beam stages did not run)")
    order = [a.name for a in sc.arms if a.name in metrics] + patient_rows
    rows = tuple((name, *(metrics[name][k] for k, _ in COLUMNS)) for name in order)
    table = Table("comparison", "Comparison of arms", ("arm", *(c for _, c in COLUMNS)), rows)
    best = max(order, key=lambda n: _num(metrics[n]["P+"]))
    if _num(metrics[best]["P+"]) < BEST_P_PLUS_FLOOR:
        best = None
    by_class = {}
    for cls, key in (("visible lesions", "TCP visible"), ("micrometastases", "TCP micrometastases")):
        have = [n for n in order if metrics[n][key] is not None]
        if have:
            by_class[cls] = max(have, key=lambda n, k=key: _num(metrics[n][k]))
    notes = []
    if best is not None:
        notes.append(f"Highest P+: {best} (P+ {metrics[best]['P+']:.3g}).")
    else:
        best_on = []
        for cls, n in by_class.items():
            key = "TCP visible" if cls.startswith("visible") else "TCP micrometastases"
            best_on.append(f"best on {cls}: {n} (TCP {metrics[n][key]:.3g})")
        notes.append(
            "No arm controls all the disease: every arm's P+ is below 10⁻³, so none is named best; "
            + "; ".join(best_on)
            + "."
        )
    notes.append(
        "Every lesion counts for every arm (untreated lesions included). TCP and cognition come from the "
        "calibrated models (brainrit.radiobiology.calibrated_models): population values of trial cohorts, "
        "not patient-specific predictions."
    )
    if sc.study.species == "mouse":
        notes.append(
            "Mouse scenario: tumour control and cognition use the human calibration 'brain_metastases' "
            "(no mouse outcome data are calibrated); read them as relative, not as mouse predictions."
        )
    missing = [a.name for a in sc.arms if a.name not in metrics]
    if missing:
        notes.append("Arms without outcomes (their stage did not run): " + ", ".join(missing) + ".")
    tables = [table]
    if sc.study.species == "mouse" and rit_out is not None:
        burden_table, burden_notes = _burden(ctx, metrics)
        tables.append(burden_table)
        notes.extend(burden_notes)
    return ComparisonResult(
        arms=metrics, best_p_plus=best, best_by_class=by_class, tables=tuple(tables), notes=tuple(notes)
    )


def _burden(ctx: Context, metrics: dict[str, dict[str, float | None]]) -> tuple[Table, list[str]]:
    """Metastatic burden relative to untreated and growth delay per arm at the study's read-out day
    (:func:`brainrit.disease.metastatic_burden`; treatment day 21, read-out day 40 as in Corroyer-Dulmont
    et al. 2020), added to ``metrics[arm]`` as ``burden vs untreated`` and ``growth delay (d)``."""
    import numpy as np

    import brainrit.disease as dz
    from brainrit.disease.window import _rit_survival
    from brainrit.pipeline.stage_window import disease_setup

    sc = ctx.scenario
    setup = disease_setup(ctx)
    tr, rb = setup.treatments, sc.radiobiology
    cal = rb.outcome_models.models()  # the calibrated mean α and α/β, as the window's WBRT
    t_r = min(dz.window.MOUSE_HORIZON_D, setup.course.horizon_d)
    rows, skipped = [], []
    for arm in sc.arms:
        if arm.name not in metrics:
            continue
        if arm.type == "rit" and arm.activity_scale == 1.0:
            n = tr.rit_cycles

            def surv(st, n=n):
                return _rit_survival(tr.rit, st["vcam1"], st["spheroid"]) ** n

        elif arm.type in ("wbrt", "ha-wbrt", "wbrt+srs"):
            d, f = (
                (arm.wbrt_dose_Gy, arm.wbrt_fractions)
                if arm.type == "wbrt+srs"
                else (arm.dose_Gy, arm.n_fractions)
            )
            s_w = dz.wbrt_outcome(
                d, f, alpha_per_Gy=cal.tcp.alpha_mean_per_Gy, alpha_beta_Gy=cal.tcp.alpha_beta_Gy,
                alpha_beta_brain_Gy=rb.alpha_beta_brain_Gy,
            ).survival  # fmt: skip

            def surv(st, s_w=s_w):
                return np.full(st["cells"].shape, s_w)

        else:
            skipped.append(arm.name)
            continue
        b = dz.metastatic_burden(
            setup.course, setup.patients, surv, treatment_day_d=dz.MOUSE_TREATMENT_DAY_D, readout_day_d=t_r
        )
        metrics[arm.name]["burden vs untreated"] = b.relative_burden
        metrics[arm.name]["growth delay (d)"] = b.growth_delay_d
        rows.append((arm.name, b.relative_burden, b.growth_delay_d))
    notes = [
        f"Metastatic burden (tumour cells of all lesions, {setup.patients.n_patients} virtual mice) at day "
        f"{t_r:g} after treatment at day {dz.MOUSE_TREATMENT_DAY_D:g}, relative to untreated, and the growth "
        "delay; RIT cycles taken as given together. Corroyer-Dulmont et al. 2020 found a lower burden after "
        "212Pb-anti-VCAM-1 than after external beam; see docs/models.md (Metastatic burden) for where the "
        "model differs."
    ]
    if skipped:
        notes.append("No burden endpoint for: " + ", ".join(skipped) + " (SRS arms, scaled RIT arms).")
    table = Table(
        "burden",
        "Metastatic burden relative to untreated at the read-out day",
        ("arm", "burden vs untreated", "growth delay (d)"),
        tuple(rows),
    )
    return table, notes


def _num(x) -> float:
    return float(x) if x is not None and math.isfinite(float(x)) else -1.0
