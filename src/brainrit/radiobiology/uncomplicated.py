"""Uncomplicated tumour control P+ = TCP × (1 − NTCP) and the injected activity that maximises it.

P+ as used in BIOPLAN/BioSuite-type plan ranking (Sanchez-Nieto & Nahum 2000, Med Dosim 25:71) [V].

Examples
--------
>>> p_plus(0.9, 0.1)
0.81
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from brainrit.checks import array_finite, in_range
from brainrit.errors import InputError
from brainrit.radiobiology._validate import as_output

__all__ = ["ActivityOptimum", "activity_for_max_p_plus", "p_plus"]


def p_plus(tcp: ArrayLike, ntcp: ArrayLike | Sequence[ArrayLike]) -> Any:
    """Probability of uncomplicated tumour control ``TCP × ∏_j (1 − NTCP_j)`` (independent end-points).

    Parameters
    ----------
    tcp : float or array
        Tumour control probability in [0, 1].
    ntcp : float, array, or list/tuple of them
        One NTCP (float or ndarray, broadcast against ``tcp``) or a list/tuple of several end-points
        (e.g. necrosis and cognitive decline), each in [0, 1]. A list/tuple always means end-points:
        pass an ndarray for NTCP values per element of ``tcp``.

    Examples
    --------
    >>> round(p_plus(0.9, [0.1, 0.2]), 6)
    0.648
    """
    t = array_finite("tcp", tcp, low=0.0, high=1.0)
    n = array_finite("ntcp", ntcp, low=0.0, high=1.0)
    if isinstance(ntcp, (list, tuple)) and n.ndim >= 1 and n.shape[0] == len(ntcp) and len(ntcp) > 0:
        spared = np.prod(1.0 - n, axis=0)
    else:
        spared = 1.0 - n
    return as_output(t * spared)


@dataclass(frozen=True)
class ActivityOptimum:
    """Result of :func:`activity_for_max_p_plus`.

    ``limited_by_ntcp`` is True when the NTCP limit, not the P+ maximum, set the activity.
    """

    activity_MBq: float
    p_plus: float
    tcp: float
    ntcp: float
    ntcp_limit: float
    limited_by_ntcp: bool


def _curve(name: str, f: Callable[[float], float] | ArrayLike, grid: np.ndarray) -> Callable[[float], float]:
    if callable(f):

        def call(a: float) -> float:
            v = float(f(a))
            if not (0.0 <= v <= 1.0) or math.isnan(v):
                raise InputError(f"{name}({a:g} MBq)", v, "a probability in [0, 1]")
            return v

        return call
    vals = array_finite(name, f, low=0.0, high=1.0)
    if vals.shape != grid.shape:
        raise InputError(name, f"shape {vals.shape}", f"values at each of the {grid.size} activities")
    return lambda a: float(np.interp(a, grid, vals))


def activity_for_max_p_plus(
    activity_MBq: ArrayLike,
    tcp: Callable[[float], float] | ArrayLike,
    ntcp: Callable[[float], float] | ArrayLike,
    ntcp_limit: float = 1.0,
    *,
    n_grid: int = 200,
    xtol_MBq: float | None = None,
) -> ActivityOptimum:
    """Injected activity that maximises P+ = TCP·(1 − NTCP) subject to NTCP <= ``ntcp_limit``.

    Parameters
    ----------
    activity_MBq : array
        Either the activities (MBq, strictly increasing, >= 0) at which ``tcp``/``ntcp`` arrays were
        evaluated, or — when both are callables — ``(low, high)`` bounds of the search.
    tcp, ntcp : callable or array
        TCP and NTCP versus activity: callables ``f(activity_MBq) -> probability`` or arrays on the grid
        (interpolated linearly between grid points).
    ntcp_limit : float, optional
        Upper limit on NTCP in [0, 1] (default 1, i.e. unconstrained).
    n_grid : int, optional
        Grid size for the coarse search with callables (log-spaced when low > 0).
    xtol_MBq : float, optional
        Activity tolerance of the refinement (default 1e-6 of the range).

    Returns
    -------
    ActivityOptimum

    Raises
    ------
    InputError
        When NTCP exceeds the limit at every activity in the range (infeasible).

    Examples
    --------
    >>> tcp = lambda a: 1 - math.exp(-a / 2.0)
    >>> ntcp = lambda a: 1 - math.exp(-((a / 20.0) ** 3))
    >>> opt = activity_for_max_p_plus((0.1, 40.0), tcp, ntcp, ntcp_limit=0.03)
    >>> round(opt.activity_MBq, 3), opt.limited_by_ntcp
    (6.246, True)
    """
    from scipy.optimize import brentq, minimize_scalar

    grid_in = array_finite("activity_MBq", activity_MBq, low=0.0)
    limit = in_range("ntcp_limit", ntcp_limit, 0.0, 1.0)
    if grid_in.ndim != 1 or grid_in.size < 2:
        raise InputError("activity_MBq", activity_MBq, "a 1-D array of at least 2 activities (MBq)")
    if np.any(np.diff(grid_in) <= 0):
        raise InputError("activity_MBq", activity_MBq, "strictly increasing activities")
    both_callable = callable(tcp) and callable(ntcp)
    if both_callable and grid_in.size == 2:
        lo, hi = float(grid_in[0]), float(grid_in[1])
        grid = np.geomspace(lo, hi, n_grid) if lo > 0 else np.linspace(lo, hi, n_grid)
    else:
        grid = grid_in
    ftcp = _curve("tcp", tcp, grid_in)
    fntcp = _curve("ntcp", ntcp, grid_in)
    t_g = np.array([ftcp(a) for a in grid])
    n_g = np.array([fntcp(a) for a in grid])
    feasible = n_g <= limit
    if not np.any(feasible):
        raise InputError(
            "ntcp_limit",
            limit,
            f">= the smallest NTCP over {grid[0]:g}–{grid[-1]:g} MBq ({n_g.min():.4g}): "
            "no activity in the range is feasible",
        )
    pp = np.where(feasible, t_g * (1.0 - n_g), -1.0)
    i = int(np.argmax(pp))
    tol = xtol_MBq if xtol_MBq is not None else 1e-6 * (grid[-1] - grid[0])
    a_lo, a_hi = float(grid[max(i - 1, 0)]), float(grid[min(i + 1, grid.size - 1)])

    def neg(a: float) -> float:
        n = fntcp(a)
        return -ftcp(a) * (1.0 - n) if n <= limit else 1.0 + n

    best_a, best = float(grid[i]), float(pp[i])
    if a_hi > a_lo:
        r = minimize_scalar(neg, bounds=(a_lo, a_hi), method="bounded", options={"xatol": tol})
        if -r.fun > best:
            best_a, best = float(r.x), float(-r.fun)
    limited = False
    # if the constraint is active just above the optimum, find the boundary precisely
    j = i + 1
    if j < grid.size and not feasible[j] and limit < 1.0:
        a_b = brentq(lambda a: fntcp(a) - limit, float(grid[i]), float(grid[j]), xtol=tol)
        # step back inside the feasible side
        while fntcp(a_b) > limit and a_b > grid[i]:
            a_b -= tol
        pb = ftcp(a_b) * (1.0 - fntcp(a_b))
        if pb >= best:
            best_a, best = a_b, pb
        limited = bool(abs(best_a - a_b) <= 10.0 * tol)
    return ActivityOptimum(
        activity_MBq=best_a,
        p_plus=ftcp(best_a) * (1.0 - fntcp(best_a)),
        tcp=ftcp(best_a),
        ntcp=fntcp(best_a),
        ntcp_limit=limit,
        limited_by_ntcp=limited,
    )
