"""Figures of the patient-image stage: dose slice, DVHs and time–activity curves per structure."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.pipeline.stage_images import PatientImagesResult
from brainrit.report.figures import Figure, new_figure, to_png


def draw(result: PatientImagesResult, scenario: Any) -> tuple[Figure, ...]:
    """Axial dose slice through the largest metastasis, DVHs of every structure, time–activity curves."""
    return (_slice(result), _dvhs(result), _curves(result))


def _slice(result: PatientImagesResult) -> Figure:
    phantom, dose = result.voxel_phantom, result.dose.dose_Gy
    lesions = phantom.lesions_mask
    k = int(np.argmax(lesions.sum(axis=(0, 1)))) if lesions.any() else phantom.shape[2] // 2
    ox, oy, oz = phantom.origin_mm
    vx, vy, vz = phantom.voxel_mm
    nx, ny, _ = phantom.shape
    extent = (ox - vx / 2, ox + (nx - 0.5) * vx, oy - vy / 2, oy + (ny - 0.5) * vy)
    fig, ax = new_figure(height_in=4.2, width_in=5.2)
    im = ax.imshow(dose[:, :, k].T, origin="lower", extent=extent, cmap="inferno")
    ax.contour(phantom.masks["brain"][:, :, k].T, levels=[0.5], colors="white", linewidths=0.6, extent=extent)
    hip = phantom.masks["hippocampi"][:, :, k]
    if hip.any():
        ax.contour(hip.T, levels=[0.5], colors="cyan", linewidths=0.8, extent=extent)
    if lesions[:, :, k].any():
        ax.contour(lesions[:, :, k].T, levels=[0.5], colors="lime", linewidths=0.8, extent=extent)
    ax.set_xlabel("x (mm, patient left +)")
    ax.set_ylabel("y (mm, posterior +)")
    fig.colorbar(im, ax=ax, label=f"{result.therapy_nuclide} absorbed dose (Gy)")
    return Figure(
        "patient_dose_slice",
        f"Patient {result.therapy_nuclide} dose, axial slice z = {oz + k * vz:.1f} mm",
        to_png(fig),
        "Absorbed dose of the whole chain from the patient's images; white: brain, cyan: hippocampi, "
        "green: metastases.",
    )


def _dvhs(result: PatientImagesResult) -> Figure:
    fig, ax = new_figure()
    for i, (name, h) in enumerate(result.dose.dvhs.items()):
        ax.plot(h.dose_Gy, 100 * h.volume_fraction, color=f"C{i % 10}", label=name)
    ax.set_xlabel(f"{result.therapy_nuclide} absorbed dose (Gy)")
    ax.set_ylabel("volume receiving ≥ dose (%)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    return Figure(
        "patient_dvh",
        "Patient dose–volume histograms",
        to_png(fig),
        "Cumulative DVHs of the patient's structures (physical dose, all chain members).",
    )


def _curves(result: PatientImagesResult) -> Figure:
    fig, ax = new_figure()
    t_last = max(result.times_h)
    from brainrit import nuclides

    hl = nuclides.decay_chain(result.therapy_nuclide).member(result.therapy_nuclide).half_life_s / 3600.0
    grid = np.linspace(0.0, max(1.2 * t_last, 4 * hl), 400)
    for i, (name, k) in enumerate(result.tia.structures.items()):
        if k.method == "zero":
            continue
        c = f"C{i % 10}"
        ax.plot(k.times_h, k.activity_MBq, "o", color=c, ms=4)
        ax.plot(
            grid, k.curve_MBq(grid, therapy_half_life_h=hl), "-", color=c, lw=1, label=f"{name} ({k.method})"
        )
    ax.set_yscale("log")
    ax.set_xlabel("time after administration (h)")
    ax.set_ylabel(f"{result.therapy_nuclide} activity (MBq)")
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(fontsize=7)
    return Figure(
        "patient_tac",
        f"Time–activity curves ({result.imaged_nuclide} images → {result.therapy_nuclide})",
        to_png(fig),
        "Points: the images converted to the therapy nuclide; lines: the integrated curve (fit, "
        "trapezoids or single point) of each structure.",
    )
