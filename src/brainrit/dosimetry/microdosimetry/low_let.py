"""Mean low-LET (electron + photon) dose to every nucleus, added analytically (electrons are not tracked).

Cell sources: self- and cross-dose S-values of :mod:`brainrit.dosimetry.cellular`; capillary sources:
:func:`brainrit.dosimetry.vascular.dose_at_points`. The α classes are removed (they are tracked).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brainrit.dosimetry.microdosimetry.geometry import MicroGeometry
from brainrit.dosimetry.microdosimetry.sources import Source, _Program, _reach_probability
from brainrit.errors import InputError
from brainrit.nuclides import RADIATION_GROUPS

__all__: list[str] = []


_CELLULAR_SOURCE = {"nucleus": "N", "cytoplasm": "Cy", "cell_surface": "CS", "cell": "C"}
_HIGH_LET_CLASSES = RADIATION_GROUPS["alpha"]


def _electron_self_s_value(geom: MicroGeometry, src: Source, prog: _Program) -> np.ndarray:
    """Low-LET S(N ← source) of each cell's own nucleus (Gy per parent decay in that cell), or None."""
    from brainrit.dosimetry.cellular import s_value

    reach = _reach_probability(prog)
    pairs = np.stack([geom.cell_radius_um, geom.nucleus_radius_um], axis=1)
    uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)
    material = geom.material if geom.material in ("water", "soft_tissue", "brain") else "water"
    s_uniq = np.zeros(uniq.shape[0])
    for u, (rc, rn) in enumerate(uniq):
        for m, name in enumerate(prog.names):
            if reach[m] <= 0 or not prog.branches[m]:  # not reached, or stable
                continue
            by_class = s_value(
                name,
                "N",
                _CELLULAR_SOURCE[src.compartment],
                float(rc),
                float(rn),
                material=material,
                chain=False,
                by_class=True,
            )
            s_uniq[u] += reach[m] * sum(v for k, v in by_class.items() if k not in _HIGH_LET_CLASSES)
    return s_uniq[np.ravel(inverse)]


_VASCULAR_SOURCE = {"endothelial_surface": "surface", "lumen": "lumen", "endothelium": "wall"}
_N_CROSS_DISTANCES = 400


def _electron_cross_dose(
    geom: MicroGeometry, src: Source, prog: _Program, decays: np.ndarray, cache: dict, key: tuple
) -> np.ndarray:
    """Low-LET cross-dose (Gy) to every nucleus from the decays in the other cells.

    S(N ← source; d) of :func:`brainrit.dosimetry.cellular.cross_s_value` (α classes removed) tabulated on
    400 log-spaced centre distances and interpolated linearly in log d; cells of one size only."""
    from brainrit.dosimetry.cellular import cross_s_value

    rc_all, rn_all = geom.cell_radius_um, geom.nucleus_radius_um
    if np.ptp(rc_all) > 1e-9 * rc_all.max() or np.ptp(rn_all) > 1e-9 * rn_all.max():
        raise InputError("cells", "cells of several sizes", "cells of one size for the cross-dose table")
    out = np.zeros(geom.n_nuclei)
    lab = np.nonzero(decays)[0]
    if lab.size == 0 or geom.n_nuclei < 2:
        return out
    rc, rn = float(rc_all[0]), float(rn_all[0])
    c = geom.centres_um
    d_max = float(np.linalg.norm(c.max(axis=0) - c.min(axis=0))) + 2 * rc
    grid = np.geomspace(2.0 * rc, max(d_max, 2.0 * rc * 1.01), _N_CROSS_DISTANCES)
    reach = _reach_probability(prog)
    material = geom.material if geom.material in ("water", "soft_tissue", "brain") else "water"

    def table() -> np.ndarray:
        s_grid = np.zeros(grid.size)
        for m, name in enumerate(prog.names):
            if reach[m] <= 0 or not prog.branches[m]:
                continue
            by_class = cross_s_value(
                name, "N", _CELLULAR_SOURCE[src.compartment], grid, cell_radius_um=rc, nucleus_radius_um=rn,
                material=material, chain=False, by_class=True,
            )  # fmt: skip
            s_grid += reach[m] * sum(np.asarray(v) for k, v in by_class.items() if k not in _HIGH_LET_CLASSES)
        return s_grid

    if key not in cache:
        cache[key] = table()
    s_grid = cache[key]
    log_grid = np.log(grid)
    for a in range(0, lab.size, 256):
        j = lab[a : a + 256]
        d = np.linalg.norm(c[None, :, :] - c[j, None, :], axis=2)  # (sources, targets)
        s_pair = np.interp(np.log(np.maximum(d, grid[0])), log_grid, s_grid)
        s_pair[d < 1e-9] = 0.0  # the cell itself: self-dose is added separately
        out += decays[j].astype(float) @ s_pair
    return out


def _analytic_low_let(
    geom: MicroGeometry,
    srcs: Sequence[Source],
    programs: Sequence[_Program],
    counts: Sequence[int],
    decays_in_cell: np.ndarray,
    cache: dict[tuple[str, int], np.ndarray],
) -> tuple[np.ndarray, list[str], list[str]]:
    """Mean low-LET dose per nucleus from the analytic cellular / vascular modules.

    ``cache`` holds the per-source tables of this geometry and these sources, keyed by (kind, index into
    ``srcs``); pass the same dict only with the same geometry and sources (``engine._Problem`` does).
    Returns (dose per nucleus in Gy, descriptions of what is included, of what is not)."""

    def cached(kind: str, si: int, fn) -> np.ndarray:
        if (kind, si) not in cache:
            cache[(kind, si)] = fn()
        return cache[(kind, si)]

    low = np.zeros(geom.n_nuclei)
    parts: list[str] = []
    missing: list[str] = []
    for si, src in enumerate(srcs):
        if src.nuclide is None:
            continue
        if src.compartment in _CELLULAR_SOURCE:
            s_self = cached(
                "self", si, lambda src=src, si=si: _electron_self_s_value(geom, src, programs[si])
            )
            low += decays_in_cell[si] * s_self
            try:
                low += _electron_cross_dose(geom, src, programs[si], decays_in_cell[si], cache, ("cross", si))
            except InputError as exc:
                parts.append(
                    f"{src.label}: self-dose of the labelled cells (brainrit.dosimetry.cellular, Cole)"
                )
                missing.append(f"{src.label}: cross-dose to other cells ({exc})")
                continue
            parts.append(
                f"{src.label}: self- and cross-dose between the cells of the geometry "
                "(brainrit.dosimetry.cellular S-values, Cole)"
            )
        elif src.compartment in _VASCULAR_SOURCE:
            try:
                low += counts[si] * cached(
                    "vascular",
                    si,
                    lambda src=src, si=si: _vascular_low_let_per_decay(geom, src, programs[si]),
                )
            except InputError as exc:
                missing.append(f"{src.label} ({exc})")
                continue
            parts.append(f"{src.label}: brainrit.dosimetry.vascular.dose_at_points (Cole)")
        else:
            missing.append(f"{src.label} (no analytic electron dose for sources in a tissue box)")
    return low, parts, missing


def _vascular_low_let_per_decay(geom: MicroGeometry, src: Source, prog: _Program) -> np.ndarray:
    """Low-LET nucleus dose per parent decay spread over the capillaries (Gy)."""
    from brainrit.dosimetry.vascular import dose_at_points

    rn = np.unique(geom.nucleus_radius_um)
    if rn.size != 1:
        raise InputError("cells.nucleus_radius_um", "several radii", "one nucleus radius (vascular module)")
    caps = geom.capillaries
    length = float(sum(c.length_um for c in caps))
    reach = _reach_probability(prog)
    material = geom.material if geom.material in ("water", "soft_tissue", "brain") else "water"
    out = np.zeros(geom.n_nuclei)
    for m, name in enumerate(prog.names):
        if reach[m] <= 0 or not prog.branches[m]:
            continue
        d = dose_at_points(
            name, geom.centres_um, caps, source=_VASCULAR_SOURCE[src.compartment],
            nucleus_radius_um=float(rn[0]), material=material, chain=False,
        ).by_group()  # fmt: skip
        out += reach[m] * (d["electron"] + d["photon"])
    return out / length
