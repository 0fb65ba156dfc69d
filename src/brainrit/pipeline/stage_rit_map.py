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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from brainrit.cache import memoize
from brainrit.pipeline.core import Context, StageNotRun, StageResult, Table, memory_field, stage_result
from brainrit.pipeline.stage_ebrt import EbrtResult, build_phantom
from brainrit.pipeline.stage_images import PatientImagesResult, rit_dose_map_from_patient
from brainrit.pipeline.stage_kinetics import KineticsStageResult

if TYPE_CHECKING:
    from brainrit.dosimetry.voxel.dosemap import MaskSpectra
    from brainrit.dosimetry.voxel.dvh import DVH
    from brainrit.phantoms import Phantom

__all__ = ["RitDoseMapResult", "StructureDose"]

#: Columns of the per-structure RIT dose table (phantom and patient images alike).
STRUCTURE_COLUMNS = (
    "structure",
    "volume (cm³)",
    "mean α dose (Gy)",
    "mean low-LET dose (Gy)",
    "mean RBE-weighted (Gy)",
    "D98 (Gy)",
    "D2 (Gy)",
)

KERNEL_REACH_MM = {"human": 10.0, "mouse": 1.5}  # electrons of the ²¹²Pb chain: ²⁰⁸Tl β⁻ max ≈ 9 mm


@dataclass(frozen=True)
class StructureDose:
    """Mean doses and RBE-weighted DVH points of one structure on the RIT dose map.

    Examples
    --------
    >>> StructureDose(1.0, 0.5, 0.1, 2.6, 2.0, 3.0).mean_rbe_weighted_Gy
    2.6
    """

    volume_cm3: float
    mean_alpha_Gy: float
    mean_low_let_Gy: float
    mean_rbe_weighted_Gy: float
    D98_rbe_weighted_Gy: float
    D2_rbe_weighted_Gy: float


@stage_result
class RitDoseMapResult(StageResult):
    """RIT dose map on the phantom (voxel S-value kernels) and per-structure doses.

    Attributes
    ----------
    voxel_mm : tuple of float
        Voxel size, mm.
    kernel_half_width_voxels : int
        Half-width of the convolution kernels.
    rbe_alpha : float
        RBE of α particles used for the weighted map.
    structures : mapping of str to StructureDose
        Brain (outside lesions), hippocampi and each visible mapped lesion.
    alpha_Gy, low_let_Gy, rbe_weighted_Gy : ndarray
        Dose maps on the phantom grid, Gy (in memory only).
    voxel_phantom : brainrit.phantoms.Phantom
        The phantom (in memory only).
    dvhs : mapping of str to DVH
        RBE-weighted DVH of each structure (in memory only).

    Examples
    --------
    >>> RitDoseMapResult.key
    'rit_dose_map'
    """

    key: ClassVar[str] = "rit_dose_map"
    title: ClassVar[str] = "RIT dose map"

    voxel_mm: tuple[float, ...]
    kernel_half_width_voxels: int
    rbe_alpha: float
    structures: Mapping[str, StructureDose]
    alpha_Gy: np.ndarray = memory_field()
    low_let_Gy: np.ndarray = memory_field()
    rbe_weighted_Gy: np.ndarray = memory_field()
    voxel_phantom: Phantom = memory_field()
    dvhs: Mapping[str, DVH] = memory_field()


_REGIONS = ("brain", "metastasis")  # kinetics regions mapped on the phantom


def _region_masks(phantom: Phantom) -> dict[str, np.ndarray]:
    """The mask of each of ``_REGIONS``: brain outside the lesions, and the lesions."""
    lesions = phantom.lesions_mask
    return {"brain": phantom.masks["brain"] & ~lesions, "metastasis": lesions}


@memoize(maxsize=2)
def _region_spectra(phantom: Phantom, half: int) -> MaskSpectra:
    """FFT spectra of the mapped regions' masks (brain outside the lesions, lesions), in ``_REGIONS`` order.

    The dose map is linear in the time-integrated activity and the activity is uniform per region, so the
    low-LET map of a sample is ``Σ_region mask ⊛ (Σ_member decays per voxel × kernel)``: one inverse FFT
    per sample, with these spectra — which depend only on the phantom — computed once per worker
    (:mod:`brainrit.cache`).
    """
    from brainrit.dosimetry.voxel.dosemap import mask_spectra

    masks = _region_masks(phantom)
    return mask_spectra([masks[r] for r in _REGIONS], (2 * half + 1,) * 3)


def _region_kernels(
    per_voxel: tuple[tuple[str, tuple[float, ...]], ...], voxel_mm: tuple[float, ...], half: int
) -> tuple[dict[str, np.ndarray | None], dict[str, np.ndarray | None]]:
    """Per region, the α and low-LET kernels weighted by each member's decays per voxel (Bq·s × mGy/(MBq·s)).

    ``per_voxel``: ``(member, decays per voxel in each of _REGIONS)`` pairs. A region without α (no α
    emitter with activity there) gets ``None``, and so for low-LET.
    """
    from brainrit.dosimetry.voxel.kernels import voxel_kernel_components

    alpha: dict[str, np.ndarray | None] = dict.fromkeys(_REGIONS)
    low: dict[str, np.ndarray | None] = dict.fromkeys(_REGIONS)
    for member, decays in per_voxel:
        if not any(decays):
            continue
        k = voxel_kernel_components(member, voxel_mm, half, material="brain", chain=False)
        low_k = k["electron"] + k["photon"]
        has_alpha = bool(k["alpha"].any())
        for region, n in zip(_REGIONS, decays, strict=True):
            if not n:
                continue
            low[region] = n * low_k if low[region] is None else low[region] + n * low_k
            if has_alpha:
                alpha[region] = n * k["alpha"] if alpha[region] is None else alpha[region] + n * k["alpha"]
    return alpha, low


@memoize(maxsize=2)
def _dose_maps(
    phantom: Phantom, half: int, per_voxel: tuple[tuple[str, tuple[float, ...]], ...]
) -> tuple[np.ndarray, np.ndarray]:
    """α and low-LET dose maps (Gy) for ``per_voxel`` decays (Bq·s) of each member in each region.

    Keyed by the decays, so samples of a sweep that change only the radiobiology reuse the maps.
    """
    from brainrit.dosimetry.voxel.dosemap import (
        GY_PER_BQ_S_PER_MGY_PER_MBQ_S,
        convolve_direct,
        convolve_masks,
        trim_kernel,
    )

    voxel_mm = tuple(float(v) for v in phantom.voxel_mm)
    alpha_k, low_k = _region_kernels(per_voxel, voxel_mm, half)
    masks = _region_masks(phantom)
    # α (range < 0.1 mm: the kernel is the voxel and its neighbours) summed directly; exact zeros stay 0
    alpha = np.zeros(phantom.shape)
    for region, k in alpha_k.items():
        if k is not None and masks[region].any():
            alpha += convolve_direct(masks[region], trim_kernel(k))
    alpha *= GY_PER_BQ_S_PER_MGY_PER_MBQ_S
    if any(k is not None for k in low_k.values()):
        low = convolve_masks(_region_spectra(phantom, half), [low_k[r] for r in _REGIONS])
        np.maximum(low, 0.0, out=low)  # FFT round-off can leave -1e-16 where the dose is 0
        low *= GY_PER_BQ_S_PER_MGY_PER_MBQ_S
    else:
        low = np.zeros(phantom.shape)
    return alpha, low


def run(ctx: Context) -> RitDoseMapResult:
    """Voxel dose map of the RIT arm on the phantom (the external-beam stage's, or a new one)."""
    if not any(a.type == "rit" for a in ctx.scenario.arms):
        raise StageNotRun("the scenario has no RIT arm")
    patient = ctx.get(PatientImagesResult)
    if patient is not None:  # the patient's image-based dose on the patient's structures
        return rit_dose_map_from_patient(ctx, patient)
    kin = ctx.require(KineticsStageResult)
    from brainrit.dosimetry.voxel.dvh import dvh

    sc = ctx.scenario
    ebrt = ctx.get(EbrtResult)  # the same phantom (seeded lesions) when the external-beam stage ran
    phantom = ebrt.voxel_phantom if ebrt is not None else build_phantom(ctx)
    result = kin.solution
    voxel_mm = tuple(float(v) for v in phantom.voxel_mm)
    from brainrit.physics import get_material

    density = get_material("brain").density_g_cm3  # the kernels' medium: ICRP brain
    voxel_g = float(np.prod(voxel_mm)) / 1000.0 * density
    brain = _region_masks(phantom)["brain"]
    half = max(1, int(np.ceil(KERNEL_REACH_MM[phantom.species] / min(voxel_mm))))
    per_voxel = tuple(  # decays per voxel (Bq·s) of each member in each region, whole course
        (member, tuple(float(result.decays_per_g(region, member)) * voxel_g for region in _REGIONS))
        for member in result.members
    )
    alpha, low = _dose_maps(phantom, half, per_voxel)
    rbe = sc.radiobiology.rbe_alpha
    weighted = rbe * alpha + low
    structures = {"brain": brain, "hippocampi": phantom.masks["hippocampi"]}
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
    return RitDoseMapResult(
        voxel_mm=voxel_mm,
        kernel_half_width_voxels=half,
        rbe_alpha=rbe,
        structures={r[0]: StructureDose(*r[1:]) for r in rows},
        tables=(
            Table(
                "rit_structures",
                f"RIT dose on the phantom (RBE-weighted with RBE_α = {rbe:g})",
                STRUCTURE_COLUMNS,
                tuple(rows),
            ),
        ),
        notes=(
            f"Voxel S-value kernels (brain, {voxel_mm[0]:g} mm, half-width {half} voxels) per chain member, "
            "FFT convolution of the time-integrated activity.",
            "Activity outside the brain and sub-voxel micrometastases are not mapped.",
        ),
        alpha_Gy=alpha,
        low_let_Gy=low,
        rbe_weighted_Gy=weighted,
        voxel_phantom=phantom,
        dvhs=curves,
    )
