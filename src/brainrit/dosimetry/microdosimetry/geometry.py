"""The world the α tracks cross: cells with nuclei, capillaries and a tissue box (:class:`MicroGeometry`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from brainrit.checks import array_finite, choice, positive
from brainrit.errors import InputError

__all__ = ["COMPARTMENTS", "MicroGeometry"]


#: Where decays can be placed. Capillary compartments need capillaries in the geometry; cell compartments
#: choose a labelled cell uniformly at random for every decay.
COMPARTMENTS = (
    "endothelial_surface",  # luminal surface of the capillary wall (antibody bound to VCAM-1)
    "lumen",  # uniformly in the capillary lumen (circulating activity)
    "endothelium",  # uniformly in the endothelial wall (between lumen and outer radius)
    "cell_surface",  # on the cell membrane (sphere of radius R_C)
    "cytoplasm",  # uniformly between R_N and R_C
    "nucleus",  # uniformly in the nucleus
    "cell",  # uniformly in the whole cell
    "tissue",  # uniformly in a box, outside capillary lumens (free daughters, e.g. released Bi-212)
)
_CAPILLARY_COMPARTMENTS = ("endothelial_surface", "lumen", "endothelium")
_CELL_COMPARTMENTS = ("cell_surface", "cytoplasm", "nucleus", "cell")


@dataclass(frozen=True)
class MicroGeometry:
    """Cells with nuclei, capillaries and a tissue box: the world the α tracks cross.

    Parameters
    ----------
    cells : CellPopulation
        Any object with ``centres_um`` (N, 3), ``cell_radius_um`` (N,) and ``nucleus_radius_um`` (N,)
        (e.g. from :mod:`brainrit.dosimetry.geometry`: lattices, spheroids, ``perivascular_cells``,
        ``cells_from_csv``). Nuclei are the targets; they should not overlap.
    capillaries : sequence of Capillary, optional
        Straight cylinders (``start_um``, ``end_um``, ``lumen_radius_um``, ``wall_thickness_um``); needed by
        the capillary source compartments. They do not stop α particles (tissue is water-equivalent).
    box_um : array_like, shape (2, 3), optional
        Lower and upper corners of the box used by ``"tissue"`` sources (µm). Default: the bounding box of
        the cells and capillaries.
    material : str
        Medium for the α range–energy table and the nucleus mass (default ``"water"``; see
        ``brainrit.physics.MATERIALS``).
    density_g_cm3 : float, optional
        Density override; default the material's density.
    grid_bin_um : float, optional
        Edge of the spatial-index bins (µm). Default: max(nucleus diameter, (box volume / N)^(1/3)).

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import cubic_lattice
    >>> g = MicroGeometry(cubic_lattice(3, 5.0, 3.0))
    >>> g.n_nuclei, g.box_um[1].tolist()
    (27, [15.0, 15.0, 15.0])
    """

    cells: Any
    capillaries: tuple = ()
    box_um: np.ndarray | None = None
    material: str = "water"
    density_g_cm3: float | None = None
    grid_bin_um: float | None = None

    def __post_init__(self) -> None:
        try:
            c = np.ascontiguousarray(self.cells.centres_um, dtype=float)
            rc = np.ascontiguousarray(self.cells.cell_radius_um, dtype=float)
            rn = np.ascontiguousarray(self.cells.nucleus_radius_um, dtype=float)
        except AttributeError:
            raise InputError(
                "cells", self.cells, "a CellPopulation (centres_um, cell_radius_um, nucleus_radius_um)"
            ) from None
        n = c.shape[0] if c.ndim == 2 else -1
        if n < 1 or c.shape != (n, 3) or rc.shape != (n,) or rn.shape != (n,):
            raise InputError("cells", self.cells, "a CellPopulation with at least one cell")
        array_finite("cells.centres_um", c)
        array_finite("cells.nucleus_radius_um", rn, low=0.0, strict_low=True)
        array_finite("cells.cell_radius_um", rc, low=0.0, strict_low=True)
        caps = tuple(self.capillaries) if self.capillaries is not None else ()
        for i, cap in enumerate(caps):
            if not all(
                hasattr(cap, a) for a in ("start_um", "end_um", "lumen_radius_um", "wall_thickness_um")
            ):
                raise InputError(f"capillaries[{i}]", cap, "a Capillary")
        object.__setattr__(self, "capillaries", caps)
        if self.box_um is None:
            lo = (c - rc[:, None]).min(axis=0)
            hi = (c + rc[:, None]).max(axis=0)
            for cap in caps:
                r = cap.lumen_radius_um + cap.wall_thickness_um
                ends = np.array([cap.start_um, cap.end_um], dtype=float)
                lo = np.minimum(lo, ends.min(axis=0) - r)
                hi = np.maximum(hi, ends.max(axis=0) + r)
            box = np.array([lo, hi])
        else:
            box = array_finite("box_um", self.box_um)
            if box.shape != (2, 3) or np.any(box[1] <= box[0]):
                raise InputError("box_um", self.box_um, "[[x0, y0, z0], [x1, y1, z1]] with x1 > x0 etc. (µm)")
        box.setflags(write=False)
        object.__setattr__(self, "box_um", box)
        choice("material", self.material, _materials())
        if self.density_g_cm3 is not None:
            object.__setattr__(self, "density_g_cm3", positive("density_g_cm3", self.density_g_cm3))
        if self.grid_bin_um is not None:
            object.__setattr__(self, "grid_bin_um", positive("grid_bin_um", self.grid_bin_um))
        for name, arr in (("_centres", c), ("_cell_r", rc), ("_nuc_r", rn)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_nuclei(self) -> int:
        """Number of cells (= nuclei)."""
        return int(self._centres.shape[0])

    @property
    def centres_um(self) -> np.ndarray:
        """Cell (and nucleus) centres, (N, 3) µm."""
        return self._centres

    @property
    def nucleus_radius_um(self) -> np.ndarray:
        """Nucleus radii (N,) µm."""
        return self._nuc_r

    @property
    def cell_radius_um(self) -> np.ndarray:
        """Cell radii (N,) µm."""
        return self._cell_r

    def resolved_density_g_cm3(self) -> float:
        """The density used for ranges and nucleus masses (g/cm³)."""
        if self.density_g_cm3 is not None:
            return float(self.density_g_cm3)
        from brainrit.physics import get_material

        return float(get_material(self.material).density_g_cm3)

    def nucleus_mass_kg(self) -> np.ndarray:
        """Mass of every nucleus (kg): ρ·(4/3)πR_N³."""
        rho = self.resolved_density_g_cm3()
        return rho * 1e-15 * (4.0 / 3.0) * np.pi * self._nuc_r**3  # g/cm³·µm³ → kg

    def overlapping_nuclei(self) -> int:
        """Number of pairs of nuclei that overlap (their energy would be counted twice along a track)."""
        if self.n_nuclei < 2:
            return 0
        from scipy.spatial import cKDTree

        pairs = cKDTree(self._centres).query_pairs(2.0 * float(self._nuc_r.max()), output_type="ndarray")
        if pairs.size == 0:
            return 0
        gap = np.linalg.norm(self._centres[pairs[:, 0]] - self._centres[pairs[:, 1]], axis=1)
        return int(np.sum(gap < self._nuc_r[pairs[:, 0]] + self._nuc_r[pairs[:, 1]] - 1e-9))

    def distance_to_nearest_capillary_um(self) -> np.ndarray:
        """Distance of each cell centre to the nearest capillary axis segment (µm); inf if none."""
        d = np.full(self.n_nuclei, np.inf)
        for cap in self.capillaries:
            a = np.asarray(cap.start_um, dtype=float)
            b = np.asarray(cap.end_um, dtype=float)
            ax = b - a
            length = float(np.linalg.norm(ax))
            p = self._centres - a
            t = np.clip(p @ (ax / length), 0.0, length)
            d = np.minimum(d, np.linalg.norm(p - t[:, None] * (ax / length), axis=1))
        return d


def _materials() -> tuple[str, ...]:
    """Materials with an α range table (``brainrit.physics``; "bone" has photon data only)."""
    from brainrit.physics import MATERIALS, get_material

    return tuple(m for m in MATERIALS if getattr(get_material(m), "astar", None))
