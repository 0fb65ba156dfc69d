"""Voxel-scale dosimetry: voxel S-value kernels, dose maps, sphere S-values and DVHs.

Sub-modules (imported lazily; ``import brainrit.dosimetry.voxel`` is cheap):

``kernels``
    :func:`~brainrit.dosimetry.voxel.kernels.voxel_kernel` (mGy/(MBq·s)) for any nuclide and chain,
    per component (α, electron, photon); the physics model is in its module docstring.
``dosemap``
    FFT / direct dose maps from TIA or activity images, local deposition, TIA from time series.
``spheres``
    Self-dose S-values of spheres (0.1–40 mm metastases) and organs (reference masses).
``dvh``
    :class:`~brainrit.dosimetry.voxel.dvh.DVH` and :func:`~brainrit.dosimetry.voxel.dvh.dvh` with
    sub-voxel supersampling; ``dvh_from_images`` for mask images.
``io``, ``resample``
    NIfTI and DICOM (NM/PET in, RTDOSE in/out) with RAS+ affines; resampling between grids.
``rtdose``
    The RT Dose writer (complete RT Dose IOD; patient, study and frame of reference from a reference
    CT/MR/RTSTRUCT).
``series``, ``density``, ``patient``
    Patient images: quantitative SPECT/PET time series (Bq/mL, times, frame checks) with CT
    (HU → g/cm³) and structures; structure time–activity fits, TIA maps, chain-member voxel dose
    and DVHs (:func:`~brainrit.dosimetry.voxel.patient.patient_dose`).

The most used functions are also available here (``dvh`` and ``resample`` stay sub-modules).

Examples
--------
>>> from brainrit.dosimetry.voxel import voxel_kernel
>>> voxel_kernel("Lu-177", 4.0, 1).shape
(3, 3, 3)
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "voxel_kernel": "kernels",
    "voxel_kernel_components": "kernels",
    "emission_spectrum": "kernels",
    "dose_map": "dosemap",
    "dose_rate_map": "dosemap",
    "dose_map_components": "dosemap",
    "local_deposition_dose": "dosemap",
    "tia_from_series": "dosemap",
    "sphere_s_values": "spheres",
    "organ_self_s_value": "spheres",
    "DVH": "dvh",
    "dvh_from_images": "dvh",
    "VoxelImage": "io",
    "load_nifti": "io",
    "save_nifti": "io",
    "load_dicom": "io",
    "save_rtdose": "io",
    "write_rtdose": "rtdose",
    "DicomIdentity": "rtdose",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
