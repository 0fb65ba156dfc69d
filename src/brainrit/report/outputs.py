"""Write a pipeline result to a folder: results.json, summary.csv, provenance.json, report.html.

Everything is written into a temporary folder beside the target and renamed into place at the end,
so a failure never leaves a half-written output; an existing folder is replaced only with ``force``
and only if brainrit wrote it (:mod:`brainrit.fileio`). Text cells of summary.csv that a spreadsheet
would run as formulas are neutralised.

Examples
--------
>>> from brainrit.report.outputs import to_jsonable
>>> import numpy as np
>>> to_jsonable({"a": np.float64(1.5), "b": np.array([1, 2]), "c": float("nan")})
{'a': 1.5, 'b': [1, 2], 'c': None}
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from brainrit import __version__
from brainrit.fileio import (
    check_output_folder,
    csv_safe_row,
    discard_staging_folder,
    make_staging_folder,
    publish_output_folder,
)
from brainrit.pipeline.core import to_jsonable
from brainrit.pipeline.runner import PipelineResult
from brainrit.pipeline.stage_rit_map import RitDoseMapResult
from brainrit.report.html import render_report

if TYPE_CHECKING:
    from brainrit.report.figures import Figure

__all__ = ["RESULTS_SCHEMA_VERSION", "results_dict", "scenario_hash", "to_jsonable", "write_outputs"]

RESULTS_SCHEMA_VERSION = "1.0"
DEPENDENCIES = (
    "numpy",
    "scipy",
    "numba",
    "radioactivedecay",
    "icrp107-database",
    "pydantic",
    "matplotlib",
    "jinja2",
    "typer",
    "rich",
)
DATA_SOURCES = {
    "decay_data": "ICRP Publication 107 (2008) via icrp107-database; chains via radioactivedecay "
    "(ICRP-107 dataset)",
    "alpha_stopping": "NIST SRD 124 ASTAR (ICRU Report 49)",
    "electron_stopping": "NIST SRD 124 ESTAR",
    "photon_attenuation": "NIST SRD 126 (Hubbell & Seltzer)",
    "radiobiology": "brainrit/data/radiobiology_parameters.toml (a source per parameter; "
    "bibliography: docs/references.md)",
    "kinetics": "brainrit/data/kinetics_physiology.toml, kinetics_targets.toml",
}


def scenario_hash(result: PipelineResult) -> str:
    """SHA-256 of the validated scenario (canonical JSON), hex.

    Examples
    --------
    >>> from brainrit.pipeline import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide"])
    >>> len(scenario_hash(r))
    64
    """
    text = json.dumps(result.scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def results_dict(result: PipelineResult) -> dict[str, Any]:
    """The content of results.json (documented in the README, versioned by ``schema_version``).

    ``stages.<key>`` = ``{title, status, message, data, tables, notes, elapsed_s}``, ``data`` being the
    stage result's ``to_json()`` (empty for a stage that did not run).

    Examples
    --------
    >>> from brainrit.pipeline import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide"])
    >>> d = results_dict(r)
    >>> d["stages"]["radionuclide"]["data"]["nuclide"], d["stages"]["kinetics"]["status"]
    ('Pb-212', 'not run')
    """
    stages = {}
    for key, st in result.stages.items():
        stages[key] = {
            "title": st.title,
            "status": st.status,
            "message": st.message,
            "data": st.to_json(),
            "tables": {t.key: {"title": t.title, "rows": t.as_records()} for t in st.tables},
            "notes": list(st.notes),
            "elapsed_s": st.elapsed_s,
        }
    return to_jsonable(
        {
            "schema_version": RESULTS_SCHEMA_VERSION,
            "brainrit_version": __version__,
            "scenario": result.scenario.model_dump(mode="json"),
            "seed": result.seed,
            "stages": stages,
        }
    )


def provenance_dict(result: PipelineResult) -> dict[str, Any]:
    """The content of provenance.json: versions, data sources, scenario hash, seed, timings."""
    versions = {}
    for dist in DEPENDENCIES:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "brainrit_version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "dependencies": versions,
        "data_sources": DATA_SOURCES,
        "scenario_hash_sha256": scenario_hash(result),
        "seed": result.seed,
        "started_utc": result.started_utc,
        "timings_s": result.timings_s,
    }


def summary_rows(result: PipelineResult) -> tuple[list[str], list[list[Any]]]:
    """Rows of summary.csv: one per arm from the comparison stage (or per stage status if none)."""
    comp = result.stages.get("comparison")
    if comp is not None and comp.status == "ok" and comp.tables:
        table = comp.tables[0]
        return list(table.columns), [list(r) for r in table.rows]
    header = ["stage", "status", "elapsed_s"]
    return header, [[k, s.status, round(s.elapsed_s, 3)] for k, s in result.stages.items()]


def write_outputs(
    result: PipelineResult,
    out_dir: str | Path,
    *,
    force: bool = False,
    html: bool = True,
    figures: Mapping[str, tuple[Figure, ...]] | None = None,
) -> Path:
    """Write all outputs of ``result`` into ``out_dir`` atomically.

    Parameters
    ----------
    result : PipelineResult
    out_dir : path
        Folder to create. If it exists, it is replaced only when ``force`` is True.
    force : bool
        Replace an existing folder.
    html : bool
        Also write report.html.
    figures : mapping, optional
        Stage figures already drawn (see :func:`brainrit.report.html.render_report`).

    Returns
    -------
    pathlib.Path
        The output folder.

    Raises
    ------
    OutputError
        The folder exists (without ``force``), or its parent cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from brainrit.pipeline import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> r = run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide"])
    >>> out = write_outputs(r, pathlib.Path(tempfile.mkdtemp()) / "study", html=False)
    >>> sorted(p.name for p in out.glob("*.*") if not p.name.startswith("."))
    ['provenance.json', 'results.json', 'summary.csv']
    """
    out = check_output_folder(out_dir, force=force)
    tmp = make_staging_folder(out)
    try:
        _write_json(tmp / "results.json", results_dict(result))
        _write_json(tmp / "provenance.json", to_jsonable(provenance_dict(result)))
        header, rows = summary_rows(result)
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(csv_safe_row(header))
        writer.writerows(csv_safe_row(r) for r in rows)
        (tmp / "summary.csv").write_text(buf.getvalue(), encoding="utf-8")
        _write_dose_maps(result, tmp)
        if html:
            (tmp / "report.html").write_text(render_report(result, figures=figures), encoding="utf-8")
        out = publish_output_folder(tmp, out, force=force)
    except BaseException:
        discard_staging_folder(tmp)
        raise
    return out


def _write_dose_maps(result: PipelineResult, folder: Path) -> None:
    """NIfTI / RTDOSE of the RIT dose map when the scenario asks for them and the stage ran."""
    out = result.scenario.outputs
    st = result.stages.get(RitDoseMapResult.key)
    if not (out.nifti or out.rtdose) or not isinstance(st, RitDoseMapResult):
        return
    from brainrit.dosimetry.voxel.io import VoxelImage, save_nifti, save_rtdose

    phantom = st.voxel_phantom
    # Phantom axes are DICOM patient (LPS) x, y, z; NIfTI affines are RAS: flip x and y.
    lps = np.diag([*phantom.voxel_mm, 1.0])
    lps[:3, 3] = phantom.origin_mm
    affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps
    if out.nifti:
        for dose, name in (
            (st.rbe_weighted_Gy, "rbe_weighted"),
            (st.alpha_Gy, "alpha"),
            (st.low_let_Gy, "low_let"),
        ):
            unit = "Gy(RBE)" if name == "rbe_weighted" else "Gy"
            image = VoxelImage(dose, affine)
            save_nifti(folder / f"rit_dose_{name}_Gy.nii.gz", image, description=f"RIT {name}", unit=unit)
    if out.rtdose:
        physical = st.alpha_Gy + st.low_let_Gy
        save_rtdose(folder / "rit_dose_physical.dcm", VoxelImage(physical, affine))


def check_output_dir(out: Path, *, force: bool) -> None:
    """Raise :class:`~brainrit.errors.OutputError` unless ``out`` can be (re)written; call before long work.

    ``force`` replaces only a folder brainrit wrote (see :func:`brainrit.fileio.check_output_folder`).
    """
    check_output_folder(out, force=force)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n", encoding="utf-8")
