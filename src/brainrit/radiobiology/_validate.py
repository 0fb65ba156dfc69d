"""Input validation shared by the radiobiology modules (thin wrappers over :mod:`brainrit.checks`)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from brainrit.checks import array_finite
from brainrit.errors import InputError

__all__ = [
    "DomainWarning",
    "as_output",
    "integer_count",
    "nonneg",
    "outside_domain",
    "pos",
    "volume_fractions",
]


class DomainWarning(UserWarning):
    """A clinical model is used outside the dose/volume range of the data it was fitted to."""


def nonneg(field: str, value: Any) -> np.ndarray:
    """Finite values >= 0 as a float array (0-d for scalars)."""
    return array_finite(field, value, low=0.0)


def pos(field: str, value: Any) -> np.ndarray:
    """Finite values > 0 as a float array (0-d for scalars)."""
    return array_finite(field, value, low=0.0, strict_low=True)


def integer_count(field: str, value: Any, minimum: int = 1) -> np.ndarray:
    """Whole numbers >= ``minimum`` as a float array."""
    arr = array_finite(field, value, low=float(minimum))
    if np.any(arr != np.round(arr)):
        bad = arr[arr != np.round(arr)].ravel()[0]
        raise InputError(field, float(bad), f"a whole number >= {minimum}")
    return arr


def volume_fractions(field: str, value: Any, *, tolerance: float = 1e-3) -> np.ndarray:
    """A 1-D differential volume-fraction vector: finite, >= 0, summing to 1 within ``tolerance``."""
    arr = array_finite(field, value, low=0.0)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(field, value, "a non-empty 1-D array of volume fractions")
    total = float(arr.sum())
    if abs(total - 1.0) > tolerance:
        raise InputError(
            field,
            f"fractions summing to {total:.6g}",
            f"differential volume fractions summing to 1 (±{tolerance:g})",
            "pass a differential DVH (fraction of the structure per dose bin), not a cumulative one",
        )
    return arr / total


def as_output(x: Any) -> Any:
    """Return a Python float for 0-d results and an ndarray otherwise."""
    arr = np.asarray(x, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def outside_domain(model: str, quantity: str, value: float, low: float, high: float, source: str) -> None:
    """Warn (:class:`DomainWarning`) when ``value`` is outside ``[low, high]``, a model's fitted range."""
    if not (low <= value <= high) or math.isnan(value):
        warnings.warn(
            f"{model}: {quantity} = {value:g} is outside the range [{low:g}, {high:g}] covered by the data "
            f"behind the model ({source}); the result is an extrapolation",
            DomainWarning,
            stacklevel=3,
        )
