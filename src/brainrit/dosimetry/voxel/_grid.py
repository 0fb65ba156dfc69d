"""Image checks shared by the voxel sub-modules (voxel spacing: :func:`brainrit.checks.voxel_spacing_mm`).

Examples
--------
>>> from brainrit.dosimetry.voxel._grid import check_image
>>> check_image("activity_Bq", [[[1, 2]]]).shape
(1, 1, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.checks import array_finite
from brainrit.errors import InputError

__all__ = ["check_image", "check_same_shape"]


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
