"""Input checks shared by every module: finite, positive, in range, one of a set.

Each check returns the cleaned value (a float or a float ndarray) or raises
:class:`brainrit.errors.InputError` naming the field, the value and what is allowed.

Examples
--------
>>> from brainrit.checks import positive
>>> positive("radius_um", 5)
5.0
>>> positive("radius_um", 0)
Traceback (most recent call last):
...
brainrit.errors.InputError: radius_um: must be a finite number > 0, got 0
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import numpy as np

from brainrit.errors import InputError

__all__ = ["array_finite", "choice", "close_matches", "finite", "in_range", "non_negative", "positive"]


def _as_float(field: str, value: Any, allowed: str) -> float:
    if isinstance(value, bool):
        raise InputError(field, value, allowed)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(field, value, allowed) from None
    if not np.isfinite(x):
        raise InputError(field, value, allowed)
    return x


def finite(field: str, value: Any) -> float:
    """Return ``value`` as a float; raise if it is not a finite number."""
    return _as_float(field, value, "a finite number")


def positive(field: str, value: Any) -> float:
    """Return ``value`` as a float; raise unless finite and > 0."""
    allowed = "a finite number > 0"
    x = _as_float(field, value, allowed)
    if x <= 0:
        raise InputError(field, value, allowed)
    return x


def non_negative(field: str, value: Any) -> float:
    """Return ``value`` as a float; raise unless finite and >= 0."""
    allowed = "a finite number >= 0"
    x = _as_float(field, value, allowed)
    if x < 0:
        raise InputError(field, value, allowed)
    return x


def in_range(field: str, value: Any, low: float, high: float, *, unit: str = "") -> float:
    """Return ``value`` as a float; raise unless ``low <= value <= high``."""
    u = f" {unit}" if unit else ""
    allowed = f"a finite number in [{low:g}, {high:g}]{u}"
    x = _as_float(field, value, allowed)
    if not (low <= x <= high):
        raise InputError(field, value, allowed)
    return x


def array_finite(
    field: str,
    values: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    strict_low: bool = False,
    unit: str = "",
) -> np.ndarray:
    """Return ``values`` as a float ndarray; raise on NaN/inf or values outside ``[low, high]``.

    The message names the first offending element and its index.
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, values, "an array of finite numbers") from None
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if strict_low else '>='} {low:g}")
    if high is not None:
        bounds.append(f"<= {high:g}")
    u = f" {unit}" if unit else ""
    allowed = "finite numbers" + (" " + " and ".join(bounds) if bounds else "") + u
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr <= low) if strict_low else (arr < low)
    if high is not None:
        bad |= arr > high
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{field}[{', '.join(map(str, idx))}]" if arr.ndim else field
        raise InputError(where, arr[idx].item() if arr.ndim else arr.item(), allowed)
    return arr


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates close to ``name`` (case-insensitive)."""
    cands = list(candidates)
    lower = {c.lower(): c for c in cands}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.6)
    return [lower[h] for h in hits]


def choice(field: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed`` (case-insensitive); otherwise raise with suggestions."""
    options = list(allowed)
    if isinstance(value, str):
        for opt in options:
            if value.lower() == opt.lower():
                return opt
    hint = None
    if isinstance(value, str):
        near = close_matches(value, options)
        if near:
            hint = "did you mean " + " or ".join(repr(m) for m in near) + "?"
    raise InputError(field, value, "one of " + ", ".join(repr(o) for o in options), hint)
