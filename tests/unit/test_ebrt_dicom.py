"""DICOM RT round trips (RTDOSE and RTSTRUCT written with pydicom here, read back by brainrit) and errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DSequence
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, RTStructureSetStorage, generate_uid

from brainrit.ebrt.dicom import import_rt, read_reference_geometry, read_rtdose, read_rtstruct, write_rtdose
from brainrit.errors import DataError, InputError, OutputError

FOR_UID = generate_uid()


def _base(sop_class: str, modality: str) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = modality
    ds.PatientID = "T"
    ds.FrameOfReferenceUID = FOR_UID
    return ds


def write_ct_series(folder: Path, shape: tuple[int, int, int], voxel: tuple[float, float, float],
                    origin: tuple[float, float, float], iop: tuple[float, ...] = (1, 0, 0, 0, 1, 0),
                    z_positions: list[float] | None = None) -> list[Path]:  # fmt: skip
    """CT slices (geometry + a blank image) in random order."""
    zs = z_positions or [origin[2] + k * voxel[2] for k in range(shape[2])]
    paths = []
    for k in np.random.default_rng(0).permutation(len(zs)):
        ds = _base(CTImageStorage, "CT")
        ds.Rows, ds.Columns = shape[1], shape[0]
        ds.PixelSpacing = [voxel[1], voxel[0]]
        ds.SliceThickness = voxel[2]
        ds.ImagePositionPatient = [origin[0], origin[1], zs[k]]
        ds.ImageOrientationPatient = list(iop)
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.PixelData = np.zeros((shape[1], shape[0]), "<i2").tobytes()
        p = folder / f"ct{k:03d}.dcm"
        ds.save_as(p, enforce_file_format=True)
        paths.append(p)
    return paths


def write_rtstruct(path: Path, rois: dict[str, list[np.ndarray]], kind: str = "CLOSED_PLANAR") -> Path:
    ds = _base(RTStructureSetStorage, "RTSTRUCT")
    ds.StructureSetROISequence = DSequence()
    ds.ROIContourSequence = DSequence()
    for number, (name, contours) in enumerate(rois.items(), start=1):
        roi = Dataset()
        roi.ROINumber, roi.ROIName, roi.ReferencedFrameOfReferenceUID = number, name, FOR_UID
        ds.StructureSetROISequence.append(roi)
        rc = Dataset()
        rc.ReferencedROINumber = number
        rc.ContourSequence = DSequence()
        for pts in contours:
            c = Dataset()
            c.ContourGeometricType = kind
            c.NumberOfContourPoints = len(pts)
            c.ContourData = [f"{v:.6f}" for v in np.asarray(pts).ravel()]
            rc.ContourSequence.append(c)
        ds.ROIContourSequence.append(rc)
    ds.save_as(path, enforce_file_format=True)
    return path


def sphere_contours(
    centre: np.ndarray, radius: float, z_planes: np.ndarray, n: int = 128
) -> list[np.ndarray]:
    out = []
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    for z in z_planes:
        r2 = radius**2 - (z - centre[2]) ** 2
        if r2 <= 0:
            continue
        r = math.sqrt(r2)
        out.append(np.column_stack([centre[0] + r * np.cos(t), centre[1] + r * np.sin(t), np.full(n, z)]))
    return out


def test_rtdose_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    dose = rng.uniform(0.0, 60.0, (10, 12, 8))
    vox, org = (1.5, 2.0, 3.0), (-7.5, -11.0, -12.0)
    p = write_rtdose(
        tmp_path / "rd.dcm", dose, vox, org, dose_type="EFFECTIVE", frame_of_reference_uid=FOR_UID
    )
    assert sorted(x.name for x in tmp_path.iterdir()) == ["rd.dcm"]  # no temporary file left
    back = read_rtdose(p)
    assert back.voxel_mm == vox and back.origin_mm == org and back.dose_Gy.shape == dose.shape
    assert back.dose_type == "EFFECTIVE" and back.frame_of_reference_uid == FOR_UID
    assert np.max(np.abs(back.dose_Gy - dose)) <= 0.5 * back.dose_grid_scaling * (1 + 1e-9)
    assert back.dose_grid_scaling < 60.0 / 4e9 * 1.01
    ds = pydicom.dcmread(p)
    assert ds.Rows == 12 and ds.Columns == 10 and ds.NumberOfFrames == 8
    assert [float(v) for v in ds.PixelSpacing] == [2.0, 1.5]  # (row spacing Δy, column spacing Δx)
    # all-zero dose, overwrite
    z = read_rtdose(write_rtdose(p, np.zeros((2, 2, 2)), 1.0, (0, 0, 0), overwrite=True))
    assert np.all(z.dose_Gy == 0)


def test_rtdose_descending_and_absolute_offsets(tmp_path: Path) -> None:
    dose = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    p = write_rtdose(tmp_path / "rd.dcm", dose, (1.0, 1.0, 2.5), (0.0, 0.0, 10.0))
    ds = pydicom.dcmread(p)
    frames = ds.pixel_array[::-1].copy()  # top frame first
    ds.PixelData = frames.astype("<u4").tobytes()
    ds.ImagePositionPatient = [0.0, 0.0, 10.0 + 3 * 2.5]
    ds.GridFrameOffsetVector = [10.0 + 3 * 2.5 - 2.5 * k for k in range(4)]  # absolute, descending
    ds.save_as(tmp_path / "rd2.dcm", enforce_file_format=True)
    back = read_rtdose(tmp_path / "rd2.dcm")
    assert back.origin_mm == (0.0, 0.0, 10.0) and back.voxel_mm == (1.0, 1.0, 2.5)
    assert np.allclose(back.dose_Gy, dose, atol=back.dose_grid_scaling)


def test_import_rt_with_reference_and_structures(tmp_path: Path) -> None:
    """Dose on a 2.5 mm grid, CT on a 1 × 1 × 2 mm grid, a 12 mm-radius sphere contoured on every CT slice."""
    dvox, dorg, dshape = (2.5, 2.5, 2.5), (-25.0, -25.0, -20.0), (21, 21, 17)
    x, y, z = (dorg[a] + dvox[a] * np.arange(dshape[a]) for a in range(3))
    gx, gy, gz = np.meshgrid(x, y, z, indexing="ij")
    dose = 30.0 + 0.2 * gx - 0.1 * gy + 0.05 * gz  # linear: trilinear resampling is exact
    rd = write_rtdose(tmp_path / "rd.dcm", dose, dvox, dorg, frame_of_reference_uid=FOR_UID)
    cshape, cvox, corg = (41, 41, 19), (1.0, 1.0, 2.0), (-20.0, -20.0, -18.0)
    ct = write_ct_series(tmp_path, cshape, cvox, corg)
    assert read_reference_geometry(ct) == (cshape, cvox, corg, FOR_UID)
    zc = corg[2] + cvox[2] * np.arange(cshape[2])
    centre, radius = np.array([1.3, -0.7, 0.4]), 12.0
    # ring (even-odd hole): outer square 17 mm, inner square 9 mm, on the z = 0 slice
    outer = np.array([[-8.5, -8.5, 0], [8.5, -8.5, 0], [8.5, 8.5, 0], [-8.5, 8.5, 0]])
    inner = np.array([[-4.5, -4.5, 0], [4.5, -4.5, 0], [4.5, 4.5, 0], [-4.5, 4.5, 0]])
    rs = write_rtstruct(
        tmp_path / "rs.dcm", {"GTV": sphere_contours(centre, radius, zc), "ring": [outer, inner]}
    )
    plan = import_rt(rd, rs, ct)
    assert plan.shape == cshape and plan.voxel_mm == cvox and plan.origin_mm == corg
    assert plan.frame_of_reference_uid == FOR_UID
    v = plan.masks["GTV"].sum() * np.prod(cvox) / 1000.0
    assert v == pytest.approx(4 / 3 * math.pi * radius**3 / 1000.0, rel=0.02)  # 7.24 cm³, 1 × 1 × 2 mm voxels
    assert plan.masks["ring"].sum() == 17 * 17 - 9 * 9  # centres in [-8, 8]² minus [-4, 4]², one slice
    cx, cy, cz = (corg[a] + cvox[a] * np.arange(cshape[a]) for a in range(3))
    hx, hy, hz = np.meshgrid(cx, cy, cz, indexing="ij")
    want = 30.0 + 0.2 * hx - 0.1 * hy + 0.05 * hz
    inside = plan.masks["GTV"]
    assert np.allclose(plan.dose_Gy[inside], want[inside], atol=1e-6)
    # orientation: the GTV's centroid is where it was drawn
    cen = np.asarray(corg) + np.asarray(cvox) * np.argwhere(inside).mean(axis=0)
    assert cen == pytest.approx(centre, abs=0.3)
    # without a reference: the dose grid is the grid
    own = import_rt(rd, rs, names=["GTV"], rename={"GTV": "met1"})
    assert own.shape == dshape and set(own.masks) == {"met1"}
    with pytest.raises(InputError, match="rename"):
        import_rt(rd, rs, rename={"Brain": "brain"})
    assert np.allclose(own.dose_Gy, dose, atol=1e-6)
    with pytest.raises(ValueError):
        plan.dose_Gy[0, 0, 0] = 1.0
    arm = plan.to_arm("TPS plan", 10, "WBRT")
    assert arm.n_fractions == 10 and arm.shape == cshape and arm.voxel_mm == cvox
    assert np.allclose(arm.dose_Gy, plan.dose_Gy, rtol=1e-6)


def test_dicom_errors(tmp_path: Path) -> None:
    dose = np.ones((4, 4, 4))
    rd = write_rtdose(tmp_path / "rd.dcm", dose, 2.0, (0.0, 0.0, 0.0), frame_of_reference_uid=FOR_UID)
    with pytest.raises(OutputError, match="file exists"):
        write_rtdose(rd, dose, 2.0, (0.0, 0.0, 0.0))
    with pytest.raises(OutputError, match="does not exist"):
        write_rtdose(tmp_path / "nope" / "rd.dcm", dose, 2.0, (0.0, 0.0, 0.0))
    with pytest.raises(InputError, match="dose_Gy"):
        write_rtdose(tmp_path / "neg.dcm", -dose, 2.0, (0.0, 0.0, 0.0))
    with pytest.raises(InputError, match="3-D"):
        write_rtdose(tmp_path / "flat.dcm", np.ones((4, 4)), 2.0, (0.0, 0.0, 0.0))
    with pytest.raises(InputError, match="dose_type"):
        write_rtdose(tmp_path / "t.dcm", dose, 2.0, (0.0, 0.0, 0.0), dose_type="BIOLOGICAL")
    with pytest.raises(InputError, match="existing DICOM file"):
        read_rtdose(tmp_path / "missing.dcm")
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"not dicom at all")
    with pytest.raises(DataError, match="not a readable DICOM"):
        read_rtdose(junk)
    rs = write_rtstruct(
        tmp_path / "rs.dcm", {"big": sphere_contours(np.array([4.0, 4.0, 4.0]), 20.0, np.arange(0, 8, 2.0))}
    )
    with pytest.raises(DataError, match="Modality 'RTSTRUCT'"):
        read_rtdose(rs)
    # structure larger than the dose grid (reference CT larger than the dose)
    ct = write_ct_series(tmp_path, (60, 60, 4), (1.0, 1.0, 2.0), (-22.0, -22.0, 0.0))
    with pytest.raises(DataError, match="dose grid does not cover structure 'big'"):
        import_rt(rd, rs, ct)
    with pytest.raises(DataError, match="outside the grid"):
        read_rtstruct(rs, (4, 4, 2), (2.0, 2.0, 2.0), (0.0, 0.0, 100.0))
    with pytest.raises(InputError, match="did you mean"):
        read_rtstruct(rs, (4, 4, 4), 2.0, (0, 0, 0), names=["bigg"])
    open_c = write_rtstruct(
        tmp_path / "open.dcm", {"line": [np.array([[0, 0, 0], [4, 4, 0.0]])]}, "OPEN_PLANAR"
    )
    with pytest.raises(DataError, match="only CLOSED_PLANAR"):
        read_rtstruct(open_c, (4, 4, 4), 2.0, (0, 0, 0))
    tilted = write_rtstruct(tmp_path / "tilt.dcm", {"t": [np.array([[0, 0, 0], [4, 0, 2.0], [4, 4, 0]])]})
    with pytest.raises(DataError, match="non-axial contour"):
        read_rtstruct(tilted, (4, 4, 4), 2.0, (0, 0, 0))
    # unsupported dose: relative units, oblique orientation
    ds = pydicom.dcmread(rd)
    ds.DoseUnits = "RELATIVE"
    ds.save_as(tmp_path / "rel.dcm", enforce_file_format=True)
    with pytest.raises(DataError, match="DoseUnits 'RELATIVE'"):
        read_rtdose(tmp_path / "rel.dcm")
    ds.DoseUnits = "GY"
    ds.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
    ds.save_as(tmp_path / "sag.dcm", enforce_file_format=True)
    with pytest.raises(DataError, match="only axial grids"):
        read_rtdose(tmp_path / "sag.dcm")
    sub = tmp_path / "ctbad"
    sub.mkdir()
    with pytest.raises(DataError, match="not uniformly spaced"):
        read_reference_geometry(write_ct_series(sub, (4, 4, 3), (1, 1, 2), (0, 0, 0), z_positions=[0, 2, 5]))
    sub2 = tmp_path / "ctsag"
    sub2.mkdir()
    with pytest.raises(DataError, match="only axial"):
        read_reference_geometry(
            write_ct_series(sub2, (4, 4, 2), (1, 1, 2), (0, 0, 0), iop=(0, 1, 0, 0, 0, -1))
        )
    with pytest.raises(InputError, match="reference"):
        read_reference_geometry([])
