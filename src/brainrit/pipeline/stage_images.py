"""Stage — patient images: quantitative SPECT/PET time points → TIA → voxel dose → DVHs → outcomes.

Reads the scenario's ``[images]`` section (:mod:`brainrit.scenario.images_schema`): the time points
(DICOM NM/PT or NIfTI + JSON sidecar), the optional CT and the RTSTRUCT or label image, all checked
(units Bq/mL, acquisition and administration times, one frame of reference; other grids resampled
onto the first image's with a warning) by :mod:`brainrit.dosimetry.voxel.series`. With
``synthetic = true`` the synthetic ²⁰³Pb patient of :mod:`brainrit.phantoms.synthetic_patient` is
written to a temporary folder and read back through the same readers, and the closed-form TIA of
every structure is reported beside the image-based one.

Then (:mod:`brainrit.dosimetry.voxel.patient`, where the choices are stated): structure-wise
time–activity curves of the imaged nuclide converted to the therapy nuclide
(``radiopharmaceutical.nuclide``, same biology, its own physical decay) and scaled to the
scenario's administered activity; AICc-selected exponential fits (or trapezoids, or one-point
Hänscheid estimates); a TIA map; the dose of every chain member by kernel convolution, density-
scaled with the CT; DVHs of every structure.

Outcomes on the same structures, on the calibrated basis of the other arms
(``radiobiology.outcome_models`` of the scenario, as the RIT-outcome and comparison stages use):

* metastases: microdosimetric α survival voxel by voxel (single-event specific energy of the chain's α
  lines, ICRU 36) applied to the calibrated clonogen number of a sphere of the metastasis' volume, and the
  calibrated population TCP of the low-LET BED (mean low-LET dose, Lea–Catcheside G factor of the
  metastasis' own dose-rate curve); all metastases jointly (one α per patient);
* brain necrosis: LKB (Burman 1991) on the EQD2 voxels of the brain outside the metastases (``eqd2_mixed``
  with RBE_α and the brain's G factor);
* cognition: the calibrated model at the hippocampal D40 % EQD2.

The patient's structures also replace the phantom of the external-beam and RIT-dose-map stages
(:func:`brainrit.phantoms.patient.phantom_from_structures`), so every arm is judged on them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from brainrit.pipeline.core import Context, StageNotRun, StageResult, Table, memory_field, stage_result

if TYPE_CHECKING:
    from brainrit.dosimetry.voxel.patient import PatientDose, PatientTIA
    from brainrit.dosimetry.voxel.series import ImageSeries
    from brainrit.phantoms import Phantom
    from brainrit.scenario.images_schema import ImagesSection

__all__ = ["PatientImagesResult", "StructureImageDose", "load_patient_series"]


@dataclass(frozen=True)
class StructureImageDose:
    """Time-integrated activity and dose of one patient structure.

    Examples
    --------
    >>> StructureImageDose(1.0, "uptake", 2.0, 0.01, 2.0, None, 1.0, 0.9, 0.1, 4.6, 0.8, 1.0, 1.2).tia_MBq_h
    2.0
    """

    volume_cm3: float
    tia_method: str
    tia_fit_MBq_h: float
    tia_fit_sd_MBq_h: float
    tia_MBq_h: float
    tia_exact_MBq_h: float | None
    mean_Gy: float
    mean_alpha_Gy: float
    mean_low_let_Gy: float
    mean_rbe_weighted_Gy: float
    D98_Gy: float
    D50_Gy: float
    D2_Gy: float


@stage_result
class PatientImagesResult(StageResult):
    """Patient TIA, voxel dose, DVHs and outcomes from quantitative images.

    Attributes
    ----------
    source : str
        ``"synthetic patient"`` or the first image file.
    imaged_nuclide, therapy_nuclide : str
    imaged_activity_MBq, therapy_activity_MBq : float
        Administered activities (the images' and the scenario's, all injections).
    times_h : tuple of float
        Acquisition times after administration (h).
    voxel_mm : tuple of float
    density_corrected : bool
        Whether a CT density correction was applied.
    rbe_alpha : float
    structures : Mapping[str, StructureImageDose]
    member_mean_dose_Gy : Mapping[str, Mapping[str, float]]
        Structure → chain member → mean dose (Gy).
    outcomes : Mapping[str, float | None]
        ``TCP`` (all metastases), ``NTCP necrosis``, ``hippocampi D40 EQD2`` (Gy), ``P cognitive``,
        ``P+``, ``P+ incl. cognition``, ``brain G factor``.
    tcp_per_metastasis : Mapping[str, float]
    image_warnings : tuple of str
    series, tia, dose, voxel_phantom, alpha_Gy, low_let_Gy, eqd2_brain_Gy :
        In memory only (arrays, the phantom of the patient's structures).

    Examples
    --------
    >>> PatientImagesResult.key
    'patient_images'
    """

    key: ClassVar[str] = "patient_images"
    title: ClassVar[str] = "Patient images: SPECT/CT → TIA → voxel dose"

    source: str
    imaged_nuclide: str
    therapy_nuclide: str
    imaged_activity_MBq: float
    therapy_activity_MBq: float
    times_h: tuple[float, ...]
    voxel_mm: tuple[float, ...]
    density_corrected: bool
    rbe_alpha: float
    structures: Mapping[str, StructureImageDose]
    member_mean_dose_Gy: Mapping[str, Mapping[str, float]]
    outcomes: Mapping[str, float | None]
    tcp_per_metastasis: Mapping[str, float]
    image_warnings: tuple[str, ...]
    series: ImageSeries = memory_field()
    tia: PatientTIA = memory_field()
    dose: PatientDose = memory_field()
    voxel_phantom: Phantom = memory_field()
    alpha_Gy: np.ndarray = memory_field()
    low_let_Gy: np.ndarray = memory_field()
    eqd2_brain_Gy: np.ndarray = memory_field()


def _is_nifti(path: str | Path) -> bool:
    return str(path).endswith((".nii", ".nii.gz"))


def _sidecar(path: Path) -> dict[str, Any]:
    from brainrit.dosimetry.voxel.series import _sidecar_path

    side = _sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        from brainrit.errors import InputError

        raise InputError("sidecar", str(side), "a readable JSON object") from None
    return data if isinstance(data, dict) else {}


def _dicom_for_uid(path: Path) -> str:
    import pydicom

    first = sorted(q for q in path.iterdir() if q.is_file())[0] if path.is_dir() else path
    ds = pydicom.dcmread(str(first), stop_before_pixels=True)
    uid = str(getattr(ds, "FrameOfReferenceUID", "") or "")
    if not uid and "ReferencedFrameOfReferenceSequence" in ds and len(ds.ReferencedFrameOfReferenceSequence):
        uid = str(getattr(ds.ReferencedFrameOfReferenceSequence[0], "FrameOfReferenceUID", "") or "")
    return uid


def load_patient_series(images: ImagesSection, *, base: str | Path = ".") -> ImageSeries:
    """Read the files of an ``[images]`` section into an
    :class:`~brainrit.dosimetry.voxel.series.ImageSeries`.

    Parameters
    ----------
    images : ImagesSection
        With file paths (not ``synthetic``).
    base : path
        Folder that relative paths are relative to.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> from brainrit.scenario.images_schema import ImagesSection
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0, 24.0))
    ...     sec = ImagesSection(spect=["dicom/nm_t01.dcm", "dicom/nm_t02.dcm"], ct="dicom/ct",
    ...                         rtstruct="dicom/rtstruct.dcm")
    ...     s = load_patient_series(sec, base=d)
    >>> s.times_h, sorted(s.structures)[:2], s.density_g_cm3 is not None
    ((4.0, 24.0), ['brain', 'brainstem'], True)
    """
    from brainrit.dosimetry.voxel.io import load_dicom, load_nifti
    from brainrit.dosimetry.voxel.series import (
        image_series,
        read_quantitative_dicom,
        read_quantitative_nifti,
    )
    from brainrit.ebrt.dicom import read_rtstruct
    from brainrit.errors import InputError

    root = Path(base)

    def path(p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else root / q

    if images.synthetic:
        raise InputError("images.synthetic", True, "file paths (use the stage for the synthetic patient)")
    if images.format == "nifti":
        ims = [read_quantitative_nifti(path(p)) for p in images.spect]
    else:
        ims = [read_quantitative_dicom(path(p)) for p in images.spect]
    kwargs: dict[str, Any] = {"hu_calibration": images.hu_calibration}
    if images.ct is not None:
        ct = path(images.ct)
        if _is_nifti(ct):
            kwargs["ct_hu"] = load_nifti(ct)
            kwargs["ct_frame_of_reference_uid"] = str(_sidecar(ct).get("frame_of_reference_uid", "") or "")
        else:
            kwargs["ct_hu"] = load_dicom(ct)
            kwargs["ct_frame_of_reference_uid"] = _dicom_for_uid(ct)
        kwargs["ct_source"] = str(ct)
    if images.labels is not None:
        lab = path(images.labels)
        meta = _sidecar(lab)
        if "structures" not in meta:
            raise InputError(f"{lab}: sidecar structures", "missing", "{'structures': {name: [labels]}}")
        kwargs.update(
            labels=load_nifti(lab),
            label_structures={images.rename.get(k, k): v for k, v in meta["structures"].items()},
            structures_frame_of_reference_uid=str(meta.get("frame_of_reference_uid", "") or ""),
            structures_source=str(lab),
        )
    first = image_series(ims[:1])
    if images.rtstruct is not None:
        rts = path(images.rtstruct)
        masks = read_rtstruct(rts, *first.grid_lps())
        unknown = sorted(set(images.rename) - set(masks))
        if unknown:
            raise InputError(
                "images.rename", unknown[0], "ROI names in the RTSTRUCT: " + ", ".join(sorted(masks))
            )
        kwargs.update(
            structures={images.rename.get(k, k): v for k, v in masks.items() if v.any()},
            structures_frame_of_reference_uid=_dicom_for_uid(rts),
            structures_source=str(rts),
        )
    return image_series(ims, **kwargs)


def _g_factor(tia_curve: Any, half_life_h: float, repair_half_time_h: float) -> float:
    import brainrit.radiobiology as rb

    t = np.linspace(0.0, 12.0 * half_life_h, 4001)
    rate = tia_curve.curve_MBq(t, therapy_half_life_h=half_life_h)
    if not np.any(rate > 0):
        return 1.0
    return float(rb.g_factor(t, rate, repair_half_time_h))


def _outcomes(
    ctx: Context,
    tia: PatientTIA,
    alpha: np.ndarray,
    low: np.ndarray,
    phantom: Phantom,
    half_life_h: float,
) -> tuple[dict[str, float | None], dict[str, float], np.ndarray]:
    """Patient outcomes on the calibrated basis of the other arms (module docstring)."""
    import brainrit.radiobiology as rb
    from brainrit.pipeline.stage_rit_outcomes import alpha_let_keV_per_um

    sc = ctx.scenario
    rbio = sc.radiobiology
    img = sc.images
    assert img is not None
    cal = rbio.outcome_models.models()
    let = alpha_let_keV_per_um(sc.radiopharmaceutical.nuclide)
    z1 = (
        float(rb.single_event_specific_energy_Gy(let, 2 * sc.microgeometry.nucleus_radius_um))
        if let > 0
        else 0.0
    )
    beds: list[float] = []
    survivors: list[float] = []
    names: list[str] = []
    for les in phantom.lesions:
        name = f"{img.metastases_prefix}{les.name}"
        mask = phantom.masks[f"lesion_{les.name}"]
        fit = tia.structures.get(name)
        g = _g_factor(fit, half_life_h, rbio.repair_half_time_tumour_h) if fit is not None else 1.0
        d_a = alpha[mask]
        s_a = (
            rb.survival_mixed(
                d_a,
                0.0,
                z0_Gy=rbio.z0_Gy,
                alpha_per_Gy=cal.tcp.alpha_mean_per_Gy,
                alpha_beta_Gy=cal.tcp.alpha_beta_Gy,
                z1_Gy=z1,
            )
            if z1 > 0
            else np.ones_like(d_a)
        )
        d_e = float(low[mask].mean())
        beds.append(d_e * (1.0 + g * d_e / cal.tcp.alpha_beta_Gy))
        # clonogens spread uniformly over the voxels: survivors of the α part, voxel by voxel
        survivors.append(float(cal.tcp.clonogens.clonogens(les.diameter_mm)) * float(np.mean(s_a)))
        names.append(les.name)
    tcp_per = {n: float(cal.tcp.tcp_joint([b], [s])) for n, b, s in zip(names, beds, survivors, strict=True)}
    tcp = float(cal.tcp.tcp_joint(beds, survivors)) if names else None
    healthy = phantom.masks["brain"] & ~phantom.lesions_mask
    fit_brain = tia.structures.get(img.brain)
    g_brain = (
        _g_factor(fit_brain, half_life_h, rbio.repair_half_time_brain_h) if fit_brain is not None else 1.0
    )
    eqd2 = np.asarray(
        rb.eqd2_mixed(alpha, low, rbio.alpha_beta_brain_Gy, rbe_alpha=rbio.rbe_alpha, g_low_let=g_brain),
        float,
    )
    lkb = rb.parameters("brain_necrosis_lkb")
    vals = eqd2[healthy]
    ntcp = float(rb.ntcp_lkb(vals, np.full(vals.size, 1.0 / vals.size), lkb["td50_Gy"], lkb["m"], lkb["n"]))
    hip = eqd2[phantom.masks["hippocampi"]]
    d40 = float(np.percentile(hip, 60.0)) if hip.size else None
    p_cog = float(cal.cognition.probability(d40)) if d40 is not None else None
    p_plus = tcp * (1.0 - ntcp) if tcp is not None else None
    out = {
        "TCP": tcp,
        "NTCP necrosis": ntcp,
        "hippocampi D40 EQD2": d40,
        "P cognitive": p_cog,
        "P+": p_plus,
        "P+ incl. cognition": p_plus * (1.0 - p_cog) if p_plus is not None and p_cog is not None else None,
        "brain G factor": g_brain,
    }
    return out, tcp_per, eqd2


def run(ctx: Context) -> PatientImagesResult:
    """The patient-image stage (module docstring)."""
    sc = ctx.scenario
    img = sc.images
    if img is None:
        raise StageNotRun("the scenario has no [images] section")
    from brainrit import nuclides
    from brainrit.dosimetry.voxel.patient import patient_dose, patient_tia
    from brainrit.phantoms.patient import phantom_from_structures

    therapy = nuclides.parse_name(sc.radiopharmaceutical.nuclide)
    half_life_h = nuclides.decay_chain(therapy).member(therapy).half_life_s / 3600.0
    activity = sc.injected_activity_MBq * sc.administration.injections
    exact: dict[str, float] = {}
    if img.synthetic:
        from brainrit.phantoms.synthetic_patient import write_synthetic_patient
        from brainrit.scenario.images_schema import ImagesSection

        with tempfile.TemporaryDirectory(prefix="brainrit-synthetic-patient-") as tmp:
            pt = write_synthetic_patient(tmp, voxel_mm=img.synthetic_voxel_mm)
            files = ImagesSection(
                spect=[str(p) for p in pt.spect_dicom], ct=str(pt.ct_dicom), rtstruct=str(pt.rtstruct)
            )
            series = load_patient_series(files)
        source = "synthetic patient (brainrit.phantoms.synthetic_patient, DICOM NM/CT/RTSTRUCT)"
        exact = {n: activity * pt.tia_Bq_s_per_MBq(n, half_life_h) / 3.6e9 for n in series.structures}
    else:
        series = load_patient_series(img)
        source = series.images[0].source
    tia = patient_tia(
        series,
        therapy_nuclide=therapy,
        therapy_activity_MBq=activity,
        imaged_activity_MBq=img.imaged_activity_MBq,
        method=img.tia_method,
        effective_half_life_h=img.effective_half_life_h,
    )
    dose = patient_dose(tia, series, material=img.kernel_material, density_correction=img.density_correction)
    phantom = phantom_from_structures(
        series.structures,
        *series.grid_lps(),
        brain=img.brain,
        hippocampi=img.hippocampi,
        metastases_prefix=img.metastases_prefix,
    )
    alpha = dose.component_dose_Gy["alpha"]
    low = dose.component_dose_Gy["electron"] + dose.component_dose_Gy["photon"]
    rbe = sc.radiobiology.rbe_alpha
    structures: dict[str, StructureImageDose] = {}
    for name, mask in series.structures.items():
        fit = tia.structures[name]
        h = dose.dvhs[name]
        structures[name] = StructureImageDose(
            volume_cm3=float(mask.sum()) * series.voxel_volume_mL,
            tia_method=fit.method,
            tia_fit_MBq_h=fit.tia_MBq_h,
            tia_fit_sd_MBq_h=fit.tia_sd_MBq_h,
            tia_MBq_h=tia.map_tia_MBq_h[name],
            tia_exact_MBq_h=exact.get(name),
            mean_Gy=h.mean_Gy,
            mean_alpha_Gy=float(alpha[mask].mean()),
            mean_low_let_Gy=float(low[mask].mean()),
            mean_rbe_weighted_Gy=float((rbe * alpha + low)[mask].mean()),
            D98_Gy=h.D(98),
            D50_Gy=h.D(50),
            D2_Gy=h.D(2),
        )
    outcomes, tcp_per, eqd2 = _outcomes(ctx, tia, alpha, low, phantom, half_life_h)
    a_img = img.imaged_activity_MBq or series.images[0].administered_activity_MBq or float("nan")
    tia_rows = tuple(
        (n, s.volume_cm3, s.tia_method, s.tia_fit_MBq_h, s.tia_fit_sd_MBq_h, s.tia_MBq_h, s.tia_exact_MBq_h)
        for n, s in structures.items()
    )
    dose_rows = tuple(
        (
            n,
            s.mean_Gy,
            s.mean_alpha_Gy,
            s.mean_low_let_Gy,
            s.mean_rbe_weighted_Gy,
            s.D98_Gy,
            s.D50_Gy,
            s.D2_Gy,
        )
        for n, s in structures.items()
    )
    members = tuple(dose.member_dose_Gy)
    member_rows = tuple((n, *(dose.mean_member_dose_Gy[n][m] for m in members)) for n in structures)
    tables = (
        Table(
            "patient_tia",
            f"Time-integrated {therapy} activity per structure",
            (
                "structure",
                "volume (cm³)",
                "curve",
                "TIA fit (MBq·h)",
                "SD (MBq·h)",
                "TIA map (MBq·h)",
                "TIA exact (MBq·h)",
            ),
            tia_rows,
            "Fit: the structure's whole curve; map: the partition cells used for the dose (module "
            "docstring); exact: closed form of the synthetic patient.",
        ),
        Table(
            "patient_dose",
            "Absorbed dose per structure (image-based)",
            (
                "structure",
                "mean (Gy)",
                "mean α (Gy)",
                "mean low-LET (Gy)",
                f"mean RBE-weighted (Gy, RBE {rbe:g})",
                "D98 (Gy)",
                "D50 (Gy)",
                "D2 (Gy)",
            ),
            dose_rows,
        ),
        Table(
            "patient_member_dose",
            "Mean dose per chain member (Gy)",
            ("structure", *members),
            member_rows,
        ),
        Table(
            "patient_outcomes",
            "RIT outcomes on the patient's structures",
            ("metric", "value"),
            tuple((k, v) for k, v in outcomes.items()) + tuple((f"TCP {k}", v) for k, v in tcp_per.items()),
        ),
    )
    notes = [
        f"{len(series.images)} {series.nuclide} time points at "
        + ", ".join(f"{t:g}" for t in series.times_h)
        + f" h; {therapy} {activity:g} MBq (biology from {series.nuclide}, physical decay of {therapy}).",
        "Dose: every chain member's decays (parent TIA × decays per parent decay, progeny decaying in place) "
        "convolved with its own voxel kernel"
        + (", divided by the CT relative density." if dose.density_scaled else "."),
    ]
    notes += list(series.warnings)
    return PatientImagesResult(
        source=source,
        imaged_nuclide=series.nuclide,
        therapy_nuclide=therapy,
        imaged_activity_MBq=float(a_img),
        therapy_activity_MBq=float(activity),
        times_h=series.times_h,
        voxel_mm=series.voxel_mm,
        density_corrected=dose.density_scaled,
        rbe_alpha=rbe,
        structures=structures,
        member_mean_dose_Gy={n: dict(v) for n, v in dose.mean_member_dose_Gy.items()},
        outcomes=outcomes,
        tcp_per_metastasis=tcp_per,
        image_warnings=series.warnings,
        series=series,
        tia=tia,
        dose=dose,
        voxel_phantom=phantom,
        alpha_Gy=alpha,
        low_let_Gy=low,
        eqd2_brain_Gy=eqd2,
        tables=tables,
        notes=tuple(notes),
    )


def rit_dose_map_from_patient(ctx: Context, patient: PatientImagesResult) -> Any:
    """The RIT dose-map stage's result made of the patient's image-based dose (instead of the kinetic model).

    Used by :mod:`brainrit.pipeline.stage_rit_map` when this stage ran, so that the RIT arm is mapped on the
    patient's structures exactly as the external-beam arms are.
    """
    from brainrit.dosimetry.voxel.dvh import dvh
    from brainrit.pipeline.stage_rit_map import STRUCTURE_COLUMNS, RitDoseMapResult, StructureDose

    phantom = patient.voxel_phantom
    rbe = ctx.scenario.radiobiology.rbe_alpha
    alpha, low = patient.alpha_Gy, patient.low_let_Gy
    weighted = rbe * alpha + low
    lesions = phantom.lesions_mask
    structures = {"brain": phantom.masks["brain"] & ~lesions, "hippocampi": phantom.masks["hippocampi"]}
    for les in phantom.lesions:
        structures[les.name] = phantom.masks[f"lesion_{les.name}"]
    voxel_mm = tuple(float(v) for v in phantom.voxel_mm)
    voxel_cm3 = float(np.prod(voxel_mm)) / 1000.0
    rows, curves = [], {}
    for name, mask in structures.items():
        h = dvh(weighted, mask, voxel_mm)
        curves[name] = h
        rows.append(
            (
                name,
                float(mask.sum()) * voxel_cm3,
                float(alpha[mask].mean()),
                float(low[mask].mean()),
                h.mean_Gy,
                h.D(98),
                h.D(2),
            )
        )
    return RitDoseMapResult(
        voxel_mm=voxel_mm,
        kernel_half_width_voxels=0,
        rbe_alpha=rbe,
        structures={r[0]: StructureDose(*r[1:]) for r in rows},
        tables=(
            Table(
                "rit_structures",
                f"RIT dose on the patient's structures (images; RBE-weighted with RBE_α = {rbe:g})",
                STRUCTURE_COLUMNS,
                tuple(rows),
            ),
        ),
        notes=(
            "RIT dose from the patient's images (patient-images stage), not from the kinetic model; kernel "
            "half-width per chain member (longest electron range).",
        ),
        alpha_Gy=alpha,
        low_let_Gy=low,
        rbe_weighted_Gy=weighted,
        voxel_phantom=phantom,
        dvhs=curves,
    )


def comparison_metrics(patient: PatientImagesResult) -> dict[str, Any]:
    """The patient RIT outcomes as the comparison stage's arm metrics (contoured metastases are visible)."""
    from brainrit.pipeline.stage_comparison import _metrics

    o = patient.outcomes
    tcp = o["TCP"] if o["TCP"] is not None else 1.0  # no metastasis: nothing to fail
    return _metrics(tcp, None, tcp, dict(patient.tcp_per_metastasis), o["NTCP necrosis"], o["P cognitive"])
