"""Fuzz the file readers with mutated bytes of small valid files (issue 16, finding 5).

Every reader must return finite, validated data or raise a BrainritError: never a pydicom, nibabel,
numpy or Python exception, never NaN or a negative dose.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainrit.dosimetry.voxel.io import load_dicom, load_nifti
from brainrit.ebrt.dicom import read_rtdose, write_rtdose
from brainrit.errors import BrainritError
from brainrit.kinetics.fitting import read_biodistribution_csv

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

OPS = st.sampled_from(["flip", "insert", "delete", "truncate"])
mutations = st.lists(
    st.tuples(OPS, st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=4
)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, where, payload in ops:
        i = min(int(where * len(buf)), max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[i] ^= payload[0] or 0xFF
        elif op == "insert":
            buf[i:i] = payload
        elif op == "delete":
            del buf[i : i + len(payload)]
        else:
            del buf[i:]
    return bytes(buf)


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, bytes]:
    d = tmp_path_factory.mktemp("orig")
    dose = np.linspace(0.0, 30.0, 24).reshape(2, 3, 4)
    rd = write_rtdose(d / "rd.dcm", dose, (2.0, 2.0, 3.0), (-10.0, -10.0, 0.0))
    nii = d / "x.nii"
    nib.save(nib.Nifti1Image(np.arange(27, dtype=np.float32).reshape(3, 3, 3), np.eye(4)), nii)
    csv = b"organ,time_h,%ID/g,SD,n\nblood,1,30.5,3.1,4\nliver,24,5.0,0.8,4\n"
    return {"rd.dcm": rd.read_bytes(), "x.nii": nii.read_bytes(), "b.csv": csv}


def _check(reader, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom / nibabel warn about the damage they see
        try:
            out = reader(path)
        except BrainritError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    arrays = [getattr(out, k) for k in ("dose_Gy", "data", "percent_id_per_g", "time_h") if hasattr(out, k)]
    for arr in arrays:
        assert np.all(np.isfinite(arr))
    if hasattr(out, "dose_Gy"):
        assert np.all(out.dose_Gy >= 0) and all(v > 0 for v in out.voxel_mm)


@FUZZ
@given(mutations)
def test_rtdose_readers_on_mutated_bytes(originals, tmp_path, ops):
    p = tmp_path / "rd.dcm"
    p.write_bytes(_mutate(originals["rd.dcm"], ops))
    _check(read_rtdose, p)
    _check(load_dicom, p)


@FUZZ
@given(mutations)
def test_nifti_reader_on_mutated_bytes(originals, tmp_path, ops):
    p = tmp_path / "x.nii"
    p.write_bytes(_mutate(originals["x.nii"], ops))
    _check(load_nifti, p)


@FUZZ
@given(mutations)
def test_csv_reader_on_mutated_bytes(originals, tmp_path, ops):
    p = tmp_path / "b.csv"
    p.write_bytes(_mutate(originals["b.csv"], ops))
    _check(read_biodistribution_csv, p)
