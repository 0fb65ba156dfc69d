"""Figures of the perivascular micro-dosimetry stage: dose versus distance from a labelled capillary."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_micro import MicroResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: MicroResult, scenario: Any) -> tuple[Figure, ...]:
    """Single-vessel and lattice dose profiles (α and electrons)."""
    return (_profile_figure(result, scenario.microgeometry.intercapillary_distance_um),)


def _profile_figure(result: MicroResult, delta: float) -> Figure:
    single, lattice = result.single_vessel_profile, result.lattice_profile
    fig, ax = new_figure()
    ax.semilogy(single.distance_um, single.alpha_dose_Gy, label="α, one vessel", color="#d62728")
    ax.semilogy(single.distance_um, single.electron_dose_Gy, label="electrons, one vessel", color="#1f77b4")
    ax.semilogy(
        lattice.distance_um,
        lattice.alpha_dose_Gy,
        "--",
        label=f"α, lattice Δ = {delta:g} µm",
        color="#d62728",
    )
    ax.semilogy(
        lattice.distance_um, lattice.electron_dose_Gy, "--", label="electrons, lattice", color="#1f77b4"
    )
    top = max(float(np.max(single.alpha_dose_Gy)), float(np.max(lattice.alpha_dose_Gy)), 1e-30)
    ax.set_ylim(top * 1e-4, top * 2)
    ax.set_xlabel("distance of nucleus centre from vessel axis (µm)")
    ax.set_ylabel("nucleus absorbed dose (Gy)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=10)
    return Figure(
        "vessel_profile",
        "Nucleus dose versus distance from a VCAM-1-labelled capillary",
        to_png(fig),
        "Vessel-bound and circulating activity of every chain member; dashed: square capillary lattice "
        "with cross-fire and released daughters.",
    )
