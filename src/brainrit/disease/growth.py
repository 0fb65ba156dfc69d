"""Growth of one metastasis from a single cell: exponential or Gompertz, perivascular then spheroid phase,
VCAM-1 expression state.

Model
-----
A lesion starts from ``n0_cells`` (default 1: one extravasated tumour cell; Kienast et al., Nat Med
2010;16:116) at its seeding time and grows deterministically:

* exponential: ``N(τ) = N0 · 2^(τ/T_d)``;
* Gompertz: ``N(τ) = N0 · exp[(a/b)(1 − e^(−bτ))]`` with initial doubling time ``T_d = ln2/a`` and plateau
  ``N_max = N0·e^(a/b)``.

``τ`` is the time since seeding (days) multiplied by the lesion's growth-rate multiplier (1 by default;
:mod:`brainrit.disease.window` can draw one per lesion). The lesion first grows as a cuff of cells
around the capillary it arrested in (vessel co-option: > 95 % of early micrometastases grow along the
abluminal vascular basement membrane, Carbonell et al., PLoS One 2009;4:e5857) and becomes a spheroid with
its own (angiogenic) vessels once it holds ``angiogenic_switch_cells``. Its vessels express VCAM-1 once the
lesion holds ``vcam1_onset_cells`` (VCAM-1 is up-regulated on brain endothelium next to metastatic cells from
the earliest stage; Serres et al., PNAS 2012;109:6674). Cell number and diameter are related by the cell
density (sphere of volume ``N/ρ``).

Defaults (:func:`growth_preset`)
--------------------------------

``"MDA-231-Br"`` (mouse, intracardiac model; Corroyer-Dulmont et al. 2020, Zhou et al. 2013):
  Gompertz, initial doubling 1.0 d — the geometric mean of the 15–38 h in-vitro doubling times of
  MDA-MB-231 [K] — and the plateau chosen so that the lesion is 310 µm across at day 21, the smallest
  lesion first seen on 9.4 T T2-weighted MRI at week 3 (Zhou, Chen & Zhao, PLoS One 2013;8:e62238), at
  10⁹ cells/cm³ (1 cm³ ≈ 10⁹ cells, rule of thumb [K]); this gives ``N_max`` ≈ 1.5 × 10⁷ cells. No
  exponential law fits
  both the day-21 size and the contrast enhancement at days 25–30 (Percy et al. 2011) — growth must slow.

``"breast"`` / ``"lung"`` (human primaries): exponential with the volume doubling times of untreated
  brain metastases measured on MRI, 86 d and 139 d (Kobets et al., Surg Neurol Int 2020;11:254). These
  were measured on clinical-size lesions; extrapolating them back to one cell is an assumption (early
  growth is probably faster).

Common: VCAM-1 onset at 10 cells [assumption: "from the earliest stage", Serres 2012]; angiogenic switch
at 10⁴ cells (≈ 0.27 mm at 10⁹ cells/cm³) [assumption; co-option dominates micrometastases, Carbonell
2009; Kienast 2010]; cell density 10⁹ cells/cm³ (rule of thumb [K]).

Examples
--------
>>> g = growth_preset("breast")
>>> round(float(time_to_reach_d(g, 2.0 ** 10)), 6)     # ten doublings of 86 d
860.0
>>> m = growth_preset("MDA-231-Br")
>>> round(float(diameter_mm(m, cells_at(m, 21.0))), 3)   # the Zhou 2013 anchor
0.31
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from brainrit.checks import choice, positive
from brainrit.errors import InputError

__all__ = [
    "GROWTH_PRESETS",
    "GrowthModel",
    "cells_at",
    "cells_from_diameter_mm",
    "diameter_mm",
    "gompertz_plateau_for_anchor",
    "growth_preset",
    "phase_at",
    "time_to_reach_d",
    "vcam1_positive",
]

GROWTH_PRESETS: tuple[str, ...] = ("MDA-231-Br", "breast", "lung")

_POSITIVE_RATE = "finite numbers > 0 (growth rates must be positive)"
#: MDA-MB-231 in-vitro doubling 15–38 h (laboratory-dependent; e.g. 15 h in OMICS J Steroids Hormon Sci
#: 2014;5:143 [K]); geometric mean ≈ 24 h.
MDA231BR_INITIAL_DOUBLING_D = math.sqrt(15.0 * 38.0) / 24.0
#: Zhou, Chen & Zhao, PLoS One 2013;8:e62238: smallest lesions ≈ 310 µm on T2w MRI at week 3.
ZHOU2013_ANCHOR = (21.0, 0.31)  # (day, diameter mm)
#: Tumour-cell density, cells/cm³ (1 cm³ ≈ 10⁹ cells, rule of thumb [K]).
DEFAULT_CELL_DENSITY_PER_CM3 = 1e9
#: Kobets et al., Surg Neurol Int 2020;11:254: volume doubling time of untreated brain metastases, days.
KOBETS2020_DOUBLING_D = {"breast": 86.0, "lung": 139.0}


@dataclass(frozen=True)
class GrowthModel:
    """Deterministic growth law of one lesion and its phase thresholds.

    Attributes
    ----------
    kind : {"exponential", "gompertz"}
    doubling_time_d : float
        Doubling time (exponential) or initial doubling time (Gompertz), days, > 0.
    n0_cells : float
        Cells at seeding (≥ 1).
    n_max_cells : float
        Gompertz plateau (cells, > ``n0_cells``); ``math.inf`` for exponential growth.
    cell_density_per_cm3 : float
        Tumour cells per cm³ (converts cells to diameter).
    vcam1_onset_cells : float
        VCAM-1 is expressed on the lesion's vessels once it holds this many cells.
    angiogenic_switch_cells : float
        Perivascular (co-option) phase below, spheroid/angiogenic phase at or above.
    name : str

    Examples
    --------
    >>> g = GrowthModel("exponential", 3.0)
    >>> g.kind, g.doubling_time_d, g.angiogenic_switch_cells
    ('exponential', 3.0, 10000.0)
    """

    kind: Literal["exponential", "gompertz"]
    doubling_time_d: float
    n0_cells: float = 1.0
    n_max_cells: float = math.inf
    cell_density_per_cm3: float = DEFAULT_CELL_DENSITY_PER_CM3
    vcam1_onset_cells: float = 10.0
    angiogenic_switch_cells: float = 1e4
    name: str = "custom"

    def __post_init__(self) -> None:
        choice("kind", self.kind, ("exponential", "gompertz"))
        td = self.doubling_time_d
        if not (isinstance(td, int | float) and not isinstance(td, bool) and math.isfinite(td) and td > 0):
            raise InputError(
                "doubling_time_d", self.doubling_time_d, "a finite number > 0 (growth rate must be positive)"
            )
        n0 = positive("n0_cells", self.n0_cells)
        if n0 < 1:
            raise InputError("n0_cells", self.n0_cells, "a number of cells >= 1")
        if self.kind == "gompertz":
            nmax = float(self.n_max_cells)
            if not (math.isfinite(nmax) and nmax > n0):
                raise InputError("n_max_cells", self.n_max_cells, f"a finite number > n0_cells = {n0:g}")
        positive("cell_density_per_cm3", self.cell_density_per_cm3)
        positive("vcam1_onset_cells", self.vcam1_onset_cells)
        positive("angiogenic_switch_cells", self.angiogenic_switch_cells)

    @property
    def rate_per_d(self) -> float:
        """Initial specific growth rate a = ln2/T_d, 1/day."""
        return math.log(2.0) / self.doubling_time_d

    @property
    def gompertz_b_per_d(self) -> float:
        """Gompertz deceleration b = a / ln(N_max/N0), 1/day (0 for exponential growth)."""
        if self.kind == "exponential":
            return 0.0
        return self.rate_per_d / math.log(self.n_max_cells / self.n0_cells)


def _tau(t_since_seed_d, rate_multiplier) -> np.ndarray:
    t = np.asarray(t_since_seed_d, dtype=float)
    m = np.asarray(rate_multiplier, dtype=float)
    if np.any(~np.isfinite(m) | (m <= 0)):
        raise InputError("rate_multiplier", rate_multiplier, _POSITIVE_RATE)
    return np.maximum(t, 0.0) * m


def cells_at(model: GrowthModel, t_since_seed_d, rate_multiplier=1.0) -> np.ndarray | float:
    """Cells in the lesion ``t_since_seed_d`` days after seeding (``N0`` for t ≤ 0; vectorised).

    Examples
    --------
    >>> g = GrowthModel("exponential", 2.0)
    >>> cells_at(g, [0.0, 2.0, 4.0]).tolist()
    [1.0, 2.0, 4.0]
    """
    tau = _tau(t_since_seed_d, rate_multiplier)
    a = model.rate_per_d
    if model.kind == "exponential":
        out = model.n0_cells * np.exp2(tau / model.doubling_time_d)
    else:
        b = model.gompertz_b_per_d
        out = model.n0_cells * np.exp((a / b) * -np.expm1(-b * tau))
    return out if out.ndim else float(out)


def time_to_reach_d(model: GrowthModel, n_cells, rate_multiplier=1.0) -> np.ndarray | float:
    """Days after seeding at which the lesion first holds ``n_cells`` (0 if N0 already does; ``inf`` if the
    Gompertz plateau is never reached). Exponential: exactly ``T_d · log2(N/N0) / multiplier``.

    Examples
    --------
    >>> time_to_reach_d(GrowthModel("exponential", 3.0), 8.0)
    9.0
    """
    n = np.asarray(n_cells, dtype=float)
    if np.any(np.isnan(n) | (n <= 0)):
        raise InputError("n_cells", n_cells, "numbers of cells > 0")
    m = np.asarray(rate_multiplier, dtype=float)
    if np.any(~np.isfinite(m) | (m <= 0)):
        raise InputError("rate_multiplier", rate_multiplier, _POSITIVE_RATE)
    x = np.log(np.maximum(n, model.n0_cells) / model.n0_cells)
    if model.kind == "exponential":
        tau = x / model.rate_per_d
    else:
        b = model.gompertz_b_per_d
        frac = x * b / model.rate_per_d  # = 1 − e^{−bτ}
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.where(frac < 1.0, -np.log1p(-np.minimum(frac, 1.0)) / b, np.inf)
    out = tau / m
    return out if np.ndim(out) else float(out)


def diameter_mm(model: GrowthModel, n_cells) -> np.ndarray | float:
    """Diameter (mm) of a sphere holding ``n_cells`` at the model's cell density.

    Examples
    --------
    >>> round(float(diameter_mm(GrowthModel("exponential", 3.0), 1e8)), 3)   # 1e8 cells at 1e9 per cm³
    5.759
    """
    v_cm3 = np.asarray(n_cells, dtype=float) / model.cell_density_per_cm3
    d = 10.0 * np.cbrt(6.0 * v_cm3 / math.pi)
    return d if d.ndim else float(d)


def cells_from_diameter_mm(model: GrowthModel, diameter_mm_) -> np.ndarray | float:
    """Cells in a sphere of diameter ``diameter_mm_`` (mm) at the model's cell density.

    Examples
    --------
    >>> round(cells_from_diameter_mm(GrowthModel("exponential", 1.0, cell_density_per_cm3=1e8), 1.0))
    52360
    """
    d = np.asarray(diameter_mm_, dtype=float)
    n = math.pi / 6.0 * (d / 10.0) ** 3 * model.cell_density_per_cm3
    return n if n.ndim else float(n)


def phase_at(model: GrowthModel, n_cells) -> np.ndarray:
    """``"perivascular"`` below the angiogenic switch, ``"spheroid"`` at or above it (array of str).

    Examples
    --------
    >>> phase_at(GrowthModel("exponential", 3.0), [1e3, 1e7]).tolist()
    ['perivascular', 'spheroid']
    """
    n = np.asarray(n_cells, dtype=float)
    return np.where(n < model.angiogenic_switch_cells, "perivascular", "spheroid")


def vcam1_positive(model: GrowthModel, n_cells) -> np.ndarray:
    """Whether the lesion's vessels express VCAM-1 (lesion holds ≥ ``vcam1_onset_cells``).

    Examples
    --------
    >>> vcam1_positive(GrowthModel("exponential", 3.0), [1, 1e5]).tolist()
    [False, True]
    """
    return np.asarray(n_cells, dtype=float) >= model.vcam1_onset_cells


def gompertz_plateau_for_anchor(
    doubling_time_d: float, anchor_time_d: float, anchor_cells: float, n0_cells: float = 1.0
) -> float:
    """Gompertz plateau ``N_max`` such that a lesion with initial doubling time ``doubling_time_d`` holds
    ``anchor_cells`` at ``anchor_time_d`` after seeding (bisection on the deceleration b).

    Raises ``InputError`` when the anchor is at or above pure exponential growth (no deceleration fits).

    Examples
    --------
    >>> n = gompertz_plateau_for_anchor(1.0, 10.0, 500.0)
    >>> g = GrowthModel("gompertz", 1.0, n_max_cells=n)
    >>> round(cells_at(g, 10.0), 6)
    500.0
    """
    td = positive("doubling_time_d", doubling_time_d)
    t = positive("anchor_time_d", anchor_time_d)
    n0 = positive("n0_cells", n0_cells)
    a = math.log(2.0) / td
    target = math.log(positive("anchor_cells", anchor_cells) / n0)
    if not 0 < target < a * t:
        raise InputError(
            "anchor_cells",
            anchor_cells,
            f"between n0_cells and exponential growth, i.e. in ({n0:g}, {n0 * math.exp(a * t):.4g})",
        )

    def f(b: float) -> float:  # decreasing in b
        return (a / b) * -math.expm1(-b * t) - target

    lo, hi = 1e-12, 1.0
    while f(hi) > 0:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    b = 0.5 * (lo + hi)
    return n0 * math.exp(a / b)


def growth_preset(name: str, **overrides) -> GrowthModel:
    """A documented growth model: ``"MDA-231-Br"`` (mouse), ``"breast"`` or ``"lung"`` (human).

    ``overrides`` replace fields of the preset (e.g. ``vcam1_onset_cells=200``).

    Examples
    --------
    >>> growth_preset("lung").doubling_time_d
    139.0
    """
    key = choice("name", name, GROWTH_PRESETS)
    if key == "MDA-231-Br":
        base = GrowthModel("exponential", MDA231BR_INITIAL_DOUBLING_D, name=key)
        t_anchor, d_anchor = ZHOU2013_ANCHOR
        n_anchor = cells_from_diameter_mm(base, d_anchor)
        nmax = gompertz_plateau_for_anchor(MDA231BR_INITIAL_DOUBLING_D, t_anchor, n_anchor)
        model = GrowthModel("gompertz", MDA231BR_INITIAL_DOUBLING_D, n_max_cells=nmax, name=key)
    else:
        model = GrowthModel("exponential", KOBETS2020_DOUBLING_D[key], name=key)
    return replace(model, **overrides) if overrides else model
