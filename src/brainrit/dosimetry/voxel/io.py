"""Image input/output: NIfTI (nibabel) and DICOM (pydicom: NM/PET in, RTDOSE in and out).

The RT Dose writer itself is :func:`brainrit.dosimetry.voxel.rtdose.write_rtdose` (complete RT Dose IOD,
patient/study/frame of reference from a reference image); :func:`save_rtdose` forwards to it.

Every image is a :class:`VoxelImage`: a 3-D float array indexed ``[i, j, k]`` plus the 4×4 affine
that maps voxel indices to **RAS+ world coordinates in mm** (the NIfTI convention). DICOM patient
coordinates are LPS+; readers and writers convert (x and y change sign). For DICOM, ``i`` runs along
a row (columns), ``j`` down the columns (rows) and ``k`` over frames or slices, so
``pixel_array[k, j, i]`` becomes ``data[i, j, k]``.

Writers put the file in a temporary file in the target folder and rename it, so no half-written
file is ever left under the final name; the file gets the permissions of a normally created one
(``0666`` minus the umask, i.e. 0644 under the usual umask 022), not the 0600 of a temporary file.

Examples
--------
>>> import numpy as np, tempfile, os
>>> from brainrit.dosimetry.voxel.io import VoxelImage, save_nifti, load_nifti
>>> img = VoxelImage(np.arange(24.0).reshape(2, 3, 4), np.diag([2.0, 3.0, 4.0, 1.0]))
>>> with tempfile.TemporaryDirectory() as d:
...     path = save_nifti(os.path.join(d, "dose.nii.gz"), img)
...     back = load_nifti(path)
>>> back.voxel_mm, back.orientation, bool(np.array_equal(back.data, img.data))
((2.0, 3.0, 4.0), ('R', 'A', 'S'), True)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from brainrit.errors import BrainritError, DataError, InputError
from brainrit.fileio import atomic_write, finite_image

__all__ = [
    "VoxelImage",
    "load_dicom",
    "load_nifti",
    "save_nifti",
    "save_rtdose",
]

_LPS = np.diag([-1.0, -1.0, 1.0, 1.0])  # RAS <-> LPS (its own inverse)


def _check_affine(affine: Any) -> np.ndarray:
    try:
        a = np.asarray(affine, dtype=float)
    except (TypeError, ValueError):
        raise InputError("affine", affine, "a 4x4 matrix of finite numbers") from None
    if a.shape != (4, 4) or not np.all(np.isfinite(a)):
        raise InputError("affine", affine, "a 4x4 matrix of finite numbers")
    if not np.allclose(a[3], [0, 0, 0, 1]) or abs(np.linalg.det(a[:3, :3])) < 1e-12:
        raise InputError("affine", affine, "an invertible affine with last row (0, 0, 0, 1)")
    return a


@dataclass(frozen=True)
class VoxelImage:
    """A 3-D image and its voxel-to-world (RAS+, mm) affine.

    Attributes
    ----------
    data : ndarray
        Float array ``[i, j, k]``.
    affine : ndarray
        4×4 matrix: ``world_mm = affine @ (i, j, k, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> im = VoxelImage(np.zeros((2, 3, 4)), np.diag([2.0, 2.0, 2.0, 1.0]))
    >>> im.shape, im.voxel_mm
    ((2, 3, 4), (2.0, 2.0, 2.0))
    """

    data: np.ndarray
    affine: np.ndarray

    def __post_init__(self) -> None:
        data = np.asarray(self.data, dtype=float)
        if data.ndim != 3 or 0 in data.shape:
            raise InputError("data", f"array of shape {data.shape}", "a non-empty 3-D array")
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "affine", _check_affine(self.affine))

    @property
    def voxel_mm(self) -> tuple[float, float, float]:
        """Voxel spacing along i, j, k (mm): the norms of the affine's columns."""
        s = np.linalg.norm(self.affine[:3, :3], axis=0)
        return float(s[0]), float(s[1]), float(s[2])

    @property
    def orientation(self) -> tuple[str, str, str]:
        """Anatomical direction of increasing i, j, k (nibabel axis codes, e.g. ('R', 'A', 'S'))."""
        import nibabel as nib

        return tuple(nib.aff2axcodes(self.affine))  # type: ignore[return-value]

    @property
    def shape(self) -> tuple[int, int, int]:
        """Array shape."""
        return self.data.shape  # type: ignore[return-value]


def load_nifti(path: str | os.PathLike[str]) -> VoxelImage:
    """Read a 3-D NIfTI image (scaling applied, float64) and its affine (sform/qform as nibabel chooses).

    The image size is checked from the header before the pixel data are read
    (:data:`brainrit.fileio.MAX_IMAGE_VOXELS`); truncated files and NaN/infinite values raise
    :class:`~brainrit.errors.DataError` naming the file.
    """
    import nibabel as nib

    from brainrit.fileio import check_voxel_budget

    p = Path(path)
    if not p.is_file():
        raise InputError("path", str(p), "an existing NIfTI file (.nii or .nii.gz)")
    try:
        img = nib.load(str(p))
        shape = img.header.get_data_shape()
    except Exception as exc:  # nibabel raises several types for bad files
        raise InputError("path", str(p), f"a readable NIfTI file ({_reason(exc)})") from None
    check_voxel_budget(shape, where=str(p))
    if (len(shape) == 4 and shape[3] != 1) or not 3 <= len(shape) <= 4:
        raise DataError(f"{p}: a 3-D image is needed, the header declares shape {tuple(shape)}")
    try:
        data = np.asarray(img.get_fdata(dtype=np.float64))
        affine = np.asarray(img.affine, dtype=float)
    except Exception as exc:  # truncated data, bad scaling, unknown datatype
        raise DataError(f"{p}: cannot read the image data ({_reason(exc)})") from None
    if data.ndim == 4 and data.shape[3] == 1:
        data = data[..., 0]
    finite_image(data, where=str(p))
    if affine.shape != (4, 4) or not np.all(np.isfinite(affine)):
        raise DataError(f"{p}: the header's affine (sform/qform) is not a finite 4x4 matrix")
    return _named(p, lambda: VoxelImage(data, affine))


def _reason(exc: BaseException, limit: int = 120) -> str:
    """``Type: message`` of an exception from a third-party reader, on one short line."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _named(path: Any, build: Any) -> Any:
    """Run ``build()``; an :class:`InputError` it raises is re-raised naming the file ``path``."""
    try:
        return build()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.allowed, exc.hint) from None


def save_nifti(
    path: str | os.PathLike[str],
    image: VoxelImage,
    *,
    description: str = "brainrit",
    unit: str | None = None,
) -> Path:
    """Write ``image`` as NIfTI-1 float32 (sform and qform = the affine), atomically.

    The header says the spatial unit (``xyzt_units`` = mm, s) and, when ``unit`` is given, the unit of
    the voxel values: in ``descrip`` (``"<description> [<unit>]"``) and as the intent name with intent
    code 1001 (NIFTI_INTENT_ESTIMATE: the voxel values are estimates of a quantity), since NIfTI-1 has no
    field for data units.

    Parameters
    ----------
    description : str
        What the image holds, e.g. ``"RIT RBE-weighted dose"``.
    unit : str, optional
        Unit of the voxel values, e.g. ``"Gy"`` or ``"Gy(RBE)"`` (at most 16 characters).

    Examples
    --------
    >>> import numpy as np, tempfile, os, nibabel as nib
    >>> img = VoxelImage(np.ones((2, 2, 2)), np.eye(4))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     hdr = nib.load(save_nifti(os.path.join(d, "d.nii"), img, description="dose", unit="Gy")).header
    ...     hdr.get_xyzt_units(), hdr.get_intent()[2], hdr["descrip"].item().decode()
    (('mm', 'sec'), 'Gy', 'dose [Gy]')
    """
    import nibabel as nib

    if unit is not None and not (isinstance(unit, str) and 0 < len(unit) <= 16 and unit.isprintable()):
        raise InputError("unit", unit, "a printable unit name of 1-16 characters, e.g. 'Gy'")
    nimg = nib.Nifti1Image(image.data.astype(np.float32), image.affine)
    text = description if unit is None else f"{description} [{unit}]"
    nimg.header["descrip"] = text[:79].encode()
    nimg.header.set_xyzt_units("mm", "sec")
    if unit is not None:
        nimg.header.set_intent("estimate", (), name=unit)
    finite = image.data[np.isfinite(image.data)]
    if finite.size:
        nimg.header["cal_min"], nimg.header["cal_max"] = float(finite.min()), float(finite.max())
    nimg.set_qform(image.affine, code=1)
    nimg.set_sform(image.affine, code=1)
    return atomic_write(path, lambda tmp: nib.save(nimg, str(tmp)), what="NIfTI output")


def _frame_geometry(ds: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ImagePositionPatient, row direction cosine, column direction cosine), LPS.

    NM multi-frame (SPECT) files keep them in ``DetectorInformationSequence[0]``.
    """
    from brainrit.fileio import header_numbers

    where = str(getattr(ds, "filename", "") or "DICOM")
    src = ds
    if "ImageOrientationPatient" not in ds and "DetectorInformationSequence" in ds:
        src = ds.DetectorInformationSequence[0]
    if "ImageOrientationPatient" not in src or "ImagePositionPatient" not in src:
        raise InputError("ImagePositionPatient", "missing", "DICOM geometry (position and orientation)")
    iop = header_numbers(src, "ImageOrientationPatient", where=where, count=6)
    ipp = header_numbers(src, "ImagePositionPatient", where=where, count=3)
    row, col = iop[:3], iop[3:]
    unit = np.isclose(np.linalg.norm(row), 1.0, atol=1e-3) and np.isclose(np.linalg.norm(col), 1.0, atol=1e-3)
    if not unit:
        raise DataError(f"{where}: ImageOrientationPatient {iop.tolist()} is not two unit vectors")
    return ipp, row, col


def _affine_lps(
    ipp: np.ndarray, row: np.ndarray, col: np.ndarray, slice_vec: np.ndarray, ds: Any
) -> np.ndarray:
    from brainrit.fileio import header_numbers

    where = str(getattr(ds, "filename", "") or "DICOM")
    dr, dc = header_numbers(ds, "PixelSpacing", where=where, count=2, positive=True)
    a = np.eye(4)
    a[:3, 0] = row * dc  # i (column index) moves along the row direction
    a[:3, 1] = col * dr  # j (row index) moves along the column direction
    a[:3, 2] = slice_vec
    a[:3, 3] = ipp
    return a


def load_dicom(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> VoxelImage:
    """Read a DICOM volume: one multi-frame file (NM, PET, RTDOSE) or a series of single-frame slices.

    Pixel values are rescaled (``RescaleSlope``/``RescaleIntercept``; ``DoseGridScaling`` for
    RTDOSE, giving Gy). For multi-frame files the slice positions come from
    ``GridFrameOffsetVector`` (RTDOSE), ``PerFrameFunctionalGroupsSequence`` positions, or
    ``SpacingBetweenSlices``/``SliceThickness`` along the normal; single-frame series are sorted by
    position along the normal. Returns RAS+ affines.

    Parameters
    ----------
    path : path or sequence of paths
        A file, a folder (every readable DICOM file in it, one series), or a list of files.
    """
    import pydicom

    if isinstance(path, str | os.PathLike):
        p = Path(path)
        if p.is_dir():
            files = sorted(q for q in p.iterdir() if q.is_file())
        elif p.is_file():
            files = [p]
        else:
            raise InputError("path", str(p), "an existing DICOM file or folder")
    else:
        files = [Path(q) for q in path]
    datasets = []
    for f in files:
        try:
            datasets.append(pydicom.dcmread(str(f)))
        except Exception:
            continue
    datasets = [d for d in datasets if "PixelData" in d]
    if not datasets:
        raise InputError("path", str(path), "DICOM file(s) with pixel data")
    where = str(files[0]) if len(datasets) == 1 else f"DICOM series in {str(path)!r}"
    try:
        image = _named(
            where, lambda: _load_multiframe(datasets[0]) if len(datasets) == 1 else _load_series(datasets)
        )
    except BrainritError:
        raise
    except Exception as exc:  # pydicom: truncated or undecodable pixel data, malformed elements
        raise DataError(f"{where}: cannot read the image ({_reason(exc)})") from None
    finite_image(image.data, where=where)
    return image


def _pixels(ds: Any) -> np.ndarray:
    """The pixel array, after checking the declared size against the voxel budget."""
    from brainrit.fileio import check_voxel_budget

    where = str(getattr(ds, "filename", "") or "DICOM")
    try:
        shape = (int(ds.Rows), int(ds.Columns), int(getattr(ds, "NumberOfFrames", 1) or 1))
    except (AttributeError, TypeError, ValueError):
        raise DataError(
            f"{where}: Rows, Columns or NumberOfFrames is missing or not a whole number"
        ) from None
    check_voxel_budget(shape, where=where)
    return np.asarray(ds.pixel_array)


def _scale(ds: Any, pixels: np.ndarray) -> np.ndarray:
    from brainrit.fileio import header_numbers

    where = str(getattr(ds, "filename", "") or "DICOM")
    data = pixels.astype(np.float64)
    if "DoseGridScaling" in ds:
        data *= header_numbers(ds, "DoseGridScaling", where=where, count=1, positive=True)[0]
    slope = header_numbers(ds, "RescaleSlope", where=where, count=1, default=1.0)[0] or 1.0
    intercept = header_numbers(ds, "RescaleIntercept", where=where, count=1, default=0.0)[0]
    return data * slope + intercept


def _load_multiframe(ds: Any) -> VoxelImage:
    from brainrit.fileio import header_numbers

    pixels = _pixels(ds)
    if pixels.ndim == 2:
        pixels = pixels[None]
    n = pixels.shape[0]
    ipp, row, col = _frame_geometry(ds)
    normal = np.cross(row, col)
    where = str(getattr(ds, "filename", "") or "DICOM")
    if "GridFrameOffsetVector" in ds:
        offs = header_numbers(ds, "GridFrameOffsetVector", where=where, count=n)
        if offs[0] != 0.0:  # relative offsets are defined from the first frame
            offs = offs - offs[0]
    else:
        spacing = header_numbers(ds, "SpacingBetweenSlices", where=where, count=1, default=0.0)[0]
        dz = spacing or header_numbers(ds, "SliceThickness", where=where, count=1, default=0.0)[0]
        if n > 1 and dz <= 0:
            raise InputError("SpacingBetweenSlices", dz, "a positive slice spacing in a multi-frame DICOM")
        offs = np.arange(n) * dz
    step = np.diff(offs)
    if n > 1 and (np.any(step == 0) or not np.allclose(step, step[0], rtol=1e-4, atol=1e-4)):
        raise InputError("GridFrameOffsetVector", offs.tolist(), "uniformly spaced, distinct frame offsets")
    dz = float(step[0]) if n > 1 else header_numbers(ds, "SliceThickness", where=where, default=1.0)[0] or 1.0
    if not dz > 0 and n == 1:
        raise DataError(f"{where}: SliceThickness must be > 0, got {dz:g}")
    a = _affine_lps(ipp, row, col, normal * dz, ds)
    data = np.transpose(_scale(ds, pixels), (2, 1, 0))
    return VoxelImage(data, _LPS @ a)


def _load_series(datasets: list[Any]) -> VoxelImage:
    _, row, col = _frame_geometry(datasets[0])
    normal = np.cross(row, col)
    for d in datasets:
        _, r, c = _frame_geometry(d)
        if not (np.allclose(r, row, atol=1e-4) and np.allclose(c, col, atol=1e-4)):
            raise InputError(
                "ImageOrientationPatient", list(r) + list(c), "the same orientation for every slice"
            )
        if (d.Rows, d.Columns) != (datasets[0].Rows, datasets[0].Columns):
            raise InputError("Rows/Columns", (d.Rows, d.Columns), "the same matrix for every slice")
    pos = np.asarray([np.dot(_frame_geometry(d)[0], normal) for d in datasets])
    order = np.argsort(pos)
    pos = pos[order]
    step = np.diff(pos)
    if np.any(step <= 1e-6) or not np.allclose(step, step[0], rtol=1e-3, atol=1e-3):
        raise InputError(
            "ImagePositionPatient", pos.tolist(), "distinct, uniformly spaced slices of one series"
        )
    sorted_ds = [datasets[i] for i in order]
    from brainrit.fileio import check_voxel_budget

    check_voxel_budget((int(datasets[0].Rows), int(datasets[0].Columns), len(datasets)), where="DICOM series")
    stack = np.stack([_scale(d, _pixels(d)) for d in sorted_ds])
    first = _frame_geometry(sorted_ds[0])[0]
    a = _affine_lps(first, row, col, normal * float(step[0]), sorted_ds[0])
    return VoxelImage(np.transpose(stack, (2, 1, 0)), _LPS @ a)


def save_rtdose(
    path: str | os.PathLike[str],
    dose_Gy: VoxelImage,
    *,
    dose_type: str = "PHYSICAL",
    reference: str | os.PathLike[str] | None = None,
    identity: Any = None,
    referenced_plan_uid: str | None = None,
    series_description: str = "brainrit dose",
) -> Path:
    """Write a dose image (Gy) as a complete DICOM RT Dose (forwards to :func:`.rtdose.write_rtdose`).

    ``ImagePositionPatient`` is the centre of voxel (0, 0, 0) in LPS, ``ImageOrientationPatient`` the
    LPS directions of i and j, ``PixelSpacing`` = (row spacing Δj, column spacing Δi), and
    ``GridFrameOffsetVector`` the offsets of the k planes along the normal ``row × column`` (starting at
    0; negative when k runs against the normal). The affine must have orthogonal i, j, k axes.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> img = VoxelImage(np.arange(24.0).reshape(2, 3, 4), np.diag([2.0, 3.0, 4.0, 1.0]))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     back = load_dicom(save_rtdose(os.path.join(d, "rd.dcm"), img))
    >>> bool(np.allclose(back.data, img.data, atol=1e-7)), bool(np.allclose(back.affine, img.affine))
    (True, True)
    """
    from brainrit.dosimetry.voxel.rtdose import write_rtdose

    return write_rtdose(
        path,
        dose_Gy,
        dose_type=dose_type,
        reference=reference,
        identity=identity,
        referenced_plan_uid=referenced_plan_uid,
        series_description=series_description,
    )
