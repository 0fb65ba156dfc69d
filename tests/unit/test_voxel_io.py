"""Unit tests for brainrit.dosimetry.voxel.io and .resample."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from brainrit.dosimetry.voxel.io import VoxelImage, load_dicom, load_nifti, save_nifti, save_rtdose
from brainrit.dosimetry.voxel.resample import resample, same_grid
from brainrit.errors import InputError, OutputError


def _oblique_affine():
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])
    a = np.eye(4)
    a[:3, :3] = rot * np.array([1.5, 2.0, 3.0])
    a[:3, 3] = [-10.0, 20.0, 5.0]
    return a


def test_nifti_roundtrip_keeps_affine(tmp_path):
    data = np.random.default_rng(0).uniform(0, 5, (4, 5, 6))
    img = VoxelImage(data, _oblique_affine())
    p = save_nifti(tmp_path / "x.nii.gz", img)
    back = load_nifti(p)
    np.testing.assert_allclose(back.data, data, rtol=1e-6)
    np.testing.assert_allclose(back.affine, img.affine, atol=1e-5)
    assert back.voxel_mm == pytest.approx((1.5, 2.0, 3.0))
    assert back.orientation == ("A", "L", "I")
    assert [f.name for f in tmp_path.iterdir()] == ["x.nii.gz"]  # no temporary file left


def test_rtdose_roundtrip_fields(tmp_path):
    data = np.random.default_rng(1).uniform(0, 70, (4, 5, 6))
    a = np.diag([2.0, 2.5, -3.0, 1.0])  # k runs towards inferior: negative frame offsets
    a[:3, 3] = [10.0, -20.0, 30.0]
    p = save_rtdose(tmp_path / "rd.dcm", VoxelImage(data, a))
    ds = pydicom.dcmread(str(p))
    assert ds.Modality == "RTDOSE" and ds.DoseUnits == "GY"
    assert (ds.Rows, ds.Columns, int(ds.NumberOfFrames)) == (5, 4, 6)
    assert [float(x) for x in ds.PixelSpacing] == [2.5, 2.0]  # row spacing (j), column spacing (i)
    assert [float(x) for x in ds.ImagePositionPatient] == [-10.0, 20.0, 30.0]  # RAS -> LPS
    assert [float(x) for x in ds.GridFrameOffsetVector] == [-0.0, -3.0, -6.0, -9.0, -12.0, -15.0]
    assert float(ds.DoseGridScaling) == pytest.approx(data.max() / 4.0e9, rel=1e-8)  # 9 significant digits
    back = load_dicom(p)
    np.testing.assert_allclose(back.data, data, atol=data.max() * 1e-9)
    np.testing.assert_allclose(back.affine, a, atol=1e-6)


def _nm_slice(folder, k, value):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.128"  # PET
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(folder / f"s{k}.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "PT"
    ds.Rows, ds.Columns = 3, 2
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelSpacing = ["4.0", "3.0"]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.ImagePositionPatient = ["0", "0", f"{-5.0 * k}"]
    ds.RescaleSlope = "0.5"
    ds.RescaleIntercept = "0"
    ds.PixelData = np.full((3, 2), value, np.uint16).tobytes()
    ds.save_as(str(folder / f"s{k}.dcm"), enforce_file_format=True)


def test_pet_series_sorted_by_position(tmp_path):
    for k, v in [(2, 30), (0, 10), (1, 20)]:
        _nm_slice(tmp_path, k, v)
    img = load_dicom(tmp_path)
    assert img.shape == (2, 3, 3)
    # sorted along +z (LPS normal): k = 2 (z = -10) first
    assert img.data[0, 0, :].tolist() == [15.0, 10.0, 5.0]
    assert img.voxel_mm == pytest.approx((3.0, 4.0, 5.0))
    np.testing.assert_allclose(img.affine[:3, 3], [0.0, 0.0, -10.0])
    assert img.orientation == ("L", "P", "S")


def test_io_errors(tmp_path):
    with pytest.raises(InputError):
        load_nifti(tmp_path / "missing.nii")
    bad = tmp_path / "bad.nii"
    bad.write_text("not nifti")
    with pytest.raises(InputError):
        load_nifti(bad)
    with pytest.raises(InputError):
        load_dicom(tmp_path / "nothing")
    with pytest.raises(InputError):
        load_dicom(tmp_path)  # only a text file there
    with pytest.raises(OutputError):
        save_nifti(tmp_path / "no" / "x.nii", VoxelImage(np.ones((2, 2, 2)), np.eye(4)))
    with pytest.raises(InputError):
        VoxelImage(np.ones((2, 2)), np.eye(4))
    with pytest.raises(InputError):
        VoxelImage(np.ones((2, 2, 2)), np.zeros((4, 4)))
    with pytest.raises(InputError):
        VoxelImage(np.ones((2, 2, 2)), np.eye(3))
    sheared = np.eye(4)
    sheared[0, 1] = 0.5
    with pytest.raises(InputError):
        save_rtdose(tmp_path / "rd.dcm", VoxelImage(np.ones((2, 2, 2)), sheared))
    with pytest.raises(InputError):
        save_rtdose(tmp_path / "rd.dcm", VoxelImage(-np.ones((2, 2, 2)), np.eye(4)))


def test_resample_identity_shift_and_extensive():
    rng = np.random.default_rng(3)
    src = VoxelImage(rng.uniform(0, 1, (6, 7, 8)), np.diag([2.0, 2.0, 2.0, 1.0]))
    same = resample(src, src.shape, src.affine)
    np.testing.assert_allclose(same.data, src.data, atol=1e-12)
    assert same_grid(same, src)
    shifted = src.affine.copy()
    shifted[:3, 3] = [2.0, 0.0, 0.0]  # one voxel along i
    out = resample(src, (5, 7, 8), shifted, order=0)
    np.testing.assert_allclose(out.data, src.data[1:], atol=1e-12)
    # extensive: 2 mm -> 1 mm grid covering it keeps the total (order 0, half-voxel offset aligned)
    fine = np.diag([1.0, 1.0, 1.0, 1.0])
    fine[:3, 3] = -0.5 + 0.0
    tot = resample(src, (12, 14, 16), fine, order=0, quantity="extensive")
    assert tot.data.sum() == pytest.approx(src.data.sum(), rel=1e-12)


def test_resample_errors():
    src = VoxelImage(np.ones((2, 2, 2)), np.eye(4))
    for kwargs in ({"order": 2}, {"quantity": "mass"}):
        with pytest.raises(InputError):
            resample(src, (2, 2, 2), np.eye(4), **kwargs)
    with pytest.raises(InputError):
        resample(src, (2, 0, 2), np.eye(4))
    with pytest.raises(InputError):
        resample(src, "abc", np.eye(4))
    with pytest.raises(InputError):
        resample(src, (2, 2, 2), np.ones((3, 3)))


def test_nm_multiframe_with_detector_sequence(tmp_path):
    from pydicom.dataset import Dataset

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.20"  # NM
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(tmp_path / "nm.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "NM"
    ds.NumberOfFrames = 4
    ds.Rows, ds.Columns = 3, 5
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelSpacing = ["4.42", "4.42"]
    ds.SpacingBetweenSlices = "4.42"
    det = Dataset()
    det.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    det.ImagePositionPatient = ["-100", "-80", "50"]
    ds.DetectorInformationSequence = [det]
    frames = np.arange(4 * 3 * 5, dtype=np.uint16).reshape(4, 3, 5)
    ds.PixelData = frames.tobytes()
    ds.save_as(str(tmp_path / "nm.dcm"), enforce_file_format=True)
    img = load_dicom(tmp_path / "nm.dcm")
    assert img.shape == (5, 3, 4)
    assert img.data[4, 2, 3] == frames[3, 2, 4]
    assert img.voxel_mm == pytest.approx((4.42, 4.42, 4.42))
    np.testing.assert_allclose(img.affine[:3, 3], [100.0, 80.0, 50.0])
    del ds.DetectorInformationSequence
    ds.save_as(str(tmp_path / "nm.dcm"), enforce_file_format=True)
    with pytest.raises(InputError):
        load_dicom(tmp_path / "nm.dcm")
