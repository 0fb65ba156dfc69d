"""Input checks shared by every module: finite, positive, in range, one of a set, arrays, voxel spacing.

The one family of input validators of the package (scalars, arrays, whole numbers, volume fractions,
voxel spacing); modules do not write their own. Each check returns the cleaned value (a float or a
float ndarray) or raises :class:`brainrit.errors.InputError` naming the field, the value and what is
allowed.

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

__all__ = [
    "array_finite",
    "broadcastable",
    "choice",
    "close_matches",
    "finite",
    "in_range",
    "non_negative",
    "non_negative_array",
    "positive",
    "positive_array",
    "volume_fractions",
    "voxel_spacing_mm",
    "whole_numbers",
]


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
    """Return ``value`` as a float; raise if it is not a finite number.

    Examples
    --------
    >>> finite("x_mm", "2.5")
    2.5
    """
    return _as_float(field, value, "a finite number")


def positive(field: str, value: Any) -> float:
    """Return ``value`` as a float; raise unless finite and > 0.

    Examples
    --------
    >>> positive("half_life_h", 10.6)
    10.6
    """
    allowed = "a finite number > 0"
    x = _as_float(field, value, allowed)
    if x <= 0:
        raise InputError(field, value, allowed)
    return x


def non_negative(field: str, value: Any) -> float:
    """Return ``value`` as a float; raise unless finite and >= 0.

    Examples
    --------
    >>> non_negative("activity_MBq", 0)
    0.0
    >>> non_negative("activity_MBq", -1)
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: activity_MBq: must be a finite number >= 0, got -1
    """
    allowed = "a finite number >= 0"
    x = _as_float(field, value, allowed)
    if x < 0:
        raise InputError(field, value, allowed)
    return x


def in_range(field: str, value: Any, low: float, high: float, *, unit: str = "") -> float:
    """Return ``value`` as a float; raise unless ``low <= value <= high``.

    Examples
    --------
    >>> in_range("ntcp_limit", 0.05, 0.0, 1.0)
    0.05
    """
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

    Examples
    --------
    >>> array_finite("dose_Gy", [1, 2.5], low=0.0).tolist()
    [1.0, 2.5]
    >>> array_finite("dose_Gy", [1.0, -2.0], low=0.0)
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: dose_Gy[1]: must be finite numbers >= 0, got -2.0
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, values, "an array of finite numbers") from None
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr <= low) if strict_low else (arr < low)
    if high is not None:
        bad |= arr > high
    if np.any(bad):  # the message is built only on failure: this check runs in hot loops
        bounds = []
        if low is not None:
            bounds.append(f"{'>' if strict_low else '>='} {low:g}")
        if high is not None:
            bounds.append(f"<= {high:g}")
        u = f" {unit}" if unit else ""
        allowed = "finite numbers" + (" " + " and ".join(bounds) if bounds else "") + u
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{field}[{', '.join(map(str, idx))}]" if arr.ndim else field
        raise InputError(where, arr[idx].item() if arr.ndim else arr.item(), allowed)
    return arr


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates close to ``name`` (case-insensitive).

    Examples
    --------
    >>> close_matches("Pb212", ["Pb-212", "Bi-212", "Ac-225"])
    ['Pb-212', 'Bi-212']
    """
    cands = list(candidates)
    lower = {c.lower(): c for c in cands}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.6)
    return [lower[h] for h in hits]


def choice(field: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed`` (case-insensitive); otherwise raise with suggestions.

    Examples
    --------
    >>> choice("material", "Water", ["water", "brain"])
    'water'
    """
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


def non_negative_array(field: str, value: Any) -> np.ndarray:
    """Finite values >= 0 as a float array (0-d for scalars).

    Examples
    --------
    >>> non_negative_array("dose_Gy", 2).ndim, non_negative_array("dose_Gy", [0, 1]).tolist()
    (0, [0.0, 1.0])
    """
    return array_finite(field, value, low=0.0)


def positive_array(field: str, value: Any) -> np.ndarray:
    """Finite values > 0 as a float array (0-d for scalars).

    Examples
    --------
    >>> positive_array("z0_Gy", [0.5, 1.0]).tolist()
    [0.5, 1.0]
    """
    return array_finite(field, value, low=0.0, strict_low=True)


def whole_numbers(field: str, value: Any, minimum: int = 1) -> np.ndarray:
    """Whole numbers >= ``minimum`` as a float array (0-d for scalars).

    Examples
    --------
    >>> whole_numbers("n_fractions", [1, 5]).tolist()
    [1.0, 5.0]
    >>> whole_numbers("n_fractions", 2.5)
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: n_fractions: must be a whole number >= 1, got 2.5
    """
    arr = array_finite(field, value, low=float(minimum))
    if np.any(arr != np.round(arr)):
        bad = arr[arr != np.round(arr)].ravel()[0]
        raise InputError(field, float(bad), f"a whole number >= {minimum}")
    return arr


def volume_fractions(field: str, value: Any, *, tolerance: float = 1e-3) -> np.ndarray:
    """A 1-D differential volume-fraction vector: finite, >= 0, summing to 1 within ``tolerance``.

    Returned renormalised to sum exactly 1.

    Examples
    --------
    >>> volume_fractions("volume_fraction", [0.25, 0.75]).tolist()
    [0.25, 0.75]
    """
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


def voxel_spacing_mm(voxel_mm: Any, ndim: int = 3, field: str = "voxel_mm") -> tuple[float, ...]:
    """Voxel spacing as a tuple of ``ndim`` positive floats (mm); one number means an isotropic grid.

    Examples
    --------
    >>> voxel_spacing_mm(2)
    (2.0, 2.0, 2.0)
    >>> voxel_spacing_mm((1, 2, 3))
    (1.0, 2.0, 3.0)
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


def broadcastable(**arrays: Any) -> tuple[int, ...]:
    """The common broadcast shape of named arrays; raise naming them and their shapes if there is none.

    Examples
    --------
    >>> broadcastable(dose_Gy=np.ones(3), volume_cm3=2.0)
    (3,)
    >>> broadcastable(dose_Gy=np.ones(3), n_fractions=np.ones(2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: dose_Gy: must be arrays of one shape or scalars, got 'shapes ...'
    """
    try:
        return tuple(np.broadcast_shapes(*(np.shape(a) for a in arrays.values())))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(a)}" for k, a in arrays.items())
        raise InputError(next(iter(arrays)), f"shapes {shapes}", "arrays of one shape or scalars") from None
