"""Stage — RIT dose map on the phantom: voxel S-value kernels convolved with the time-integrated
activity of each chain member (:mod:`brainrit.dosimetry.voxel`), DVHs of brain, hippocampi and lesions.

Time-integrated activity per voxel = decays per gram of the kinetics region × voxel mass (ICRP brain
density, the kernels' medium):
healthy brain outside the lesions, the metastasis concentration inside them. Each kinetic member has its
own kernel (``chain=False``), so released ²¹²Bi is placed by the kinetics, not assumed to stay with ²¹²Pb.
Activity outside the brain (blood pool of the skull, the rest of the body) is not on the phantom and
its photon cross-fire is not counted. Sub-voxel micrometastases occupy no voxel and are not mapped.
"""

from __future__ import annotations

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "rit_dose_map", "RIT dose map"

KERNEL_REACH_MM = {"human": 10.0, "mouse": 1.5}  # electrons of the ²¹²Pb chain: ²⁰⁸Tl β⁻ max ≈ 9 mm


def run(ctx: Context) -> StageResult:
    kin = ctx.get("kinetics")
    if kin is None:
        return not_available(KEY, TITLE, "needs the kinetics stage, which did not run")
    if not any(a.type == "rit" for a in ctx.scenario.arms):
        return not_available(KEY, TITLE, "the scenario has no RIT arm")
    from brainrit.dosimetry.voxel.dosemap import dose_map
    from brainrit.dosimetry.voxel.dvh import dvh
    from brainrit.dosimetry.voxel.kernels import voxel_kernel_components
    from brainrit.pipeline.stage_ebrt import build_phantom

    sc = ctx.scenario
    ebrt = ctx.get("ebrt")
    phantom = ebrt.objects["phantom"] if ebrt is not None else build_phantom(ctx)
    result = kin.objects["result"]
    n_inj = kin.data["injections"]
    voxel_mm = tuple(float(v) for v in phantom.voxel_mm)
    from brainrit.physics import get_material

    density = get_material("brain").density_g_cm3  # the kernels' medium: ICRP brain
    voxel_g = float(np.prod(voxel_mm)) / 1000.0 * density
    lesions = phantom.lesions_mask
    brain = phantom.masks["brain"] & ~lesions
    half = max(1, int(np.ceil(KERNEL_REACH_MM[phantom.species] / min(voxel_mm))))
    alpha = np.zeros(phantom.shape)
    low = np.zeros(phantom.shape)
    for member in result.members:
        tia = np.zeros(phantom.shape)
        tia[brain] = result.decays_per_g("brain", member) * voxel_g * n_inj
        tia[lesions] = result.decays_per_g("metastasis", member) * voxel_g * n_inj
        if not tia.any():
            continue
        k = voxel_kernel_components(member, voxel_mm, half, material="brain", chain=False)
        if k["alpha"].any():
            alpha += dose_map(tia, k["alpha"])
        low += dose_map(tia, k["electron"] + k["photon"])
    rbe = sc.radiobiology.rbe_alpha
    weighted = rbe * alpha + low
    structures = {"brain": phantom.masks["brain"] & ~lesions, "hippocampi": phantom.masks["hippocampi"]}
    for les in phantom.lesions:
        m = phantom.masks.get(f"lesion_{les.name}")
        if m is not None and m.any() and les.visible:
            structures[les.name] = m
    rows = []
    curves = {}
    for name, mask in structures.items():
        d_a = float(alpha[mask].mean())
        d_l = float(low[mask].mean())
        h = dvh(weighted, mask, voxel_mm, origin_mm=tuple(phantom.origin_mm))
        curves[name] = h
        rows.append((name, float(mask.sum()) * voxel_g / density, d_a, d_l, h.mean_Gy, h.D(98), h.D(2)))
    data = {
        "voxel_mm": list(voxel_mm),
        "kernel_half_width_voxels": half,
        "rbe_alpha": rbe,
        "structures": {
            r[0]: {
                "volume_cm3": r[1],
                "mean_alpha_Gy": r[2],
                "mean_low_let_Gy": r[3],
                "mean_rbe_weighted_Gy": r[4],
                "D98_rbe_weighted_Gy": r[5],
                "D2_rbe_weighted_Gy": r[6],
            }
            for r in rows
        },
    }
    figures: tuple[Figure, ...] = ()
    if ctx.figures:
        figures = (_dvh_figure(curves), _slice(phantom, weighted))
    return StageResult(
        KEY,
        TITLE,
        data=data,
        tables=(
            Table(
                "rit_structures",
                f"RIT dose on the phantom (RBE-weighted with RBE_α = {rbe:g})",
                (
                    "structure",
                    "volume (cm³)",
                    "mean α dose (Gy)",
                    "mean low-LET dose (Gy)",
                    "mean RBE-weighted (Gy)",
                    "D98 (Gy)",
                    "D2 (Gy)",
                ),
                tuple(rows),
            ),
        ),
        figures=figures,
        notes=(
            f"Voxel S-value kernels (brain, {voxel_mm[0]:g} mm, half-width {half} voxels) per chain member, "
            "FFT convolution of the time-integrated activity.",
            "Activity outside the brain and sub-voxel micrometastases are not mapped.",
        ),
        objects={"alpha_Gy": alpha, "low_let_Gy": low, "rbe_weighted_Gy": weighted, "phantom": phantom},
    )


def _dvh_figure(curves) -> Figure:
    fig, ax = new_figure()
    for i, (name, h) in enumerate(curves.items()):
        ax.plot(h.dose_Gy, 100 * h.volume_fraction, color=f"C{i}", label=name)
    ax.set_xlabel("RBE-weighted dose (Gy)")
    ax.set_ylabel("volume receiving ≥ dose (%)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
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
