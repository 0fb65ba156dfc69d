"""Figures of the kinetics stage: time-activity curves per region."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_kinetics import KineticsStageResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: KineticsStageResult, scenario: Any) -> tuple[Figure, ...]:
    """Time-activity curves (one injection) and, when a fit ran, the biodistribution fit."""
    figures = [_curves_figure(result.solution)]
    if result.fit and result.fit.get("csv"):
        fit_figure = _fit_figure(result)
        if fit_figure is not None:
            figures.append(fit_figure)
    return tuple(figures)


def _fit_figure(result: KineticsStageResult) -> Figure | None:
    """Measured %ID/g (± standard error) with the fitted model per organ, and the normalised residuals."""
    from brainrit.errors import BrainritError
    from brainrit.kinetics.fitting import predict_percent_id_per_g, read_biodistribution_csv

    try:
        data = read_biodistribution_csv(result.fit["csv"])
    except (BrainritError, OSError):
        return None  # the CSV moved since the run: the fit is still in the notes and results.json
    se = data.sd / np.sqrt(np.maximum(data.n, 1))
    model_at_data = predict_percent_id_per_g(result.model, data.organ, data.time_h)
    fig, axes = new_figure(2, height_in=4.6)
    t_fine = np.geomspace(max(float(data.time_h.min()) * 0.5, 0.1), float(data.time_h.max()) * 1.3, 80)
    organs = list(dict.fromkeys(data.organ))
    for i, organ in enumerate(organs):
        sel = np.array([o == organ for o in data.organ])
        colour = f"C{i % 10}"
        axes[0].errorbar(data.time_h[sel], data.percent_id_per_g[sel], yerr=se[sel], fmt="o", color=colour,
                         markersize=4, capsize=2, label=organ)  # fmt: skip
        curve = predict_percent_id_per_g(result.model, [organ] * t_fine.size, t_fine)
        axes[0].plot(t_fine, curve, color=colour, linewidth=1.2)
        resid = (data.percent_id_per_g[sel] - model_at_data[sel]) / se[sel]
        axes[1].plot(data.time_h[sel], resid, "o", color=colour, markersize=5)
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("time after injection (h)")
    axes[0].set_ylabel("%ID/g (decay-corrected)")
    axes[0].legend(fontsize=9, ncol=2)
    axes[1].axhline(0, color="0.3", linewidth=0.8)
    for k in (-2, 2):
        axes[1].axhline(k, color="0.6", linestyle=":", linewidth=0.8)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("time after injection (h)")
    axes[1].set_ylabel("residual / standard error")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    chi2, dof = result.fit.get("chi2"), result.fit.get("dof")
    return Figure(
        "biodistribution_fit",
        "Biodistribution fit: data and model",
        to_png(fig),
        f"Measured %ID/g (points, ± SD/√n) and the fitted model (lines) per organ; right: residuals in "
        f"standard errors (dotted: ±2). χ² = {chi2:.3g} for {dof} degrees of freedom.",
    )


def _curves_figure(result) -> Figure:
    fig, ax = new_figure()
    t = np.asarray(result.times_h)
    for region in result.region_mass_g:
        total = sum(np.asarray(result.activity_Bq[(region, m)]) for m in result.members)
        per_g = total / result.region_mass_g[region]
        if np.any(per_g > 0):
            ax.semilogy(t, np.where(per_g > 0, per_g, np.nan), label=region)
    ax.set_xlabel("time after injection (h)")
    ax.set_ylabel("activity concentration (Bq/g, all members)")
    ax.legend(fontsize=10, ncol=2)
    ax.grid(True, which="both", alpha=0.3)
    return Figure(
        "tac",
        "Time-activity curves per region",
        to_png(fig),
        "Activity per gram of each region, all chain members summed (log scale).",
    )
