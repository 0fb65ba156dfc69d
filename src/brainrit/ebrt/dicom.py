"""DICOM RT: import RTDOSE + RTSTRUCT (+ the reference CT/MR geometry) onto one grid; export RTDOSE.

Export goes through the one RT Dose writer of brainrit, :mod:`brainrit.dosimetry.voxel.rtdose`.

Supported (DICOM PS3.3 C.8.8.3 RT Dose, C.8.8.5/6 Structure Set and ROI Contour modules):

* Axial grids only: ``ImageOrientationPatient`` = (1, 0, 0, 0, 1, 0) (head-first or feet-first supine
  images as stored; other orientations raise :class:`~brainrit.errors.DataError`).
* RTDOSE: multi-frame, ``DoseUnits`` = GY, ``GridFrameOffsetVector`` relative (first value 0) or absolute
  (first value = z of ``ImagePositionPatient``), uniform frame spacing (ascending or descending),
  ``DoseGridScaling`` applied. ``PixelSpacing`` is (row spacing = Δy, column spacing = Δx).
* RTSTRUCT: ``CLOSED_PLANAR`` contours in axial planes, rasterised slice by slice: a voxel belongs to
  the ROI when its centre lies inside the polygon (even–odd rule, so inner contours cut holes);
  ``POINT`` contours are skipped; other types raise.
* Reference CT/MR series: geometry only (``Rows``, ``Columns``, ``PixelSpacing``, ``ImagePositionPatient``
  of every slice, uniform spacing).

Arrays follow :mod:`brainrit.phantoms.geometry` (axes x, y, z; ``origin_mm`` = centre of voxel [0,0,0]); the
DICOM pixel array (frames, rows, columns) = (z, y, x) is transposed on import and export.

Examples
--------
>>> import numpy as np, tempfile, os
>>> dose = np.linspace(0.0, 30.0, 24).reshape(2, 3, 4)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_rtdose(os.path.join(tmp, "rd.dcm"), dose, (2.0, 2.0, 3.0), (-10.0, -10.0, 0.0))
...     back = read_rtdose(path)
>>> back.dose_Gy.shape, back.voxel_mm, back.origin_mm
((2, 3, 4), (2.0, 2.0, 3.0), (-10.0, -10.0, 0.0))
>>> bool(np.max(np.abs(back.dose_Gy - dose)) <= 0.5 * back.dose_grid_scaling)
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.checks import array_finite, choice
from brainrit.ebrt.arms import Arm, ArmComponent
from brainrit.errors import BrainritError, DataError, InputError, OutputError
from brainrit.fileio import check_voxel_budget, finite_image, header_numbers
from brainrit.phantoms.geometry import check_grid

__all__ = [
    "DoseGrid",
    "RTImport",
    "import_rt",
    "read_reference_geometry",
    "read_rtdose",
    "read_rtstruct",
    "write_rtdose",
]

_AXIAL = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.0])


@dataclass(frozen=True, eq=False)
class DoseGrid:
    """A dose array with its geometry (read from RTDOSE)."""

    dose_Gy: np.ndarray = field(repr=False)
    voxel_mm: tuple[float, float, float]
    origin_mm: tuple[float, float, float]
    dose_grid_scaling: float = 1.0
    dose_type: str = "PHYSICAL"
    frame_of_reference_uid: str = ""


@dataclass(frozen=True, eq=False)
class RTImport:
    """Dose and structures on one grid (the reference image grid, or the dose grid)."""

    shape: tuple[int, int, int]
    voxel_mm: tuple[float, float, float]
    origin_mm: tuple[float, float, float]
    dose_Gy: np.ndarray = field(repr=False)
    masks: Mapping[str, np.ndarray] = field(repr=False)
    frame_of_reference_uid: str = ""

    def to_arm(self, name: str, n_fractions: int, technique: str = "", *, whole_brain: bool = True) -> Arm:
        """The imported plan as an :class:`~brainrit.ebrt.arms.Arm` (one course of ``n_fractions``)."""
        comp = ArmComponent(name, self.dose_Gy, n_fractions, technique)
        return Arm(name, (comp,), self.voxel_mm, self.origin_mm, whole_brain=whole_brain)


def _read(path: str | os.PathLike[str], modality: Sequence[str], stop_before_pixels: bool = False) -> Any:
    import pydicom
    from pydicom.errors import InvalidDicomError

    p = Path(path)
    if not p.is_file():
        raise InputError("path", str(path), "an existing DICOM file")
    try:
        ds = pydicom.dcmread(p, stop_before_pixels=stop_before_pixels)
        mod = str(getattr(ds, "Modality", ""))
    except (InvalidDicomError, OSError, ValueError, EOFError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"{p}: not a readable DICOM file ({type(exc).__name__}: {str(exc)[:120]})") from None
    if mod not in modality:
        raise DataError(f"{p}: Modality {mod!r} is not supported here; expected one of {list(modality)}")
    return ds


def _axial(ds: Any, where: str) -> None:
    iop = header_numbers(ds, "ImageOrientationPatient", where=where, count=6)
    if not np.allclose(iop, _AXIAL, atol=1e-4):
        raise DataError(
            f"{where}: ImageOrientationPatient {iop.tolist()} is not supported; only axial grids "
            f"(1, 0, 0, 0, 1, 0) can be imported"
        )


def _uniform(values: np.ndarray, where: str) -> float:
    if values.size < 2:
        return 0.0
    steps = np.diff(values)
    if not np.allclose(steps, steps[0], atol=1e-3, rtol=0) or abs(steps[0]) < 1e-6:
        raise DataError(f"{where}: slice positions are not uniformly spaced ({values.tolist()[:6]} ...)")
    return float(steps[0])


def read_rtdose(path: str | os.PathLike[str]) -> DoseGrid:
    """Read an RTDOSE file; dose in Gy on its own grid (axes x, y, z, ascending).

    Raises :class:`~brainrit.errors.DataError` naming the file for a missing or malformed geometry
    (PixelSpacing, ImagePositionPatient, GridFrameOffsetVector), a DoseGridScaling that is not a
    finite number > 0, truncated pixel data, an image larger than
    :data:`brainrit.fileio.MAX_IMAGE_VOXELS` (checked before the pixels are read), or doses that
    are negative or not finite.
    """
    try:
        return _read_rtdose(path)
    except BrainritError:
        raise
    except Exception as exc:  # malformed elements that pydicom only parses on access
        raise DataError(
            f"{path}: not a readable RTDOSE file ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None


def _read_rtdose(path: str | os.PathLike[str]) -> DoseGrid:
    ds = _read(path, ("RTDOSE",))
    _axial(ds, str(path))
    units = str(getattr(ds, "DoseUnits", "")).upper()
    if units != "GY":
        raise DataError(f"{path}: DoseUnits {units!r} is not supported (only 'GY')")
    where = str(path)
    try:
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        check_voxel_budget((int(ds.Rows), int(ds.Columns), frames), where=where)
    except (AttributeError, TypeError, ValueError):
        raise DataError(f"{path}: Rows, Columns or NumberOfFrames is missing or not a whole number") from None
    scaling = float(
        header_numbers(ds, "DoseGridScaling", where=where, count=1, positive=True, default=1.0)[0]
    )
    ipp = header_numbers(ds, "ImagePositionPatient", where=where, count=3)
    dy, dx = (float(v) for v in header_numbers(ds, "PixelSpacing", where=where, count=2, positive=True))
    try:
        raw = ds.pixel_array.astype(float)
    except Exception as exc:  # pydicom raises various errors for missing/compressed/truncated pixel data
        raise DataError(
            f"{path}: cannot decode the dose pixel data ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None
    if raw.ndim == 2:
        raw = raw[None]
    if raw.shape[0] != frames:
        raise DataError(f"{path}: NumberOfFrames {frames} does not match the pixel data {raw.shape}")
    if frames > 1:
        offsets = header_numbers(ds, "GridFrameOffsetVector", where=where)
        if offsets.size != frames:
            raise DataError(f"{path}: GridFrameOffsetVector has {offsets.size} values for {frames} frames")
        if abs(offsets[0]) > 1e-6:
            if abs(offsets[0] - ipp[2]) > 1e-3:
                raise DataError(f"{path}: GridFrameOffsetVector {offsets[:3].tolist()} ... is not understood")
            offsets = offsets - ipp[2]
        dz = _uniform(offsets, str(path))
    else:
        dz = float(header_numbers(ds, "SliceThickness", where=where, count=1, default=1.0)[0]) or 1.0
    dose = np.transpose(raw, (2, 1, 0)) * scaling  # (frames, rows, cols) -> (x, y, z)
    finite_image(dose, where=where, what="dose")
    if np.any(dose < 0):
        raise DataError(f"{path}: the dose holds negative values (min {float(dose.min()):.4g} Gy)")
    z0 = ipp[2]
    if dz < 0:
        dose = dose[:, :, ::-1]
        z0 = ipp[2] + dz * (frames - 1)
        dz = -dz
    return DoseGrid(
        np.ascontiguousarray(dose),
        (dx, dy, dz),
        (float(ipp[0]), float(ipp[1]), float(z0)),
        scaling,
        str(getattr(ds, "DoseType", "PHYSICAL")),
        str(getattr(ds, "FrameOfReferenceUID", "")),
    )


def read_reference_geometry(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[tuple[int, int, int], tuple[float, float, float], tuple[float, float, float], str]:
    """Grid of a CT/MR series: ``(shape, voxel_mm, origin_mm, frame_of_reference_uid)``."""
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("reference", [], "at least one CT or MR slice file")
    slices = []
    for p in files:
        ds = _read(p, ("CT", "MR", "PT", "NM"), stop_before_pixels=True)
        _axial(ds, str(p))
        slices.append(ds)
    first = slices[0]
    try:
        rows, cols = int(first.Rows), int(first.Columns)
        for ds in slices[1:]:
            int(ds.Rows), int(ds.Columns)
    except (AttributeError, TypeError, ValueError):
        raise DataError("reference series: Rows or Columns is missing or not a whole number") from None
    spacing = tuple(
        float(v) for v in header_numbers(first, "PixelSpacing", where=str(files[0]), count=2, positive=True)
    )
    for_uid = str(getattr(first, "FrameOfReferenceUID", ""))
    for p, ds in zip(files[1:], slices[1:], strict=True):
        if (int(ds.Rows), int(ds.Columns)) != (rows, cols) or tuple(
            float(v) for v in header_numbers(ds, "PixelSpacing", where=str(p), count=2, positive=True)
        ) != spacing:
            raise DataError("reference series: slices differ in Rows/Columns/PixelSpacing")
        if str(getattr(ds, "FrameOfReferenceUID", "")) != for_uid:
            raise DataError("reference series: slices belong to different frames of reference")
    pos = np.array(
        [
            header_numbers(ds, "ImagePositionPatient", where=str(p), count=3)
            for p, ds in zip(files, slices, strict=True)
        ]
    )
    order = np.argsort(pos[:, 2])
    pos = pos[order]
    if not np.allclose(pos[:, :2], pos[0, :2], atol=1e-3):
        raise DataError("reference series: slices are not aligned in x, y (tilted or shifted stack)")
    if len(slices) > 1:
        dz = _uniform(pos[:, 2], "reference series")
    else:
        dz = float(header_numbers(first, "SliceThickness", where=str(files[0]), count=1, positive=True)[0])
    shape = (cols, rows, len(slices))
    voxel = (spacing[1], spacing[0], dz)
    return shape, voxel, (float(pos[0, 0]), float(pos[0, 1]), float(pos[0, 2])), for_uid


def read_rtstruct(
    path: str | os.PathLike[str],
    shape: Sequence[int],
    voxel_mm: Sequence[float],
    origin_mm: Sequence[float],
    names: Iterable[str] | None = None,
) -> dict[str, np.ndarray]:
    """Rasterise the ROIs of an RTSTRUCT onto a grid (voxel centre inside the polygon).

    Parameters
    ----------
    names : iterable of str, optional
        ROI names to read (default all). An unknown name raises with suggestions.

    Raises
    ------
    DataError
        Non-axial or unsupported contours, a contour outside the grid, malformed ContourData (empty,
        NaN, not x/y/z triples), a contour of an undefined ROI, or a requested ROI without contours.
    """
    shp, vox, org = check_grid(shape, voxel_mm, origin_mm)
    ds = _read(path, ("RTSTRUCT",))
    try:
        return _rasterise(ds, path, shp, vox, org, names)
    except BrainritError:
        raise
    except Exception as exc:  # malformed sequences that pydicom only parses on access
        raise DataError(f"{path}: not a readable RTSTRUCT ({type(exc).__name__}: {str(exc)[:120]})") from None


def _rasterise(
    ds: Any, path: Any, shp: Any, vox: Any, org: Any, names: Iterable[str] | None
) -> dict[str, np.ndarray]:
    from matplotlib.path import Path as PolyPath

    roi_names = {int(r.ROINumber): str(r.ROIName) for r in getattr(ds, "StructureSetROISequence", [])}
    wanted = (
        set(roi_names.values()) if names is None else {choice("roi", n, roi_names.values()) for n in names}
    )
    masks: dict[str, np.ndarray] = {}
    xs = org[0] + vox[0] * np.arange(shp[0])
    ys = org[1] + vox[1] * np.arange(shp[1])
    for roi in getattr(ds, "ROIContourSequence", []):
        number = int(roi.ReferencedROINumber)
        name = roi_names.get(number)
        if name is None:
            raise DataError(
                f"{path}: ROIContourSequence refers to ROI number {number}, which StructureSetROISequence "
                f"does not define (defined: {sorted(roi_names)})"
            )
        if name not in wanted:
            continue
        mask = np.zeros(shp, dtype=bool)
        for c in getattr(roi, "ContourSequence", []):
            kind = str(getattr(c, "ContourGeometricType", "CLOSED_PLANAR"))
            if kind == "POINT":
                continue
            if kind != "CLOSED_PLANAR":
                raise DataError(f"{path}: ROI {name!r} has a {kind} contour; only CLOSED_PLANAR is supported")
            pts = _contour_points(c, path, name)
            if np.ptp(pts[:, 2]) > 0.01:
                raise DataError(
                    f"{path}: ROI {name!r} has a non-axial contour (z varies by {np.ptp(pts[:, 2]):.3g} mm)"
                )
            z = float(pts[0, 2])
            k = int(np.rint((z - org[2]) / vox[2]))
            if not (0 <= k < shp[2]) or abs(org[2] + k * vox[2] - z) > 0.5 * vox[2] + 1e-6:
                raise DataError(
                    f"{path}: ROI {name!r} has a contour at z = {z:g} mm outside the grid "
                    f"({org[2]:g} to {org[2] + vox[2] * (shp[2] - 1):g} mm)"
                )
            lo = np.searchsorted(xs, pts[:, 0].min()), np.searchsorted(ys, pts[:, 1].min())
            hi = np.searchsorted(xs, pts[:, 0].max(), "right"), np.searchsorted(ys, pts[:, 1].max(), "right")
            if hi[0] <= lo[0] or hi[1] <= lo[1]:
                continue
            # closed=True makes matplotlib ignore the last vertex (CLOSEPOLY): repeat the first one
            gx, gy = np.meshgrid(xs[lo[0] : hi[0]], ys[lo[1] : hi[1]], indexing="ij")
            inside = PolyPath(np.vstack([pts[:, :2], pts[:1, :2]]), closed=True).contains_points(
                np.column_stack([gx.ravel(), gy.ravel()])
            )
            mask[lo[0] : hi[0], lo[1] : hi[1], k] ^= inside.reshape(gx.shape)
        masks[name] = mask
    missing = wanted - set(masks)
    if names is not None and missing:
        raise DataError(f"{path}: ROI {sorted(missing)[0]!r} has no contours (an empty structure)")
    for name in sorted(missing):
        masks[name] = np.zeros(shp, dtype=bool)
    return masks


def _contour_points(c: Any, path: Any, name: str) -> np.ndarray:
    """ContourData of one contour as finite (n, 3) points, n >= 3; DataError naming the file and ROI."""
    where = f"{path}: ROI {name!r}"
    values = header_numbers(c, "ContourData", where=where)
    if values.size % 3:
        raise DataError(f"{where}: ContourData has {values.size} numbers, not a multiple of 3 (x, y, z)")
    pts = values.reshape(-1, 3)
    if len(pts) < 3:
        raise DataError(f"{where}: a CLOSED_PLANAR contour needs at least 3 points, got {len(pts)}")
    return pts


def import_rt(
    rtdose: str | os.PathLike[str],
    rtstruct: str | os.PathLike[str] | None = None,
    reference: Iterable[str | os.PathLike[str]] | None = None,
    *,
    names: Iterable[str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> RTImport:
    """Import a treatment plan's dose and structures onto one grid.

    The grid is the reference CT/MR series when given, otherwise the RTDOSE grid. The dose is
    resampled trilinearly; voxels outside the dose grid get 0 Gy, but a structure with voxels outside
    the dose grid raises :class:`~brainrit.errors.DataError` ("dose grid does not cover ...").

    ``names`` selects ROIs; ``rename`` maps TPS ROI names to the names the outcome models use, e.g.
    ``{"Brain": "brain", "Hippocampi": "hippocampi"}``.
    """
    from scipy.ndimage import map_coordinates

    dg = read_rtdose(rtdose)
    if reference is not None:
        shape, vox, org, for_uid = read_reference_geometry(reference)
        if for_uid and dg.frame_of_reference_uid and for_uid != dg.frame_of_reference_uid:
            raise DataError(
                f"RTDOSE frame of reference {dg.frame_of_reference_uid} differs from the reference "
                f"series {for_uid}"
            )
    else:
        shape, vox, org, for_uid = dg.dose_Gy.shape, dg.voxel_mm, dg.origin_mm, dg.frame_of_reference_uid
    shp, v, o = check_grid(shape, vox, org)
    if tuple(shp) == dg.dose_Gy.shape and np.allclose(v, dg.voxel_mm) and np.allclose(o, dg.origin_mm):
        dose = dg.dose_Gy.copy()
        covered = np.ones(shp, dtype=bool)
    else:
        axes = [(o[a] + v[a] * np.arange(shp[a]) - dg.origin_mm[a]) / dg.voxel_mm[a] for a in range(3)]
        n = dg.dose_Gy.shape
        ok = [(ax >= -1e-6) & (ax <= n[a] - 1 + 1e-6) for a, ax in enumerate(axes)]
        covered = ok[0][:, None, None] & ok[1][None, :, None] & ok[2][None, None, :]
        idx = np.meshgrid(*[np.clip(ax, 0, n[a] - 1) for a, ax in enumerate(axes)], indexing="ij")
        dose = map_coordinates(dg.dose_Gy, idx, order=1, mode="nearest")
        dose = np.where(covered, dose, 0.0)
    masks: dict[str, np.ndarray] = {}
    if rtstruct is not None:
        masks = read_rtstruct(rtstruct, shp, v, o, names)
        for name, m in masks.items():
            out = int(np.sum(m & ~covered))
            if out:
                raise DataError(
                    f"dose grid does not cover structure {name!r}: {out} of its {int(m.sum())} voxels lie "
                    f"outside the RTDOSE grid (origin {dg.origin_mm} mm, {dg.dose_Gy.shape} voxels of "
                    f"{dg.voxel_mm} mm)"
                )
            m.setflags(write=False)
        if rename:
            unknown = sorted(set(rename) - set(masks))
            if unknown:
                raise InputError(
                    "rename", unknown[0], "ROI names present in the RTSTRUCT: " + ", ".join(sorted(masks))
                )
            masks = {rename.get(k, k): v for k, v in masks.items()}
    dose.setflags(write=False)
    return RTImport(
        tuple(int(s) for s in shp),  # type: ignore[arg-type]
        tuple(float(x) for x in v),  # type: ignore[arg-type]
        tuple(float(x) for x in o),  # type: ignore[arg-type]
        dose,
        MappingProxyType(masks),
        for_uid,
    )


def write_rtdose(
    path: str | os.PathLike[str],
    dose_Gy: np.ndarray,
    voxel_mm: Sequence[float] | float,
    origin_mm: Sequence[float],
    *,
    dose_type: str = "PHYSICAL",
    reference: str | os.PathLike[str] | None = None,
    frame_of_reference_uid: str | None = None,
    study_instance_uid: str | None = None,
    patient_id: str = "BRAINRIT",
    patient_name: str = "brainrit^phantom",
    referenced_plan_uid: str | None = None,
    series_description: str = "brainrit dose",
    overwrite: bool = False,
) -> Path:
    """Write a dose array (axes x, y, z in DICOM patient coordinates; Gy) as a DICOM RT Dose.

    A thin adapter from the EBRT grid convention (``voxel_mm``, ``origin_mm`` of voxel [0, 0, 0], axes
    along LPS x, y, z) to the one RT Dose writer, :func:`brainrit.dosimetry.voxel.rtdose.write_rtdose`,
    which writes the complete RT Dose IOD atomically.

    Parameters
    ----------
    dose_type : str
        ``"PHYSICAL"`` (absorbed dose) or ``"EFFECTIVE"`` (e.g. RBE-weighted dose, Gy(RBE)).
    reference : path, optional
        CT/MR slice or RTSTRUCT of the patient: patient, study and Frame of Reference are copied from it.
    frame_of_reference_uid, study_instance_uid : str, optional
        Reuse the plan's UIDs so a viewer overlays the dose on the patient's images; new UIDs otherwise
        (ignored when ``reference`` is given).
    referenced_plan_uid : str, optional
        The RT Plan this dose was computed for (Dose Summation Type PLAN); otherwise RADIONUCLIDE.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    from brainrit.dosimetry.voxel.io import VoxelImage
    from brainrit.dosimetry.voxel.rtdose import DicomIdentity
    from brainrit.dosimetry.voxel.rtdose import write_rtdose as _write

    arr = array_finite("dose_Gy", dose_Gy, low=0.0, unit="Gy")
    if arr.ndim != 3:
        raise InputError("dose_Gy", f"array of shape {arr.shape}", "a 3-D dose grid (x, y, z)")
    _, vox, org = check_grid(arr.shape, voxel_mm, origin_mm)
    choice("dose_type", dose_type, ("PHYSICAL", "EFFECTIVE"))
    out = Path(path)
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: folder does not exist")
    if out.exists() and not overwrite:
        raise OutputError(f"{out}: file exists (pass overwrite=True to replace it)")
    lps = np.diag([*vox, 1.0])
    lps[:3, 3] = org
    image = VoxelImage(arr, np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps)  # RAS+ affine, as the writer expects
    identity = None
    if reference is None:
        identity = DicomIdentity(
            patient_name=patient_name,
            patient_id=patient_id,
            study_instance_uid=study_instance_uid or "",
            frame_of_reference_uid=frame_of_reference_uid or "",
        )
    return _write(
        out,
        image,
        dose_type=dose_type,
        reference=reference,
        identity=identity,
        referenced_plan_uid=referenced_plan_uid,
        series_description=series_description,
    )
