"""Patient images: synthetic patient files, readers, series assembly, errors, HU calibration, TIA choices."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

from brainrit.dosimetry.voxel.density import calibration_points, hu_of_material, hu_to_density_g_cm3
from brainrit.dosimetry.voxel.io import load_dicom, load_nifti, save_nifti
from brainrit.dosimetry.voxel.patient import OUTSIDE, fit_structure_tia, partition
from brainrit.dosimetry.voxel.series import (
    image_series,
    read_quantitative_dicom,
    read_quantitative_nifti,
)
from brainrit.ebrt.dicom import read_rtstruct
from brainrit.errors import BrainritError, InputError
from brainrit.phantoms.synthetic_patient import write_synthetic_patient


@pytest.fixture(scope="module")
def patient(tmp_path_factory):
    return write_synthetic_patient(tmp_path_factory.mktemp("pt"), voxel_mm=8.0, times_h=(2.0, 24.0, 48.0))


def test_dicom_and_nifti_agree(patient):
    for dcm, nii in zip(patient.spect_dicom, patient.spect_nifti, strict=True):
        a, b = read_quantitative_dicom(dcm), read_quantitative_nifti(nii)
        assert a.nuclide == b.nuclide == "Pb-203"
        assert a.time_h == pytest.approx(b.time_h)
        assert a.frame_of_reference_uid == b.frame_of_reference_uid == patient.frame_of_reference_uid
        assert a.administered_activity_MBq == pytest.approx(185.0)
        np.testing.assert_allclose(a.image.affine, b.image.affine)
        # uint16 pixels with RescaleSlope = max/65535: half a step at most
        assert np.max(np.abs(a.image.data - b.image.data)) <= 0.5 * a.image.data.max() / 65535 * 1.0001


def test_rtstruct_and_labels_give_the_phantom_masks(patient):
    s = image_series([read_quantitative_dicom(patient.spect_dicom[0])])
    masks = read_rtstruct(patient.rtstruct, *s.grid_lps())
    labels = json.loads(patient.labels_sidecar.read_text())["structures"]
    s2 = image_series(
        [read_quantitative_nifti(patient.spect_nifti[0])],
        labels=load_nifti(patient.labels_nifti),
        label_structures=labels,
        structures_frame_of_reference_uid=patient.frame_of_reference_uid,
    )
    for name, m in masks.items():
        assert np.array_equal(m, patient.phantom.masks[name]), name
        assert np.array_equal(s2.structures[name], patient.phantom.masks[name]), name


def test_ct_density(patient):
    s = image_series(
        [read_quantitative_dicom(patient.spect_dicom[0])],
        ct_hu=load_dicom(patient.ct_dicom),
        ct_frame_of_reference_uid=patient.frame_of_reference_uid,
    )
    rho = s.density_g_cm3
    assert np.allclose(rho[patient.phantom.masks["brain"]], 1.04, atol=0.002)
    assert rho.min() == pytest.approx(1.205e-3)
    assert rho.max() == pytest.approx(1.92, abs=0.002)


def test_hu_calibration_points_and_independent_tissue():
    hu, rho = calibration_points()
    np.testing.assert_allclose(hu_to_density_g_cm3(hu), rho)
    # ICRU-44 soft tissue (1.06 g/cm3) is not a calibration point: within 2 % (module docstring)
    h = hu_of_material("soft_tissue", density_g_cm3=1.06)
    assert float(hu_to_density_g_cm3(h)) == pytest.approx(1.06, rel=0.02)
    assert np.all(np.diff(hu_to_density_g_cm3(np.linspace(-1200, 3000, 200))) >= 0)
    with pytest.raises(InputError, match="calibration"):
        hu_to_density_g_cm3(0.0, calibration=[(0, 1.0), (-10, 2.0)])


def _edit(src: Path, dst: Path, **changes) -> Path:
    ds = pydicom.dcmread(src)
    for key, value in changes.items():
        if value is None:
            delattr(ds, key)
        else:
            setattr(ds, key, value)
    ds.save_as(dst, enforce_file_format=True)
    return dst


def test_wrong_units_one_clear_error(patient, tmp_path):
    bad = _edit(patient.spect_dicom[0], tmp_path / "counts.dcm", Units="CNTS")
    with pytest.raises(BrainritError) as err:
        read_quantitative_dicom(bad)
    assert "counts.dcm" in str(err.value) and "CNTS" in str(err.value) and "BQML" in str(err.value)
    nii = tmp_path / "x.nii.gz"
    shutil.copy(patient.spect_nifti[0], nii)
    side = json.loads(patient.spect_sidecars[0].read_text())
    side["units"] = "counts"
    (tmp_path / "x.json").write_text(json.dumps(side))
    with pytest.raises(BrainritError, match=r"x\.json: units: must be 'Bq/mL'.*counts"):
        read_quantitative_nifti(nii)


def test_missing_times_one_clear_error(patient, tmp_path):
    bad = _edit(patient.spect_dicom[0], tmp_path / "notime.dcm", AcquisitionTime=None)
    with pytest.raises(BrainritError, match=r"notime\.dcm: AcquisitionDate/AcquisitionTime.*missing"):
        read_quantitative_dicom(bad)
    ds = pydicom.dcmread(patient.spect_dicom[0])
    del ds.RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartDateTime
    ds.save_as(tmp_path / "noadmin.dcm", enforce_file_format=True)
    with pytest.raises(BrainritError, match=r"noadmin\.dcm: RadiopharmaceuticalStartDateTime"):
        read_quantitative_dicom(tmp_path / "noadmin.dcm")
    side = json.loads(patient.spect_sidecars[0].read_text())
    del side["acquisition_datetime"]
    with pytest.raises(BrainritError, match="acquisition_datetime"):
        read_quantitative_nifti(patient.spect_nifti[0], side)
    side = json.loads(patient.spect_sidecars[0].read_text())
    side["acquisition_datetime"] = "2026-01-04T09:00:00"  # before the administration
    with pytest.raises(BrainritError, match="after the administration"):
        read_quantitative_nifti(patient.spect_nifti[0], side)


def test_mismatched_frames_one_clear_error(patient, tmp_path):
    other = "1.2.826.0.1.3680043.8.498.1"
    bad = _edit(patient.spect_dicom[1], tmp_path / "otherframe.dcm", FrameOfReferenceUID=other)
    ims = [read_quantitative_dicom(patient.spect_dicom[0]), read_quantitative_dicom(bad)]
    with pytest.raises(BrainritError) as err:
        image_series(ims)
    assert other in str(err.value) and patient.frame_of_reference_uid in str(err.value)
    with pytest.raises(BrainritError, match=other):
        image_series(ims[:1], ct_hu=load_dicom(patient.ct_dicom), ct_frame_of_reference_uid=other)
    with pytest.raises(BrainritError, match=other):
        image_series(
            ims[:1],
            structures={"brain": patient.phantom.masks["brain"]},
            structures_frame_of_reference_uid=other,
        )


def test_wrong_half_life_and_nuclide(patient, tmp_path):
    ds = pydicom.dcmread(patient.spect_dicom[0])
    ds.RadiopharmaceuticalInformationSequence[0].RadionuclideHalfLife = "38304"  # 10.64 h: Pb-212
    ds.save_as(tmp_path / "hl.dcm", enforce_file_format=True)
    with pytest.raises(BrainritError, match=r"hl\.dcm: RadionuclideHalfLife.*Pb-203"):
        read_quantitative_dicom(tmp_path / "hl.dcm")
    side = json.loads(patient.spect_sidecars[1].read_text())
    side["nuclide"] = "177Lu"
    ims = [
        read_quantitative_dicom(patient.spect_dicom[0]),
        read_quantitative_nifti(patient.spect_nifti[1], side),
    ]
    with pytest.raises(BrainritError, match=r"nuclide: must be the nuclide of .*Pb-203.*Lu-177"):
        image_series(ims)


def test_mismatched_grid_resampled_with_warning(patient, tmp_path):
    q = read_quantitative_nifti(patient.spect_nifti[1])
    shifted = q.image.affine.copy()
    shifted[:3, :3] *= 0.5  # a 4 mm grid of the same field
    fine = tmp_path / "fine.nii.gz"
    n = tuple(2 * s for s in q.image.shape)
    coarse = q.image
    from brainrit.dosimetry.voxel.resample import resample

    save_nifti(fine, resample(coarse, n, shifted, order=0))
    shutil.copy(patient.spect_sidecars[1], tmp_path / "fine.json")
    first = read_quantitative_nifti(patient.spect_nifti[0])
    with pytest.warns(UserWarning, match="resampled"):
        s = image_series([first, read_quantitative_nifti(fine)])
    assert s.shape == first.image.shape and len(s.warnings) == 1


def test_decay_correction_admin_is_undone(patient):
    side = json.loads(patient.spect_sidecars[2].read_text())
    plain = read_quantitative_nifti(patient.spect_nifti[2], side)
    side["decay_correction"] = "ADMIN"
    corr = read_quantitative_nifti(patient.spect_nifti[2], side)
    ratio = corr.total_activity_MBq() / plain.total_activity_MBq()
    assert ratio == pytest.approx(math.exp(-math.log(2) / 51.873 * plain.time_h), rel=1e-9)


def test_partition_is_exclusive_and_smallest_first():
    rng = np.random.default_rng(1)
    a = rng.random((6, 5, 4)) < 0.6
    b = a & (rng.random(a.shape) < 0.3)
    cells = partition({"big": a, "small": b}, a.shape)
    total = sum(c.astype(int) for c in cells.values())
    assert np.all(total == 1)
    assert np.array_equal(cells["small"], b) and np.array_equal(cells[OUTSIDE], ~a)


def test_structure_tia_methods():
    t = np.array([1.0, 4, 12, 24, 48, 72])
    a = 3.0 * (np.exp(-0.08 * t) - np.exp(-0.5 * t))
    fit = fit_structure_tia(t, a, therapy_half_life_h=10.64)
    assert fit.method == "uptake" and fit.tia_MBq_h == pytest.approx(3.0 * (1 / 0.08 - 1 / 0.5), rel=1e-6)
    trap = fit_structure_tia(t[:3], a[:3], therapy_half_life_h=10.64)
    expected = 0.5 * 1 * a[0] + 0.5 * 3 * (a[0] + a[1]) + 0.5 * 8 * (a[1] + a[2]) + a[2] * 10.64 / math.log(2)
    assert trap.method == "trapezoid" and trap.tia_MBq_h == pytest.approx(expected)
    stp = fit_structure_tia(
        [10.0], [5.0 * math.exp(-0.0693147 * 10)], therapy_half_life_h=10.64, effective_half_life_h=10.0
    )
    assert stp.tia_MBq_h == pytest.approx(5.0 / 0.0693147, rel=1e-5)
    assert fit_structure_tia(t, np.zeros(6), therapy_half_life_h=10.64).method == "zero"


def test_phantom_from_patient_structures(patient):
    from brainrit.ebrt.phantom_arms import build_arm
    from brainrit.phantoms.patient import phantom_from_structures

    s = image_series([read_quantitative_dicom(patient.spect_dicom[0])])
    masks = read_rtstruct(patient.rtstruct, *s.grid_lps())
    p = phantom_from_structures(masks, *s.grid_lps())
    assert [les.name for les in p.lesions] == [les.name for les in patient.phantom.lesions]
    for mine, truth in zip(p.lesions, patient.phantom.lesions, strict=True):
        vox = float(np.prod(p.voxel_mm))
        assert np.pi / 6 * mine.diameter_mm**3 == pytest.approx(masks[f"lesion_{truth.name}"].sum() * vox)
        assert np.linalg.norm(mine.centre_mm - truth.centre_mm) < p.voxel_mm[0]  # voxelised centroid
    assert np.array_equal(p.masks["hippocampi"], patient.phantom.masks["hippocampi"])
    arm = build_arm(p, "HA-WBRT-30/10")
    assert arm.dose_Gy.shape == p.shape
    with pytest.raises(InputError, match="brain structure"):
        phantom_from_structures({"hippocampi": masks["hippocampi"]}, *s.grid_lps())
    with pytest.raises(InputError, match="hippocampi structure"):
        phantom_from_structures({"brain": masks["brain"]}, *s.grid_lps())


@pytest.mark.parametrize("n_points", [1, 3, 6])
def test_curve_integrates_to_the_tia(n_points):
    """Whatever the method, the curve a later stage uses (dose rate, G factor) has the reported integral."""
    t = np.array([1.0, 4, 12, 24, 48, 72])[-n_points:]
    a = 3.0 * (np.exp(-0.08 * t) - np.exp(-0.5 * t))
    k = fit_structure_tia(t, a, therapy_half_life_h=10.64)
    grid = np.concatenate([np.linspace(0, 80, 80001), np.linspace(80.001, 2000, 200001)])
    area = np.trapezoid(k.curve_MBq(grid, therapy_half_life_h=10.64), grid)
    assert area == pytest.approx(k.tia_MBq_h, rel=2e-3)
