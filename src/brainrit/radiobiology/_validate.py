"""Radiobiology helpers: the domain warning of clinical models and 0-d → float output.

Input validators are in :mod:`brainrit.checks`."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

__all__ = [
    "DomainWarning",
    "as_output",
    "outside_domain",
]


class DomainWarning(UserWarning):
    """A clinical model is used outside the dose/volume range of the data it was fitted to.

    Examples
    --------
    >>> issubclass(DomainWarning, UserWarning)
    True
    """


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
