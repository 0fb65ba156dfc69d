"""Multicellular clusters: nucleus dose of every cell from labelled cells (self + cross-dose).

Cells of one size (R_C, R_N) in any arrangement (:mod:`brainrit.dosimetry.geometry`: lattices, random
packings, spheroids, perivascular cuffs, CSV). A fraction of the cells is labelled (chosen at random
with ``seed``); each labelled cell holds a time-integrated activity (Bq·s) in one compartment, constant or
lognormal (mean preserved) as in MIRDcell V2 (Vaziri et al., J Nucl Med 2014;55:1557). The nucleus dose
of cell j is Ã_j S_self(N←src) + Σ_{i≠j} Ã_i S_cross(N←src; d_ij), with S_cross tabulated on a distance
grid (linear interpolation).

Examples
--------
>>> from brainrit.dosimetry.geometry import cubic_lattice
>>> pop = cubic_lattice(3, 5.0, 3.0)
>>> res = cluster_dose(pop, "At-211", source="C", labelled_fraction=1.0)
>>> bool(res.cross_Gy[13] > res.cross_Gy[0])   # the centre cell gets more cross-dose than a corner
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from brainrit.checks import in_range, non_negative
from brainrit.dosimetry.cellular import _kernel as kn
from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular.crossdose import _cross, _members
from brainrit.dosimetry.cellular.svalues import RADIATION_CLASSES, SOURCES, _compartment, _masses_kg, s_values
from brainrit.dosimetry.geometry import CellPopulation
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = ["ClusterDose", "cluster_dose"]


@dataclass(frozen=True)
class ClusterDose:
    """Nucleus doses of every cell in a cluster (Gy for the given time-integrated activities).

    Attributes
    ----------
    nucleus_dose_Gy, self_Gy, cross_Gy : ndarray (N,)
        Total, self (from the cell's own activity) and cross (from other cells) nucleus dose.
    labelled : ndarray of bool (N,)
    activity_Bq_s : ndarray (N,)
        Time-integrated activity of each cell (0 for unlabelled cells).
    by_class_Gy : Mapping[str, ndarray]
        Total nucleus dose per radiation class.
    """

    nucleus_dose_Gy: np.ndarray
    self_Gy: np.ndarray
    cross_Gy: np.ndarray
    labelled: np.ndarray
    activity_Bq_s: np.ndarray
    by_class_Gy: Mapping[str, np.ndarray]

    def summary(self) -> dict[str, float]:
        """Mean, median, 5th/95th percentiles, labelled/unlabelled means and the self-dose fraction."""
        d = self.nucleus_dose_Gy
        tot = float(d.sum())
        return {
            "mean_Gy": float(d.mean()),
            "median_Gy": float(np.median(d)),
            "p05_Gy": float(np.percentile(d, 5)),
            "p95_Gy": float(np.percentile(d, 95)),
            "mean_labelled_Gy": float(d[self.labelled].mean()) if self.labelled.any() else 0.0,
            "mean_unlabelled_Gy": float(d[~self.labelled].mean()) if (~self.labelled).any() else 0.0,
            "self_fraction": float(self.self_Gy.sum() / tot) if tot > 0 else 0.0,
        }


def cluster_dose(
    population: CellPopulation,
    nuclide: str,
    *,
    source: str = "C",
    tia_Bq_s: float = 1.0,
    labelled_fraction: float = 1.0,
    lognormal_sigma: float = 0.0,
    seed: int | np.random.Generator | None = None,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
) -> ClusterDose:
    """Nucleus dose per cell in a multicellular arrangement.

    Parameters
    ----------
    population : CellPopulation
        Cells of a single size (R_C, R_N).
    nuclide : str
    source : {"N", "Cy", "CS", "C"}
        Where the activity sits in each labelled cell.
    tia_Bq_s : float
        Mean number of decays per labelled cell (Bq·s), ≥ 0.
    labelled_fraction : float
        Fraction of cells labelled, in [0, 1] (rounded to a whole number of cells, chosen with ``seed``).
    lognormal_sigma : float
        σ of ln(activity) across labelled cells; 0 = constant activity. The mean is preserved.
    seed : int or numpy.random.Generator, optional
    daughter_sources : Mapping[str, str], optional
        ``"same"`` or ``"away"`` per daughter.

    Returns
    -------
    ClusterDose
    """
    if not isinstance(population, CellPopulation):
        raise InputError("population", population, "a geometry.CellPopulation")
    s_idx = SOURCES.index(_compartment("source", source, SOURCES))
    a_mean = non_negative("tia_Bq_s", tia_Bq_s)
    frac = in_range("labelled_fraction", labelled_fraction, 0.0, 1.0)
    sigma = non_negative("lognormal_sigma", lognormal_sigma)
    rc_all, rn_all = population.cell_radius_um, population.nucleus_radius_um
    if np.ptp(rc_all) > 1e-9 * rc_all.max() or np.ptp(rn_all) > 1e-9 * rn_all.max():
        raise InputError("population", "cells of several sizes", "cells of one size (R_C, R_N)")
    rc, rn = float(rc_all[0]), float(rn_all[0])
    n = population.n_cells
    rng = np.random.default_rng(seed)
    n_lab = round(frac * n)
    labelled = np.zeros(n, dtype=bool)
    labelled[rng.permutation(n)[:n_lab]] = True
    act = np.zeros(n)
    if sigma > 0:
        act[labelled] = a_mean * np.exp(sigma * rng.standard_normal(n_lab) - 0.5 * sigma**2)
    else:
        act[labelled] = a_mean
    # self-dose
    ds = daughter_sources
    table = s_values(
        nuclide, rc, rn, material=material, chain=chain, daughter_sources=ds, electron_model=electron_model
    )
    s_self = np.array([table.by_class[c][0, s_idx] for c in RADIATION_CLASSES])  # (class,)
    self_by = act[None, :] * s_self[:, None]
    # cross-dose table over distance
    tb = src.tables(material, electron_model)
    kernel = kn.point_kernel_for(_members(nuclide, chain, ds), tb.material, tb.electron_model)
    d_max = float(kernel.x_um[-1]) - kn.PAD_UM + 2 * rc
    cross_by = np.zeros((len(RADIATION_CLASSES), n))
    src_idx = np.nonzero(act > 0)[0]
    if n > 1 and src_idx.size:
        from scipy.spatial import cKDTree

        tree_all = cKDTree(population.centres_um)
        tree_src = cKDTree(population.centres_um[src_idx])
        sdm = tree_src.sparse_distance_matrix(tree_all, d_max, output_type="coo_matrix")
        i_src, j_tgt, dist = src_idx[sdm.row], sdm.col, sdm.data
        keep = i_src != j_tgt
        i_src, j_tgt, dist = i_src[keep], j_tgt[keep], dist[keep]
        if dist.size:
            if dist.min() < 2 * rc * (1 - 1e-6):
                raise InputError(
                    "population", f"cells {i_src[0]} and {j_tgt[0]} overlap", "non-overlapping cells"
                )
            lo, hi = 2 * rc, max(float(dist.max()), 2 * rc * 1.0001)
            grid = np.unique(
                np.concatenate((np.linspace(lo, min(hi, lo + 60.0), 121), np.geomspace(lo, hi, 160)))
            )
            e = _cross(kernel, grid, rc, rn, rc, rn)[:, :, 0, s_idx]  # (grid, class) MeV/decay into N
            s_cross = e * MEV_TO_J / _masses_kg(rc, rn, tb.density_g_cm3)[0]
            w = act[i_src]
            for c in range(len(RADIATION_CLASSES)):
                if not np.any(s_cross[:, c]):
                    continue
                vals = np.interp(dist, grid, s_cross[:, c]) * w
                cross_by[c] = np.bincount(j_tgt, vals, minlength=n)
    total_by = self_by + cross_by
    return ClusterDose(
        nucleus_dose_Gy=total_by.sum(axis=0),
        self_Gy=self_by.sum(axis=0),
        cross_Gy=cross_by.sum(axis=0),
        labelled=labelled,
        activity_Bq_s=act,
        by_class_Gy={c: total_by[i] for i, c in enumerate(RADIATION_CLASSES)},
    )
