"""A synthetic ²⁰³Pb/²¹²Pb theranostic patient written as DICOM (NM, CT, RTSTRUCT) and NIfTI files.

The patient is the human brain phantom (:func:`brainrit.phantoms.human_brain`) with three metastases,
imaged by quantitative ²⁰³Pb SPECT at several times after administration. Everything is known by
construction, so the image-based workflow can be checked end to end against closed forms:

* **Activity.** Every voxel of a *compartment* (each structure minus the smaller structures inside
  it: metastases, hippocampi, brainstem, rest of the brain) has the same concentration
  ``c(t) = A_admin · Σ_i a_i exp(−k_i t)`` before physical decay (``a_i`` in kBq/mL per MBq
  administered, biological rate constants ``k_i`` in 1/h; metastases take up and wash out,
  ``a = (C, −C)``). The SPECT image at time ``t`` holds ``c(t) · exp(−λ₂₀₃ t)`` Bq/mL (no
  partial-volume blur, no noise: an ideal reconstruction).
* **Time-integrated activity.** With the same biology and the therapy nuclide's physical decay,
  the TIA of a compartment of volume ``V`` per MBq of therapy nuclide is
  ``V · Σ_i a_i / (k_i + λ) · 1000 Bq/mL · 3600 s/h`` (:meth:`SyntheticPatient.tia_Bq_s_per_MBq`).
* **CT.** Air outside the head, soft tissue (scalp) and a 6 mm cortical-bone skull 3–9 mm outside the
  brain surface, brain parenchyma inside; CT numbers from the stoichiometric calibration of
  :mod:`brainrit.dosimetry.voxel.density` (so the brain reads back as 1.04 g/cm³).
* **Structures.** RTSTRUCT contours are the 0.5 iso-lines of each mask, slice by slice (they pass
  half-way between inside and outside voxel centres, so the voxel-centre rasteriser of
  :func:`brainrit.ebrt.dicom.read_rtstruct` gives the masks back exactly); the same masks as a
  label NIfTI with a JSON sidecar naming the labels.

DICOM attributes used by the readers: ``Units`` = ``BQML``, ``DecayCorrection`` = ``NONE``,
``AcquisitionDate``/``AcquisitionTime``, ``RadiopharmaceuticalInformationSequence`` (start date-time,
total dose in Bq, half-life in s, radionuclide ``^203^Lead``), ``FrameOfReferenceUID`` (one for the
whole study), ``DetectorInformationSequence`` geometry, ``PixelSpacing``, ``SpacingBetweenSlices``.
NIfTI sidecars (JSON) carry ``units``, ``nuclide``, ``acquisition_datetime``,
``administration_datetime``, ``administered_activity_MBq``, ``decay_correction`` and
``frame_of_reference_uid``.

Examples
--------
>>> import tempfile
>>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
>>> with tempfile.TemporaryDirectory() as d:
...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0, 24.0))
...     names = sorted(p.name for p in pt.spect_dicom)
>>> names, pt.imaged_nuclide
(['nm_t01.dcm', 'nm_t02.dcm'], 'Pb-203')
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from brainrit.checks import array_finite, positive
from brainrit.dosimetry.voxel.density import hu_of_material
from brainrit.dosimetry.voxel.io import VoxelImage, save_nifti
from brainrit.errors import InputError, OutputError
from brainrit.phantoms.brain import Phantom, human_brain, metastasis

__all__ = [
    "COMPARTMENT_ORDER",
    "DEFAULT_KINETICS",
    "DEFAULT_LESIONS",
    "BiologicalKinetics",
    "SyntheticPatient",
    "compartments",
    "write_synthetic_patient",
]

_NM_STORAGE = "1.2.840.10008.5.1.4.1.1.20"
_CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
_RTSTRUCT_STORAGE = "1.2.840.10008.5.1.4.1.1.481.3"


@dataclass(frozen=True)
class BiologicalKinetics:
    """Concentration per administered activity without physical decay: ``Σ a_i exp(−k_i t)``.

    Attributes
    ----------
    amplitudes_kBq_per_mL_per_MBq : tuple of float
        ``a_i`` (may be negative for an uptake phase; the sum of the curve stays >= 0).
    rates_per_h : tuple of float
        Biological rate constants ``k_i`` (1/h), > 0.

    Examples
    --------
    >>> k = BiologicalKinetics((2.0, -2.0), (0.01, 0.2))
    >>> round(k.integral_kBq_h_per_mL_per_MBq(math.log(2) / 10.64), 4)
    19.072
    """

    amplitudes_kBq_per_mL_per_MBq: tuple[float, ...]
    rates_per_h: tuple[float, ...]

    def __post_init__(self) -> None:
        a = array_finite("amplitudes_kBq_per_mL_per_MBq", self.amplitudes_kBq_per_mL_per_MBq)
        k = array_finite("rates_per_h", self.rates_per_h, low=0.0, strict_low=True, unit="1/h")
        if a.shape != k.shape or a.ndim != 1 or a.size == 0:
            raise InputError("rates_per_h", self.rates_per_h, "one rate per amplitude")
        if a.sum() < -1e-12:
            raise InputError(
                "amplitudes_kBq_per_mL_per_MBq", self.amplitudes_kBq_per_mL_per_MBq, "a sum >= 0"
            )
        object.__setattr__(self, "amplitudes_kBq_per_mL_per_MBq", tuple(float(x) for x in a))
        object.__setattr__(self, "rates_per_h", tuple(float(x) for x in k))

    def concentration_kBq_per_mL_per_MBq(
        self, time_h: float | np.ndarray, decay_per_h: float = 0.0
    ) -> np.ndarray:
        """``Σ a_i exp(−(k_i + λ) t)``: with ``decay_per_h`` = λ the physical decay of a nuclide."""
        t = np.asarray(time_h, float)
        a, k = np.asarray(self.amplitudes_kBq_per_mL_per_MBq), np.asarray(self.rates_per_h)
        return np.maximum(np.sum(a * np.exp(-np.multiply.outer(t, k + decay_per_h)), axis=-1), 0.0)

    def integral_kBq_h_per_mL_per_MBq(self, decay_per_h: float) -> float:
        """``∫₀^∞ Σ a_i exp(−(k_i + λ) t) dt = Σ a_i / (k_i + λ)`` (kBq·h/mL per MBq)."""
        a, k = np.asarray(self.amplitudes_kBq_per_mL_per_MBq), np.asarray(self.rates_per_h)
        return float(np.sum(a / (k + decay_per_h)))


#: Metastases (name, centre in mm LPS from the brain centre, diameter in mm).
DEFAULT_LESIONS: tuple[tuple[str, tuple[float, float, float], float], ...] = (
    ("m1", (-30.0, -35.0, 20.0), 20.0),
    ("m2", (35.0, 25.0, 15.0), 14.0),
    ("m3", (5.0, 50.0, 25.0), 10.0),
)

#: Illustrative antibody-like kinetics (not a fit to patient data): metastases take the conjugate up
#: with T½ 4 h and release it with T½ 60 h; normal brain clears a blood-pool-like fraction (T½ 8 h)
#: and retains a slow one (T½ 80 h); hippocampi and brainstem clear mono-exponentially.
DEFAULT_KINETICS: Mapping[str, BiologicalKinetics] = MappingProxyType(
    {
        "lesion": BiologicalKinetics((0.5, -0.5), (math.log(2) / 60.0, math.log(2) / 4.0)),
        "brain": BiologicalKinetics((0.02, 0.005), (math.log(2) / 8.0, math.log(2) / 80.0)),
        "hippocampus_left": BiologicalKinetics((0.015,), (math.log(2) / 20.0,)),
        "hippocampus_right": BiologicalKinetics((0.015,), (math.log(2) / 20.0,)),
        "brainstem": BiologicalKinetics((0.01,), (math.log(2) / 30.0,)),
    }
)

#: Exclusive compartments, most specific first (metastases are added in front).
COMPARTMENT_ORDER: tuple[str, ...] = ("hippocampus_left", "hippocampus_right", "brainstem", "brain")


def compartments(phantom: Phantom) -> dict[str, np.ndarray]:
    """Exclusive masks: each structure minus the ones before it (lesions, hippocampi, brainstem, brain).

    Examples
    --------
    >>> p = human_brain(voxel_mm=8.0)
    >>> c = compartments(p)
    >>> int(sum(m.sum() for m in c.values())) == int(p.masks["brain"].sum())
    True
    """
    order = [f"lesion_{les.name}" for les in phantom.lesions if f"lesion_{les.name}" in phantom.masks]
    order += list(COMPARTMENT_ORDER)
    taken = np.zeros(phantom.shape, dtype=bool)
    out: dict[str, np.ndarray] = {}
    for name in order:
        m = phantom.masks[name] & ~taken
        out[name] = m
        taken |= m
    return out


@dataclass(frozen=True, eq=False)
class SyntheticPatient:
    """Files written by :func:`write_synthetic_patient` and the ground truth behind them.

    Attributes
    ----------
    folder : Path
    phantom : Phantom
        Geometry (LPS grid, masks).
    times_h : tuple of float
        Acquisition times after administration (h).
    administration : datetime.datetime
    administered_activity_MBq : float
        Imaged nuclide activity administered.
    imaged_nuclide : str
    kinetics : Mapping[str, BiologicalKinetics]
        Per compartment (see :func:`compartments`).
    frame_of_reference_uid : str
    spect_dicom, spect_nifti, spect_sidecars : tuple of Path
        One file per time point.
    ct_dicom : Path
        Folder of CT slices.
    ct_nifti : Path
    rtstruct : Path
    labels_nifti, labels_sidecar : Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(24.0,))
    >>> round(pt.tia_Bq_s_per_MBq("lesion_m1", 10.64) / 3.6e9, 5)  # MBq h per MBq of 212Pb
    0.01811
    """

    folder: Path
    phantom: Phantom = field(repr=False)
    times_h: tuple[float, ...]
    administration: dt.datetime
    administered_activity_MBq: float
    imaged_nuclide: str
    kinetics: Mapping[str, BiologicalKinetics] = field(repr=False)
    frame_of_reference_uid: str
    spect_dicom: tuple[Path, ...]
    spect_nifti: tuple[Path, ...]
    spect_sidecars: tuple[Path, ...]
    ct_dicom: Path
    ct_nifti: Path
    rtstruct: Path
    labels_nifti: Path
    labels_sidecar: Path

    @property
    def compartments(self) -> dict[str, np.ndarray]:
        """Exclusive masks (see :func:`compartments`)."""
        return compartments(self.phantom)

    def tia_Bq_s_per_MBq(self, structure: str, half_life_h: float) -> float:
        """Exact TIA (Bq·s per MBq administered) of a structure for a nuclide of half-life ``half_life_h``.

        The sum over the compartments inside the structure of ``V · Σ a_i / (k_i + λ)``.
        """
        lam = math.log(2.0) / positive("half_life_h", half_life_h)
        mask = self.phantom.masks[structure]
        vox_mL = float(np.prod(self.phantom.voxel_mm)) / 1000.0
        total = 0.0
        for name, m in self.compartments.items():
            n = int(np.sum(m & mask))
            if n:
                kin = self.kinetics[_kinetics_key(name)]
                total += n * vox_mL * kin.integral_kBq_h_per_mL_per_MBq(lam) * 1000.0 * 3600.0
        return total


def _kinetics_key(compartment: str) -> str:
    return "lesion" if compartment.startswith("lesion_") else compartment


def _activity_Bq_per_mL(
    patient_like: tuple[Phantom, Mapping[str, BiologicalKinetics]],
    t_h: float,
    admin_MBq: float,
    decay_per_h: float,
) -> np.ndarray:
    phantom, kinetics = patient_like
    out = np.zeros(phantom.shape)
    for name, m in compartments(phantom).items():
        c = float(kinetics[_kinetics_key(name)].concentration_kBq_per_mL_per_MBq(t_h, decay_per_h))
        out[m] = c * 1000.0 * admin_MBq
    return out


def _ras_affine(phantom: Phantom) -> np.ndarray:
    """Voxel → RAS affine of the phantom's LPS grid (x, y flip sign)."""
    a = np.diag([-phantom.voxel_mm[0], -phantom.voxel_mm[1], phantom.voxel_mm[2], 1.0])
    o = np.asarray(phantom.origin_mm)
    a[:3, 3] = (-o[0], -o[1], o[2])
    return a


def _dicom_base(sop_class: str, modality: str, study: dict[str, str], when: dt.datetime) -> object:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = modality
    ds.PatientName = "brainrit^synthetic"
    ds.PatientID = "BRAINRIT-SYN-001"
    ds.StudyInstanceUID = study["study"]
    ds.FrameOfReferenceUID = study["for"]
    ds.StudyDate = study["date"]
    ds.Manufacturer = "brainrit synthetic patient"
    ds.SeriesDate = when.strftime("%Y%m%d")
    ds.SeriesTime = when.strftime("%H%M%S")
    return ds


def _write_nm(
    path: Path,
    phantom: Phantom,
    data_Bq_per_mL: np.ndarray,
    study: dict[str, str],
    admin: dt.datetime,
    when: dt.datetime,
    admin_MBq: float,
    half_life_h: float,
    series_number: int,
) -> Path:
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence as DSequence
    from pydicom.uid import generate_uid

    ds = _dicom_base(_NM_STORAGE, "NM", study, when)
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = series_number
    ds.SeriesDescription = f"203Pb SPECT quantitative {series_number}"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "RECON TOMO", "EMISSION"]
    ds.AcquisitionDate = when.strftime("%Y%m%d")
    ds.AcquisitionTime = when.strftime("%H%M%S.%f")
    ds.Units = "BQML"
    ds.DecayCorrection = "NONE"
    rp = Dataset()
    rp.Radiopharmaceutical = "203Pb-TCMC-anti-VCAM-1 (synthetic)"
    rp.RadiopharmaceuticalStartDateTime = admin.strftime("%Y%m%d%H%M%S")
    rp.RadionuclideTotalDose = f"{admin_MBq * 1e6:.6g}"
    rp.RadionuclideHalfLife = f"{half_life_h * 3600.0:.8g}"
    code = Dataset()
    code.CodeValue = "Pb-203"
    code.CodingSchemeDesignator = "99BRAINRIT"
    code.CodeMeaning = "^203^Lead"
    rp.RadionuclideCodeSequence = DSequence([code])
    ds.RadiopharmaceuticalInformationSequence = DSequence([rp])
    nx, ny, nz = phantom.shape
    det = Dataset()
    det.ImagePositionPatient = [f"{v:.6f}" for v in phantom.origin_mm]
    det.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.DetectorInformationSequence = DSequence([det])
    ds.NumberOfFrames = nz
    ds.NumberOfSlices = nz
    ds.FrameIncrementPointer = [0x00540080]
    ds.SliceVector = list(range(1, nz + 1))
    ds.Rows, ds.Columns = ny, nx
    ds.PixelSpacing = [f"{phantom.voxel_mm[1]:.6g}", f"{phantom.voxel_mm[0]:.6g}"]
    ds.SliceThickness = f"{phantom.voxel_mm[2]:.6g}"
    ds.SpacingBetweenSlices = f"{phantom.voxel_mm[2]:.6g}"
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    dmax = float(data_Bq_per_mL.max())
    slope = float(f"{(dmax / 65535.0 if dmax > 0 else 1.0):.8e}")
    ds.RescaleSlope = f"{slope:.8e}"
    ds.RescaleIntercept = "0"
    pixels = np.rint(data_Bq_per_mL / slope).astype("<u2")
    ds.PixelData = np.ascontiguousarray(np.transpose(pixels, (2, 1, 0))).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def _write_ct(
    folder: Path, phantom: Phantom, hu: np.ndarray, study: dict[str, str], when: dt.datetime
) -> Path:
    from pydicom.uid import generate_uid

    folder.mkdir()
    series = generate_uid()
    nx, ny, nz = phantom.shape
    for k in range(nz):
        ds = _dicom_base(_CT_STORAGE, "CT", study, when)
        ds.SeriesInstanceUID = series
        ds.SeriesNumber = 1
        ds.InstanceNumber = k + 1
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.Rows, ds.Columns = ny, nx
        ds.PixelSpacing = [f"{phantom.voxel_mm[1]:.6g}", f"{phantom.voxel_mm[0]:.6g}"]
        ds.SliceThickness = f"{phantom.voxel_mm[2]:.6g}"
        z = phantom.origin_mm[2] + k * phantom.voxel_mm[2]
        ds.ImagePositionPatient = [f"{phantom.origin_mm[0]:.6f}", f"{phantom.origin_mm[1]:.6f}", f"{z:.6f}"]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "-1024", "1", "HU"
        pix = np.rint(hu[:, :, k].T + 1024.0).astype("<i2")
        ds.PixelData = np.ascontiguousarray(pix).tobytes()
        ds.save_as(folder / f"ct_{k + 1:04d}.dcm", enforce_file_format=True)
    return folder


def _mask_contours(mask: np.ndarray, phantom: Phantom) -> list[np.ndarray]:
    """Closed 0.5 iso-lines of a boolean mask, slice by slice, as (n, 3) LPS points (mm)."""
    import contourpy

    vox, org = np.asarray(phantom.voxel_mm), np.asarray(phantom.origin_mm)
    nx, ny, _ = mask.shape
    xs = org[0] + vox[0] * np.arange(-1, nx + 1)
    ys = org[1] + vox[1] * np.arange(-1, ny + 1)
    out = []
    for k in np.flatnonzero(mask.any(axis=(0, 1))):
        z = np.pad(mask[:, :, k].astype(float), 1).T  # contourpy wants (ny, nx)
        gen = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.Separate)
        zk = org[2] + vox[2] * k
        for line in gen.lines(0.5):
            pts = np.asarray(line)
            if np.allclose(pts[0], pts[-1]):
                pts = pts[:-1]
            if len(pts) >= 3:
                out.append(np.column_stack([pts, np.full(len(pts), zk)]))
    return out


def _write_rtstruct(
    path: Path, phantom: Phantom, names: Sequence[str], study: dict[str, str], when: dt.datetime
) -> Path:
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence as DSequence
    from pydicom.uid import generate_uid

    ds = _dicom_base(_RTSTRUCT_STORAGE, "RTSTRUCT", study, when)
    ds.SeriesInstanceUID = generate_uid()
    ds.StructureSetLabel = "brainrit SYN"
    ref = Dataset()
    ref.FrameOfReferenceUID = study["for"]
    ds.ReferencedFrameOfReferenceSequence = DSequence([ref])
    ds.StructureSetROISequence = DSequence()
    ds.ROIContourSequence = DSequence()
    for number, name in enumerate(names, start=1):
        roi = Dataset()
        roi.ROINumber, roi.ROIName, roi.ReferencedFrameOfReferenceUID = number, name, study["for"]
        roi.ROIGenerationAlgorithm = "AUTOMATIC"
        ds.StructureSetROISequence.append(roi)
        rc = Dataset()
        rc.ReferencedROINumber = number
        rc.ContourSequence = DSequence()
        for pts in _mask_contours(phantom.masks[name], phantom):
            c = Dataset()
            c.ContourGeometricType = "CLOSED_PLANAR"
            c.NumberOfContourPoints = len(pts)
            c.ContourData = [f"{v:.4f}" for v in pts.ravel()]
            rc.ContourSequence.append(c)
        ds.ROIContourSequence.append(rc)
    ds.save_as(path, enforce_file_format=True)
    return path


def _ct_numbers(phantom: Phantom, effective_energy_MeV: float) -> np.ndarray:
    from scipy.ndimage import distance_transform_edt

    brain = phantom.masks["brain"]
    dist = distance_transform_edt(~brain, sampling=phantom.voxel_mm)
    hu = np.full(phantom.shape, -1000.0)
    hu[dist <= phantom.scalp_mm] = hu_of_material(
        "soft_tissue", density_g_cm3=1.06, effective_energy_MeV=effective_energy_MeV
    )
    hu[(dist > 3.0) & (dist <= 9.0)] = hu_of_material("bone", effective_energy_MeV=effective_energy_MeV)
    hu[brain] = hu_of_material("brain", effective_energy_MeV=effective_energy_MeV)
    return np.rint(hu)


def write_synthetic_patient(
    folder: str | os.PathLike[str],
    *,
    voxel_mm: float = 4.0,
    times_h: Sequence[float] = (1.0, 4.0, 12.0, 24.0, 48.0, 72.0),
    lesions: Sequence[tuple[str, Sequence[float], float]] = DEFAULT_LESIONS,
    kinetics: Mapping[str, BiologicalKinetics] | None = None,
    administered_activity_MBq: float = 185.0,
    administration: dt.datetime = dt.datetime(2026, 1, 5, 9, 0, 0),
    effective_energy_MeV: float = 0.07,
) -> SyntheticPatient:
    """Write the synthetic patient into ``folder`` (created if needed; must hold no earlier patient).

    Parameters
    ----------
    folder : path
        Output folder; sub-folders ``dicom/`` and ``nifti/`` are written.
    voxel_mm : float
        SPECT/CT voxel size (mm); 4 mm is a typical SPECT voxel.
    times_h : sequence of float
        Acquisition times after administration (h), increasing, > 0.
    lesions : sequence of (name, centre_mm, diameter_mm)
        Metastases (LPS, mm from the brain centre).
    kinetics : mapping, optional
        Per compartment: ``"lesion"`` (every metastasis), ``"brain"``, ``"hippocampus_left"``,
        ``"hippocampus_right"``, ``"brainstem"``; default :data:`DEFAULT_KINETICS`. Missing keys take
        the default.
    administered_activity_MBq : float
        ²⁰³Pb activity administered (default 185 MBq).
    administration : datetime
        Administration date-time (acquisition times are counted from it).
    effective_energy_MeV : float
        CT effective energy for the CT numbers (see :mod:`brainrit.dosimetry.voxel.density`).

    Returns
    -------
    SyntheticPatient

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(1.0, 24.0))
    ...     files = sorted(p.name for p in pt.spect_nifti + pt.spect_sidecars)
    >>> files
    ['spect_t01.json', 'spect_t01.nii.gz', 'spect_t02.json', 'spect_t02.nii.gz']
    """
    from pydicom.uid import generate_uid

    from brainrit import nuclides

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "dicom").exists() or (out / "nifti").exists():
        raise OutputError(f"{out}: already holds a synthetic patient (dicom/ or nifti/); use an empty folder")
    t = array_finite("times_h", times_h, low=0.0, strict_low=True, unit="h")
    if t.ndim != 1 or t.size < 1 or np.any(np.diff(t) <= 0):
        raise InputError("times_h", times_h, "increasing acquisition times > 0 (h)")
    admin_MBq = positive("administered_activity_MBq", administered_activity_MBq)
    kin = dict(DEFAULT_KINETICS)
    for key, value in (kinetics or {}).items():
        if key not in DEFAULT_KINETICS:
            raise InputError("kinetics", key, "one of " + ", ".join(DEFAULT_KINETICS))
        kin[key] = value
    phantom = human_brain(voxel_mm=voxel_mm, lesions=[metastasis(n, c, d) for n, c, d in lesions])
    nuclide = "Pb-203"
    half_life_h = nuclides.decay_chain(nuclide).member(nuclide).half_life_s / 3600.0
    lam = math.log(2.0) / half_life_h
    study = {"study": generate_uid(), "for": generate_uid(), "date": administration.strftime("%Y%m%d")}
    dcm, nii = out / "dicom", out / "nifti"
    dcm.mkdir()
    nii.mkdir()
    affine = _ras_affine(phantom)
    spect_dicom, spect_nifti, sidecars = [], [], []
    for i, th in enumerate(t, start=1):
        when = administration + dt.timedelta(hours=float(th))
        data = _activity_Bq_per_mL((phantom, kin), float(th), admin_MBq, lam)
        spect_dicom.append(
            _write_nm(
                dcm / f"nm_t{i:02d}.dcm",
                phantom,
                data,
                study,
                administration,
                when,
                admin_MBq,
                half_life_h,
                i,
            )
        )
        spect_nifti.append(save_nifti(nii / f"spect_t{i:02d}.nii.gz", VoxelImage(data, affine)))
        side = {
            "units": "Bq/mL",
            "nuclide": nuclide,
            "acquisition_datetime": when.isoformat(),
            "administration_datetime": administration.isoformat(),
            "administered_activity_MBq": admin_MBq,
            "decay_correction": "NONE",
            "frame_of_reference_uid": study["for"],
        }
        p = nii / f"spect_t{i:02d}.json"
        p.write_text(json.dumps(side, indent=2) + "\n", encoding="utf-8")
        sidecars.append(p)
    hu = _ct_numbers(phantom, effective_energy_MeV)
    ct_dir = _write_ct(dcm / "ct", phantom, hu, study, administration)
    ct_nii = save_nifti(nii / "ct.nii.gz", VoxelImage(hu, affine))
    (nii / "ct.json").write_text(
        json.dumps({"units": "HU", "frame_of_reference_uid": study["for"]}, indent=2) + "\n", encoding="utf-8"
    )
    names = ["brain", "hippocampus_left", "hippocampus_right", "hippocampi", "brainstem"]
    names += [f"lesion_{les.name}" for les in phantom.lesions if f"lesion_{les.name}" in phantom.masks]
    rts = _write_rtstruct(dcm / "rtstruct.dcm", phantom, names, study, administration)
    comp = compartments(phantom)
    labels = np.zeros(phantom.shape)
    table: dict[str, int] = {}
    for value, (name, m) in enumerate(comp.items(), start=1):
        labels[m] = value
        table[name] = value
    lab = save_nifti(nii / "labels.nii.gz", VoxelImage(labels, affine))
    structures = {
        "brain": sorted(table.values()),
        "hippocampus_left": [table["hippocampus_left"]],
        "hippocampus_right": [table["hippocampus_right"]],
        "hippocampi": [table["hippocampus_left"], table["hippocampus_right"]],
        "brainstem": [table["brainstem"]],
    }
    structures.update({name: [v] for name, v in table.items() if name.startswith("lesion_")})
    lab_json = nii / "labels.json"
    lab_json.write_text(
        json.dumps({"frame_of_reference_uid": study["for"], "structures": structures}, indent=2) + "\n",
        encoding="utf-8",
    )
    return SyntheticPatient(
        folder=out,
        phantom=phantom,
        times_h=tuple(float(x) for x in t),
        administration=administration,
        administered_activity_MBq=admin_MBq,
        imaged_nuclide=nuclide,
        kinetics=MappingProxyType(kin),
        frame_of_reference_uid=study["for"],
        spect_dicom=tuple(spect_dicom),
        spect_nifti=tuple(spect_nifti),
        spect_sidecars=tuple(sidecars),
        ct_dicom=ct_dir,
        ct_nifti=ct_nii,
        rtstruct=rts,
        labels_nifti=lab,
        labels_sidecar=lab_json,
    )
