"""Quantitative image time series (SPECT/PET in Bq/mL at several times) with CT and structures.

Readers
-------
* :func:`read_quantitative_dicom` — one NM or PT volume (multi-frame file, or a folder/list of
  slices) read by :func:`brainrit.dosimetry.voxel.io.load_dicom`, plus the header: ``Units`` must be
  ``BQML``; the acquisition date-time (``AcquisitionDateTime`` or ``AcquisitionDate`` +
  ``AcquisitionTime``) is required; the administration date-time, administered activity and
  radionuclide come from ``RadiopharmaceuticalInformationSequence`` (or the keyword arguments);
  ``RadionuclideHalfLife`` must agree with the nuclide's ICRP-107 half-life within 1 %;
  ``DecayCorrection`` ``ADMIN`` (image decay-corrected to the administration) is undone, ``NONE``
  and ``START`` are taken as the activity at acquisition.
* :func:`read_quantitative_nifti` — a NIfTI volume with a JSON sidecar (default: same name,
  ``.json``) holding ``units`` (``Bq/mL``), ``nuclide``, ``acquisition_datetime``,
  ``administration_datetime`` (or ``time_h`` after administration), ``administered_activity_MBq``,
  optional ``decay_correction`` and ``frame_of_reference_uid``.

Series
------
:func:`image_series` assembles the time points into a frozen :class:`ImageSeries` on the grid of
the **first** image: every time point, the CT (HU → g/cm³ by
:func:`brainrit.dosimetry.voxel.density.hu_to_density_g_cm3`) and label images on another grid are
resampled onto it (trilinear for activity concentration and HU, nearest for labels) with a
:class:`UserWarning`, listed in ``ImageSeries.warnings``. Registration is out of scope: images
whose ``FrameOfReferenceUID`` differs from the first image's raise an error naming both UIDs.

Every problem with an image is a :class:`~brainrit.errors.InputError` that names the file, the
attribute, the value found and what is allowed.

Examples
--------
>>> import tempfile
>>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
>>> with tempfile.TemporaryDirectory() as d:
...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0, 24.0))
...     s = image_series([read_quantitative_dicom(p) for p in pt.spect_dicom])
>>> s.nuclide, s.times_h, s.shape
('Pb-203', (4.0, 24.0), (25, 29, 24))
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.dosimetry.voxel.density import hu_to_density_g_cm3
from brainrit.dosimetry.voxel.io import VoxelImage, load_dicom, load_nifti
from brainrit.dosimetry.voxel.resample import resample, same_grid
from brainrit.errors import InputError

__all__ = [
    "ImageSeries",
    "QuantitativeImage",
    "image_series",
    "labels_to_masks",
    "read_quantitative_dicom",
    "read_quantitative_nifti",
]

_QUANT_UNITS = ("BQML", "BQ/ML")
_ELEMENT_NAMES = {
    "lead": "Pb",
    "bismuth": "Bi",
    "lutetium": "Lu",
    "yttrium": "Y",
    "iodine": "I",
    "fluorine": "F",
    "gallium": "Ga",
    "technetium": "Tc",
    "indium": "In",
    "copper": "Cu",
    "zirconium": "Zr",
    "terbium": "Tb",
    "actinium": "Ac",
    "astatine": "At",
    "radium": "Ra",
    "thorium": "Th",
    "holmium": "Ho",
    "rhenium": "Re",
    "samarium": "Sm",
    "scandium": "Sc",
    "thallium": "Tl",
}


@dataclass(frozen=True, eq=False)
class QuantitativeImage:
    """One quantitative SPECT/PET time point.

    Attributes
    ----------
    image : VoxelImage
        Activity concentration (Bq/mL) at the acquisition time (not decay-corrected).
    nuclide : str
        Imaged nuclide (canonical name, e.g. ``"Pb-203"``).
    time_h : float
        Acquisition time after administration (h), >= 0.
    acquisition : datetime.datetime
    administration : datetime.datetime
    administered_activity_MBq : float or None
        Administered activity of the imaged nuclide, when the file says.
    frame_of_reference_uid : str
        Empty when the file has none.
    source : str
        File or folder read.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(24.0,))
    ...     q = read_quantitative_nifti(pt.spect_nifti[0])
    >>> q.nuclide, q.time_h, q.administered_activity_MBq
    ('Pb-203', 24.0, 185.0)
    """

    image: VoxelImage = field(repr=False)
    nuclide: str
    time_h: float
    acquisition: dt.datetime
    administration: dt.datetime
    administered_activity_MBq: float | None
    frame_of_reference_uid: str
    source: str

    def total_activity_MBq(self) -> float:
        """Sum over the image: concentration × voxel volume (MBq)."""
        return float(self.image.data.sum()) * _voxel_mL(self.image) / 1e6


def _voxel_mL(image: VoxelImage) -> float:
    return abs(float(np.linalg.det(image.affine[:3, :3]))) / 1000.0


def _half_life_h(nuclide: str) -> float:
    from brainrit import nuclides

    return nuclides.decay_chain(nuclide).member(nuclide).half_life_s / 3600.0


def _nuclide(source: str, field_name: str, value: Any) -> str:
    from brainrit import nuclides

    text = str(value).strip()
    m = re.fullmatch(r"\^?(\d+)(m?)\^?\s*([A-Za-z]+)", text)
    if m and m.group(3).lower() in _ELEMENT_NAMES:
        text = f"{_ELEMENT_NAMES[m.group(3).lower()]}-{m.group(1)}{m.group(2)}"
    try:
        return nuclides.parse_name(text)
    except InputError:
        raise InputError(f"{source}: {field_name}", value, "a radionuclide name such as 'Pb-203'") from None


def _dicom_datetime(source: str, name: str, date: Any, time: Any) -> dt.datetime:
    d, t = str(date or "").strip(), str(time or "").strip()
    if not d or not t:
        raise InputError(f"{source}: {name}", "missing", "a DICOM date and time (YYYYMMDD, HHMMSS)")
    try:
        base = dt.datetime.strptime(d, "%Y%m%d")
        hh, mm = int(t[0:2]), int(t[2:4] or 0)
        ss = float(t[4:] or 0.0)
    except ValueError:
        raise InputError(
            f"{source}: {name}", f"{d} {t}", "a DICOM date and time (YYYYMMDD, HHMMSS)"
        ) from None
    return base + dt.timedelta(hours=hh, minutes=mm, seconds=ss)


def _dicom_dt(source: str, name: str, value: Any) -> dt.datetime:
    text = str(value or "").strip()
    text = re.sub(r"[+-]\d{4}$", "", text)  # UTC offset: all times of one study share it
    if len(text) < 12:
        raise InputError(f"{source}: {name}", text or "missing", "a DICOM date-time YYYYMMDDHHMMSS")
    return _dicom_datetime(source, name, text[:8], text[8:])


def _parse_iso(source: str, name: str, value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    try:
        out = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"{source}: {name}", value, "an ISO 8601 date-time, e.g. 2026-01-05T09:00:00"
        ) from None
    return out.replace(tzinfo=None) if out.tzinfo is None else out.astimezone(dt.UTC).replace(tzinfo=None)


def _finish(
    source: str,
    image: VoxelImage,
    nuclide: str,
    acquisition: dt.datetime,
    administration: dt.datetime,
    activity_MBq: float | None,
    for_uid: str,
    decay_correction: str,
) -> QuantitativeImage:
    time_h = (acquisition - administration).total_seconds() / 3600.0
    if time_h < 0:
        raise InputError(
            f"{source}: acquisition time",
            f"{acquisition.isoformat()} ({time_h:.2f} h after administration)",
            f"a time after the administration ({administration.isoformat()})",
        )
    data = image.data
    if data.min() < 0:
        raise InputError(f"{source}: pixel values", float(data.min()), "activity concentrations >= 0 (Bq/mL)")
    corr = decay_correction.upper()
    if corr == "ADMIN":  # decay-corrected to the administration: back to the activity at acquisition
        data = data * math.exp(-math.log(2.0) / _half_life_h(nuclide) * time_h)
        image = VoxelImage(data, image.affine)
    elif corr not in ("NONE", "START", ""):
        raise InputError(f"{source}: DecayCorrection", decay_correction, "'NONE', 'START' or 'ADMIN'")
    if activity_MBq is not None and not (math.isfinite(activity_MBq) and activity_MBq > 0):
        raise InputError(f"{source}: administered activity", activity_MBq, "a number > 0 (MBq)")
    return QuantitativeImage(
        image, nuclide, time_h, acquisition, administration, activity_MBq, for_uid, source
    )


def read_quantitative_dicom(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    administration: dt.datetime | None = None,
    administered_activity_MBq: float | None = None,
    nuclide: str | None = None,
) -> QuantitativeImage:
    """Read a quantitative NM/PT DICOM volume (Bq/mL) with its acquisition and administration times.

    Parameters
    ----------
    path : path or sequence of paths
        A multi-frame file, a folder of slices of one series, or a list of slice files.
    administration : datetime, optional
        Administration date-time; overrides ``RadiopharmaceuticalStartDateTime``.
    administered_activity_MBq : float, optional
        Overrides ``RadionuclideTotalDose``.
    nuclide : str, optional
        Overrides the ``RadionuclideCodeSequence``.

    Raises
    ------
    InputError
        Units other than ``BQML``, no acquisition time, no administration time, an unknown nuclide,
        a half-life that contradicts the nuclide, a modality other than NM/PT.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0,))
    ...     q = read_quantitative_dicom(pt.spect_dicom[0])
    >>> q.nuclide, q.time_h, q.image.shape
    ('Pb-203', 4.0, (25, 29, 24))
    """
    import pydicom

    src = str(path) if isinstance(path, str | os.PathLike) else str(Path(next(iter(path))).parent)
    p = Path(path) if isinstance(path, str | os.PathLike) else None
    if p is not None and p.is_dir():
        files = sorted(q for q in p.iterdir() if q.is_file())
    elif p is not None:
        files = [p]
    else:
        files = [Path(q) for q in path]  # type: ignore[union-attr]
    if not files or not all(f.is_file() for f in files):
        raise InputError("path", src, "an existing DICOM file, folder or list of files")
    try:
        ds = pydicom.dcmread(str(files[0]), stop_before_pixels=True)
    except Exception as exc:  # pydicom raises several types for bad files
        raise InputError("path", str(files[0]), f"a readable DICOM file ({exc})") from None
    where = str(files[0])
    modality = str(getattr(ds, "Modality", ""))
    if modality not in ("NM", "PT"):
        raise InputError(f"{where}: Modality", modality, "'NM' (SPECT) or 'PT' (PET)")
    units = str(getattr(ds, "Units", "")).strip()
    if units.upper() not in _QUANT_UNITS:
        raise InputError(
            f"{where}: Units",
            units or "missing",
            "'BQML' (activity concentration in Bq/mL; reconstruct "
            "quantitatively or convert counts with the system's calibration factor first)",
        )
    if "AcquisitionDateTime" in ds and str(ds.AcquisitionDateTime).strip():
        acquisition = _dicom_dt(where, "AcquisitionDateTime", ds.AcquisitionDateTime)
    else:
        acquisition = _dicom_datetime(
            where,
            "AcquisitionDate/AcquisitionTime",
            getattr(ds, "AcquisitionDate", ""),
            getattr(ds, "AcquisitionTime", ""),
        )
    rp = (
        ds.RadiopharmaceuticalInformationSequence[0]
        if "RadiopharmaceuticalInformationSequence" in ds
        else None
    )
    if administration is None:
        if rp is not None and str(getattr(rp, "RadiopharmaceuticalStartDateTime", "")).strip():
            administration = _dicom_dt(
                where, "RadiopharmaceuticalStartDateTime", rp.RadiopharmaceuticalStartDateTime
            )
        elif rp is not None and str(getattr(rp, "RadiopharmaceuticalStartTime", "")).strip():
            date = getattr(ds, "SeriesDate", "") or getattr(ds, "StudyDate", "")
            administration = _dicom_datetime(
                where, "RadiopharmaceuticalStartTime", date, rp.RadiopharmaceuticalStartTime
            )
        else:
            raise InputError(
                f"{where}: RadiopharmaceuticalStartDateTime",
                "missing",
                "the administration date-time in the file or as administration=...",
            )
    if nuclide is None:
        code = None
        if rp is not None and "RadionuclideCodeSequence" in rp and len(rp.RadionuclideCodeSequence):
            c = rp.RadionuclideCodeSequence[0]
            code = str(getattr(c, "CodeMeaning", "") or getattr(c, "CodeValue", ""))
        if not code:
            raise InputError(
                f"{where}: RadionuclideCodeSequence", "missing", "the radionuclide or nuclide=..."
            )
        name = _nuclide(where, "RadionuclideCodeSequence", code)
    else:
        name = _nuclide(where, "nuclide", nuclide)
    if rp is not None and str(getattr(rp, "RadionuclideHalfLife", "")).strip():
        t_file = float(rp.RadionuclideHalfLife) / 3600.0
        t_ref = _half_life_h(name)
        if abs(t_file / t_ref - 1.0) > 0.01:
            raise InputError(
                f"{where}: RadionuclideHalfLife",
                f"{t_file:.4g} h",
                f"the half-life of {name} ({t_ref:.4g} h, ICRP-107)",
            )
    activity = administered_activity_MBq
    if activity is None and rp is not None and str(getattr(rp, "RadionuclideTotalDose", "")).strip():
        activity = float(rp.RadionuclideTotalDose) / 1e6
    image = load_dicom(path)
    return _finish(
        src,
        image,
        name,
        acquisition,
        administration,
        activity,
        str(getattr(ds, "FrameOfReferenceUID", "")),
        str(getattr(ds, "DecayCorrection", "NONE")),
    )


def _sidecar_path(path: Path) -> Path:
    name = path.name
    for ext in (".nii.gz", ".nii"):
        if name.endswith(ext):
            return path.with_name(name[: -len(ext)] + ".json")
    return path.with_suffix(".json")


def read_quantitative_nifti(
    path: str | os.PathLike[str],
    sidecar: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> QuantitativeImage:
    """Read a quantitative NIfTI volume (Bq/mL) and its JSON sidecar (see the module docstring).

    Parameters
    ----------
    path : path
        ``.nii`` or ``.nii.gz``.
    sidecar : path or mapping, optional
        Sidecar file (default: ``path`` with ``.json``) or its content.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0,))
    ...     read_quantitative_nifti(pt.spect_nifti[0], {"units": "counts"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: ... (sidecar): units: must be 'Bq/mL' (activity concentration), got 'counts'
    """
    p = Path(path)
    if isinstance(sidecar, Mapping):
        meta, where = dict(sidecar), f"{p} (sidecar)"
    else:
        sp = Path(sidecar) if sidecar is not None else _sidecar_path(p)
        where = str(sp)
        if not sp.is_file():
            raise InputError(
                f"{p}: sidecar", str(sp), "a JSON file with units, nuclide and acquisition times"
            )
        try:
            meta = json.loads(sp.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError("sidecar", str(sp), f"a readable JSON object ({exc})") from None
        if not isinstance(meta, dict):
            raise InputError("sidecar", str(sp), "a JSON object")
    units = str(meta.get("units", "")).strip()
    if units.upper().replace(" ", "") not in _QUANT_UNITS:
        raise InputError(f"{where}: units", units or "missing", "'Bq/mL' (activity concentration)")
    if "nuclide" not in meta:
        raise InputError(f"{where}: nuclide", "missing", "the imaged radionuclide, e.g. 'Pb-203'")
    name = _nuclide(where, "nuclide", meta["nuclide"])
    if "administration_datetime" not in meta:
        raise InputError(f"{where}: administration_datetime", "missing", "an ISO 8601 date-time")
    administration = _parse_iso(where, "administration_datetime", meta["administration_datetime"])
    if "acquisition_datetime" in meta:
        acquisition = _parse_iso(where, "acquisition_datetime", meta["acquisition_datetime"])
    elif "time_h" in meta:
        try:
            acquisition = administration + dt.timedelta(hours=float(meta["time_h"]))
        except (TypeError, ValueError, OverflowError):
            raise InputError(f"{where}: time_h", meta["time_h"], "a number of hours >= 0") from None
    else:
        raise InputError(f"{where}: acquisition_datetime", "missing", "the acquisition date-time (or time_h)")
    activity = meta.get("administered_activity_MBq")
    try:
        activity = None if activity is None else float(activity)
    except (TypeError, ValueError):
        raise InputError(f"{where}: administered_activity_MBq", activity, "a number > 0 (MBq)") from None
    image = load_nifti(p)
    return _finish(
        str(p),
        image,
        name,
        acquisition,
        administration,
        activity,
        str(meta.get("frame_of_reference_uid", "") or ""),
        str(meta.get("decay_correction", "NONE")),
    )


def labels_to_masks(labels: VoxelImage, structures: Mapping[str, Sequence[int]]) -> dict[str, np.ndarray]:
    """Boolean masks from a label image: each structure is the union of its label values.

    Examples
    --------
    >>> img = VoxelImage(np.array([0.0, 1, 2, 2]).reshape(4, 1, 1), np.eye(4))
    >>> {k: int(v.sum()) for k, v in labels_to_masks(img, {"a": [1], "ab": [1, 2]}).items()}
    {'a': 1, 'ab': 3}
    """
    out = {}
    values = np.rint(labels.data).astype(int)
    for name, vals in structures.items():
        try:
            ints = [int(v) for v in vals]
        except (TypeError, ValueError):
            raise InputError(f"structures.{name}", vals, "a list of integer label values") from None
        out[str(name)] = np.isin(values, ints)
    return out


@dataclass(frozen=True, eq=False)
class ImageSeries:
    """Quantitative time points, density and structures on one grid (the first image's).

    Attributes
    ----------
    images : tuple of QuantitativeImage
        Sorted by time, all on the reference grid.
    nuclide : str
        Imaged nuclide.
    frame_of_reference_uid : str
    density_g_cm3 : ndarray or None
        From the CT (None without CT), on the grid.
    structures : Mapping[str, ndarray]
        Boolean masks on the grid (read-only).
    warnings : tuple of str
        Resampling and other warnings raised while assembling.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(24.0,))
    ...     s = image_series([read_quantitative_dicom(pt.spect_dicom[0])])
    >>> s.voxel_mm, s.grid_lps()[2]
    ((8.0, 8.0, 8.0), (-96.0, -112.0, -104.0))
    """

    images: tuple[QuantitativeImage, ...]
    nuclide: str
    frame_of_reference_uid: str
    density_g_cm3: np.ndarray | None = field(repr=False)
    structures: Mapping[str, np.ndarray] = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def times_h(self) -> tuple[float, ...]:
        """Acquisition times after administration (h)."""
        return tuple(im.time_h for im in self.images)

    @property
    def affine(self) -> np.ndarray:
        """Voxel → RAS (mm) affine of the grid."""
        return self.images[0].image.affine

    @property
    def shape(self) -> tuple[int, int, int]:
        """Grid shape."""
        return self.images[0].image.shape

    @property
    def voxel_mm(self) -> tuple[float, float, float]:
        """Voxel edges (mm)."""
        return self.images[0].image.voxel_mm

    @property
    def voxel_volume_mL(self) -> float:
        """Voxel volume (mL)."""
        return _voxel_mL(self.images[0].image)

    def activity_Bq(self, index: int) -> np.ndarray:
        """Activity per voxel (Bq) of time point ``index``."""
        return self.images[index].image.data * self.voxel_volume_mL

    def grid_lps(self) -> tuple[tuple[int, int, int], tuple[float, float, float], tuple[float, float, float]]:
        """``(shape, voxel_mm, origin_mm)`` in DICOM LPS axes, for :func:`brainrit.ebrt.dicom.read_rtstruct`.

        Raises
        ------
        InputError
            The grid is not axial (axes not along LPS x, y, z in that order, increasing).
        """
        lps = np.diag([-1.0, -1.0, 1.0, 1.0]) @ self.affine
        m = lps[:3, :3]
        if not np.allclose(m, np.diag(np.diag(m)), atol=1e-6) or np.any(np.diag(m) <= 0):
            raise InputError(
                "image orientation",
                np.round(m, 4).tolist(),
                "an axial grid (i, j, k along LPS x, y, z) for RTSTRUCT",
            )
        return self.shape, tuple(float(v) for v in np.diag(m)), tuple(float(v) for v in lps[:3, 3])  # type: ignore[return-value]


def _check_for(what: str, uid: str, ref: str, ref_source: str, notes: list[str]) -> None:
    if uid and ref and uid != ref:
        raise InputError(
            f"{what}: FrameOfReferenceUID",
            uid,
            f"the frame of reference of {ref_source} ({ref}); images in different frames need a "
            "registration, which brainrit does not do",
        )
    if not uid or not ref:
        notes.append(f"{what}: no FrameOfReferenceUID to check; assumed to share the frame of {ref_source}")


def _warn(notes: list[str], text: str) -> None:
    notes.append(text)
    warnings.warn(text, UserWarning, stacklevel=3)


def image_series(
    images: Sequence[QuantitativeImage],
    *,
    ct_hu: VoxelImage | None = None,
    ct_frame_of_reference_uid: str = "",
    ct_source: str = "CT",
    hu_calibration: Sequence[Sequence[float]] | None = None,
    structures: Mapping[str, np.ndarray] | None = None,
    labels: VoxelImage | None = None,
    label_structures: Mapping[str, Sequence[int]] | None = None,
    structures_frame_of_reference_uid: str = "",
    structures_source: str = "structures",
) -> ImageSeries:
    """Assemble time points, CT and structures on the first image's grid (see the module docstring).

    Parameters
    ----------
    images : sequence of QuantitativeImage
        At least one; one nuclide; distinct times.
    ct_hu : VoxelImage, optional
        CT in HU (e.g. ``load_dicom(ct_folder)``); converted to density.
    ct_frame_of_reference_uid, ct_source : str
        For the frame check and messages.
    hu_calibration : sequence of (HU, g/cm³), optional
        Passed to :func:`~brainrit.dosimetry.voxel.density.hu_to_density_g_cm3`.
    structures : mapping of name → bool array, optional
        Masks already on the grid (e.g. from :func:`brainrit.ebrt.dicom.read_rtstruct` with
        :meth:`ImageSeries.grid_lps`).
    labels, label_structures : optional
        A label image and the label values of each structure (:func:`labels_to_masks`).
    structures_frame_of_reference_uid, structures_source : str
        For the frame check and messages.

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0, times_h=(4.0, 24.0))
    ...     ims = [read_quantitative_dicom(p) for p in pt.spect_dicom]
    ...     s = image_series(ims, ct_hu=load_dicom(pt.ct_dicom), ct_frame_of_reference_uid="9.9.9")
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: CT: FrameOfReferenceUID: must be the frame of reference of ...
    """
    ims = list(images)
    if not ims or not all(isinstance(i, QuantitativeImage) for i in ims):
        raise InputError("images", images, "one or more QuantitativeImage (read_quantitative_dicom/nifti)")
    first = ims[0]
    notes: list[str] = []
    for im in ims[1:]:
        if im.nuclide != first.nuclide:
            raise InputError(
                f"{im.source}: nuclide", im.nuclide, f"the nuclide of {first.source} ({first.nuclide})"
            )
        _check_for(im.source, im.frame_of_reference_uid, first.frame_of_reference_uid, first.source, notes)
        if abs((im.administration - first.administration).total_seconds()) > 60:
            raise InputError(
                f"{im.source}: administration",
                im.administration.isoformat(),
                f"the administration of {first.source} ({first.administration.isoformat()})",
            )
    ref = first.image
    on_grid = []
    for im in ims:
        if not same_grid(im.image, ref):
            _warn(
                notes,
                f"{im.source}: grid {im.image.shape} differs from {first.source}; resampled (trilinear)",
            )
            new = resample(im.image, ref.shape, ref.affine, order=1)
            im = QuantitativeImage(
                new,
                im.nuclide,
                im.time_h,
                im.acquisition,
                im.administration,
                im.administered_activity_MBq,
                im.frame_of_reference_uid,
                im.source,
            )
        on_grid.append(im)
    on_grid.sort(key=lambda q: q.time_h)
    t = [q.time_h for q in on_grid]
    dup = [a for a, b in itertools.pairwise(t) if abs(b - a) < 1e-6]
    if dup:
        raise InputError("images", f"two images at {dup[0]:g} h", "distinct acquisition times")
    density = None
    if ct_hu is not None:
        _check_for(ct_source, ct_frame_of_reference_uid, first.frame_of_reference_uid, first.source, notes)
        ct = ct_hu
        if not same_grid(ct, ref):
            _warn(notes, f"{ct_source}: grid {ct.shape} differs from {first.source}; resampled (trilinear)")
            ct = resample(ct, ref.shape, ref.affine, order=1, fill=-1000.0)
        density = hu_to_density_g_cm3(ct.data, calibration=hu_calibration)
        density.setflags(write=False)
    masks: dict[str, np.ndarray] = {}
    if structures is not None or labels is not None:
        _check_for(
            structures_source,
            structures_frame_of_reference_uid,
            first.frame_of_reference_uid,
            first.source,
            notes,
        )
    if labels is not None:
        if label_structures is None:
            raise InputError("label_structures", None, "a mapping of structure name -> label values")
        lab = labels
        if not same_grid(lab, ref):
            _warn(
                notes,
                f"{structures_source}: grid {lab.shape} differs from {first.source}; resampled (nearest)",
            )
            lab = resample(lab, ref.shape, ref.affine, order=0)
        masks.update(labels_to_masks(lab, label_structures))
    for name, m in (structures or {}).items():
        arr = np.asarray(m)
        if arr.shape != ref.shape:
            raise InputError(
                f"{structures_source}: {name}",
                f"mask of shape {arr.shape}",
                f"a mask on the image grid {ref.shape}",
            )
        masks[str(name)] = arr.astype(bool)
    for name, m in masks.items():
        if not m.any():
            raise InputError(
                f"{structures_source}: {name}", "an empty mask", "a structure with at least one voxel"
            )
        m.setflags(write=False)
    return ImageSeries(
        tuple(on_grid),
        first.nuclide,
        first.frame_of_reference_uid,
        density,
        MappingProxyType(masks),
        tuple(notes),
    )
