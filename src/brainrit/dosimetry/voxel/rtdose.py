"""The one DICOM RT Dose writer of brainrit (used by the pipeline, the voxel I/O and :mod:`brainrit.ebrt`).

A treatment-planning system or DICOM viewer accepts an RT Dose only when the file is a complete RT Dose
IOD (DICOM PS3.3 A.18): every Type 1 attribute present with a value and every Type 2 attribute present
(empty when unknown) in the Patient, General Study, RT Series, Frame of Reference, General Equipment,
General Image, Image Plane, Image Pixel, Multi-frame, RT Dose and SOP Common modules. To be overlaid on
the patient's images the dose must also share their Frame of Reference UID, and to be filed with them
the same patient and study: :func:`write_rtdose` copies these from a reference CT/MR/PET/NM slice or an
RTSTRUCT (``reference=``), or takes them from a :class:`DicomIdentity`.

Dose Summation Type. Every standard term calls for a reference: ``PLAN``, ``FRACTION``, ``BEAM``,
``BRACHY`` and their session variants a Referenced RT Plan Sequence, ``RECORD`` a Referenced Treatment
Record Sequence (checked with the dciodvfy IOD verifier of dicom3tools). A radionuclide-therapy dose has
neither, so brainrit writes ``PLAN`` with its Referenced RT Plan Sequence only when a plan is given
(``referenced_plan_uid=``, e.g. an EBRT dose recomputed for an imported plan) and otherwise
``RADIONUCLIDE``, an extension of the Defined Terms (which DICOM allows; a verifier reports it as an
unrecognised term, a warning, not as a missing reference, an error).

Pixels are unsigned 32-bit with ``DoseGridScaling`` = max dose / 4 × 10⁹ (rounded to 9 significant
digits before the pixels are computed, so the stored dose is within half a step of the input);
``ImagePositionPatient`` is the centre of voxel (0, 0, 0) in DICOM patient coordinates (LPS, mm) and
``GridFrameOffsetVector`` is relative (first value 0). Files are written atomically with the usual
permissions (0644 under the common umask 022), never 0600.

Examples
--------
>>> import numpy as np, tempfile, os, pydicom
>>> from brainrit.dosimetry.voxel.io import VoxelImage
>>> img = VoxelImage(np.arange(24.0).reshape(2, 3, 4), np.diag([-2.0, -2.0, 3.0, 1.0]))
>>> with tempfile.TemporaryDirectory() as d:
...     ds = pydicom.dcmread(write_rtdose(os.path.join(d, "rd.dcm"), img))
>>> ds.DoseUnits, ds.DoseSummationType, ds.Rows, ds.Columns, int(ds.NumberOfFrames)
('GY', 'RADIONUCLIDE', 3, 2, 4)
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from brainrit.checks import choice
from brainrit.dosimetry.voxel._grid import check_image
from brainrit.dosimetry.voxel.io import VoxelImage
from brainrit.errors import DataError, InputError, OutputError
from brainrit.fileio import atomic_write

__all__ = ["RT_DOSE_STORAGE", "DicomIdentity", "write_rtdose"]

#: SOP Class UID of RT Dose Storage.
RT_DOSE_STORAGE = "1.2.840.10008.5.1.4.1.1.481.2"
_RT_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.5"
_LPS = np.diag([-1.0, -1.0, 1.0, 1.0])
_SEX = ("", "M", "F", "O")


@dataclass(frozen=True)
class DicomIdentity:
    """Patient, study and frame-of-reference attributes written into an RT Dose.

    Empty strings are written as empty Type 2 attributes; an empty ``study_instance_uid`` or
    ``frame_of_reference_uid`` makes :func:`write_rtdose` generate a new UID, and an empty
    ``study_date`` / ``study_time`` becomes the date and time of writing. A new study gets Study ID
    ``"1"`` unless one is given.

    Examples
    --------
    >>> DicomIdentity(patient_id="P001", patient_sex="F").patient_sex
    'F'
    """

    patient_name: str = "brainrit^phantom"
    patient_id: str = "BRAINRIT"
    patient_birth_date: str = ""
    patient_sex: str = ""
    study_instance_uid: str = ""
    study_date: str = ""
    study_time: str = ""
    study_id: str = ""
    accession_number: str = ""
    referring_physician_name: str = ""
    study_description: str = ""
    frame_of_reference_uid: str = ""
    position_reference_indicator: str = ""

    def __post_init__(self) -> None:
        choice("patient_sex", self.patient_sex, _SEX)
        for name in ("patient_birth_date", "study_date"):
            value = getattr(self, name)
            if value and not (len(value) == 8 and value.isdigit()):
                raise InputError(name, value, "a DICOM date YYYYMMDD or an empty string")

    @classmethod
    def from_dicom(cls, path: str | os.PathLike[str]) -> DicomIdentity:
        """Identity of the patient, study and frame of reference of a CT/MR/PET/NM slice or RTSTRUCT.

        Raises
        ------
        brainrit.errors.DataError
            The file is not readable DICOM, or has no Frame of Reference UID.
        """
        import pydicom
        from pydicom.errors import InvalidDicomError

        p = Path(path)
        if not p.is_file():
            raise InputError("reference", str(path), "an existing DICOM file (CT, MR, PET, NM or RTSTRUCT)")
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True)
        except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
            raise DataError(f"{p}: not a readable DICOM file ({exc})") from None
        for_uid = str(ds.get("FrameOfReferenceUID", ""))
        if not for_uid and "ReferencedFrameOfReferenceSequence" in ds:  # RTSTRUCT
            seq = ds.ReferencedFrameOfReferenceSequence
            for_uid = str(seq[0].get("FrameOfReferenceUID", "")) if len(seq) else ""
        if not for_uid:
            raise DataError(f"{p}: no Frame of Reference UID; the dose could not be overlaid on its images")

        def text(keyword: str) -> str:
            value = ds.get(keyword, "")
            return "" if value is None else str(value)

        sex = text("PatientSex").upper()
        return cls(
            patient_name=text("PatientName"),
            patient_id=text("PatientID"),
            patient_birth_date=text("PatientBirthDate"),
            patient_sex=sex if sex in _SEX else "",
            study_instance_uid=text("StudyInstanceUID"),
            study_date=text("StudyDate"),
            study_time=text("StudyTime"),
            study_id=text("StudyID"),
            accession_number=text("AccessionNumber"),
            referring_physician_name=text("ReferringPhysicianName"),
            study_description=text("StudyDescription"),
            frame_of_reference_uid=for_uid,
            position_reference_indicator=text("PositionReferenceIndicator"),
        )


def write_rtdose(
    path: str | os.PathLike[str],
    dose_Gy: VoxelImage,
    *,
    dose_type: str = "PHYSICAL",
    reference: str | os.PathLike[str] | None = None,
    identity: DicomIdentity | None = None,
    referenced_plan_uid: str | None = None,
    series_description: str = "brainrit dose",
    series_number: int = 900,
    overwrite: bool = True,
) -> Path:
    """Write a dose image (Gy; RAS+ affine with orthogonal axes) as a complete DICOM RT Dose, atomically.

    Parameters
    ----------
    path : path
        Target file; its folder must exist.
    dose_Gy : VoxelImage
        Dose in Gy (finite, ≥ 0).
    dose_type : {"PHYSICAL", "EFFECTIVE"}
        Absorbed dose, or a biologically weighted dose such as the RBE-weighted dose in Gy(RBE).
    reference : path, optional
        A CT/MR/PET/NM slice or RTSTRUCT of the patient: the patient, study and Frame of Reference are
        copied from it (:meth:`DicomIdentity.from_dicom`), so the dose overlays the images.
    identity : DicomIdentity, optional
        Patient/study identity to write when there is no ``reference`` (default: an anonymous phantom,
        new study and frame-of-reference UIDs). Not allowed together with ``reference``.
    referenced_plan_uid : str, optional
        SOP Instance UID of the RT Plan this dose belongs to: written as Referenced RT Plan Sequence with
        Dose Summation Type ``PLAN``; without it the type is ``RADIONUCLIDE`` (see the module notes).
    series_description : str
        Series Description (0008,103E).
    series_number : int
        Series Number (0020,0011), ≥ 0.
    overwrite : bool
        Replace an existing file (default); ``False`` raises :class:`~brainrit.errors.OutputError`.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import numpy as np, tempfile, os, pydicom
    >>> img = VoxelImage(np.full((2, 2, 2), 3.0), np.diag([-1.0, -1.0, 1.0, 1.0]))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     ds = pydicom.dcmread(write_rtdose(os.path.join(d, "rd.dcm"), img,
    ...                                       identity=DicomIdentity(patient_id="P7")))
    >>> ds.PatientID, ds.StudyID, float(ds.DoseGridScaling) * int(ds.pixel_array.max())
    ('P7', '1', 3.0)
    """
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    kind = choice("dose_type", dose_type, ("PHYSICAL", "EFFECTIVE"))
    if reference is not None and identity is not None:
        raise InputError("identity", "given with reference", "either reference= or identity=, not both")
    if isinstance(series_number, bool) or not isinstance(series_number, int) or series_number < 0:
        raise InputError("series_number", series_number, "an integer >= 0")
    ident = DicomIdentity.from_dicom(reference) if reference is not None else (identity or DicomIdentity())
    now = _dt.datetime.now()
    ident = replace(
        ident,
        study_id=ident.study_id or ("" if ident.study_instance_uid else "1"),
        study_instance_uid=ident.study_instance_uid or generate_uid(),
        frame_of_reference_uid=ident.frame_of_reference_uid or generate_uid(),
        study_date=ident.study_date or now.strftime("%Y%m%d"),
        study_time=ident.study_time or now.strftime("%H%M%S"),
    )
    out = Path(path)
    if out.exists() and not overwrite:
        raise OutputError(f"{out}: file exists (pass overwrite=True to replace it)")

    data = check_image("dose_Gy", dose_Gy.data, unit="Gy")
    a = _LPS @ dose_Gy.affine  # voxel -> LPS
    sp = np.linalg.norm(a[:3, :3], axis=0)
    u = a[:3, :3] / sp
    if abs(u[:, 0] @ u[:, 1]) > 1e-6 or abs(u[:, 0] @ u[:, 2]) > 1e-6 or abs(u[:, 1] @ u[:, 2]) > 1e-6:
        raise InputError(
            "affine", dose_Gy.affine.tolist(), "orthogonal voxel axes (RTDOSE grids cannot shear)"
        )
    sign = float(np.sign(np.cross(u[:, 0], u[:, 1]) @ u[:, 2]))
    dmax = float(data.max())
    scaling = float(f"{(dmax / 4.0e9 if dmax > 0 else 1.0):.8e}")  # DS ≤ 16 characters
    pixels = np.rint(data / scaling).astype(np.uint32)

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = RT_DOSE_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(out), {}, file_meta=meta, preamble=b"\0" * 128)
    # SOP Common
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: patient names may not be ASCII
    ds.SOPClassUID = RT_DOSE_STORAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.InstanceCreationDate = now.strftime("%Y%m%d")
    ds.InstanceCreationTime = now.strftime("%H%M%S")
    # Patient
    ds.PatientName = ident.patient_name
    ds.PatientID = ident.patient_id
    ds.PatientBirthDate = ident.patient_birth_date
    ds.PatientSex = ident.patient_sex
    # General Study
    ds.StudyInstanceUID = ident.study_instance_uid
    ds.StudyDate = ident.study_date
    ds.StudyTime = ident.study_time
    ds.StudyID = ident.study_id
    ds.AccessionNumber = ident.accession_number
    ds.ReferringPhysicianName = ident.referring_physician_name
    if ident.study_description:
        ds.StudyDescription = ident.study_description
    # RT Series
    ds.Modality = "RTDOSE"
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = series_number
    ds.SeriesDescription = series_description
    ds.OperatorsName = ""
    # Frame of Reference
    ds.FrameOfReferenceUID = ident.frame_of_reference_uid
    ds.PositionReferenceIndicator = ident.position_reference_indicator
    # General Equipment
    ds.Manufacturer = "brainrit"
    ds.SoftwareVersions = _version()
    # General Image
    ds.InstanceNumber = 1
    ds.ContentDate = now.strftime("%Y%m%d")
    ds.ContentTime = now.strftime("%H%M%S")
    # Image Plane
    ds.PixelSpacing = [f"{sp[1]:.6g}", f"{sp[0]:.6g}"]  # (row spacing = Δj, column spacing = Δi)
    ds.ImageOrientationPatient = [f"{x:.8f}" for x in np.concatenate([u[:, 0], u[:, 1]])]
    ds.ImagePositionPatient = [f"{x:.6f}" for x in a[:3, 3]]
    ds.SliceThickness = f"{sp[2]:.6g}"
    # Image Pixel
    nk, nj, ni = data.shape[2], data.shape[1], data.shape[0]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = nj
    ds.Columns = ni
    ds.BitsAllocated = 32
    ds.BitsStored = 32
    ds.HighBit = 31
    ds.PixelRepresentation = 0
    # Multi-frame
    ds.NumberOfFrames = nk
    ds.FrameIncrementPointer = pydicom.tag.Tag(0x3004, 0x000C)
    # RT Dose
    ds.DoseUnits = "GY"
    ds.DoseType = kind
    ds.DoseComment = "RBE-weighted dose, Gy(RBE)" if kind == "EFFECTIVE" else "absorbed dose, Gy"
    if referenced_plan_uid:
        ds.DoseSummationType = "PLAN"
        item = pydicom.Dataset()
        item.ReferencedSOPClassUID = _RT_PLAN_STORAGE
        item.ReferencedSOPInstanceUID = referenced_plan_uid
        ds.ReferencedRTPlanSequence = Sequence([item])
    else:
        ds.DoseSummationType = "RADIONUCLIDE"
    ds.GridFrameOffsetVector = [f"{sign * sp[2] * k:.6f}" for k in range(nk)]
    ds.DoseGridScaling = f"{scaling:.8e}"
    ds.PixelData = np.ascontiguousarray(np.transpose(pixels, (2, 1, 0))).astype("<u4").tobytes()

    return atomic_write(out, lambda tmp: ds.save_as(tmp, enforce_file_format=True), what="rtdose")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"brainrit {version('brainrit')}"
    except PackageNotFoundError:  # a source checkout on PYTHONPATH, not installed
        return "brainrit"
