"""Small helpers shared by the physics modules: validation, scalar/array returns, log-log interpolation."""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.checks import array_finite, choice
from brainrit.errors import InputError


def energies(field: str, values: Any, low: float, high: float, *, what: str) -> np.ndarray:
    """Validate energies: finite, >= 0, within ``[low, high]`` MeV (message names the table range)."""
    arr = array_finite(field, values, low=0.0)
    bad = (arr < low) | (arr > high)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        where = f"{field}[{', '.join(map(str, idx))}]" if arr.ndim else field
        raise InputError(where, arr[idx].item(), f"in [{low:g}, {high:g}] MeV (the range of {what})")
    return arr


def lengths(field: str, values: Any) -> np.ndarray:
    """Validate path lengths in µm: finite and >= 0."""
    return array_finite(field, values, low=0.0, unit="um")


def component(value: Any, allowed: tuple[str, ...]) -> str:
    """Validate a stopping-power component name."""
    return choice("component", value, allowed)


def ret(x: np.ndarray, *inputs: Any) -> float | np.ndarray:
    """Return a Python float when every input was a scalar, else the array."""
    if all(np.ndim(i) == 0 for i in inputs):
        return float(np.asarray(x).reshape(()))
    return x


def loglog(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Log-log linear interpolation on a table that may repeat an energy at absorption edges.

    At a repeated energy (edge) the value above the edge (the later row) is returned; between
    rows, the pair of rows that brackets ``x`` is used, so an edge is never smeared.
    """
    x = np.asarray(x, dtype=np.float64)
    n = xp.shape[0]
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    x0, x1 = xp[i], xp[i + 1]
    y0, y1 = fp[i], fp[i + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.log(x / x0) / np.log(x1 / x0)
        ly = np.log(y0) + t * (np.log(y1) - np.log(y0))
    out = np.exp(ly)
    # exact at tabulated points (avoid exp(log()) rounding); zeros (e.g. nuclear stopping) handled
    exact = x == x0
    out = np.where(exact, y0, out)
    out = np.where(x == x1, y1, out)
    return out
