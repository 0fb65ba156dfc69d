"""The RT Dose writer: a complete RT Dose IOD that a planning system or viewer accepts.

Read back with pydicom (attributes of every mandatory module, pixel values, geometry), checked with the
independent IOD verifier dciodvfy of dicom3tools when it is installed (Debian package ``dicom3tools``),
and the patient / study / frame of reference copied from a reference CT slice or an RTSTRUCT.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import numpy as np
import pydicom
import pytest
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from brainrit.dosimetry.voxel.io import VoxelImage, load_dicom, save_nifti
from brainrit.dosimetry.voxel.rtdose import DicomIdentity, write_rtdose
from brainrit.ebrt.dicom import read_rtdose
from brainrit.ebrt.dicom import write_rtdose as ebrt_write_rtdose
from brainrit.errors import DataError, InputError, OutputError

# (module, Type 1 attributes: present and non-empty, Type 2 attributes: present) — DICOM PS3.3 A.18.3
TYPE1 = {
    "SOP Common": ("SOPClassUID", "SOPInstanceUID"),
    "General Study": ("StudyInstanceUID",),
    "RT Series": ("Modality", "SeriesInstanceUID"),
    "Frame of Reference": ("FrameOfReferenceUID",),
    "Image Plane": ("PixelSpacing", "ImageOrientationPatient", "ImagePositionPatient"),
    "Image Pixel": (
        "SamplesPerPixel",
        "PhotometricInterpretation",
        "Rows",
        "Columns",
        "BitsAllocated",
        "BitsStored",
        "HighBit",
        "PixelRepresentation",
        "PixelData",
    ),
    "Multi-frame": ("NumberOfFrames", "FrameIncrementPointer"),
    "RT Dose": ("DoseUnits", "DoseType", "DoseSummationType", "GridFrameOffsetVector", "DoseGridScaling"),
}
TYPE2 = {
    "Patient": ("PatientName", "PatientID", "PatientBirthDate", "PatientSex"),
    "General Study": ("StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber"),
    "RT Series": ("SeriesNumber", "OperatorsName"),
    "Frame of Reference": ("PositionReferenceIndicator",),
    "General Equipment": ("Manufacturer",),
    "General Image": ("InstanceNumber",),
    "Image Plane": ("SliceThickness",),
}


def _image(shape=(6, 5, 4), voxel=(2.0, 2.5, 3.0), seed=0):
    rng = np.random.default_rng(seed)
    affine = np.diag([-voxel[0], -voxel[1], voxel[2], 1.0])
    affine[:3, 3] = (12.0, -8.0, 30.0)
    return VoxelImage(rng.uniform(0.0, 40.0, shape), affine)


def _fake_ct(path, **extra):
    """A minimal CT slice header with a patient, a study and a frame of reference."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "Doe^Jane", "P-123", "19600102", "F"
    ds.StudyInstanceUID, ds.StudyDate, ds.StudyTime = generate_uid(), "20260301", "101500"
    ds.StudyID, ds.AccessionNumber, ds.ReferringPhysicianName = "S1", "ACC9", "Smith^John"
    ds.FrameOfReferenceUID, ds.PositionReferenceIndicator = generate_uid(), "OM"
    for k, v in extra.items():
        setattr(ds, k, v)
    ds.save_as(str(path), enforce_file_format=True)
    return ds


def test_required_attributes_read_back(tmp_path):
    p = write_rtdose(tmp_path / "rd.dcm", _image())
    ds = pydicom.dcmread(p)
    for module, names in TYPE1.items():
        for name in names:
            assert name in ds and ds[name].value not in (None, ""), (module, name)
    for module, names in TYPE2.items():
        for name in names:
            assert name in ds, (module, name)
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.481.2" == ds.file_meta.MediaStorageSOPClassUID
    assert ds.StudyDate and ds.StudyTime and ds.StudyID == "1"
    assert ds.Modality == "RTDOSE" and ds.DoseUnits == "GY" and ds.DoseType == "PHYSICAL"
    # no PLAN without the plan it refers to
    assert ds.DoseSummationType != "PLAN" and "ReferencedRTPlanSequence" not in ds


def test_pixels_and_geometry_round_trip(tmp_path):
    img = _image()
    back = load_dicom(write_rtdose(tmp_path / "rd.dcm", img))
    step = float(pydicom.dcmread(tmp_path / "rd.dcm").DoseGridScaling)
    assert np.max(np.abs(back.data - img.data)) <= 0.5 * step + 1e-12  # half a quantisation step
    assert np.allclose(back.affine, img.affine)


def test_plan_reference_makes_plan_summation(tmp_path):
    plan = generate_uid()
    ds = pydicom.dcmread(write_rtdose(tmp_path / "rd.dcm", _image(), referenced_plan_uid=plan))
    assert ds.DoseSummationType == "PLAN"
    assert ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID == plan


def test_identity_and_frame_of_reference_from_reference_ct(tmp_path):
    ct = _fake_ct(tmp_path / "ct.dcm")
    ds = pydicom.dcmread(write_rtdose(tmp_path / "rd.dcm", _image(), reference=tmp_path / "ct.dcm"))
    for name in (
        "PatientName",
        "PatientID",
        "PatientBirthDate",
        "PatientSex",
        "StudyInstanceUID",
        "StudyDate",
        "StudyTime",
        "StudyID",
        "AccessionNumber",
        "ReferringPhysicianName",
        "FrameOfReferenceUID",
        "PositionReferenceIndicator",
    ):
        assert str(ds[name].value) == str(ct[name].value), name
    assert ds.SeriesInstanceUID != ct.get("SeriesInstanceUID")  # a new series in the patient's study


def test_frame_of_reference_from_rtstruct(tmp_path):
    for_uid = generate_uid()
    item = pydicom.Dataset()
    item.FrameOfReferenceUID = for_uid
    _fake_ct(
        tmp_path / "rs.dcm",
        Modality="RTSTRUCT",
        FrameOfReferenceUID="",
        ReferencedFrameOfReferenceSequence=pydicom.Sequence([item]),
    )
    ident = DicomIdentity.from_dicom(tmp_path / "rs.dcm")
    assert ident.frame_of_reference_uid == for_uid and ident.patient_id == "P-123"


def test_reference_without_frame_of_reference_raises(tmp_path):
    _fake_ct(tmp_path / "x.dcm", FrameOfReferenceUID="")
    with pytest.raises(DataError, match="Frame of Reference"):
        write_rtdose(tmp_path / "rd.dcm", _image(), reference=tmp_path / "x.dcm")
    (tmp_path / "junk.dcm").write_bytes(b"not dicom")
    with pytest.raises(DataError, match="not a readable DICOM"):
        DicomIdentity.from_dicom(tmp_path / "junk.dcm")


def test_bad_arguments_raise(tmp_path):
    with pytest.raises(InputError, match="patient_sex"):
        DicomIdentity(patient_sex="X")
    with pytest.raises(InputError, match="study_date"):
        DicomIdentity(study_date="2026-03-01")
    with pytest.raises(InputError, match="identity"):
        _fake_ct(tmp_path / "ct.dcm")
        write_rtdose(tmp_path / "rd.dcm", _image(), reference=tmp_path / "ct.dcm", identity=DicomIdentity())
    with pytest.raises(InputError, match="dose_type"):
        write_rtdose(tmp_path / "rd.dcm", _image(), dose_type="BIOLOGICAL")
    write_rtdose(tmp_path / "rd.dcm", _image())
    with pytest.raises(OutputError, match="exists"):
        write_rtdose(tmp_path / "rd.dcm", _image(), overwrite=False)


def test_effective_dose_type(tmp_path):
    ds = pydicom.dcmread(write_rtdose(tmp_path / "rd.dcm", _image(), dose_type="EFFECTIVE"))
    assert ds.DoseType == "EFFECTIVE" and "RBE" in ds.DoseComment


def test_files_are_world_readable_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        rd = write_rtdose(tmp_path / "rd.dcm", _image())
        nii = save_nifti(tmp_path / "d.nii.gz", _image(), unit="Gy")
    finally:
        os.umask(old)
    for p in (rd, nii):
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p.name


def test_ebrt_writer_uses_the_same_writer(tmp_path):
    dose = np.linspace(0.0, 30.0, 60).reshape(3, 4, 5)
    p = ebrt_write_rtdose(tmp_path / "rd.dcm", dose, (2.0, 2.0, 3.0), (-10.0, -10.0, 0.0))
    ds = pydicom.dcmread(p)
    for names in TYPE2.values():
        for name in names:
            assert name in ds, name
    back = read_rtdose(p)
    assert back.voxel_mm == (2.0, 2.0, 3.0) and back.origin_mm == (-10.0, -10.0, 0.0)
    assert np.max(np.abs(back.dose_Gy - dose)) <= 0.5 * back.dose_grid_scaling + 1e-12
    ct = _fake_ct(tmp_path / "ct.dcm")
    p2 = ebrt_write_rtdose(tmp_path / "rd2.dcm", dose, 2.0, (0.0, 0.0, 0.0), reference=tmp_path / "ct.dcm")
    assert read_rtdose(p2).frame_of_reference_uid == ct.FrameOfReferenceUID


@pytest.mark.skipif(
    shutil.which("dciodvfy") is None, reason="dciodvfy (Debian package dicom3tools) not installed"
)
@pytest.mark.parametrize("with_reference", [False, True])
def test_dciodvfy_finds_no_error(tmp_path, with_reference):
    """dicom3tools' IOD verifier checks every module, Type 1/2/1C condition and enumerated value.

    Its 2022 release asserts on 32-bit pixel data, so it is given a copy with the pixel data re-encoded
    in 16 bits (attributes unchanged); the 32-bit file itself is checked by the pydicom tests above.
    """
    kwargs = {}
    if with_reference:
        _fake_ct(tmp_path / "ct.dcm")
        kwargs = {"reference": tmp_path / "ct.dcm", "referenced_plan_uid": generate_uid()}
    ds = pydicom.dcmread(write_rtdose(tmp_path / "rd.dcm", _image(), **kwargs))
    pixels16 = (ds.pixel_array >> 16).astype("<u2")
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelData = pixels16.tobytes()
    ds.save_as(tmp_path / "rd16.dcm")
    cmd = ["dciodvfy", str(tmp_path / "rd16.dcm")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    report = (res.stdout + res.stderr).splitlines()
    errors = [line for line in report if line.startswith("Error")]
    assert not errors, "\n".join(report)
    warnings = [line for line in report if line.startswith("Warning")]
    # the only expected warning: the Defined-Term extension for a dose without an RT Plan
    assert all("Dose Summation Type" in w for w in warnings), "\n".join(warnings)
