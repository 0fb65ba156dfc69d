"""Perivascular dosimetry: nucleus dose versus distance from labelled capillaries.

Geometry: a capillary is a cylinder (lumen radius r_l, endothelial wall thickness t_w, outer radius
r_o = r_l + t_w; Germanò & Tomasello 2001: human cortex r_l ≈ 3 µm, t_w 0.3–0.5 µm). Sources, per
decay per µm of vessel length:

- ``"surface"``: activity bound on the luminal endothelial surface (antibody on VCAM-1), r = r_l;
- ``"lumen"``: circulating activity uniform in the lumen (r < r_l);
- ``"wall"``: activity uniform in the endothelial wall (r_l < r < r_o), e.g. internalised.

Free daughters in blood are the ``"lumen"`` source of the daughter nuclide (``chain`` of the daughter);
free daughters spread uniformly in tissue give the charged-particle-equilibrium dose
:func:`tissue_dose_per_decay_per_um3_Gy`.

Targets: cell nuclei (spheres of radius R_N) whose centres are at distance r from the vessel axis,
r ≥ r_o + R_N (the nucleus lies outside the vessel). Dose = (energy deposited in the nucleus)/(mass),
with the energy from a point source at distance s, e(s), computed exactly for straight CSDA tracks
(same physics as :mod:`brainrit.dosimetry.cellular`) and integrated along the vessel (∫ e(√(ρ²+z²)) dz,
ρ = distance from the nucleus centre to a source line) and over the source cross-section.
Networks: parallel capillaries on a square lattice (inter-capillary distance Δ, human cortex ≈ 40 µm,
Germanò & Tomasello 2001) or any set of finite segments (:class:`~brainrit.dosimetry.geometry.Capillary`),
so that cross-fire from neighbouring vessels counts.

Examples
--------
>>> p = dose_profile("Pb-212", [6.0, 30.0, 60.0], lumen_radius_um=3.0, wall_thickness_um=0.4,
...                  nucleus_radius_um=2.5)
>>> bool(p.total_Gy[0] > p.total_Gy[1] > p.total_Gy[2] > 0)
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from brainrit.cache import memoize
from brainrit.checks import array_finite, choice, non_negative, positive
from brainrit.dosimetry.cellular import _kernel as kn
from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular._kernel import _interp_rows
from brainrit.dosimetry.geometry import Capillary, CellPopulation
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = [
    "COMPARISON_BANDS_UM",
    "VESSEL_SOURCES",
    "ComparisonRow",
    "VascularDose",
    "compare_nuclides",
    "dose_at_points",
    "dose_profile",
    "population_dose",
    "shell_mean_dose",
    "tissue_dose_per_decay_per_um3_Gy",
]

VESSEL_SOURCES: tuple[str, ...] = ("surface", "lumen", "wall")
RADIATION_CLASSES = src.RADIATION_CLASSES
_N_T = 400  # quadrature points along the vessel (asinh substitution)
_N_PHI = 32  # points around the circumference
_N_RAD = 8  # radial points through lumen / wall


@dataclass(frozen=True)
class VascularDose:
    """Nucleus dose per decay per µm of vessel, by radiation class.

    Attributes
    ----------
    distance_um : ndarray
        Distance of each nucleus centre from the (nearest / reference) vessel axis (µm).
    dose_per_decay_per_um_vessel_Gy : Mapping[str, ndarray]
        Radiation class -> nucleus dose (Gy) per decay per µm of vessel length (i.e. Gy per
        (Bq·s/µm) of time-integrated activity per unit vessel length).
    source : str
    nuclide : str
    """

    distance_um: np.ndarray
    dose_per_decay_per_um_vessel_Gy: Mapping[str, np.ndarray]
    source: str
    nuclide: str

    @property
    def total_Gy(self) -> np.ndarray:
        """Sum over radiation classes (Gy per decay per µm of vessel)."""
        return np.sum([v for v in self.dose_per_decay_per_um_vessel_Gy.values()], axis=0)

    def by_group(self) -> dict[str, np.ndarray]:
        """Doses grouped as ``alpha`` (α + recoil), ``electron`` (β±, IE, Auger) and ``photon``."""
        from brainrit.nuclides import group_by_class

        return group_by_class(self.dose_per_decay_per_um_vessel_Gy)


# ----------------------------------------------------------------------------------------------
# kernels
# ----------------------------------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _line_table(x, e, rho_grid, t_n, out):  # pragma: no cover - compiled
    """out[c, i, k]: ∫_0^{Z_k} e_c(√(ρ_i² + z²)) dz on a z grid Z_k = c_i sinh(t_k), cumulative.

    Stored as cumulative integrals over z at z_k (i, k); z_k itself is returned by _z_of.
    """
    ncls = e.shape[0]
    smax = x[x.shape[0] - 1]
    tmp = np.empty(ncls)
    for i in range(rho_grid.shape[0]):
        rho = rho_grid[i]
        scale = rho if rho > 0.05 else 0.05
        zmax = math.sqrt(max(smax * smax - rho * rho, 0.0))
        tmax = math.asinh(zmax / scale)
        prev = np.zeros(ncls)
        z_prev = 0.0
        s0 = rho
        _interp_rows(s0, x, e, prev)
        for c in range(ncls):
            out[c, i, 0] = 0.0
        for k in range(1, t_n):
            z = scale * math.sinh(tmax * k / (t_n - 1))
            s = math.sqrt(rho * rho + z * z)
            _interp_rows(s, x, e, tmp)
            dz = z - z_prev
            for c in range(ncls):
                out[c, i, k] = out[c, i, k - 1] + 0.5 * dz * (tmp[c] + prev[c])
                prev[c] = tmp[c]
            z_prev = z


@numba.njit(cache=True, nogil=True)
def _segment_energy(rho, z1, z2, rho_grid, table, smax, t_n, out_vec):  # pragma: no cover - compiled
    """∫_{z1}^{z2} e(√(ρ² + z²)) dz from the cumulative table (linear in ρ, in t along z)."""
    ncls = table.shape[0]
    for c in range(ncls):
        out_vec[c] = 0.0
    nr = rho_grid.shape[0]
    if rho >= rho_grid[nr - 1]:
        return
    i = np.searchsorted(rho_grid, rho, side="right") - 1
    if i < 0:
        i = 0
    w = (rho - rho_grid[i]) / (rho_grid[i + 1] - rho_grid[i])
    for ii, wi in ((i, 1.0 - w), (i + 1, w)):
        r = rho_grid[ii]
        scale = r if r > 0.05 else 0.05
        zmax = math.sqrt(max(smax * smax - r * r, 0.0))
        tmax = math.asinh(zmax / scale)
        for sign_z, sgn in ((z2, 1.0), (z1, -1.0)):
            az = abs(sign_z)
            sz = 1.0 if sign_z >= 0 else -1.0
            t = math.asinh(az / scale)
            if t >= tmax or tmax <= 0.0:
                kf = t_n - 1.0
            else:
                kf = t / tmax * (t_n - 1)
            k = int(kf)
            if k >= t_n - 1:
                k = t_n - 2
                f = 1.0
            else:
                f = kf - k
            for c in range(ncls):
                v = table[c, ii, k] + f * (table[c, ii, k + 1] - table[c, ii, k])
                out_vec[c] += wi * sgn * sz * v


@numba.njit(cache=True, nogil=True)
def _points_dose(
    pts, seg_a, seg_u, seg_len, r_in, r_out, kind, rho_grid, table, smax, t_n, n_phi, n_rad, rx, rw, out
):  # pragma: no cover
    """out[c, p] += energy (MeV) in a nucleus at pts[p] per decay per µm over all segments.

    kind 0: surface at r_in; kind 1: uniform in r < r_in; kind 2: uniform in r_in < r < r_out.
    Cross-section average: n_phi points around (midpoint rule, spectral for periodic integrands),
    n_rad Gauss points in r² for volume sources.
    """
    ncls = table.shape[0]
    tmp = np.empty(ncls)
    npts = pts.shape[0]
    nseg = seg_a.shape[0]
    for p in range(npts):
        for g in range(nseg):
            v0 = pts[p, 0] - seg_a[g, 0]
            v1 = pts[p, 1] - seg_a[g, 1]
            v2 = pts[p, 2] - seg_a[g, 2]
            t = v0 * seg_u[g, 0] + v1 * seg_u[g, 1] + v2 * seg_u[g, 2]
            w0 = v0 - t * seg_u[g, 0]
            w1 = v1 - t * seg_u[g, 1]
            w2 = v2 - t * seg_u[g, 2]
            r = math.sqrt(w0 * w0 + w1 * w1 + w2 * w2)
            if r - r_out > smax:
                continue
            z1 = -t
            z2 = seg_len[g] - t
            if kind == 0:
                nr = 1
            else:
                nr = n_rad
            for ir in range(nr):
                if kind == 0:
                    rs = r_in
                    wr = 1.0
                elif kind == 1:
                    rs = r_in * math.sqrt(rx[ir])
                    wr = rw[ir]
                else:
                    rs = math.sqrt(r_in * r_in + (r_out * r_out - r_in * r_in) * rx[ir])
                    wr = rw[ir]
                for ip in range(n_phi):
                    phi = math.pi * (ip + 0.5) / n_phi
                    rho2 = r * r + rs * rs - 2.0 * r * rs * math.cos(phi)
                    rho = math.sqrt(rho2 if rho2 > 0.0 else 0.0)
                    _segment_energy(rho, z1, z2, rho_grid, table, smax, t_n, tmp)
                    for c in range(ncls):
                        out[c, p] += wr * tmp[c] / n_phi


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------


def _line_setup(nuclide, material, chain, daughter_sources, electron_model, nucleus_radius_um):
    from brainrit.dosimetry.cellular.crossdose import _members

    tb = src.tables(material, electron_model)
    kernel = kn.point_kernel_for(_members(nuclide, chain, daughter_sources), tb.material, tb.electron_model)
    e = kn.ball_response(kernel, nucleus_radius_um)
    return tb, kernel, e, _line_table_cached(kernel, nucleus_radius_um, e)


_LINE_CACHE: dict[tuple[int, float], tuple[object, np.ndarray, np.ndarray]] = {}


def _line_table_cached(kernel, b, e):
    key = (id(kernel), float(b))
    hit = _LINE_CACHE.get(key)
    if hit is not None and hit[0] is kernel:
        return hit[1], hit[2]
    smax = float(kernel.x_um[-1])
    u = min(150.0, smax)
    mid = min(10.0, u / 2.0)
    lo = min(b / 20.0, mid / 2.0)
    # geometric near the axis (relative step < 4 %, so the ~1/ρ rise of a thin source is resolved),
    # 0.25 µm steps to 150 µm (steep α range edges), then geometric (2 %) to the end of the kernel
    n_far = max(2, math.ceil(math.log(smax / u) / math.log(1.02)) + 1) if smax > u else 1
    parts = [
        [0.0],
        np.geomspace(lo, mid, 150),
        np.linspace(mid, u, max(2, math.ceil((u - mid) / 0.25) + 1))[1:],
        np.geomspace(u, smax, n_far)[1:],
    ]
    parts.append(_alpha_edge_rows(kernel, b, smax))
    rho = np.ascontiguousarray(np.unique(np.concatenate(parts)))
    table = np.zeros((e.shape[0], rho.size, _N_T))
    _line_table(kernel.x_um, e, rho, _N_T, table)
    if len(_LINE_CACHE) > 64:
        _LINE_CACHE.clear()
    _LINE_CACHE[key] = (kernel, rho, table)
    return rho, table


#: Width (µm) and step (µm) of the refined ρ rows below the outer edge of the α dose (see below).
_EDGE_WIDTH_UM = 5.0
_EDGE_STEP_UM = 0.02


def _alpha_edge_rows(kernel, b: float, smax: float) -> np.ndarray:
    """Extra ρ rows just inside the outer edge of the α dose, ρ_edge = (longest α range) + b.

    The line integral L(ρ) = ∫ e(√(ρ² + z²)) dz vanishes there like a high power of (ρ_edge − ρ);
    linear interpolation between 0.25 µm rows overestimates such a tail (Po-212, R_N 4 µm: +2 % at
    97 µm and +23 % at 98 µm from the axis). 0.02 µm rows over the last 5 µm bring the error below
    1e-4 relative there (``tests/validation/test_vascular_reference.py``).
    """
    alpha = kernel.cumulative_MeV[src.RADIATION_CLASSES.index("alpha")]
    if alpha[-1] <= 0.0:
        return np.zeros(0)
    j = min(int(np.searchsorted(alpha, alpha[-1] * (1.0 - 1e-12))), kernel.x_um.size - 1)
    edge = float(kernel.x_um[j]) + b + 2.0 * float(kernel.x_um[1] - kernel.x_um[0])
    lo = max(edge - _EDGE_WIDTH_UM, 0.0)
    if lo >= smax:
        return np.zeros(0)
    return np.linspace(lo, min(edge, smax), math.ceil((min(edge, smax) - lo) / _EDGE_STEP_UM) + 1)


def _source_kind(source: str) -> int:
    return VESSEL_SOURCES.index(choice("source", source, VESSEL_SOURCES))


def _points_key(a: Mapping[str, Any]) -> tuple | None:
    # per decay per µm of vessel the dose depends on geometry and nuclide only (not on activity): a key
    # by value of every input (points and capillaries by their coordinates); odd inputs are not cached
    try:
        pts = np.asarray(a["points_um"], dtype=float)
        caps = tuple(
            (tuple(np.asarray(c.start_um, float)), tuple(np.asarray(c.end_um, float)), c.lumen_radius_um,
             c.wall_thickness_um)
            for c in a["capillaries"]
        )  # fmt: skip
        daughters = a["daughter_sources"]
        extra = None if daughters is None else tuple(sorted(daughters.items()))
        rest = tuple(v for k, v in a.items() if k not in ("points_um", "capillaries", "daughter_sources"))
        key = (pts.shape, pts.tobytes(), caps, extra, *rest)
        hash(key)
    except (TypeError, ValueError, AttributeError):
        return None
    return key


@memoize(maxsize=32, key=_points_key)
def dose_at_points(
    nuclide: str,
    points_um,
    capillaries: Sequence[Capillary],
    *,
    source: str = "surface",
    nucleus_radius_um: float = 4.0,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
) -> VascularDose:
    """Nucleus dose at arbitrary points from a set of finite capillary segments.

    Every segment carries one decay per µm of its length (its ``source`` compartment); all capillaries
    must share lumen radius and wall thickness. ``distance_um`` of the result is the distance to the
    nearest segment.

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import Capillary, CellPopulation
    >>> cap = Capillary([0, 0, -500], [0, 0, 500], 3.0, 0.4)
    >>> d = dose_at_points("At-211", [[10.0, 0, 0]], [cap], nucleus_radius_um=3.0)
    >>> d.total_Gy.shape
    (1,)
    """
    kind = _source_kind(source)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    caps = tuple(capillaries)
    if not caps or not all(isinstance(c, Capillary) for c in caps):
        raise InputError("capillaries", capillaries, "a non-empty sequence of geometry.Capillary")
    r_l = caps[0].lumen_radius_um
    r_o = caps[0].outer_radius_um
    if any(abs(c.lumen_radius_um - r_l) > 1e-12 or abs(c.outer_radius_um - r_o) > 1e-12 for c in caps):
        raise InputError("capillaries", "mixed radii", "capillaries of equal lumen radius and wall thickness")
    pts = array_finite("points_um", points_um)
    if pts.ndim == 1 and pts.size == 3:
        pts = pts.reshape(1, 3)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise InputError("points_um", points_um, "an (N, 3) array of coordinates (µm)")
    dist = np.min(np.stack([c.distance_to_segment_um(pts) for c in caps]), axis=0)
    bad = dist < r_o + rn - 1e-9
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InputError(
            f"points_um[{i}]", pts[i].tolist(),
            f"a nucleus centre >= outer vessel radius + nucleus radius = {r_o + rn:g} µm from every axis",
        )  # fmt: skip
    tb, _kernel, _e, (rho, table) = _line_setup(
        nuclide, material, chain, daughter_sources, electron_model, rn
    )
    seg_a = np.ascontiguousarray([c.start_um for c in caps])
    seg_u = np.ascontiguousarray([c.axis for c in caps])
    seg_len = np.array([c.length_um for c in caps])
    gx, gw = np.polynomial.legendre.leggauss(_N_RAD)
    rx, rw = 0.5 * (gx + 1.0), 0.5 * gw
    out = np.zeros((len(RADIATION_CLASSES), pts.shape[0]))
    _points_dose(
        np.ascontiguousarray(pts), seg_a, seg_u, seg_len, r_l, r_o, kind, rho, table,
        float(rho[-1]), _N_T, _N_PHI, _N_RAD, rx, rw, out,
    )  # fmt: skip
    mass_kg = 4.0 / 3.0 * math.pi * rn**3 * tb.density_g_cm3 * 1e-15
    dose = out * MEV_TO_J / mass_kg
    return VascularDose(
        dist, {c: dose[i] for i, c in enumerate(RADIATION_CLASSES)}, VESSEL_SOURCES[kind], nuclide
    )


def population_dose(
    nuclide: str,
    population: CellPopulation,
    capillaries: Sequence[Capillary],
    *,
    source: str = "surface",
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
) -> VascularDose:
    """Nucleus dose of every cell of a population (e.g. a perivascular cuff) from labelled capillaries.

    The distribution of nucleus doses in the cuff (per decay per µm of each vessel) is
    ``result.total_Gy``; ``result.distance_um`` is each nucleus's distance to the nearest vessel axis.

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import Capillary, perivascular_cells
    >>> cap = Capillary([0, 0, -60], [0, 0, 60], 3.0, 0.4)
    >>> pop = perivascular_cells(cap, cuff_thickness_um=20.0, cell_radius_um=5.0, nucleus_radius_um=3.0,
    ...     packing_fraction=0.3, seed=1)
    >>> d = population_dose("Pb-212", pop, [cap])
    >>> d.total_Gy.shape == (pop.n_cells,)
    True
    """
    if not isinstance(population, CellPopulation):
        raise InputError("population", population, "a geometry.CellPopulation")
    rn = population.nucleus_radius_um
    if np.ptp(rn) > 1e-9 * rn.max():
        raise InputError("population", "nuclei of several sizes", "nuclei of one radius")
    return dose_at_points(
        nuclide, population.centres_um, capillaries, source=source, nucleus_radius_um=float(rn[0]),
        material=material, chain=chain, daughter_sources=daughter_sources, electron_model=electron_model,
    )  # fmt: skip


def dose_profile(
    nuclide: str,
    distances_um,
    *,
    source: str = "surface",
    lumen_radius_um: float = 3.0,
    wall_thickness_um: float = 0.4,
    nucleus_radius_um: float = 4.0,
    intercapillary_distance_um: float | None = None,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
) -> VascularDose:
    """Nucleus dose versus distance from a labelled capillary (per decay per µm of vessel).

    Parameters
    ----------
    nuclide : str
    distances_um : array
        Distances of nucleus centres from the vessel axis (µm), ≥ lumen + wall + nucleus radius.
    source : {"surface", "lumen", "wall"}
    lumen_radius_um : float
        Default 3 µm (human cortex, Germanò & Tomasello 2001).
    wall_thickness_um : float
        Default 0.4 µm (endothelial cytoplasm 0.3–0.5 µm, Germanò & Tomasello 2001).
    nucleus_radius_um : float
        Target nucleus radius (µm), default 4.
    intercapillary_distance_um : float, optional
        If given, the vessel is one of an infinite square lattice of parallel, equally labelled
        capillaries at this pitch (human cortex ≈ 40 µm); the profile runs from the reference vessel
        along a lattice axis and includes cross-fire from every vessel within range.
    material, chain, daughter_sources, electron_model
        As for :func:`brainrit.dosimetry.cellular.s_value` (daughters ``"same"`` or ``"away"``).

    Returns
    -------
    VascularDose
        ``dose_per_decay_per_um_vessel_Gy[class]`` (Gy per decay per µm of each vessel).

    Examples
    --------
    >>> p = dose_profile("Y-90", [10.0, 50.0], nucleus_radius_um=3.0)
    >>> bool(p.by_group()["alpha"].max() == 0.0)
    True
    """
    kind = _source_kind(source)
    r_l = positive("lumen_radius_um", lumen_radius_um)
    t_w = non_negative("wall_thickness_um", wall_thickness_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    r = array_finite("distances_um", distances_um)
    r = np.atleast_1d(r).astype(float)
    if r.ndim != 1:
        raise InputError("distances_um", distances_um, "a 1-D array of distances (µm)")
    r_min = r_l + t_w + rn
    bad = r < r_min - 1e-9
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InputError(
            f"distances_um[{i}]", float(r[i]),
            f">= lumen + wall + nucleus radius = {r_min:g} µm (the nucleus must lie outside the vessel)",
        )  # fmt: skip
    tb, _kernel, _e, (rho, table) = _line_setup(
        nuclide, material, chain, daughter_sources, electron_model, rn
    )
    smax = float(rho[-1])
    long = 4.0 * smax + 10.0
    axes = [np.array([0.0, 0.0])]
    if intercapillary_distance_um is not None:
        pitch = positive("intercapillary_distance_um", intercapillary_distance_um)
        if pitch < 2 * r_min:
            raise InputError(
                "intercapillary_distance_um",
                intercapillary_distance_um,
                f">= 2·(lumen + wall + nucleus) = {2 * r_min:g} µm",
            )
        if np.any(r > pitch / 2 + 1e-9):
            raise InputError(
                "distances_um", float(r.max()), f"<= half the inter-capillary distance, {pitch / 2:g} µm"
            )
        n = math.ceil((smax + r.max() + r_l + t_w) / pitch) + 1
        if (2 * n + 1) ** 2 > 40_000:
            raise InputError(
                "intercapillary_distance_um", pitch, "large enough for <= 40,000 vessels within range"
            )
        ii = np.arange(-n, n + 1)
        gxy = np.stack(np.meshgrid(ii, ii, indexing="ij"), axis=-1).reshape(-1, 2) * pitch
        axes = list(gxy)
    seg_a = np.ascontiguousarray([[a[0], a[1], -long / 2] for a in axes])
    seg_u = np.ascontiguousarray(np.tile([0.0, 0.0, 1.0], (len(axes), 1)))
    seg_len = np.full(len(axes), long)
    pts = np.ascontiguousarray(np.stack([r, np.zeros_like(r), np.zeros_like(r)], axis=1))
    gx, gw = np.polynomial.legendre.leggauss(_N_RAD)
    rx, rw = 0.5 * (gx + 1.0), 0.5 * gw
    out = np.zeros((len(RADIATION_CLASSES), r.size))
    _points_dose(
        pts, seg_a, seg_u, seg_len, r_l, r_l + t_w, kind, rho, table, smax, _N_T, _N_PHI, _N_RAD, rx, rw, out
    )
    mass_kg = 4.0 / 3.0 * math.pi * rn**3 * tb.density_g_cm3 * 1e-15
    dose = out * MEV_TO_J / mass_kg
    return VascularDose(
        r, {c: dose[i] for i, c in enumerate(RADIATION_CLASSES)}, VESSEL_SOURCES[kind], nuclide
    )


def shell_mean_dose(profile_fn, r_inner_um: float, r_outer_um: float, n: int = 24) -> dict[str, float]:
    """Mean nucleus dose over nuclei spread uniformly (area-weighted) between two radii.

    ``profile_fn(distances_um) -> VascularDose``; returns class -> mean dose (same normalisation).

    Examples
    --------
    >>> f = lambda r: dose_profile("At-211", r, nucleus_radius_um=3.0)
    >>> m = shell_mean_dose(f, 6.4, 25.0)
    >>> m["alpha"] > 0
    True
    """
    a = positive("r_inner_um", r_inner_um)
    b = positive("r_outer_um", r_outer_um)
    if b <= a:
        raise InputError("r_outer_um", r_outer_um, f"> r_inner_um = {a:g} µm")
    gx, gw = np.polynomial.legendre.leggauss(n)
    # area weight 2πr dr: integrate in u = r², uniform
    u = a * a + (b * b - a * a) * 0.5 * (gx + 1.0)
    prof = profile_fn(np.sqrt(u))
    w = 0.5 * gw
    return {c: float(np.sum(w * v)) for c, v in prof.dose_per_decay_per_um_vessel_Gy.items()}


def tissue_dose_per_decay_per_um3_Gy(
    nuclide: str,
    *,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Dose (Gy) per decay per µm³ of activity spread uniformly through tissue (charged-particle
    equilibrium: all charged-particle energy absorbed; photons by μ_en/μ, i.e. the kerma approximation of
    an infinite medium). Use it for free daughters that diffuse into the interstitium.

    Examples
    --------
    >>> d = tissue_dose_per_decay_per_um3_Gy("Bi-212")
    >>> round(d["alpha"] / (6.05 * 0.36 + 8.785 * 0.64) / 1.602e-13 * 1e-15, 2)   # E_α / (ρ · 1 µm³)
    1.0
    """
    from brainrit.dosimetry.cellular.crossdose import _members

    tb = src.tables(material)
    sets = [
        src.member_emissions(m, tb.material, tb.density_g_cm3).scaled(n)
        for m, n in _members(nuclide, chain, daughter_sources)
    ]
    es = src.EmissionSet.concat(sets)
    absorbed = np.where(es.kind == 2, es.ratio, 1.0) * es.weight * es.energy_MeV
    e = np.bincount(es.cls, absorbed, minlength=len(RADIATION_CLASSES))
    mass_kg = tb.density_g_cm3 * 1e-15
    return {c: float(e[i] * MEV_TO_J / mass_kg) for i, c in enumerate(RADIATION_CLASSES)}


#: Distance bands (µm from the vessel axis) of the radionuclide comparison: tumour cells at 0–25, 25–50
#: and 50–100 µm from a labelled capillary (Falzone et al., Theranostics 2018;8:292) and healthy brain
#: further away (100–200 µm by default).
COMPARISON_BANDS_UM: tuple[tuple[str, float, float], ...] = (
    ("tumour 0-25 um", 0.0, 25.0),
    ("tumour 25-50 um", 25.0, 50.0),
    ("tumour 50-100 um", 50.0, 100.0),
    ("healthy 100-200 um", 100.0, 200.0),
)


@dataclass(frozen=True)
class ComparisonRow:
    """Mean nucleus dose in one distance band for one nuclide (per decay per µm of vessel)."""

    nuclide: str
    band: str
    r_min_um: float
    r_max_um: float
    alpha_Gy: float
    electron_Gy: float
    photon_Gy: float
    total_Gy: float
    total_per_decay_per_um2_endothelium_Gy: float


def compare_nuclides(
    nuclides: Sequence[str] | None = None,
    *,
    bands_um: Sequence[tuple[str, float, float]] = COMPARISON_BANDS_UM,
    source: str = "surface",
    lumen_radius_um: float = 3.0,
    wall_thickness_um: float = 0.4,
    nucleus_radius_um: float = 4.0,
    material: str = "water",
    chain: bool = True,
) -> list[ComparisonRow]:
    """Mean nucleus dose per band of distance from one labelled capillary, for each nuclide.

    Nuclei are spread uniformly over each annulus (area-weighted mean, 24-point Gauss in r²); a band that
    starts inside the vessel starts at lumen + wall + nucleus radius. Doses are per decay per µm of
    vessel (Gy per Bq·s of time-integrated activity per µm) and, for the surface source, per decay per
    µm² of luminal endothelium (× 2π r_lumen).

    Examples
    --------
    >>> rows = compare_nuclides(["At-211"], nucleus_radius_um=3.0)
    >>> [r.band for r in rows][:2], rows[0].total_Gy > rows[1].total_Gy
    (['tumour 0-25 um', 'tumour 25-50 um'], True)
    """
    from brainrit.nuclides import VCAM1_COMPARISON_NUCLIDES, group_by_class

    names = tuple(VCAM1_COMPARISON_NUCLIDES if nuclides is None else nuclides)
    r_l = positive("lumen_radius_um", lumen_radius_um)
    t_w = non_negative("wall_thickness_um", wall_thickness_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    r_min = r_l + t_w + rn
    rows = []
    for name in names:

        def prof(r, name=name):
            return dose_profile(
                name, r, source=source, lumen_radius_um=r_l, wall_thickness_um=t_w,
                nucleus_radius_um=rn, material=material, chain=chain,
            )  # fmt: skip

        for label, lo, hi in bands_um:
            a = max(float(lo), r_min)
            b = float(hi)
            if b <= a:
                raise InputError(
                    "bands_um", (label, lo, hi), f"bands ending beyond {r_min:g} µm (vessel + nucleus)"
                )
            grouped = group_by_class(shell_mean_dose(prof, a, b))
            alpha, electron, photon = grouped["alpha"], grouped["electron"], grouped["photon"]
            total = alpha + electron + photon
            rows.append(
                ComparisonRow(name, label, a, b, alpha, electron, photon, total, total * 2.0 * math.pi * r_l)
            )
    return rows
