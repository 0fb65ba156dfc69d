"""The patient-images stage and the [images] scenario section (files, NIfTI/labels, errors, wiring)."""

from __future__ import annotations

import pytest

from brainrit.errors import BrainritError, ScenarioError
from brainrit.phantoms.synthetic_patient import write_synthetic_patient
from brainrit.pipeline.runner import run_scenario
from brainrit.scenario import load, loads

BASE = """
schema_version = "1.0"
[study]
name = "pt"
species = "human"
[administration]
activity_MBq = 100.0
"""


@pytest.fixture(scope="module")
def patient(tmp_path_factory):
    d = tmp_path_factory.mktemp("pt")
    return write_synthetic_patient(d, voxel_mm=8.0, times_h=(1.0, 4.0, 12.0, 24.0, 48.0, 72.0))


def _scenario(folder, images: str):
    p = folder / "s.toml"
    p.write_text(BASE + "[images]\n" + images, encoding="utf-8")
    return load(p)


@pytest.mark.parametrize("fmt", ["dicom", "nifti"])
def test_stage_from_files(patient, fmt):
    if fmt == "dicom":
        images = (
            "spect = [" + ", ".join(f'"dicom/{p.name}"' for p in patient.spect_dicom) + "]\n"
            'ct = "dicom/ct"\nrtstruct = "dicom/rtstruct.dcm"\n'
        )
    else:
        images = (
            'format = "nifti"\nspect = ['
            + ", ".join(f'"nifti/{p.name}"' for p in patient.spect_nifti)
            + "]\n"
            'ct = "nifti/ct.nii.gz"\nlabels = "nifti/labels.nii.gz"\n'
        )
    sc = _scenario(patient.folder, images)
    r = run_scenario(sc, stages=["patient_images"])
    st = r.stages["patient_images"]
    assert st.status == "ok", st.message
    assert st.density_corrected and st.therapy_activity_MBq == 100.0 and st.imaged_nuclide == "Pb-203"
    for name, s in st.structures.items():
        exact = 100.0 * patient.tia_Bq_s_per_MBq(name, 10.64) / 3.6e9
        assert s.tia_MBq_h == pytest.approx(exact, rel=0.02), name
    data = st.to_json()
    assert set(data["structures"]["lesion_m1"]) >= {"tia_MBq_h", "mean_Gy", "D98_Gy", "mean_rbe_weighted_Gy"}
    assert [les.name for les in st.voxel_phantom.lesions] == ["m1", "m2", "m3"]


def test_no_images_section_is_not_run():
    r = run_scenario(loads(BASE), stages=["patient_images"])
    assert r.stages["patient_images"].status == "not run"
    assert "[images]" in r.stages["patient_images"].message


def test_section_errors(tmp_path, patient):
    with pytest.raises(ScenarioError, match="synthetic = true writes its own files"):
        loads(BASE + '[images]\nsynthetic = true\nspect = ["a.dcm"]\n')
    with pytest.raises(ScenarioError, match="rtstruct"):
        loads(BASE + '[images]\nspect = ["a.dcm"]\n')
    with pytest.raises(ScenarioError, match=r"unknown key|extra"):
        loads(BASE + '[images]\nsynthetic = true\nspectt = ["a.dcm"]\n')
    sc = _scenario(patient.folder, 'spect = ["dicom/missing.dcm"]\nrtstruct = "dicom/rtstruct.dcm"\n')
    assert sc.images.spect[0] == str(patient.folder / "dicom" / "missing.dcm")  # resolved against the file
    with pytest.raises(BrainritError, match=r"missing\.dcm"):  # one clear error naming the file
        run_scenario(sc, stages=["patient_images"])
