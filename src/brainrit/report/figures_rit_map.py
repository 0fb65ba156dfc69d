"""Figures of the RIT dose-map stage: DVHs and an axial slice of the RBE-weighted dose."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_rit_map import RitDoseMapResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: RitDoseMapResult, scenario: Any) -> tuple[Figure, ...]:
    """DVH of every structure and the slice through the lesions."""
    return (_dvh_figure(result.dvhs), _slice(result.voxel_phantom, result.rbe_weighted_Gy))


def _dvh_figure(curves) -> Figure:
    fig, ax = new_figure()
    for i, (name, h) in enumerate(curves.items()):
        ax.plot(h.dose_Gy, 100 * h.volume_fraction, color=f"C{i}", label=name)
    ax.set_xlabel("RBE-weighted dose (Gy)")
    ax.set_ylabel("volume receiving ≥ dose (%)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=10)
    return Figure(
        "rit_dvh", "RIT dose–volume histograms", to_png(fig), "Cumulative DVHs of the RBE-weighted RIT dose."
    )


def _slice(phantom, dose) -> Figure:
    fig, ax = new_figure(height_in=4.2, width_in=5.2)
    lesions = phantom.lesions_mask
    k = int(np.argmax(lesions.sum(axis=(0, 1)))) if lesions.any() else phantom.shape[2] // 2
    ox, oy, oz = phantom.origin_mm
    vx, vy, vz = phantom.voxel_mm
    nx, ny, _ = phantom.shape
    extent = (ox - vx / 2, ox + (nx - 0.5) * vx, oy - vy / 2, oy + (ny - 0.5) * vy)
    im = ax.imshow(dose[:, :, k].T, origin="lower", extent=extent, cmap="inferno")
    ax.contour(phantom.masks["brain"][:, :, k].T, levels=[0.5], colors="white", linewidths=0.6, extent=extent)
    if lesions[:, :, k].any():
        ax.contour(lesions[:, :, k].T, levels=[0.5], colors="lime", linewidths=0.8, extent=extent)
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    fig.colorbar(im, ax=ax, label="RBE-weighted dose (Gy)")
    return Figure(
        "rit_slice",
        f"RIT dose map, axial slice z = {oz + k * vz:.1f} mm",
        to_png(fig),
        "RBE-weighted RIT dose; white: brain outline, green: lesions.",
    )
