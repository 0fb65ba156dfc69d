"""Stage 2 — kinetics: time-activity curves and time-integrated activity per region and chain member."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from brainrit.pipeline.core import Context, StageResult, Table, memory_field, stage_result

if TYPE_CHECKING:  # science packages are imported when a stage runs, not when the pipeline is imported
    from brainrit.kinetics import KineticModel, KineticsResult


__all__ = ["KineticsStageResult"]


@stage_result
class KineticsStageResult(StageResult):
    """Time-integrated activity per region and chain member for the administered activity.

    (Named ``KineticsStageResult`` so as not to be confused with :class:`brainrit.kinetics.KineticsResult`,
    the solver's result, which it carries as ``solution``.)

    Attributes
    ----------
    injected_activity_MBq : float
        Activity per injection, MBq.
    injections : int
        Number of injections (cycles).
    interval_h : float
        Time between injections, h (0 for one injection).
    members : tuple of str
        Kinetic chain members.
    region_mass_g : mapping
        Region masses, g.
    decays_per_g : mapping
        Decays per gram of each region (all members, all injections).
    metastasis_to_brain_ratio : float
        Decays per gram, metastasis / brain.
    fit : mapping
        Biodistribution fit (csv, parameters with value/std/ci95, chi2, dof); empty when not fitted.
    tia_Bq_s : tuple of mapping
        Records ``{region, member, tia_Bq_s, decays_per_g}`` (all injections).
    solution : brainrit.kinetics.KineticsResult
        The solver's result for the whole course, every injection included (in memory only).
    model : brainrit.kinetics.KineticModel
        The (fitted) model solved (in memory only).

    Examples
    --------
    >>> KineticsStageResult.key
    'kinetics'
    """

    key: ClassVar[str] = "kinetics"
    title: ClassVar[str] = "Kinetics"

    injected_activity_MBq: float
    injections: int
    interval_h: float
    members: tuple[str, ...]
    region_mass_g: Mapping[str, float]
    decays_per_g: Mapping[str, float]
    metastasis_to_brain_ratio: float
    fit: Mapping[str, Any]
    tia_Bq_s: tuple[Mapping[str, Any], ...]
    solution: KineticsResult = memory_field()
    model: KineticModel = memory_field()


def run(ctx: Context) -> KineticsStageResult:
    """Solve the reference compartment model of :mod:`brainrit.kinetics` for the administered activity.

    Repeated injections (``administration.injections`` every ``administration.interval_h``) are solved as
    one course (:func:`brainrit.kinetics.solve` with ``cycles``): superposed for linear binding, solved
    sequentially for saturable binding (antibody of earlier cycles still occupies antigen).
    """
    sc = ctx.scenario
    from brainrit.kinetics import default_model, solve

    rp = sc.radiopharmaceutical
    body_mass_g = sc.administration.body_mass_kg * 1000.0 if sc.administration.body_mass_kg else None
    model = default_model(
        sc.study.species,
        nuclide=rp.nuclide,
        target=rp.target,
        release_fraction=rp.daughter_release_fraction,
        body_mass_g=body_mass_g,
        **sc.kinetics.parameters,
    )
    fit_notes: list[str] = []
    fit_data: dict = {}
    if sc.kinetics.model == "biodistribution":
        csv = sc.kinetics.biodistribution_csv
        model, fit_notes, fit_data = _fit(model, csv, sc.kinetics.fit_parameters, ctx.seed)
    activity = sc.injected_activity_MBq
    n_inj = sc.administration.injections
    interval = sc.administration.interval_h if n_inj > 1 else 0.0
    result = solve(model, activity, t_end_h=sc.kinetics.t_end_h, cycles=n_inj, interval_h=interval)
    rows = []
    for row in result.to_table():
        rows.append((row["region"], row["member"], row["TIA_Bq_s"], row["decays_per_g"]))
    per_g = {region: result.decays_per_g(region) for region in result.region_mass_g if region != "plasma"}
    ratio = result.ratio("metastasis", "brain")
    notes = [
        f"Injected activity {activity:.4g} MBq × {n_inj} injection(s); "
        f"model solved by {result.method or 'brainrit.kinetics'}.",
        "Decays per gram sum every chain member (²¹²Pb, ²¹²Bi, ²¹²Po, ²⁰⁸Tl for ²¹²Pb).",
    ]
    if n_inj > 1:
        notes.append(
            f"{n_inj} injections {interval:g} h apart solved as one course "
            + ("(sequentially: saturable binding)." if model.saturable else "(superposed: linear binding).")
        )
    notes.extend(fit_notes)
    table = Table(
        "tia",
        "Time-integrated activity (decays) per region and chain member",
        ("region", "member", "TIA (Bq·s)", "decays per g"),
        tuple(rows),
    )
    return KineticsStageResult(
        injected_activity_MBq=activity,
        injections=n_inj,
        interval_h=interval,
        members=tuple(result.members),
        region_mass_g=dict(result.region_mass_g),
        decays_per_g=per_g,
        metastasis_to_brain_ratio=ratio,
        fit=fit_data,
        tia_Bq_s=tuple({"region": r, "member": m, "tia_Bq_s": t, "decays_per_g": d} for (r, m, t, d) in rows),
        tables=(table,),
        notes=tuple(notes),
        solution=result,
        model=model,
    )


def _fit(model, csv_path: str, names: list[str], seed: int):
    """Fit ``names`` of ``model`` to the biodistribution CSV; return the fitted model, notes and data."""
    from brainrit.kinetics.fitting import fit_biodistribution, read_biodistribution_csv

    data = read_biodistribution_csv(csv_path)
    fit = fit_biodistribution(data, model, names, seed=seed)
    pairs = zip(fit.names, fit.values, fit.std, strict=True)
    lines = [
        f"Fitted to {csv_path} ({len(data.organ)} points, χ² = {fit.chi2:.3g}, {fit.dof} dof, {fit.method}): "
        + "; ".join(f"{n} = {v:.4g} ± {s:.2g}" for n, v, s in pairs)
    ]
    info = {
        "csv": csv_path,
        "parameters": {
            n: {"value": float(v), "std": float(s), "ci95": [float(c) for c in ci]}
            for n, v, s, ci in zip(fit.names, fit.values, fit.std, fit.ci95, strict=True)
        },
        "chi2": float(fit.chi2),
        "dof": int(fit.dof),
    }
    return fit.model, lines, info
