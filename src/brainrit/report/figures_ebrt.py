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
    ax.legend(fontsize=9)
    return Figure(
        "dvh",
        "Dose–volume histograms",
        to_png(fig),
        "Cumulative DVHs of brain (solid) and hippocampi (dashed).",
    )


def arm_slice(dose_Gy, hippocampi, brain) -> int:
    """Axial slice to show for one arm: through its dose maximum when the dose is focal (less than half of
    the brain above half the maximum: SRS, through its target), else through the hippocampi.

    Examples
    --------
    >>> brain = np.ones((4, 4, 5), bool); hip = np.zeros((4, 4, 5), bool); hip[2, 2, 1] = True
    >>> d = np.zeros((4, 4, 5)); d[1, 1, 3] = 20.0
    >>> arm_slice(d, hip, brain), arm_slice(np.ones((4, 4, 5)), hip, brain)
    (3, 1)
    """
    peak = float(dose_Gy.max())
    focal = peak > 0 and brain.any() and float(np.mean(dose_Gy[brain] > 0.5 * peak)) < 0.5
    if focal:
        return int(np.argmax(dose_Gy.max(axis=(0, 1))))
    return int(np.argmax(hippocampi.sum(axis=(0, 1)))) if hippocampi.any() else dose_Gy.shape[2] // 2


def _slice_figure(arms, phantom) -> Figure:
    import matplotlib.pyplot as plt

    n = len(arms)
    ncols = min(n, 3)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.7 * ncols + 1.0, 3.6 * nrows), layout="constrained", squeeze=False
    )
    axes = axes.ravel()
    hip = phantom.masks["hippocampi"]
    extent = (
        phantom.origin_mm[0] - phantom.voxel_mm[0] / 2,
        phantom.origin_mm[0] + (phantom.shape[0] - 0.5) * phantom.voxel_mm[0],
        phantom.origin_mm[1] - phantom.voxel_mm[1] / 2,
        phantom.origin_mm[1] + (phantom.shape[1] - 0.5) * phantom.voxel_mm[1],
    )
    vmax = max(float(a.dose_Gy.max()) for a in arms)
    for ax, arm in zip(axes, arms, strict=False):
        k = arm_slice(arm.dose_Gy, hip, phantom.masks["brain"])
        z = phantom.origin_mm[2] + k * phantom.voxel_mm[2]
        im = ax.imshow(
            arm.dose_Gy[:, :, k].T, origin="lower", extent=extent, cmap="inferno", vmin=0, vmax=vmax
        )
        ax.contour(
            phantom.masks["brain"][:, :, k].T, levels=[0.5], colors="white", linewidths=0.6, extent=extent
        )
        if hip[:, :, k].any():
            ax.contour(hip[:, :, k].T, levels=[0.5], colors="cyan", linewidths=0.8, extent=extent)
        ax.set_title(f"{arm.name}\nz = {z:.0f} mm", fontsize=10)
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.colorbar(im, ax=list(axes[:n]), label="physical dose (Gy)", shrink=0.8)
    return Figure(
        "dose_slices",
        "Dose maps, one axial slice per arm",
        to_png(fig),
        "Total physical dose of each arm on the slice through its dose maximum when the dose is focal (SRS: "
        "through its target) and through the hippocampi otherwise; white: brain outline, cyan: hippocampi.",
    )
