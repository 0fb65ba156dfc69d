"""Grid helpers shared by the voxel sub-modules: voxel spacing and image checks.

Examples
--------
>>> from brainrit.dosimetry.voxel._grid import as_voxel_mm
>>> as_voxel_mm(2)
(2.0, 2.0, 2.0)
>>> as_voxel_mm((1, 2, 3))
(1.0, 2.0, 3.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.checks import array_finite
from brainrit.errors import InputError

__all__ = ["as_voxel_mm", "check_image", "check_same_shape"]


def as_voxel_mm(voxel_mm: Any, ndim: int = 3, field: str = "voxel_mm") -> tuple[float, ...]:
    """Return the voxel spacing as a tuple of ``ndim`` positive floats (mm).

    A single number means an isotropic grid. Zero, negative, NaN or a wrong
    number of components raise :class:`~brainrit.errors.InputError`.
    """
    allowed = f"a number > 0 or a sequence of {ndim} finite numbers > 0 (mm)"
    if isinstance(voxel_mm, bool):
        raise InputError(field, voxel_mm, allowed)
    try:
        arr = np.asarray(voxel_mm, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, voxel_mm, allowed) from None
    if arr.ndim == 0:
        arr = np.full(ndim, float(arr))
    if arr.shape != (ndim,) or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InputError(field, voxel_mm, allowed)
    return tuple(float(v) for v in arr)


def check_image(field: str, image: Any, *, ndim: int | None = 3, unit: str = "") -> np.ndarray:
    """Return ``image`` as a float64 array; raise on NaN/inf, negative voxels or a wrong dimension."""
    if ndim is not None:
        shape = np.shape(image)
        if len(shape) != ndim or 0 in shape:
            raise InputError(field, f"array of shape {shape}", f"a non-empty {ndim}-D array")
    return array_finite(field, image, low=0.0, unit=unit)


def check_same_shape(field: str, shape: tuple[int, ...], expected: tuple[int, ...], what: str) -> None:
    """Raise unless ``shape == expected`` (a grid mismatch)."""
    if tuple(shape) != tuple(expected):
        got = f"array of shape {tuple(shape)}"
        raise InputError(field, got, f"an array of shape {tuple(expected)} ({what})")
