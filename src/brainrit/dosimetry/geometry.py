"""Cell and capillary arrangements for cellular, perivascular and Monte Carlo dosimetry.

Cells are spheres (radius ``cell_radius_um``) with a concentric spherical nucleus
(``nucleus_radius_um``), the MIRD cellular model (Goddu et al., J Nucl Med 1994;35:303).
Capillaries are straight cylinders: a lumen of radius ``lumen_radius_um`` inside an
endothelial wall of thickness ``wall_thickness_um``.

Random arrangements (random close packing, spheroids, perivascular cuffs) place cells at random
and then push overlapping pairs apart until no two cells overlap (a simple "collective
rearrangement" algorithm, Jodrey & Tory, Phys Rev A 1985;32:2347, without the shrinking step).
Randomness only enters through ``seed``.

Examples
--------
>>> pop = cubic_lattice(3, cell_radius_um=5.0, nucleus_radius_um=3.0)
>>> pop.n_cells, float(pop.centres_um[:, 0].max())
(27, 10.0)
>>> cap = Capillary(start_um=[0, 0, 0], end_um=[0, 0, 100], lumen_radius_um=3.0, wall_thickness_um=0.5)
>>> cap.length_um, cap.outer_radius_um
(100.0, 3.5)
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from brainrit.cache import memoize
from brainrit.checks import non_negative, positive
from brainrit.errors import InputError

__all__ = [
    "Capillary",
    "CellPopulation",
    "capillaries_from_segments",
    "cells_from_csv",
    "cubic_lattice",
    "hexagonal_lattice",
    "parallel_capillaries",
    "perivascular_cells",
    "random_capillaries",
    "random_close_packing",
    "spheroid",
]

#: Upper limit accepted for random packings. True random close packing of equal spheres is φ ≈ 0.64
#: (Scott & Kilgour, J Phys D 1969;2:863); the simple overlap relaxation used here converges within
#: seconds for 1,000 cells up to ≈0.58 (measured), so 0.58 is the limit (Lubachevsky–Stillinger would be
#: needed beyond it).
MAX_PACKING_FRACTION = 0.58
_MAX_CELLS = 200_000


# ----------------------------------------------------------------------------------------------
# value objects
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellPopulation:
    """Spherical cells with concentric spherical nuclei.

    Parameters
    ----------
    centres_um : ndarray, shape (N, 3)
        Cell centres (µm).
    cell_radius_um : ndarray, shape (N,)
        Cell radii R_C (µm), > 0.
    nucleus_radius_um : ndarray, shape (N,)
        Nucleus radii R_N (µm), 0 < R_N < R_C.

    Scalars given for the radii are broadcast to every cell.

    Examples
    --------
    >>> pop = CellPopulation([[0, 0, 0], [12, 0, 0]], 5.0, 3.0)
    >>> pop.n_cells, pop.cell_radius_um.tolist()
    (2, [5.0, 5.0])
    """

    centres_um: np.ndarray
    cell_radius_um: np.ndarray
    nucleus_radius_um: np.ndarray

    def __post_init__(self) -> None:
        try:
            c = np.array(self.centres_um, dtype=float)
        except (TypeError, ValueError):
            raise InputError("centres_um", self.centres_um, "an (N, 3) array of finite numbers") from None
        if c.ndim == 1 and c.size == 3:
            c = c.reshape(1, 3)
        if c.ndim != 2 or c.shape[1] != 3 or not np.all(np.isfinite(c)):
            raise InputError("centres_um", self.centres_um, "an (N, 3) array of finite numbers")
        n = c.shape[0]
        rc = _radii("cell_radius_um", self.cell_radius_um, n)
        rn = _radii("nucleus_radius_um", self.nucleus_radius_um, n)
        bad = np.nonzero(rn >= rc)[0]
        if bad.size:
            i = int(bad[0])
            raise InputError(
                f"nucleus_radius_um[{i}]", float(rn[i]), f"< cell_radius_um[{i}] = {float(rc[i]):g} µm"
            )
        for name, arr in (("centres_um", c), ("cell_radius_um", rc), ("nucleus_radius_um", rn)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_cells(self) -> int:
        """Number of cells."""
        return int(self.centres_um.shape[0])

    def subset(self, mask: np.ndarray) -> CellPopulation:
        """The cells selected by a boolean mask or an index array."""
        return CellPopulation(self.centres_um[mask], self.cell_radius_um[mask], self.nucleus_radius_um[mask])

    def packing_fraction(self, volume_um3: float) -> float:
        """Total cell volume divided by ``volume_um3``."""
        v = positive("volume_um3", volume_um3)
        return float(np.sum(4.0 / 3.0 * np.pi * self.cell_radius_um**3) / v)

    def min_gap_um(self) -> float:
        """Smallest surface-to-surface gap between two cells (negative when cells overlap); inf for 1 cell."""
        if self.n_cells < 2:
            return math.inf
        from scipy.spatial import cKDTree

        tree = cKDTree(self.centres_um)
        d, j = tree.query(self.centres_um, k=2)
        gap = d[:, 1] - self.cell_radius_um - self.cell_radius_um[j[:, 1]]
        return float(gap.min())


@dataclass(frozen=True)
class Capillary:
    """A straight capillary segment.

    Parameters
    ----------
    start_um, end_um : array_like, shape (3,)
        End points of the vessel axis (µm); must differ.
    lumen_radius_um : float
        Lumen radius (µm), > 0. Human cortex ≈ 3 µm (Germanò & Tomasello 2001, Springer), mouse 1–2.5 µm
        (Sargent et al., Vascular Biology 2023).
    wall_thickness_um : float
        Endothelial wall thickness (µm), ≥ 0; 0.3–0.5 µm in human cortex (Germanò & Tomasello 2001).

    Examples
    --------
    >>> cap = Capillary([0, 0, 0], [10, 0, 0], 3.0, 0.5)
    >>> cap.distance_to_axis_um([[5, 4, 0]]).tolist()
    [4.0]
    """

    start_um: np.ndarray
    end_um: np.ndarray
    lumen_radius_um: float
    wall_thickness_um: float

    def __post_init__(self) -> None:
        a = _point("start_um", self.start_um)
        b = _point("end_um", self.end_um)
        if np.allclose(a, b):
            raise InputError("end_um", self.end_um, "a point different from start_um")
        object.__setattr__(self, "start_um", a)
        object.__setattr__(self, "end_um", b)
        object.__setattr__(self, "lumen_radius_um", positive("lumen_radius_um", self.lumen_radius_um))
        object.__setattr__(
            self, "wall_thickness_um", non_negative("wall_thickness_um", self.wall_thickness_um)
        )

    @property
    def length_um(self) -> float:
        """Length of the segment (µm)."""
        return float(np.linalg.norm(self.end_um - self.start_um))

    @property
    def axis(self) -> np.ndarray:
        """Unit vector from start to end."""
        return (self.end_um - self.start_um) / self.length_um

    @property
    def outer_radius_um(self) -> float:
        """Lumen radius plus wall thickness (µm)."""
        return self.lumen_radius_um + self.wall_thickness_um

    def distance_to_axis_um(self, points_um: np.ndarray) -> np.ndarray:
        """Distance of points (…, 3) to the infinite line through the axis (µm)."""
        p = np.asarray(points_um, dtype=float) - self.start_um
        t = p @ self.axis
        perp = p - t[..., None] * self.axis
        return np.linalg.norm(perp, axis=-1)

    def distance_to_segment_um(self, points_um: np.ndarray) -> np.ndarray:
        """Distance of points (…, 3) to the axis segment (clamped to its end points) (µm)."""
        p = np.asarray(points_um, dtype=float) - self.start_um
        t = np.clip(p @ self.axis, 0.0, self.length_um)
        return np.linalg.norm(p - t[..., None] * self.axis, axis=-1)


# ----------------------------------------------------------------------------------------------
# lattices
# ----------------------------------------------------------------------------------------------


def cubic_lattice(
    n_per_side: int, cell_radius_um: float, nucleus_radius_um: float, spacing_um: float | None = None
) -> CellPopulation:
    """Simple cubic lattice of ``n_per_side**3`` identical cells centred on the origin.

    Parameters
    ----------
    n_per_side : int
        Cells along each axis, ≥ 1.
    cell_radius_um, nucleus_radius_um : float
        R_C and R_N (µm), 0 < R_N < R_C.
    spacing_um : float, optional
        Centre-to-centre distance (µm), ≥ 2·R_C; default 2·R_C (touching cells, packing fraction π/6,
        as in MIRDcell's cubic clusters, Vaziri et al., J Nucl Med 2014;55:1557).

    Returns
    -------
    CellPopulation

    Examples
    --------
    >>> cubic_lattice(2, 5.0, 2.0).centres_um[0].tolist()
    [-5.0, -5.0, -5.0]
    """
    n = _count("n_per_side", n_per_side, cube=True)
    rc, rn = _cell_radii(cell_radius_um, nucleus_radius_um)
    a = _spacing(spacing_um, rc)
    idx = np.arange(n) - (n - 1) / 2.0
    g = np.stack(np.meshgrid(idx, idx, idx, indexing="ij"), axis=-1).reshape(-1, 3) * a
    return CellPopulation(g, rc, rn)


def hexagonal_lattice(
    n_per_side: int, cell_radius_um: float, nucleus_radius_um: float, spacing_um: float | None = None
) -> CellPopulation:
    """Hexagonal close-packed (HCP) lattice of ``n_per_side**3`` identical cells centred on the origin.

    Layers A/B alternate along z; in each layer the cells sit on a triangular grid.

    Parameters
    ----------
    n_per_side : int
        Cells along x, along y (rows) and layers along z, ≥ 1.
    cell_radius_um, nucleus_radius_um : float
        R_C and R_N (µm), 0 < R_N < R_C.
    spacing_um : float, optional
        Nearest-neighbour centre distance (µm), ≥ 2·R_C; default 2·R_C (touching cells,
        packing fraction π/√18 ≈ 0.740 in the bulk).

    Examples
    --------
    >>> pop = hexagonal_lattice(3, 5.0, 3.0)
    >>> round(pop.min_gap_um(), 9)
    0.0
    """
    n = _count("n_per_side", n_per_side, cube=True)
    rc, rn = _cell_radii(cell_radius_um, nucleus_radius_um)
    a = _spacing(spacing_um, rc)
    i, j, k = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    i, j, k = i.ravel(), j.ravel(), k.ravel()
    x = a * (i + 0.5 * (j % 2) + 0.5 * (k % 2))
    y = a * math.sqrt(3.0) / 2.0 * (j + (k % 2) / 3.0)
    z = a * math.sqrt(2.0 / 3.0) * k
    c = np.stack([x, y, z], axis=1)
    c -= 0.5 * (c.min(axis=0) + c.max(axis=0))
    return CellPopulation(c, rc, rn)


# ----------------------------------------------------------------------------------------------
# random packings
# ----------------------------------------------------------------------------------------------


def random_close_packing(
    n_cells: int,
    cell_radius_um: float,
    nucleus_radius_um: float,
    packing_fraction: float,
    seed: int | np.random.Generator | None = None,
) -> CellPopulation:
    """``n_cells`` non-overlapping identical cells packed at random in a cube centred on the origin.

    The cube's edge is chosen so that the cells fill ``packing_fraction`` of it.

    Parameters
    ----------
    n_cells : int
        Number of cells, ≥ 1.
    cell_radius_um, nucleus_radius_um : float
        R_C and R_N (µm), 0 < R_N < R_C.
    packing_fraction : float
        Cell volume / cube volume, in (0, 0.58] (see ``MAX_PACKING_FRACTION``).
    seed : int or numpy.random.Generator, optional
        Source of randomness.

    Examples
    --------
    >>> pop = random_close_packing(50, 5.0, 3.0, 0.4, seed=1)
    >>> pop.n_cells, pop.min_gap_um() >= -1e-6
    (50, True)
    """
    n = _count("n_cells", n_cells)
    rc, rn = _cell_radii(cell_radius_um, nucleus_radius_um)
    pf = _packing("packing_fraction", packing_fraction)
    rng = np.random.default_rng(seed)
    edge = (n * 4.0 / 3.0 * math.pi * rc**3 / pf) ** (1.0 / 3.0)
    # periodic cube: no wall effect; unwrapped positions in [0, edge) never overlap either, because a
    # direct distance is never shorter than the minimum-image distance.
    c = rng.uniform(0.0, edge, size=(n, 3))
    c = _relax(c, rc, lambda x: np.mod(x, edge), rng, "packing_fraction", pf, box=edge)
    c -= edge / 2.0
    return CellPopulation(c, rc, rn)


def spheroid(
    radius_um: float,
    cell_radius_um: float,
    nucleus_radius_um: float,
    packing_fraction: float,
    seed: int | np.random.Generator | None = None,
) -> CellPopulation:
    """Cells packed at random inside a sphere of radius ``radius_um`` centred on the origin.

    The number of cells is ``round(packing_fraction · (radius_um / cell_radius_um)³)`` (at least 1); every
    cell lies wholly inside the sphere.

    Parameters
    ----------
    radius_um : float
        Spheroid radius (µm), ≥ cell_radius_um.
    cell_radius_um, nucleus_radius_um : float
        R_C and R_N (µm), 0 < R_N < R_C.
    packing_fraction : float
        In (0, 0.58].
    seed : int or numpy.random.Generator, optional

    Examples
    --------
    >>> pop = spheroid(30.0, 5.0, 3.0, 0.4, seed=0)
    >>> pop.n_cells, bool(np.all(np.linalg.norm(pop.centres_um, axis=1) <= 25.0 + 1e-9))
    (86, True)
    """
    big = positive("radius_um", radius_um)
    rc, rn = _cell_radii(cell_radius_um, nucleus_radius_um)
    if big < rc:
        raise InputError("radius_um", radius_um, f">= cell_radius_um = {rc:g} µm")
    pf = _packing("packing_fraction", packing_fraction)
    n = max(1, round(pf * (big / rc) ** 3))
    if n > _MAX_CELLS:
        raise InputError("radius_um", radius_um, f"small enough for <= {_MAX_CELLS} cells")
    rng = np.random.default_rng(seed)
    rmax = big - rc

    def project(c: np.ndarray) -> np.ndarray:
        r = np.linalg.norm(c, axis=1)
        scale = np.where(r > rmax, rmax / np.maximum(r, 1e-300), 1.0)
        return c * scale[:, None]

    u = rng.normal(size=(n, 3))
    u /= np.maximum(np.linalg.norm(u, axis=1), 1e-300)[:, None]
    c = u * (rmax * rng.uniform(size=n) ** (1.0 / 3.0))[:, None]
    c = _relax(c, rc, project, rng, "packing_fraction", pf)
    return CellPopulation(c, rc, rn)


def _cuff_key(a: Mapping[str, Any]) -> tuple | None:
    c, seed = a["capillary"], a["seed"]
    if not isinstance(c, Capillary) or isinstance(seed, np.random.Generator) or seed is None:
        return None  # a Generator's state moves on, and None is fresh entropy: never cached
    vessel = (tuple(np.asarray(c.start_um, float)), tuple(np.asarray(c.end_um, float)), c.lumen_radius_um,
              c.wall_thickness_um)  # fmt: skip
    return (vessel, *(v for k, v in a.items() if k not in ("capillary", "seed")), int(seed))


@memoize(maxsize=4, key=_cuff_key)
def perivascular_cells(
    capillary: Capillary,
    *,
    cuff_thickness_um: float,
    cell_radius_um: float,
    nucleus_radius_um: float,
    packing_fraction: float,
    seed: int | np.random.Generator | None = None,
) -> CellPopulation:
    """Cells packed at random in a cylindrical cuff around a capillary (vessel co-option).

    The cuff is the shell between the outer wall radius r_o and r_o + ``cuff_thickness_um``, over the
    capillary's length; every cell lies wholly inside it. Early brain metastases grow as such sheaths
    along the abluminal basement membrane (Carbonell et al., PLoS One 2009;4:e5857).

    Parameters
    ----------
    capillary : Capillary
    cuff_thickness_um : float
        Radial thickness of the cuff (µm), ≥ 2·cell_radius_um.
    cell_radius_um, nucleus_radius_um : float
        R_C and R_N (µm), 0 < R_N < R_C.
    packing_fraction : float
        Cell volume / cuff volume, in (0, 0.58].
    seed : int or numpy.random.Generator, optional

    Notes
    -----
    The random packing with relaxation is the costly part of a perivascular Monte Carlo; with an
    integer ``seed`` the population is kept (:mod:`brainrit.cache`), so samples of a sweep that share the
    geometry and seed pack the cuff once.

    Examples
    --------
    >>> cap = Capillary([0, 0, 0], [0, 0, 60], 3.0, 0.5)
    >>> pop = perivascular_cells(cap, cuff_thickness_um=20.0, cell_radius_um=5.0, nucleus_radius_um=3.0,
    ...     packing_fraction=0.3, seed=2)
    >>> d = cap.distance_to_axis_um(pop.centres_um)
    >>> bool(d.min() >= 8.5 - 1e-9 and d.max() <= 18.5 + 1e-9)
    True
    """
    if not isinstance(capillary, Capillary):
        raise InputError("capillary", capillary, "a brainrit.dosimetry.geometry.Capillary")
    t = positive("cuff_thickness_um", cuff_thickness_um)
    rc, rn = _cell_radii(cell_radius_um, nucleus_radius_um)
    if t < 2 * rc:
        raise InputError("cuff_thickness_um", cuff_thickness_um, f">= 2·cell_radius_um = {2 * rc:g} µm")
    length = capillary.length_um
    if length < 2 * rc:
        raise InputError("capillary.length_um", length, f">= 2·cell_radius_um = {2 * rc:g} µm")
    pf = _packing("packing_fraction", packing_fraction)
    r0 = capillary.outer_radius_um
    vol = math.pi * ((r0 + t) ** 2 - r0**2) * length
    n = max(1, round(pf * vol / (4.0 / 3.0 * math.pi * rc**3)))
    if n > _MAX_CELLS:
        raise InputError("cuff_thickness_um", cuff_thickness_um, f"small enough for <= {_MAX_CELLS} cells")
    rng = np.random.default_rng(seed)
    rmin, rmax = r0 + rc, r0 + t - rc
    phi = rng.uniform(0, 2 * math.pi, n)
    rho = np.sqrt(rng.uniform(rmin**2, rmax**2, n))
    c = np.stack([rho * np.cos(phi), rho * np.sin(phi), rng.uniform(rc, length - rc, n)], axis=1)
    c = _relax_cuff(c, rc, rmin, rmax, length, rng, "packing_fraction", pf)
    # local frame (axis along z from the start point) -> world frame
    ez = capillary.axis
    helper = np.array([1.0, 0.0, 0.0]) if abs(ez[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    ex = np.cross(helper, ez)
    ex /= np.linalg.norm(ex)
    ey = np.cross(ez, ex)
    world = capillary.start_um + c[:, :1] * ex + c[:, 1:2] * ey + c[:, 2:3] * ez
    return CellPopulation(world, rc, rn)


def _cuff_project(c: np.ndarray, rc: float, rmin: float, rmax: float, length: float) -> np.ndarray:
    """Centres of a cuff (local frame, axis along z from 0 to ``length``) moved radially into
    ``[rmin, rmax]`` and axially into ``[rc, length − rc]`` (new array)."""
    rho = np.hypot(c[:, 0], c[:, 1])
    target = np.clip(rho, rmin, rmax)
    s = target / np.maximum(rho, 1e-300)
    out = c.copy()
    zero = rho < 1e-12
    out[:, 0] = np.where(zero, rmin, c[:, 0] * s)
    out[:, 1] = np.where(zero, 0.0, c[:, 1] * s)
    out[:, 2] = np.clip(c[:, 2], rc, length - rc)
    return out


def _relax(
    c: np.ndarray,
    rc: float,
    project,
    rng: np.random.Generator,
    field: str,
    pf: float,
    *,
    box: float | None = None,
    max_iter: int = 4000,
) -> np.ndarray:
    """Push overlapping equal spheres apart (pairwise, half the overlap each) until none overlap.

    ``box``: edge of a periodic cube (minimum-image distances), or None for no periodicity.
    """
    from scipy.spatial import cKDTree

    n = c.shape[0]
    c = project(c)
    if n < 2:
        return c
    d = 2.0 * rc
    tol = 1e-9 * d
    for _ in range(max_iter):
        tree = cKDTree(c, boxsize=box) if box is not None else cKDTree(c)
        pairs = tree.query_pairs(d - tol, output_type="ndarray")
        if pairs.shape[0] == 0:
            return c
        # the k-d tree's traversal order is not a fixed one: sort, so the sums below are summed in one
        # order (the compiled cuff relaxation, _packing.relax_cuff, uses the same)
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        c = _push_apart(c, pairs, d, project, rng, box)
    raise InputError(field, pf, "a packing fraction this algorithm can reach for these sizes (try lower)")


def _push_apart(
    c: np.ndarray, pairs: np.ndarray, d: float, project, rng: np.random.Generator, box: float | None = None
) -> np.ndarray:
    """One relaxation step: each overlapping pair ``(i, j)`` pushed apart by half its overlap × 1.02."""
    i, j = pairs[:, 0], pairs[:, 1]
    v = c[j] - c[i]
    if box is not None:
        v -= box * np.round(v / box)
    dist = np.linalg.norm(v, axis=1)
    tiny = dist < 1e-12
    if np.any(tiny):
        v[tiny] = rng.normal(size=(int(tiny.sum()), 3))
        dist[tiny] = np.linalg.norm(v[tiny], axis=1)
    u = v / dist[:, None]
    push = 0.5 * (d - dist)[:, None] * 1.02 * u
    disp = np.zeros_like(c)
    np.add.at(disp, i, -push)
    np.add.at(disp, j, push)
    return project(c + disp)


def _relax_cuff(
    c: np.ndarray,
    rc: float,
    rmin: float,
    rmax: float,
    length: float,
    rng: np.random.Generator,
    field: str,
    pf: float,
    *,
    max_iter: int = 4000,
) -> np.ndarray:
    """:func:`_relax` with the cuff's projection (:func:`_cuff_project`), compiled: the same positions,
    about 20 times faster (:mod:`brainrit.dosimetry._packing`)."""
    from brainrit.dosimetry import _packing

    c = _cuff_project(np.ascontiguousarray(c, dtype=np.float64), rc, rmin, rmax, length)  # C-ordered copy
    if c.shape[0] < 2:
        return c
    d = 2.0 * rc
    it = 0
    while True:
        c, it, status = _packing.relax_cuff(c, rc, rmin, rmax, length, it, max_iter)
        if status == _packing.CONVERGED:
            return c
        if status == _packing.MAX_ITER:
            raise InputError(
                field, pf, "a packing fraction this algorithm can reach for these sizes (try lower)"
            )
        # a pair at zero distance: its direction comes from rng, as in _relax
        pairs = _packing.pairs_within(c, d - 1e-9 * d)
        c = _push_apart(c, pairs, d, lambda x: _packing.cuff_project(x, rc, rmin, rmax, length), rng)
        it += 1


# ----------------------------------------------------------------------------------------------
# capillaries
# ----------------------------------------------------------------------------------------------


def parallel_capillaries(
    n: int,
    intercapillary_distance_um: float,
    length_um: float,
    lumen_radius_um: float,
    wall_thickness_um: float,
) -> tuple[Capillary, ...]:
    """``n`` parallel capillaries along z on a square grid of pitch ``intercapillary_distance_um``.

    Capillaries are placed row by row on a ⌈√n⌉-wide square grid centred on the origin in the xy-plane
    (so ``n = 1`` is one vessel on the z-axis), each running from z = −L/2 to z = +L/2.
    Human cortex: ≈40 µm apart (Germanò & Tomasello 2001, Springer).

    Examples
    --------
    >>> caps = parallel_capillaries(4, 40.0, 100.0, 3.0, 0.5)
    >>> [c.start_um[:2].tolist() for c in caps]
    [[-20.0, -20.0], [20.0, -20.0], [-20.0, 20.0], [20.0, 20.0]]
    """
    k = _count("n", n)
    pitch = positive("intercapillary_distance_um", intercapillary_distance_um)
    length = positive("length_um", length_um)
    lum = positive("lumen_radius_um", lumen_radius_um)
    wall = non_negative("wall_thickness_um", wall_thickness_um)
    if pitch < 2 * (lum + wall):
        raise InputError(
            "intercapillary_distance_um",
            intercapillary_distance_um,
            f">= 2·(lumen + wall) = {2 * (lum + wall):g} µm",
        )
    side = math.ceil(math.sqrt(k))
    rows = math.ceil(k / side)
    caps = []
    for m in range(k):
        ix, iy = m % side, m // side
        x = (ix - (min(side, k) - 1) / 2.0) * pitch
        y = (iy - (rows - 1) / 2.0) * pitch
        caps.append(Capillary([x, y, -length / 2], [x, y, length / 2], lum, wall))
    return tuple(caps)


def random_capillaries(
    n: int,
    box_um: float,
    *,
    length_um: float,
    lumen_radius_um: float,
    wall_thickness_um: float,
    seed: int | np.random.Generator | None = None,
) -> tuple[Capillary, ...]:
    """``n`` straight segments of length ``length_um`` with random centres in a cube of edge ``box_um``
    (centred on the origin) and isotropic random directions. Segments may cross (a network model
    for cross-fire, not a packing).

    Examples
    --------
    >>> caps = random_capillaries(5, 200.0, length_um=50.0, lumen_radius_um=3.0, wall_thickness_um=0.5,
    ...     seed=0)
    >>> len(caps), round(caps[0].length_um, 6)
    (5, 50.0)
    """
    k = _count("n", n)
    box = positive("box_um", box_um)
    length = positive("length_um", length_um)
    lum = positive("lumen_radius_um", lumen_radius_um)
    wall = non_negative("wall_thickness_um", wall_thickness_um)
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-box / 2, box / 2, size=(k, 3))
    u = rng.normal(size=(k, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    return tuple(
        Capillary(c - 0.5 * length * d, c + 0.5 * length * d, lum, wall)
        for c, d in zip(centres, u, strict=True)
    )


def capillaries_from_segments(
    segments_um: np.ndarray, lumen_radius_um: float, wall_thickness_um: float
) -> tuple[Capillary, ...]:
    """Capillaries from an (M, 2, 3) array of segment end points (µm).

    Examples
    --------
    >>> import numpy as np
    >>> caps = capillaries_from_segments(np.array([[[0.0, 0, 0], [0, 0, 50]]]), 3.0, 0.5)
    >>> len(caps), caps[0].length_um
    (1, 50.0)
    """
    s = np.asarray(segments_um, dtype=float)
    if s.ndim != 3 or s.shape[1:] != (2, 3) or not np.all(np.isfinite(s)):
        raise InputError("segments_um", segments_um, "an (M, 2, 3) array of finite end points")
    return tuple(Capillary(a, b, lumen_radius_um, wall_thickness_um) for a, b in s)


# ----------------------------------------------------------------------------------------------
# import
# ----------------------------------------------------------------------------------------------

_CSV_COLUMNS = ("x_um", "y_um", "z_um", "cell_radius_um", "nucleus_radius_um")


def cells_from_csv(path: str | Path) -> CellPopulation:
    """Read cells from a CSV file with columns ``x_um,y_um,z_um,cell_radius_um,nucleus_radius_um``.

    Extra columns are ignored; lines starting with ``#`` are comments.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "cells.csv")
    ...     _ = open(p, "w").write("x_um,y_um,z_um,cell_radius_um,nucleus_radius_um\\n0,0,0,5,3\\n")
    ...     cells_from_csv(p).n_cells
    1
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", str(path), "an existing CSV file")
    with p.open(newline="", encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(rows)
    fields = [f.strip() for f in (reader.fieldnames or [])]
    missing = [c for c in _CSV_COLUMNS if c not in fields]
    if missing:
        raise InputError(f"{p.name} columns", fields, "a header with " + ", ".join(_CSV_COLUMNS))
    data = []
    for k, row in enumerate(reader, start=2):
        clean = {key.strip(): val for key, val in row.items() if key is not None}
        try:
            data.append([float(clean[c]) for c in _CSV_COLUMNS])
        except (TypeError, ValueError):
            raise InputError(f"{p.name} line {k}", row, "numbers in every column") from None
    if not data:
        raise InputError(str(p.name), "no rows", "at least one cell")
    a = np.array(data)
    return CellPopulation(a[:, :3], a[:, 3], a[:, 4])


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _radii(field: str, value, n: int) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, value, "finite numbers > 0") from None
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise InputError(field, value, f"a scalar or an array of shape ({n},)")
    bad = ~np.isfinite(arr) | (arr <= 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InputError(f"{field}[{i}]", float(arr[i]), "a finite number > 0")
    return arr


def _point(field: str, value) -> np.ndarray:
    try:
        p = np.array(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(field, value, "3 finite coordinates (µm)") from None
    if p.shape != (3,) or not np.all(np.isfinite(p)):
        raise InputError(field, value, "3 finite coordinates (µm)")
    p.setflags(write=False)
    return p


def _cell_radii(cell_radius_um, nucleus_radius_um) -> tuple[float, float]:
    rc = positive("cell_radius_um", cell_radius_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    if rn >= rc:
        raise InputError("nucleus_radius_um", nucleus_radius_um, f"< cell_radius_um = {rc:g} µm")
    return rc, rn


def _count(field: str, value, *, cube: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(field, value, "an integer >= 1")
    limit = round(_MAX_CELLS ** (1 / 3)) if cube else _MAX_CELLS
    if value > limit:
        raise InputError(field, value, f"an integer in [1, {limit}]")
    return int(value)


def _spacing(spacing_um, rc: float) -> float:
    if spacing_um is None:
        return 2.0 * rc
    a = positive("spacing_um", spacing_um)
    if a < 2.0 * rc * (1 - 1e-12):
        raise InputError("spacing_um", spacing_um, f">= 2·cell_radius_um = {2 * rc:g} µm (no overlap)")
    return a


def _packing(field: str, value) -> float:
    x = positive(field, value)
    if x > MAX_PACKING_FRACTION:
        raise InputError(field, value, f"a number in (0, {MAX_PACKING_FRACTION}]")
    return x
