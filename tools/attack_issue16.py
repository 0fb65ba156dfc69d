# ruff: noqa: E501  (tables of attack cases read better one per line)
"""Throw bad inputs at brainrit's CLI, scenario loader, file readers and public functions (issue 16).

Each case runs in a forked child (so a memory bomb or a crash cannot take the harness down) with a
time limit and an address-space cap; the parent records the child's peak resident memory. A case
has an expectation:

* ``reject``: the input is invalid; a one-line :class:`~brainrit.errors.BrainritError` (or CLI exit 2
  with one ``error:`` line) is the right answer; success is "silent acceptance".
* ``accept``: the input is valid (e.g. a real ICRP-107 nuclide); it must run.

Outcomes: ``ok`` (expectation met), ``crash`` (another exception or a traceback), ``memory``
(MemoryError / killed at the cap), ``silent`` (invalid input accepted), ``data_loss`` (a file the
user owns disappeared), ``timeout``, ``failed`` (valid input rejected).

Usage::

    PYTHONPATH=src python tools/attack_issue16.py [--quick] [--json results.json]

``--quick`` skips the cases that run a whole pipeline. Exit status 1 if any case is not ``ok``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import pickle
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CAP_BYTES = 8 * 1024**3  # address-space cap of a child (peak RSS is reported separately)
TIMEOUT_S = 240


@dataclass
class Case:
    group: str
    name: str
    expect: str  # "reject" or "accept"
    run: Callable[[Path], Any]  # raises on rejection; returns on acceptance
    slow: bool = False
    sentinels: tuple[str, ...] = ()  # files (relative to the work dir) that must survive


# ------------------------------------------------------------------------------------ scenario text

BASE = """
[study]
name = "attack"
species = "{species}"

[administration]
activity_MBq = 0.5
"""


def _loads(extra: str, species: str = "mouse", replace: tuple[str, str] | None = None) -> Callable:
    """Write the scenario to a file and read it with ``brainrit.scenario.load`` (what the CLI does)."""

    def run(work: Path) -> Any:
        from brainrit.scenario import load

        text = BASE.format(species=species) + extra
        if replace:
            text = text.replace(*replace)
        p = work / "attack.toml"
        p.write_text(text, encoding="utf-8")
        return load(p)

    return run


LOADER_REJECT = {
    "activity nan": ("", ("activity_MBq = 0.5", "activity_MBq = nan")),
    "activity inf": ("", ("activity_MBq = 0.5", "activity_MBq = inf")),
    "activity -1": ("", ("activity_MBq = 0.5", "activity_MBq = -1.0")),
    "activity 0": ("", ("activity_MBq = 0.5", "activity_MBq = 0")),
    "activity true": ("", ("activity_MBq = 0.5", "activity_MBq = true")),
    "activity '2.5'": ("", ("activity_MBq = 0.5", 'activity_MBq = "2.5"')),
    "activity 1e30": ("", ("activity_MBq = 0.5", "activity_MBq = 1e30")),
    "activity per kg 1e30": ("", ("activity_MBq = 0.5", "activity_MBq_per_kg = 1e30")),
    "both activities": ("", ("activity_MBq = 0.5", "activity_MBq = 0.5\nactivity_MBq_per_kg = 1.0")),
    "body mass 1e-12": ("", ("activity_MBq = 0.5", "activity_MBq = 0.5\nbody_mass_kg = 1e-12")),
    "body mass 1e6": ("", ("activity_MBq = 0.5", "activity_MBq = 0.5\nbody_mass_kg = 1e6")),
    "injections 2.0": ("", ("activity_MBq = 0.5", "activity_MBq = 0.5\ninjections = 2.0\ninterval_h = 24")),
    "injections 0": ("", ("activity_MBq = 0.5", "activity_MBq = 0.5\ninjections = 0")),
    "seed -1": ("", ('species = "mouse"', 'species = "mouse"\nseed = -1')),
    "seed true": ("", ('species = "mouse"', 'species = "mouse"\nseed = true')),
    "species rat": ("", ('species = "mouse"', 'species = "rat"')),
    "empty name": ("", ('name = "attack"', 'name = ""')),
    "huge name": ("", ('name = "attack"', 'name = "' + "x" * 5000 + '"')),
    "nuclide typo": ('[radiopharmaceutical]\nnuclide = "Pb-2121"\n', None),
    "nuclide number": ("[radiopharmaceutical]\nnuclide = 212\n", None),
    "release fraction 2": ("[radiopharmaceutical]\ndaughter_release_fraction = 2.0\n", None),
    "target unknown": ('[radiopharmaceutical]\ntarget = "VCAM-9"\n', None),
    "kinetic parameter unknown": ("[kinetics]\nparameters = { bogus = 1.0 }\n", None),
    "kinetic parameter nan": ("[kinetics]\nparameters = { plasma_clearance_mL_per_h = nan }\n", None),
    "kinetic parameter 1e300": ("[kinetics]\nparameters = { plasma_clearance_mL_per_h = 1e300 }\n", None),
    "kinetic parameter bool": ("[kinetics]\nparameters = { plasma_clearance_mL_per_h = true }\n", None),
    "t_end 1e12": ("[kinetics]\nt_end_h = 1e12\n", None),
    "biodistribution without csv": ('[kinetics]\nmodel = "biodistribution"\n', None),
    "intercapillary 1e-6": ("[microgeometry]\nintercapillary_distance_um = 1e-6\n", None),
    "intercapillary below vessel": ("[microgeometry]\nintercapillary_distance_um = 6.0\n", None),
    "nucleus > cell": ("[microgeometry]\nnucleus_radius_um = 7.0\n", None),
    "cell radius 1e6": ("[microgeometry]\ncell_radius_um = 1e6\n", None),
    "lesion position nan": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.2\nposition_mm = [nan, 0, 0]\n', None),
    "lesion position 1e9": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.2\nposition_mm = [1e9, 0, 0]\n', None),
    "lesion position 2 values": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.2\nposition_mm = [1, 0]\n', None),
    "lesion diameter 1e6": ('[[lesions]]\nname = "a"\ndiameter_mm = 1e6\n', None),
    "lesion density 1e30": (
        '[[lesions]]\nname = "a"\ndiameter_mm = 0.2\ncell_density_per_cm3 = 1e30\n',
        None,
    ),
    "lesion count 10000 (mouse masks)": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.5\ncount = 10000\n', None),
    "lesion count 1e6": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.05\ncount = 1000000\n', None),
    "lesion visible 1": ('[[lesions]]\nname = "a"\ndiameter_mm = 0.2\nvisible = 1\n', None),
    "duplicate lesion names": (
        '[[lesions]]\nname = "a"\ndiameter_mm = 0.2\n[[lesions]]\nname = "a"\ndiameter_mm = 0.3\n',
        None,
    ),
    "rbe 1e-30": ("[radiobiology]\nrbe_alpha = 1e-30\n", None),
    "alpha 1e9": ("[radiobiology.outcome_models]\nalpha_mean_per_Gy = 1e9\n", None),
    "alpha/beta 0": ("[radiobiology.outcome_models]\nalpha_beta_Gy = 0\n", None),
    "moved key": ("[radiobiology]\nalpha_tumour_per_Gy = 0.3\n", None),
    "z0 inf": ("[radiobiology]\nz0_Gy = inf\n", None),
    "ntcp limit 1": ("[radiobiology]\nntcp_limit = 1.0\n", None),
    "wbrt 1e6 Gy": ('[[arms]]\nname = "w"\ntype = "wbrt"\ndose_Gy = 1e6\n', None),
    "wbrt 0 fractions": ('[[arms]]\nname = "w"\ntype = "wbrt"\nn_fractions = 0\n', None),
    "srs gradient inf": ('[[arms]]\nname = "s"\ntype = "srs"\ngradient_index = inf\n', None),
    "srs gradient 0.5": ('[[arms]]\nname = "s"\ntype = "srs"\ngradient_index = 0.5\n', None),
    "arm type unknown": ('[[arms]]\nname = "x"\ntype = "proton"\n', None),
    "arm without type": ('[[arms]]\nname = "x"\n', None),
    "rit scale 1e9": ('[[arms]]\nname = "r"\ntype = "rit"\nactivity_scale = 1e9\n', None),
    "n_patients 100000": ("[disease]\nn_patients = 100000\nexpected_lesions = 10.0\n", None),
    "expected lesions 1e9": ("[disease]\nexpected_lesions = 1e9\n", None),
    "doubling time nan": ("[disease]\ndoubling_time_d = nan\n", None),
    "scan points 1e6": ("[outputs]\nactivity_scan_points = 1000000\n", None),
    "scan range reversed": ("[outputs]\nactivity_scan_range = [10.0, 0.1]\n", None),
    "html 'yes'": ('[outputs]\nhtml = "yes"\n', None),
    "sweep samples 0": (
        '[sweep]\nsamples = 0\nvary = { "radiobiology.rbe_alpha" = "uniform(3, 7)" }\n',
        None,
    ),
    "sweep bad distribution": ('[sweep]\nvary = { "radiobiology.rbe_alpha" = "uniform(7, 3)" }\n', None),
    "sweep workers 0": ("[sweep]\nworkers = 0\n", None),
    "unknown section": ("[nonsense]\nx = 1\n", None),
    "unknown key": ("[study]\nsed = 1\n", None),
    "schema version": ('schema_version = "9.9"\n', None),
    "deep nesting": ("x = " + "[" * 5000 + "]" * 5000 + "\n", None),
    "deep inline tables": ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", None),
    "malformed TOML": ("[study\n", None),
    "100 arms": ("".join(f'[[arms]]\nname = "w{i}"\ntype = "wbrt"\n' for i in range(100)), None),
}


def loader_cases() -> list[Case]:
    cases = [
        Case("loader", name, "reject", _loads(extra, replace=rep))
        for name, (extra, rep) in LOADER_REJECT.items()
    ]
    cases.append(
        Case("loader", "human 2 mm lesions x 1000 (masks)", "reject",
             _loads('[[lesions]]\nname = "m"\ndiameter_mm = 2.0\ncount = 1000\n', species="human"))
    )  # fmt: skip
    cases.append(Case("loader", "valid minimal", "accept", _loads("")))
    cases.append(
        Case("loader", "valid with lesions", "accept", _loads('[[lesions]]\nname = "a"\ndiameter_mm = 0.3\n'))
    )

    def file_case(name: str, data: bytes) -> Case:
        def run(work: Path) -> Any:
            from brainrit.scenario import load

            p = work / "s.toml"
            p.write_bytes(data)
            return load(p)

        return Case("loader", name, "reject", run)

    good = BASE.format(species="mouse").encode()
    cases += [
        file_case("latin-1 file", good.replace(b"attack", b"caf\xe9")),
        file_case("binary file", bytes(range(256)) * 10),
        file_case("empty file", b""),
        file_case("2 MB file", b"# " + b"x" * 2_000_000 + b"\n" + good),
    ]
    cases.append(Case("loader", "BOM file", "accept", lambda w: (w / "s.toml").write_bytes(b"\xef\xbb\xbf" + good)
                      and __import__("brainrit.scenario", fromlist=["load"]).load(w / "s.toml")))  # fmt: skip
    return cases


# ------------------------------------------------------------------------------------------- CLI


def _cli(args: list[str], scenario: str | None = None) -> Callable[[Path], Any]:
    def run(work: Path) -> Any:
        from brainrit.cli import main
        from brainrit.errors import BrainritError
        from brainrit.scenario import builtin_text

        src = work / "s.toml"
        src.write_text(
            scenario if scenario is not None else builtin_text("mouse-vcam1-pb212"), encoding="utf-8"
        )
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main([a.replace("{src}", str(src)).replace("{work}", str(work)) for a in args])
        text = err.getvalue().strip()
        last = text.splitlines()[-1] if text else ""
        if rc == 2 and "Traceback" not in text and last.lower().startswith("error"):
            raise BrainritError(last)  # one "error: ..." line, or click's usage error ending "Error: ..."
        if rc == 1 and "samples did not give results" in last and "Traceback" not in text:
            raise BrainritError(last)  # a sweep with failed samples: exit 1 with the count
        if rc != 0:
            raise RuntimeError(f"exit {rc}: {text[-300:]}")
        return rc

    return run


def _with_project(work: Path) -> None:
    (work / "project" / "data").mkdir(parents=True, exist_ok=True)
    (work / "project" / "thesis.tex").write_text("chapter 1")
    (work / "project" / "data" / "raw.csv").write_text("1,2")
    (work / "keep.txt").write_text("mine")


PROJECT = ("project/thesis.tex", "project/data/raw.csv", "keep.txt")


def cli_cases() -> list[Case]:
    from brainrit.scenario import builtin_text

    mouse = builtin_text("mouse-vcam1-pb212")
    c = [
        Case("cli", "--out project --force", "reject", _cli(["run", "{src}", "--out", "{work}/project", "--force", "-q"]),
             sentinels=PROJECT),
        Case("cli", "--out . --force", "reject", _cli(["run", "{src}", "--out", ".", "--force", "-q"]), sentinels=PROJECT),
        Case("cli", "--out .. --force", "reject", _cli(["run", "{src}", "--out", "..", "--force", "-q"]), sentinels=PROJECT),
        Case("cli", "--out ~ --force", "reject", _cli(["run", "{src}", "--out", "~", "--force", "-q"]), sentinels=PROJECT),
        Case("cli", "--out / --force", "reject", _cli(["run", "{src}", "--out", "/", "--force", "-q"]), sentinels=PROJECT),
        Case("cli", "--out dangling symlink", "reject", _cli(["run", "{src}", "--out", "{work}/dangling", "-q"])),
        Case("cli", "--out 300-char name", "reject", _cli(["run", "{src}", "--out", "{work}/" + "x" * 300, "-q"])),
        Case("cli", "--out missing parent", "reject", _cli(["run", "{src}", "--out", "{work}/no/such/out", "-q"])),
        Case("cli", "--seed -1", "reject", _cli(["run", "{src}", "--out", "{work}/o", "--seed", "-1", "-q"])),
        Case("cli", "--seed abc", "reject", _cli(["run", "{src}", "--out", "{work}/o", "--seed", "abc", "-q"])),
        Case("cli", "scenario missing", "reject", _cli(["run", "{work}/none.toml", "--out", "{work}/o", "-q"])),
        Case("cli", "scenario is a folder", "reject", _cli(["run", "{work}", "--out", "{work}/o", "-q"])),
        Case("cli", "compare --plot x.foo", "reject", _cli(["compare-nuclides", "Pb-212", "--plot", "{work}/x.foo"])),
        Case("cli", "compare --csv long name", "reject", _cli(["compare-nuclides", "Pb-212", "--csv", "{work}/" + "c" * 300])),
        Case("cli", "compare --csv missing folder", "reject", _cli(["compare-nuclides", "Pb-212", "--csv", "{work}/no/x.csv"])),
        Case("cli", "compare unknown nuclide", "reject", _cli(["compare-nuclides", "Xx-999"])),
        Case("cli", "nuclide unknown", "reject", _cli(["nuclide", "Pb-2121"])),
        Case("cli", "sweep --workers 0", "reject", _cli(["sweep", "{src}", "--out", "{work}/sw", "--workers", "0",
                                                         "--vary", "radiobiology.rbe_alpha=uniform(3,7)"])),
        Case("cli", "sweep --chunk-size 0", "reject", _cli(["sweep", "{src}", "--out", "{work}/sw", "--chunk-size", "0",
                                                            "--vary", "radiobiology.rbe_alpha=uniform(3,7)"])),
        Case("cli", "sweep grid 1e9", "reject", _cli(["sweep", "{src}", "--out", "{work}/sw", "--design", "grid",
                                                      "--samples", "1000000000",
                                                      "--vary", "radiobiology.rbe_alpha=uniform(3,7)",
                                                      "--vary", "radiobiology.z0_Gy=uniform(0.2,1)"])),
        Case("cli", "sweep samples 1e7 random", "reject", _cli(["sweep", "{src}", "--out", "{work}/sw", "--design", "sobol",
                                                                "--samples", "10000000",
                                                                "--vary", "radiobiology.rbe_alpha=uniform(3,7)"])),
        Case("cli", "sweep bad vary", "reject", _cli(["sweep", "{src}", "--out", "{work}/sw", "--vary", "nope"])),
        Case("cli", "sweep all samples invalid", "reject",
             _cli(["sweep", "{src}", "--out", "{work}/sw", "--vary", "radiobiology.rbe_alpha=uniform(0.1,0.5)",
                   "--samples", "2", "--design", "random", "--workers", "1", "-q",
                   "--stages", "radionuclide,kinetics,dosimetry,rit_outcomes",
                   "--outcome", "rit_outcomes.tcp_all_lesions"]), slow=True),
        Case("cli", "run with $ and = names", "accept",
             _cli(["run", "{src}", "--out", "{work}/o", "-q"],
                  mouse.replace('name = "212Pb-anti-VCAM-1"', "name = \"=cmd|' /C calc'!A0\"")
                  .replace('name = "mouse WBRT 3 x 5 Gy"', 'name = "$\\\\foo{$"')), slow=True),
        Case("cli", "run --force on own output", "accept",
             lambda w: (_cli(["run", "{src}", "--out", "{work}/o", "-q"])(w),
                        _cli(["run", "{src}", "--out", "{work}/o", "-q", "--force"])(w)), slow=True),
    ]  # fmt: skip
    return c


# --------------------------------------------------------------------------------------- readers


def _rtdose(work: Path, edit: Callable | None = None, garble: bool = False) -> Path:
    import numpy as np
    import pydicom
    from pydicom import config

    from brainrit.ebrt.dicom import write_rtdose

    p = write_rtdose(work / "rd.dcm", np.linspace(0, 30, 24).reshape(2, 3, 4), (2.0, 2.0, 3.0), (-10, -10, 0))
    if edit is not None:
        config.settings.writing_validation_mode = config.IGNORE
        ds = pydicom.dcmread(p)
        edit(ds)
        ds.save_as(p, enforce_file_format=False)
    if garble:
        raw = bytearray(p.read_bytes())
        at = raw.index(b"\x28\x00\x30\x00DS") + 6
        n = int.from_bytes(raw[at : at + 2], "little")
        raw[at + 2 : at + 2 + n] = b"x" * n
        p.write_bytes(bytes(raw))
    return p


def _dose_reader(edit: Callable | None, garble: bool = False, which: str = "ebrt") -> Callable[[Path], Any]:
    def run(work: Path) -> Any:
        from brainrit.dosimetry.voxel.io import load_dicom
        from brainrit.ebrt.dicom import read_rtdose

        p = _rtdose(work, edit, garble)
        return (read_rtdose if which == "ebrt" else load_dicom)(p)

    return run


def _setter(key: str, value: Any) -> Callable:
    return lambda ds: setattr(ds, key, value)


def _deleter(key: str) -> Callable:
    return lambda ds: delattr(ds, key)


def _truncate(ds: Any) -> None:
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 2]


def _rtstruct_case(data: list[str], referenced: int = 1, names: list[str] | None = None) -> Callable:
    def run(work: Path) -> Any:
        from pydicom.dataset import Dataset, FileMetaDataset
        from pydicom.sequence import Sequence
        from pydicom.uid import ExplicitVRLittleEndian, RTStructureSetStorage, generate_uid

        from brainrit.ebrt.dicom import read_rtstruct

        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = RTStructureSetStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = RTStructureSetStorage, generate_uid(), "RTSTRUCT"
        roi = Dataset()
        roi.ROINumber, roi.ROIName = 1, "brain"
        roi2 = Dataset()
        roi2.ROINumber, roi2.ROIName = 2, "empty"
        ds.StructureSetROISequence = Sequence([roi, roi2])
        rc = Dataset()
        rc.ReferencedROINumber = referenced
        c = Dataset()
        c.ContourGeometricType = "CLOSED_PLANAR"
        c.ContourData = data
        rc.ContourSequence = Sequence([c])
        ds.ROIContourSequence = Sequence([rc])
        p = work / "rs.dcm"
        ds.save_as(p, enforce_file_format=True)
        return read_rtstruct(p, (10, 10, 3), (1.0, 1.0, 1.0), (-5.0, -5.0, 0.0), names=names)

    return run


def _nifti_case(kind: str) -> Callable[[Path], Any]:
    def run(work: Path) -> Any:
        import gzip

        import nibabel as nib
        import numpy as np

        from brainrit.dosimetry.voxel.io import load_nifti

        p = work / "x.nii"
        data = np.ones((6, 6, 6), np.float32)
        if kind == "nan":
            data[1, 1, 1] = np.nan
        if kind == "inf":
            data[1, 1, 1] = np.inf
        img = nib.Nifti1Image(data, np.eye(4))
        if kind == "singular":
            singular = np.eye(4)
            singular[0, 0] = 0.0
            img.set_qform(None, code=0)
            img.set_sform(singular, code=1)
        nib.save(img, p)
        if kind == "truncated":
            p.write_bytes(p.read_bytes()[:-200])
        if kind == "huge":
            hdr = nib.Nifti1Header()
            hdr.set_data_shape((1000, 1000, 1000))
            hdr.set_data_dtype(np.float32)
            p = work / "big.nii.gz"
            p.write_bytes(gzip.compress(hdr.binaryblock + b"\0" * 4 + b"\0" * 1_000_000))
        if kind == "garbage":
            p.write_bytes(b"not a nifti at all" * 30)
        if kind == "2d":
            nib.save(nib.Nifti1Image(np.ones((4, 4), np.float32), np.eye(4)), p)
        return load_nifti(p)

    return run


def _csv_case(data: bytes) -> Callable[[Path], Any]:
    def run(work: Path) -> Any:
        from brainrit.kinetics.fitting import read_biodistribution_csv

        p = work / "b.csv"
        p.write_bytes(data)
        return read_biodistribution_csv(p)

    return run


SQUARE = ["-4", "-4", "0", "4", "-4", "0", "4", "4", "0", "-4", "4", "0"]


def reader_cases() -> list[Case]:
    edits = {
        "missing PixelSpacing": _deleter("PixelSpacing"),
        "missing ImagePositionPatient": _deleter("ImagePositionPatient"),
        "missing ImageOrientationPatient": _deleter("ImageOrientationPatient"),
        "DoseGridScaling nan": _setter("DoseGridScaling", "nan"),
        "DoseGridScaling -1": _setter("DoseGridScaling", "-1"),
        "DoseGridScaling 0": _setter("DoseGridScaling", "0"),
        "ImagePositionPatient nan": _setter("ImagePositionPatient", ["nan", "0", "0"]),
        "PixelSpacing 0": _setter("PixelSpacing", ["0", "0"]),
        "PixelSpacing 1 value": _setter("PixelSpacing", ["1"]),
        "GridFrameOffsetVector nan": _setter("GridFrameOffsetVector", ["0", "nan"]),
        "GridFrameOffsetVector equal": _setter("GridFrameOffsetVector", ["0", "0"]),
        "truncated pixels": _truncate,
        "Rows 60000": _setter("Rows", 60000),
        "NumberOfFrames 9": _setter("NumberOfFrames", 9),
        "DoseUnits CGY": _setter("DoseUnits", "CGY"),
    }
    cases = []
    for name, edit in edits.items():
        for which in ("ebrt", "voxel"):
            if which == "voxel" and name == "DoseUnits CGY":
                continue  # the generic image reader does not interpret DoseUnits
            cases.append(
                Case("readers", f"RTDOSE {name} ({which})", "reject", _dose_reader(edit, which=which))
            )
    cases += [
        Case("readers", "RTDOSE non-numeric DS (ebrt)", "reject", _dose_reader(None, garble=True)),
        Case("readers", "RTDOSE non-numeric DS (voxel)", "reject", _dose_reader(None, garble=True, which="voxel")),
        Case("readers", "RTDOSE valid", "accept", _dose_reader(None)),
        Case("readers", "RTSTRUCT empty ContourData", "reject", _rtstruct_case([])),
        Case("readers", "RTSTRUCT NaN ContourData", "reject", _rtstruct_case(["nan", "0", "0"] * 3)),
        Case("readers", "RTSTRUCT ragged ContourData", "reject", _rtstruct_case(SQUARE[:-1])),
        Case("readers", "RTSTRUCT 2 points", "reject", _rtstruct_case(SQUARE[:6])),
        Case("readers", "RTSTRUCT contour of missing ROI", "reject", _rtstruct_case(SQUARE, referenced=7)),
        Case("readers", "RTSTRUCT requested ROI without contours", "reject", _rtstruct_case(SQUARE, names=["empty"])),
        Case("readers", "RTSTRUCT valid", "accept", _rtstruct_case(SQUARE, names=["brain"])),
    ]  # fmt: skip
    for kind in ("nan", "inf", "singular", "truncated", "huge", "garbage", "2d"):
        cases.append(Case("readers", f"NIfTI {kind}", "reject", _nifti_case(kind)))
    cases.append(Case("readers", "NIfTI valid", "accept", _nifti_case("valid")))
    head = b"organ,time_h,%ID/g,SD,n\n"
    cases += [
        Case("readers", "CSV all zero", "reject", _csv_case(head + b"blood,1,0,1,4\nliver,24,0,1,4\n")),
        Case("readers", "CSV latin-1", "reject", _csv_case(head + b"blood,1,3\xe9,1,4\n")),
        Case("readers", "CSV nan", "reject", _csv_case(head + b"blood,1,nan,1,4\n")),
        Case("readers", "CSV negative", "reject", _csv_case(head + b"blood,1,-3,1,4\n")),
        Case("readers", "CSV short row", "reject", _csv_case(head + b"blood,1\n")),
        Case("readers", "CSV unknown organ", "reject", _csv_case(head + b"kidneyz,1,3,1,4\n")),
        Case("readers", "CSV no header", "reject", _csv_case(b"blood,1,3,1,4\n")),
        Case("readers", "CSV binary", "reject", _csv_case(bytes(range(256)))),
        Case("readers", "CSV with BOM", "accept", _csv_case(b"\xef\xbb\xbf" + head + b"blood,1,30,3,4\n")),
    ]
    return cases


# ------------------------------------------------------------------------------ public functions


def _call(dotted: str, *args: Any, **kwargs: Any) -> Callable[[Path], Any]:
    def run(_work: Path) -> Any:
        import importlib

        mod, _, name = dotted.rpartition(".")
        fn = getattr(importlib.import_module(mod), name)
        return fn(*args, **kwargs)

    return run


def _scenario_run(nuclide: str) -> Callable[[Path], Any]:
    def run(_work: Path) -> Any:
        from brainrit.pipeline import run_scenario
        from brainrit.scenario import builtin_scenario

        sc = builtin_scenario("mouse-vcam1-pb212")
        rp = sc.radiopharmaceutical.model_copy(update={"nuclide": nuclide})
        stages = ["radionuclide", "kinetics", "dosimetry", "rit_outcomes"]
        r = run_scenario(sc.model_copy(update={"radiopharmaceutical": rp}), figures=False, progress=False,
                         stages=stages)  # fmt: skip
        bad = {k: r.stages[k].message for k in stages if r.stages[k].status != "ok"}
        if bad:
            raise RuntimeError(f"stages not ok: {bad}")
        return r

    return run


TCP = {"n_fractions": 30, "alpha_mean_per_Gy": 0.35, "alpha_sd_per_Gy": 0.08, "alpha_beta_Gy": 10.0,
       "clonogen_density_per_cm3": 1e7, "volume_cm3": 10.0}  # fmt: skip


def function_cases() -> list[Case]:
    nan, inf = float("nan"), float("inf")
    f = [
        ("radiobiology.eud_tumour([])", _call("brainrit.radiobiology.eud_tumour", [], 0.3)),
        ("radiobiology.eud_tumour nan", _call("brainrit.radiobiology.eud_tumour", [nan], 0.3)),
        ("radiobiology.eqd2 shapes", _call("brainrit.radiobiology.eqd2", [1.0, 2.0, 3.0], [1, 2], 10.0)),
        ("radiobiology.eqd2 alpha/beta 0", _call("brainrit.radiobiology.eqd2", 20.0, 5, 0.0)),
        ("radiobiology.eqd2 fractions 0.5", _call("brainrit.radiobiology.eqd2", 20.0, 0.5, 10.0)),
        ("radiobiology.tcp_population shapes",
         _call("brainrit.radiobiology.tcp_population", [60.0, 60.0, 60.0], **{**TCP, "clonogen_density_per_cm3": [1e7, 1e7]})),
        ("radiobiology.tcp_population inf", _call("brainrit.radiobiology.tcp_population", inf, **TCP)),
        ("radiobiology.survival_lq negative dose", _call("brainrit.radiobiology.survival_lq", -1.0, 0.3, 0.03)),
        ("radiobiology.bed_fractionated nan", _call("brainrit.radiobiology.bed_fractionated", nan, 5, 10.0)),
        ("radiobiology.g_factor negative rate",
         _call("brainrit.radiobiology.g_factor", [0.0, 1.0, 2.0], [1.0, -1.0, 0.5], 1.5)),
        ("radiobiology.g_factor shape", _call("brainrit.radiobiology.g_factor", [0.0, 1.0, 2.0], [1.0, 0.5], 1.5)),
        ("nuclides.decay_chain unknown", _call("brainrit.nuclides.decay_chain", "Pb-999")),
        ("nuclides.decay_chain number", _call("brainrit.nuclides.decay_chain", 212)),
        ("physics.alpha_csda_range_um negative", _call("brainrit.physics.alpha.alpha_csda_range_um", -5.0)),
        ("physics.alpha_csda_range_um nan", _call("brainrit.physics.alpha.alpha_csda_range_um", nan)),
        ("physics.alpha_csda_range_um material", _call("brainrit.physics.alpha.alpha_csda_range_um", 5.0, "unobtainium")),
        ("kinetics.default_model species", _call("brainrit.kinetics.default_model", "rat")),
        ("kinetics.default_model body mass", _call("brainrit.kinetics.default_model", "mouse", body_mass_g=-1.0)),
        ("phantoms.human_brain voxel 0", _call("brainrit.phantoms.human_brain", 0.0)),
        ("phantoms.human_brain voxel 0.01 (memory)", _call("brainrit.phantoms.human_brain", 0.01)),
        ("phantoms.mouse_brain voxel nan", _call("brainrit.phantoms.mouse_brain", nan)),
        ("checks.positive bool", _call("brainrit.checks.positive", "x", True)),
        ("fileio.atomic_write_text missing folder", _call("brainrit.fileio.atomic_write_text", "/nonexistent/x/y.txt", "a")),
        ("fileio.check_output_folder root", _call("brainrit.fileio.check_output_folder", "/", force=True)),
        ("scenario.builtin_scenario unknown", _call("brainrit.scenario.builtin_scenario", "nope")),
    ]  # fmt: skip
    cases = [Case("functions", name, "reject", fn) for name, fn in f]
    for nuc in ("I-125", "H-3", "Y-90", "In-111", "Ac-225", "U-238", "Lu-177", "At-211"):
        cases.append(Case("nuclides", f"{nuc} through the pipeline", "accept", _scenario_run(nuc), slow=True))
    return cases


# ----------------------------------------------------------------------------------------- harness


def _child(case: Case, work: Path, wfd: int) -> None:
    os.chdir(work)
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))
    signal.alarm(TIMEOUT_S)
    from brainrit.errors import BrainritError

    try:
        case.run(work)
        result = {"kind": "accepted", "detail": ""}
    except BrainritError as exc:
        msg = str(exc)
        result = {"kind": "rejected", "detail": msg[:300], "lines": msg.count("\n") + 1,
                  "traceback": "Traceback" in msg}  # fmt: skip
    except MemoryError:
        result = {"kind": "memory", "detail": "MemoryError"}
    except BaseException as exc:
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = {"kind": "crash", "detail": tb[:300]}
    with os.fdopen(wfd, "wb") as fh:
        pickle.dump(result, fh)
    os._exit(0)


def run_case(case: Case) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="attack-") as tmp:
        root = Path(tmp)
        work = root / "home" / "work"
        work.mkdir(parents=True)
        _with_project(work)
        (work / "dangling").symlink_to(work / "nowhere")
        os.environ["HOME"] = str(root / "home")
        rfd, wfd = os.pipe()
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # child
            os.close(rfd)
            try:
                _child(case, work, wfd)
            finally:
                os._exit(3)
        os.close(wfd)
        with os.fdopen(rfd, "rb") as fh:
            data = fh.read()
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - t0
        peak = usage.ru_maxrss * 1024  # kB on Linux
        if data:
            result = pickle.loads(data)
        elif os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
            result = {"kind": "timeout", "detail": f"> {TIMEOUT_S} s"}
        else:
            result = {"kind": "memory", "detail": f"child died (status {status})"}
        lost = [s for s in case.sentinels if not (work / s).exists()]
        if not (work / "keep.txt").exists() or not (work / "project" / "thesis.tex").exists():
            lost = lost or ["user files"]
    kind = result["kind"]
    if lost:
        outcome = "data_loss"
    elif kind in ("memory", "timeout", "crash"):
        outcome = kind
    elif kind == "rejected" and result.get("traceback"):
        outcome = "crash"
    elif case.expect == "reject":
        outcome = "ok" if kind == "rejected" else "silent"
    else:
        outcome = "ok" if kind == "accepted" else "failed"
    if peak > 4 * 1024**3 and outcome == "ok":
        outcome = "memory"
    return {"group": case.group, "name": case.name, "expect": case.expect, "outcome": outcome,
            "result": kind, "detail": result.get("detail", ""), "peak_GB": round(peak / 1e9, 3),
            "seconds": round(elapsed, 2), "lost": lost}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the cases that run a pipeline")
    parser.add_argument("--json", help="write every case's result to this file")
    parser.add_argument("--only", help="run only cases whose name contains this text")
    args = parser.parse_args(argv)
    # import once in the parent: the forked children start warm
    import brainrit.cli
    import brainrit.pipeline
    import brainrit.scenario.loader  # noqa: F401

    cases = loader_cases() + cli_cases() + reader_cases() + function_cases()
    if args.quick:
        cases = [c for c in cases if not c.slow]
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    results = []
    for case in cases:
        r = run_case(case)
        results.append(r)
        mark = "  " if r["outcome"] == "ok" else "!!"
        print(f"{mark} {r['outcome']:<9} {r['group']:<9} {r['name'][:55]:<55} {r['peak_GB']:>6.2f} GB "
              f"{r['seconds']:>6.1f} s  {r['detail'][:90]}", flush=True)  # fmt: skip
    counts = Counter(r["outcome"] for r in results)
    peak = max((r["peak_GB"] for r in results), default=0.0)
    print(f"\n{len(results)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; peak memory of any case {peak:.2f} GB")  # fmt: skip
    if args.json:
        Path(args.json).write_text(
            json.dumps({"counts": counts, "peak_GB": peak, "cases": results}, indent=1)
        )
    return 0 if set(counts) <= {"ok"} else 1


if __name__ == "__main__":
    sys.exit(main())
