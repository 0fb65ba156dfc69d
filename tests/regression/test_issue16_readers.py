"""Regression tests of issue 16, finding 5: file readers return finite, validated data or a BrainritError.

Each malformed file below used to crash (AttributeError, ValueError, MemoryError) or be accepted
silently (NaN positions, zero spacing, DoseGridScaling NaN or -1, an all-zero biodistribution).
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
import pytest
from pydicom import config as dicom_config
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DSequence
from pydicom.uid import ExplicitVRLittleEndian, RTStructureSetStorage, generate_uid

from brainrit.dosimetry.voxel.io import load_dicom, load_nifti
from brainrit.ebrt.dicom import read_rtdose, read_rtstruct, write_rtdose
from brainrit.errors import BrainritError
from brainrit.kinetics.fitting import read_biodistribution_csv


@pytest.fixture
def lax_dicom():
    """Let pydicom write invalid values (as a broken TPS export would)."""
    old = dicom_config.settings.writing_validation_mode
    dicom_config.settings.writing_validation_mode = dicom_config.IGNORE
    yield
    dicom_config.settings.writing_validation_mode = old


def _rtdose(tmp_path: Path, edit=None, name="rd.dcm") -> Path:
    dose = np.linspace(0.0, 30.0, 24).reshape(2, 3, 4)
    p = write_rtdose(tmp_path / name, dose, (2.0, 2.0, 3.0), (-10.0, -10.0, 0.0))
    if edit == "garble":
        _garble_pixel_spacing(p)
    elif edit is not None:
        ds = pydicom.dcmread(p)
        edit(ds)
        ds.save_as(p, enforce_file_format=False)
    return p


def _delete(keyword):
    def edit(ds):
        delattr(ds, keyword)

    return edit


def _set(keyword, value):
    def edit(ds):
        setattr(ds, keyword, value)

    return edit


def _garble_pixel_spacing(path: Path) -> None:
    """Overwrite the PixelSpacing value bytes with letters (a non-numeric DS, as a broken export)."""
    raw = bytearray(path.read_bytes())
    at = raw.index(b"\x28\x00\x30\x00DS") + 6
    n = int.from_bytes(raw[at : at + 2], "little")
    raw[at + 2 : at + 2 + n] = b"x" * n
    path.write_bytes(bytes(raw))


def _truncate(ds):
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 2]


RTDOSE_CASES = {
    "missing PixelSpacing": _delete("PixelSpacing"),
    "missing ImagePositionPatient": _delete("ImagePositionPatient"),
    "non-numeric DS": "garble",
    "DoseGridScaling NaN": _set("DoseGridScaling", "nan"),
    "DoseGridScaling -1": _set("DoseGridScaling", "-1"),
    "NaN position": _set("ImagePositionPatient", ["nan", "0", "0"]),
    "zero spacing": _set("PixelSpacing", ["0", "0"]),
    "truncated pixel data": _truncate,
    "huge declared size": _set("Rows", 60000),
}


@pytest.mark.parametrize("case", sorted(RTDOSE_CASES))
def test_finding_5_malformed_rtdose(tmp_path, lax_dicom, case):
    p = _rtdose(tmp_path, RTDOSE_CASES[case])
    for reader in (read_rtdose, load_dicom):
        with pytest.raises(BrainritError) as info:
            reader(p)
        assert "rd.dcm" in str(info.value), (reader.__name__, str(info.value))
        assert "\n" not in str(info.value)


def _rtstruct(path: Path, contour_data, *, referenced: int = 1) -> Path:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = RTStructureSetStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = (
        RTStructureSetStorage,
        meta.MediaStorageSOPInstanceUID,
        "RTSTRUCT",
    )
    roi = Dataset()
    roi.ROINumber, roi.ROIName = 1, "brain"
    ds.StructureSetROISequence = DSequence([roi])
    rc = Dataset()
    rc.ReferencedROINumber = referenced
    c = Dataset()
    c.ContourGeometricType = "CLOSED_PLANAR"
    c.ContourData = contour_data
    rc.ContourSequence = DSequence([c])
    ds.ROIContourSequence = DSequence([rc])
    ds.save_as(path, enforce_file_format=True)
    return path


SQUARE = ["-4", "-4", "0", "4", "-4", "0", "4", "4", "0", "-4", "4", "0"]


@pytest.mark.parametrize(
    ("data", "referenced", "needle"),
    [
        ([], 1, "ContourData"),
        (["nan", "0", "0", "1", "0", "0", "1", "1", "0"], 1, "finite"),
        (SQUARE[:-1], 1, "multiple of 3"),
        (SQUARE, 7, "ROI number 7"),
    ],
)
def test_finding_5_malformed_rtstruct(tmp_path, lax_dicom, data, referenced, needle):
    p = _rtstruct(tmp_path / "rs.dcm", data, referenced=referenced)
    with pytest.raises(BrainritError, match=needle) as info:
        read_rtstruct(p, (10, 10, 3), (1.0, 1.0, 1.0), (-5.0, -5.0, 0.0), names=None)
    assert "rs.dcm" in str(info.value)


def test_finding_5_rtstruct_good_file_still_reads(tmp_path):
    p = _rtstruct(tmp_path / "rs.dcm", SQUARE)
    masks = read_rtstruct(p, (10, 10, 3), (1.0, 1.0, 1.0), (-5.0, -5.0, 0.0))
    assert masks["brain"].sum() > 0


def _nifti(tmp_path: Path, data: np.ndarray, name="x.nii.gz") -> Path:
    p = tmp_path / name
    nib.save(nib.Nifti1Image(data.astype(np.float32), np.eye(4)), p)
    return p


def test_finding_5_nifti_nan_inf_truncated_huge(tmp_path):
    for bad in (np.nan, np.inf):
        data = np.ones((4, 4, 4))
        data[1, 2, 3] = bad
        with pytest.raises(BrainritError, match=r"NaN or infinite .*\(1, 2, 3\)"):
            load_nifti(_nifti(tmp_path, data))
    good = _nifti(tmp_path, np.ones((8, 8, 8)), "t.nii")
    good.write_bytes(good.read_bytes()[:-300])  # truncated pixel data
    with pytest.raises(BrainritError, match=r"t\.nii"):
        load_nifti(good)
    # a small gzip file whose header declares 1000^3 voxels: refused before any pixel is read
    hdr = nib.Nifti1Header()
    hdr.set_data_shape((1000, 1000, 1000))
    hdr.set_data_dtype(np.float32)
    raw = hdr.binaryblock + struct.pack("<4x") + b"\0" * 1000
    big = tmp_path / "big.nii.gz"
    big.write_bytes(gzip.compress(raw))
    with pytest.raises(BrainritError, match="1e\\+09 voxels"):
        load_nifti(big)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"organ,time_h,%ID/g,SD,n\nblood,1,0,1,4\nliver,24,0.0,0.8,4\n", "all zero"),
        ("organ,time_h,%ID/g,SD,n\nblood,1,3\xe9,1,4\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_finding_5_biodistribution_csv(tmp_path, content, needle):
    p = tmp_path / "b.csv"
    p.write_bytes(content)
    with pytest.raises(BrainritError, match=needle):
        read_biodistribution_csv(p)


def test_finding_5_biodistribution_csv_with_bom_is_read(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"\xef\xbb\xbf" + b"organ,time_h,%ID/g,SD,n\nblood,1,30.5,3.1,4\n")
    assert read_biodistribution_csv(p).organ == ("blood",)
