"""Figures of the external-beam stage: DVHs and dose maps of every arm."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_ebrt import EbrtResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: EbrtResult, scenario: Any) -> tuple[Figure, ...]:
    """Brain and hippocampal DVHs of each arm, and an axial dose slice per arm."""
    from brainrit.ebrt.outcomes import structure_dvhs

    phantom = result.voxel_phantom
    dvhs = {a.name: structure_dvhs(a, phantom.masks, ["brain", "hippocampi"]) for a in result.arms}
    return (_dvh_figure(dvhs), _slice_figure(result.arms, phantom))


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
