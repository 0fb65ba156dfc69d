"""Monte Carlo α microdosimetry: specific energy, hit statistics and survival of individual cell nuclei.

With a few α traversals per nucleus the mean absorbed dose misleads: some nuclei are never hit and
survive whatever the mean dose, and those cells set the control probability of a micrometastasis
(Roeske & Stinchcomb, J Nucl Med 1997;38:1923; Sgouros et al., MIRD Pamphlet 22, J Nucl Med 2010;51:311).
This module samples decays in geometric compartments (capillary lumen and luminal endothelial surface,
cell surface, cytoplasm, nucleus, free in tissue), follows each α particle along a straight track
(continuous slowing down, no range straggling, δ-rays deposited locally: the MIRD cellular approach,
Goddu et al., J Nucl Med 1994;35:303) and tallies, for every nucleus, the number of traversals and the
specific energy z = ε/m.

Energy deposited between two path lengths along a track comes from the range–energy kernel of
:mod:`brainrit.physics` (NIST ASTAR, water by default). The cost grows with the number of tracks, not
tracks × cells: nuclei are binned on a uniform grid and each track is walked through the grid bins it
crosses (3-D digital differential analyser, Amanatides & Woo, Eurographics 1987) and tested only
against the nuclei in those bins.

Decays are split into chunks whose number depends only on the problem; chunk *k* draws from
``numpy.random.SeedSequence(seed).spawn(...)[k]``, and the chunk tallies are summed in chunk order, so
the same seed gives identical results with any number of worker threads.

α-recoil nuclei (range ~0.1 µm) deposit their energy at the decay site. Electrons and photons are not
tracked: their mean dose to each nucleus is added analytically from :mod:`brainrit.dosimetry.cellular`
(self- and cross-dose S-values of cell sources) and :mod:`brainrit.dosimetry.vascular` (capillary
sources), or supplied by the caller (``low_let_dose_Gy``); the result's ``notes`` say what is included.
Survival: exp(−z/z₀) for the α part (Roeske & Stinchcomb 1997), LQ for the low-LET part; control
probability TCP = Π(1 − s_k) (cell-by-cell, REFERENCES_radiobiology.md §2.2, §2.6).

Examples
--------
>>> import numpy as np
>>> from brainrit.dosimetry.geometry import CellPopulation
>>> cells = CellPopulation([[0.0, 0.0, 0.0], [12.0, 0.0, 0.0]], 5.0, 3.0)
>>> src = Source("nucleus", alpha_energy_MeV=6.0)
>>> res = simulate(MicroGeometry(cells), [src], n_decays=2000, seed=1)
>>> res.n_nuclei, int(res.hits.sum()) >= 2000  # every decay hits its own nucleus
(2, True)
>>> 0.0 <= res.fraction_unhit <= 1.0
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numba
import numpy as np

from brainrit.checks import array_finite, choice, non_negative, positive
from brainrit.errors import BrainritError, InputError
from brainrit.physics import deposited_along_segment_MeV, range_um_from_energy  # numba kernels

__all__ = [
    "COMPARTMENTS",
    "DEFAULT_ALPHA_BETA_GY",
    "DEFAULT_ALPHA_LQ_PER_GY",
    "DEFAULT_Z0_GY",
    "MicroGeometry",
    "MicrodosimetryResult",
    "Source",
    "TCPDistribution",
    "activity_response",
    "simulate",
    "tcp_distribution",
]

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

#: Microdosimetric inactivation specific energy z0 (Gy): REFERENCES_radiobiology.md master table #15,
#: 0.5 Gy (range 0.1–1.0 Gy; Roeske & Stinchcomb, J Nucl Med 1997;38:1923; Akabani et al.,
#: Nucl Med Biol 2006). No z0 has been published for brain-metastatic lines: treat it as a free parameter.
DEFAULT_Z0_GY = 0.5
#: Photon LQ α for brain metastases (Gy⁻¹): REFERENCES_radiobiology.md master table #2 (0.3, range 0.1–0.6).
DEFAULT_ALPHA_LQ_PER_GY = 0.3
#: α/β for brain metastases (Gy): REFERENCES_radiobiology.md master table #1
#: (10 Gy; Loo et al., Cancers 2021).
DEFAULT_ALPHA_BETA_GY = 10.0

_MEV_TO_J = 1.602176634e-13
_ALPHA_MASS_U = 4.001506  # α-particle mass (u), CODATA 2018
#: Decays per chunk: fixes the number of chunks from the problem alone (never from the worker count).
_CHUNK_DECAYS = 32_768
_N_EVENT_BINS = 200
_EVENT_DECADES = 5.0
_MAX_GRID_BINS = 2_000_000
_MAX_DECAYS = 10**10
_MAX_REJECTION_ROUNDS = 200
#: Per-run memo for repeated simulations of one problem (activity_response, tcp_distribution): chain
#: programs, spatial index and analytic electron doses are computed once. None outside those loops.
_MEMO: ContextVar[dict | None] = ContextVar("brainrit_microdosimetry_memo", default=None)


def _memo(key: tuple, fn):
    """``fn()``, remembered under ``key`` while a repeated-simulation loop is running."""
    memo = _MEMO.get()
    if memo is None:
        return fn()
    if key not in memo:
        memo[key] = fn()
    return memo[key]


# ----------------------------------------------------------------------------------------------
# geometry
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# sources
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Decays of one radionuclide (with its chain) or of a monoenergetic α emitter in one compartment.

    Parameters
    ----------
    compartment : str
        One of :data:`COMPARTMENTS`.
    nuclide : str, optional
        Radionuclide, e.g. ``"Pb-212"`` (α lines from ICRP-107 through :mod:`brainrit.nuclides`).
    alpha_energy_MeV : float, optional
        Instead of ``nuclide``: one α of this energy per decay (for tests and S-value comparisons).
    chain : bool
        Follow the decay chain: every decay walks parent → daughter by the branching fractions, and each α
        branch emits one α with its line chosen by yield. Daughters decay where the parent sat (unless
        ``retained`` says otherwise). Default True.
    weight : float
        Decays of this source's parent per decay counted by ``n_decays`` (or per Bq·s of
        ``time_integrated_activity_Bq_s``). Default 1.
    retained : mapping of str to float, optional
        Probability that a daughter (and everything after it) stays at this site, e.g. ``{"Bi-212": 0.64}``
        when 36 % of ²¹²Bi leaves the chelate (Mirzadeh et al. 1993); decays that leave are not emitted by
        this source — model them with a second source (``Source("tissue", nuclide="Bi-212", weight=0.36)``).
    cells : array_like of int, optional
        Indices of the labelled cells (cell compartments only); default all cells.
    recoil : bool
        Score the α-recoil nucleus (E_R = E_α·m_α/m_daughter, range ~0.1 µm, deposited at the decay
        site): it adds to the event of the nucleus the decay sits in (as in the MIRD cellular S-values of
        :mod:`brainrit.dosimetry.cellular`). Default True; monoenergetic sources have no recoil.

    Examples
    --------
    >>> Source("nucleus", alpha_energy_MeV=5.0).label
    'alpha 5 MeV in nucleus'
    >>> Source("tissue", nuclide="Bi-212", weight=0.36).weight
    0.36
    """

    compartment: str
    nuclide: str | None = None
    alpha_energy_MeV: float | None = None
    chain: bool = True
    weight: float = 1.0
    retained: Mapping[str, float] = field(default_factory=dict)
    cells: np.ndarray | None = None
    recoil: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "compartment", choice("compartment", self.compartment, COMPARTMENTS))
        if (self.nuclide is None) == (self.alpha_energy_MeV is None):
            raise InputError(
                "nuclide / alpha_energy_MeV",
                (self.nuclide, self.alpha_energy_MeV),
                "exactly one of the two given",
            )
        if self.alpha_energy_MeV is not None:
            e = positive("alpha_energy_MeV", self.alpha_energy_MeV)
            if e > 100.0:
                raise InputError("alpha_energy_MeV", self.alpha_energy_MeV, "a number in (0, 100] MeV")
            object.__setattr__(self, "alpha_energy_MeV", e)
        if self.nuclide is not None and not isinstance(self.nuclide, str):
            raise InputError("nuclide", self.nuclide, "a radionuclide name such as 'Pb-212'")
        object.__setattr__(self, "weight", non_negative("weight", self.weight))
        if not isinstance(self.retained, Mapping):
            raise InputError("retained", self.retained, "a mapping daughter -> probability in [0, 1]")
        ret = {}
        for k, v in self.retained.items():
            x = non_negative(f"retained[{k!r}]", v)
            if x > 1.0:
                raise InputError(f"retained[{k!r}]", v, "a probability in [0, 1]")
            ret[str(k)] = x
        object.__setattr__(self, "retained", MappingProxyType(ret))
        if self.cells is not None:
            if self.compartment not in _CELL_COMPARTMENTS:
                raise InputError("cells", self.cells, f"None for compartment {self.compartment!r}")
            idx = np.asarray(self.cells)
            if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
                raise InputError("cells", self.cells, "a non-empty 1-D array of cell indices")
            idx = idx.astype(np.int64)
            idx.setflags(write=False)
            object.__setattr__(self, "cells", idx)

    @property
    def label(self) -> str:
        """Short description, e.g. ``'Pb-212 chain in endothelial_surface'``."""
        if self.alpha_energy_MeV is not None:
            return f"alpha {self.alpha_energy_MeV:g} MeV in {self.compartment}"
        return f"{self.nuclide}{' chain' if self.chain else ''} in {self.compartment}"


@dataclass(frozen=True)
class _Program:
    """A source's chain as arrays for vectorised sampling."""

    n_members: int
    # per member: list of (daughter index or -1 for untracked, branching, is_alpha, retained)
    branches: tuple[tuple[tuple[int, float, bool, float], ...], ...]
    # per member: (α energies, cumulative normalised yields) or None
    alpha_lines: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
    # per member: probability of an α when the α branch cannot be identified from the daughters
    loose_alpha: tuple[float, ...]
    names: tuple[str, ...]
    # per member: recoil energy of the daughter nucleus per MeV of α energy (0: recoil not scored)
    recoil_per_MeV: tuple[float, ...]


def _mass_number(name: str) -> int:
    tail = name.rsplit("-", 1)[-1]
    digits = "".join(ch for ch in tail if ch.isdigit())
    return int(digits) if digits else -1


def _program(src: Source) -> _Program:
    if src.alpha_energy_MeV is not None:
        lines = (np.array([src.alpha_energy_MeV]), np.array([1.0]))
        return _Program(1, ((),), (lines,), (1.0,), ("alpha",), (0.0,))
    from brainrit.nuclides import decay_chain, emissions, parse_name

    try:
        parent = parse_name(src.nuclide)
    except (BrainritError, ValueError, KeyError) as exc:
        raise InputError("nuclide", src.nuclide, "a known radionuclide name such as 'Pb-212'") from exc
    members = list(decay_chain(parent).members) if src.chain else [_single_member(parent)]
    index = {m.name: i for i, m in enumerate(members)}
    for k in src.retained:
        if k not in index:
            raise InputError(f"retained[{k!r}]", k, "a member of the chain: " + ", ".join(index))
    branches, lines, loose, names, recoil = [], [], [], [], []
    for m in members:
        names.append(m.name)
        a_parent = _mass_number(m.name)
        # momentum conservation: E_R = E_α·m_α/m_D (m_α = 4.0015 u; m_D ≈ (A − 4) u, error < 0.1 %)
        recoil.append(_ALPHA_MASS_U / (a_parent - 4) if src.recoil and a_parent > 8 else 0.0)
        if m.stable:
            branches.append(())
            lines.append(None)
            loose.append(0.0)
            continue
        em = emissions(m.name)
        e_a, y_a = em.lines.get("alpha", (np.zeros(0), np.zeros(0)))
        e_a, y_a = np.asarray(e_a, float), np.asarray(y_a, float)
        keep = y_a > 0
        e_a, y_a = e_a[keep], y_a[keep]
        br = []
        has_alpha_branch = False
        for d, frac in m.daughters:
            is_alpha = _mass_number(d) == a_parent - 4 and a_parent > 0
            has_alpha_branch |= is_alpha and frac > 0
            j = index.get(d, -1) if src.chain else -1
            br.append((j, float(frac), bool(is_alpha), float(src.retained.get(d, 1.0))))
        branches.append(tuple(br))
        if e_a.size:
            lines.append((e_a, np.cumsum(y_a) / y_a.sum()))
            loose.append(0.0 if has_alpha_branch else float(min(1.0, y_a.sum())))
        else:
            lines.append(None)
            loose.append(0.0)
    return _Program(len(members), tuple(branches), tuple(lines), tuple(loose), tuple(names), tuple(recoil))


def _single_member(name: str):
    from brainrit.nuclides import decay_chain

    return decay_chain(name).members[0]


def _sample_alphas(
    prog: _Program, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α emissions of ``n`` parent decays: (decay index, α energy MeV, recoil energy MeV) per α."""
    idx_out: list[np.ndarray] = []
    e_out: list[np.ndarray] = []
    r_out: list[np.ndarray] = []

    def emit(m: int, sel: np.ndarray) -> None:
        if sel.size == 0 or prog.alpha_lines[m] is None:
            return
        energies, cum = prog.alpha_lines[m]
        k = np.searchsorted(cum, rng.random(sel.size) * cum[-1], side="right")
        idx_out.append(sel)
        e = energies[np.minimum(k, energies.size - 1)]
        e_out.append(e)
        r_out.append(e * prog.recoil_per_MeV[m])

    reach: list[list[np.ndarray]] = [[] for _ in range(prog.n_members)]
    reach[0].append(np.arange(n, dtype=np.int64))
    for m in range(prog.n_members):
        if not reach[m]:
            continue
        here = np.sort(np.concatenate(reach[m])) if len(reach[m]) > 1 else reach[m][0]
        if here.size == 0:
            continue
        if prog.loose_alpha[m] > 0:
            emit(m, here[rng.random(here.size) < prog.loose_alpha[m]])
        br = prog.branches[m]
        if not br:
            continue
        u = rng.random(here.size)
        lo = 0.0
        for j, frac, is_alpha, kept in br:
            sel = here[(u >= lo) & (u < lo + frac)]
            lo += frac
            if is_alpha:
                emit(m, sel)
            if j >= 0 and sel.size:
                if kept < 1.0:
                    sel = sel[rng.random(sel.size) < kept]
                reach[j].append(sel)
    if not idx_out:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    return np.concatenate(idx_out), np.concatenate(e_out), np.concatenate(r_out)


def _unit_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    mu = 2.0 * rng.random(n) - 1.0
    phi = 2.0 * np.pi * rng.random(n)
    s = np.sqrt(np.maximum(0.0, 1.0 - mu * mu))
    return np.stack([s * np.cos(phi), s * np.sin(phi), mu], axis=1)


def _cap_frames(cap) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    a = np.asarray(cap.start_um, dtype=float)
    ax = np.asarray(cap.end_um, dtype=float) - a
    length = float(np.linalg.norm(ax))
    ez = ax / length
    helper = np.array([1.0, 0.0, 0.0]) if abs(ez[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    ex = np.cross(helper, ez)
    ex /= np.linalg.norm(ex)
    ey = np.cross(ez, ex)
    return a, ex, ey, ez, length


def _positions(
    geom: MicroGeometry, src: Source, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Decay positions (n, 3) µm and the cell of each decay (-1 outside cell compartments)."""
    comp = src.compartment
    no_cell = np.full(n, -1, np.int64)
    if comp in _CELL_COMPARTMENTS:
        cells = src.cells if src.cells is not None else None
        k = rng.integers(0, geom.n_nuclei if cells is None else cells.size, n)
        if cells is not None:
            k = cells[k]
        rc, rn = geom.cell_radius_um[k], geom.nucleus_radius_um[k]
        u = rng.random(n)
        if comp == "cell_surface":
            r = rc
        elif comp == "nucleus":
            r = rn * np.cbrt(u)
        elif comp == "cell":
            r = rc * np.cbrt(u)
        else:  # cytoplasm
            r = np.cbrt(rn**3 + u * (rc**3 - rn**3))
        return geom.centres_um[k] + r[:, None] * _unit_vectors(n, rng), k
    if comp == "tissue":
        lo, hi = geom.box_um
        out = np.empty((n, 3))
        todo = np.arange(n)
        for _attempt in range(_MAX_REJECTION_ROUNDS):
            if todo.size == 0:
                break
            p = lo + (hi - lo) * rng.random((todo.size, 3))
            inside = np.zeros(todo.size, bool)
            for cap in geom.capillaries:
                a, _, _, ez, length = _cap_frames(cap)
                q = p - a
                t = q @ ez
                rho2 = np.einsum("ij,ij->i", q, q) - t * t
                inside |= (t >= 0) & (t <= length) & (rho2 < cap.lumen_radius_um**2)
            out[todo[~inside]] = p[~inside]
            todo = todo[inside]
        if todo.size:
            raise InputError("box_um", geom.box_um.tolist(), "a box mostly outside the capillary lumens")
        return out, no_cell
    # capillary compartments: choose a capillary by area (surface) or volume
    caps = geom.capillaries
    frames = [_cap_frames(c) for c in caps]
    rl = np.array([c.lumen_radius_um for c in caps])
    ro = rl + np.array([c.wall_thickness_um for c in caps])
    lengths = np.array([f[4] for f in frames])
    if comp == "endothelial_surface":
        w = rl * lengths
    elif comp == "lumen":
        w = rl**2 * lengths
    else:
        w = (ro**2 - rl**2) * lengths
    k = np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n), side="right")
    k = np.minimum(k, len(caps) - 1)
    t = rng.random(n) * lengths[k]
    phi = 2.0 * np.pi * rng.random(n)
    if comp == "endothelial_surface":
        r = rl[k]
    elif comp == "lumen":
        r = rl[k] * np.sqrt(rng.random(n))
    else:
        r = np.sqrt(rl[k] ** 2 + rng.random(n) * (ro[k] ** 2 - rl[k] ** 2))
    a = np.array([f[0] for f in frames])[k]
    ex = np.array([f[1] for f in frames])[k]
    ey = np.array([f[2] for f in frames])[k]
    ez = np.array([f[3] for f in frames])[k]
    return a + t[:, None] * ez + (r * np.cos(phi))[:, None] * ex + (r * np.sin(phi))[:, None] * ey, no_cell


def _chunk_tracks(
    geom: MicroGeometry, src: Source, prog: _Program, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α tracks of ``n`` decays: start points (M, 3) µm, unit directions (M, 3), α energies (M,) MeV,
    recoil energies (M,) MeV, and the cell of every decay (n,) (-1 outside cell compartments)."""
    pos, cell = _positions(geom, src, n, rng)
    which, energies, recoil = _sample_alphas(prog, n, rng)
    return (
        np.ascontiguousarray(pos[which]),
        _unit_vectors(which.size, rng),
        np.ascontiguousarray(energies, dtype=np.float64),
        np.ascontiguousarray(recoil, dtype=np.float64),
        cell,
    )


def _brute_force_numpy(
    pos: np.ndarray,
    dirs: np.ndarray,
    energy: np.ndarray,
    centres: np.ndarray,
    radius: np.ndarray,
    gy_per_mev: np.ndarray,
    table_e: np.ndarray,
    table_r: np.ndarray,
    chunk: int = 2048,
) -> tuple[np.ndarray, np.ndarray]:
    """Reference: every track against every nucleus, vectorised numpy in chunks of tracks.

    Same physics as the grid walker (linear interpolation of the same range table); used by the tests and
    as the baseline of the benchmark. Returns (hits, z_Gy) per nucleus.
    """
    n = centres.shape[0]
    hits = np.zeros(n, np.int64)
    z = np.zeros(n)
    for a in range(0, pos.shape[0], chunk):
        p, u, e = pos[a : a + chunk], dirs[a : a + chunk], energy[a : a + chunk]
        r0 = np.interp(e, table_e, table_r)
        o = p[:, None, :] - centres[None, :, :]  # (T, N, 3)
        b = np.einsum("tnk,tk->tn", o, u)
        c = np.einsum("tnk,tnk->tn", o, o) - radius[None, :] ** 2
        disc = b * b - c
        sq = np.sqrt(np.maximum(disc, 0.0))
        s_in = np.maximum(0.0, -b - sq)
        s_out = np.minimum(r0[:, None], -b + sq)
        ok = (disc > 0) & (s_out > s_in)
        ti, ni = np.nonzero(ok)
        rr = r0[ti]
        e1 = np.interp(rr - s_in[ti, ni], table_r, table_e)
        e2 = np.where(s_out[ti, ni] >= rr, 0.0, np.interp(rr - s_out[ti, ni], table_r, table_e))
        e1 = np.where(s_in[ti, ni] <= 0.0, e[ti], e1)
        dep = e1 - e2
        good = dep > 0
        np.add.at(hits, ni[good], 1)
        np.add.at(z, ni[good], dep[good] * gy_per_mev[ni[good]])
    return hits, z


# ----------------------------------------------------------------------------------------------
# spatial index and track walker (numba)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    lo: np.ndarray  # (3,)
    bin_um: float
    shape: np.ndarray  # (3,) int64
    start: np.ndarray  # (nbins + 1,) int64, CSR offsets
    items: np.ndarray  # nucleus indices, int64


@numba.njit(cache=True, nogil=True)
def _fill_grid(centres, radius, lo, h, shape, start, items, count_only):  # pragma: no cover - numba
    nx, ny, nz = shape[0], shape[1], shape[2]
    for i in range(centres.shape[0]):
        i0 = max(0, math.floor((centres[i, 0] - radius[i] - lo[0]) / h))
        i1 = min(nx - 1, math.floor((centres[i, 0] + radius[i] - lo[0]) / h))
        j0 = max(0, math.floor((centres[i, 1] - radius[i] - lo[1]) / h))
        j1 = min(ny - 1, math.floor((centres[i, 1] + radius[i] - lo[1]) / h))
        k0 = max(0, math.floor((centres[i, 2] - radius[i] - lo[2]) / h))
        k1 = min(nz - 1, math.floor((centres[i, 2] + radius[i] - lo[2]) / h))
        for a in range(i0, i1 + 1):
            for b in range(j0, j1 + 1):
                for c in range(k0, k1 + 1):
                    flat = (a * ny + b) * nz + c
                    if count_only:
                        start[flat + 1] += 1
                    else:
                        items[start[flat]] = i
                        start[flat] += 1


def _build_grid(geom: MicroGeometry) -> _Grid:
    c, r = geom.centres_um, geom.nucleus_radius_um
    lo = (c - r[:, None]).min(axis=0) - 1e-6
    hi = (c + r[:, None]).max(axis=0) + 1e-6
    ext = hi - lo
    if geom.grid_bin_um is not None:
        h = float(geom.grid_bin_um)
    else:
        h = max(2.0 * float(r.max()), float(np.prod(ext) / c.shape[0]) ** (1.0 / 3.0))
    while np.prod(np.ceil(ext / h)) > _MAX_GRID_BINS:
        h *= 1.25
    shape = np.maximum(1, np.ceil(ext / h)).astype(np.int64)
    nbins = int(np.prod(shape))
    start = np.zeros(nbins + 1, np.int64)
    dummy = np.zeros(1, np.int64)
    _fill_grid(c, r, lo, h, shape, start, dummy, True)
    start = np.cumsum(start)
    items = np.empty(int(start[-1]), np.int64)
    cursor = start.copy()
    _fill_grid(c, r, lo, h, shape, cursor, items, False)
    return _Grid(lo, h, shape, start, items)


@numba.njit(cache=True, nogil=True)
def _walk_tracks(
    pos,
    dirs,
    energy,
    recoil,
    centres,
    radius,
    gy_per_mev,
    lo,
    h,
    shape,
    start,
    items,
    table_e,
    table_r,
    log_lo,
    inv_dlog,
    hits,
    z,
    ev_hist,
    acc,
    stamp,
):  # pragma: no cover - numba (tested through simulate)
    """Deposit every track in the nuclei it crosses.

    z: (N, 2) per nucleus [Σz, Σz²] over events.
    acc: [n_events, Σz_event, Σz_event², E emitted (MeV), E deposited in nuclei (MeV), max track fraction].
    """
    nx, ny, nz = shape[0], shape[1], shape[2]
    hi0, hi1, hi2 = lo[0] + nx * h, lo[1] + ny * h, lo[2] + nz * h
    nb = ev_hist.shape[0] - 2
    for k in range(pos.shape[0]):
        e0 = energy[k]
        acc[3] += e0 + recoil[k]
        rng_um = range_um_from_energy(e0, table_e, table_r)
        if rng_um <= 0.0:
            continue
        px, py, pz = pos[k, 0], pos[k, 1], pos[k, 2]
        ux, uy, uz = dirs[k, 0], dirs[k, 1], dirs[k, 2]
        # clip the segment [0, range] to the grid box (slab method)
        t0, t1 = 0.0, rng_um
        ok = True
        for ax in range(3):
            if ax == 0:
                p, u, a, b = px, ux, lo[0], hi0
            elif ax == 1:
                p, u, a, b = py, uy, lo[1], hi1
            else:
                p, u, a, b = pz, uz, lo[2], hi2
            if abs(u) < 1e-300:
                if p < a or p > b:
                    ok = False
            else:
                ta = (a - p) / u
                tb = (b - p) / u
                if ta > tb:
                    ta, tb = tb, ta
                t0 = max(t0, ta)
                t1 = min(t1, tb)
        if not ok or t0 >= t1:
            continue
        tm = 0.5 * (t0 + min(t1, t0 + 1e-9 * h + 1e-12))
        ix = min(nx - 1, max(0, math.floor((px + tm * ux - lo[0]) / h)))
        iy = min(ny - 1, max(0, math.floor((py + tm * uy - lo[1]) / h)))
        iz = min(nz - 1, max(0, math.floor((pz + tm * uz - lo[2]) / h)))
        sx = 1 if ux > 0 else -1
        sy = 1 if uy > 0 else -1
        sz = 1 if uz > 0 else -1
        inf = 1e300
        tmx = ((lo[0] + (ix + (1 if ux > 0 else 0)) * h) - px) / ux if ux != 0 else inf
        tmy = ((lo[1] + (iy + (1 if uy > 0 else 0)) * h) - py) / uy if uy != 0 else inf
        tmz = ((lo[2] + (iz + (1 if uz > 0 else 0)) * h) - pz) / uz if uz != 0 else inf
        tdx = h / abs(ux) if ux != 0 else inf
        tdy = h / abs(uy) if uy != 0 else inf
        tdz = h / abs(uz) if uz != 0 else inf
        track_dep = 0.0
        while True:
            flat = (ix * ny + iy) * nz + iz
            for q in range(start[flat], start[flat + 1]):
                i = items[q]
                if stamp[i] == k:
                    continue
                stamp[i] = k
                ox, oy, oz = px - centres[i, 0], py - centres[i, 1], pz - centres[i, 2]
                b = ox * ux + oy * uy + oz * uz
                c = ox * ox + oy * oy + oz * oz - radius[i] * radius[i]
                disc = b * b - c
                if disc <= 0.0:
                    continue
                sq = math.sqrt(disc)
                s_in = max(0.0, -b - sq)
                s_out = min(rng_um, -b + sq)
                if s_out <= s_in:
                    continue
                dep = deposited_along_segment_MeV(e0, s_in, s_out, table_e, table_r)
                if c < 0.0:  # the decay sits in this nucleus: its recoil nucleus stops here
                    dep += recoil[k]
                if dep <= 0.0:
                    continue
                zi = dep * gy_per_mev[i]
                hits[i] += 1
                z[i, 0] += zi
                z[i, 1] += zi * zi
                track_dep += dep
                acc[0] += 1.0
                acc[1] += zi
                acc[2] += zi * zi
                jb = math.floor((math.log(zi) - log_lo) * inv_dlog)
                if jb < 0:
                    ev_hist[0] += 1
                elif jb >= nb:
                    ev_hist[nb + 1] += 1
                else:
                    ev_hist[jb + 1] += 1
            # next bin
            if tmx <= tmy and tmx <= tmz:
                if tmx > t1:
                    break
                ix += sx
                if ix < 0 or ix >= nx:
                    break
                tmx += tdx
            elif tmy <= tmz:
                if tmy > t1:
                    break
                iy += sy
                if iy < 0 or iy >= ny:
                    break
                tmy += tdy
            else:
                if tmz > t1:
                    break
                iz += sz
                if iz < 0 or iz >= nz:
                    break
                tmz += tdz
        acc[4] += track_dep
        frac = track_dep / (e0 + recoil[k])
        if frac > acc[5]:
            acc[5] = frac


# ----------------------------------------------------------------------------------------------
# result
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MicrodosimetryResult:
    """Per-nucleus α tallies of one Monte Carlo realisation.

    Attributes
    ----------
    hits : ndarray (N,) int64
        Number of α traversals of each nucleus (any track segment inside it, including tracks that start
        inside).
    z_Gy : ndarray (N,)
        Total α specific energy of each nucleus (Gy).
    z2_event_sum_Gy2 : ndarray (N,)
        Sum of the squares of the single-event specific energies of each nucleus (Gy²): with ``hits``
        and ``z_Gy`` it gives each nucleus's single-event mean and variance.
    nucleus_mass_kg : ndarray (N,)
    low_let_dose_Gy : ndarray (N,)
        Low-LET (electron) absorbed dose added analytically; zeros when ``electrons_included`` is False.
    electrons_included : bool
    single_event_edges_Gy : ndarray
        Log-spaced bin edges of the single-event spectrum (Gy).
    single_event_counts : ndarray (int64)
        Events per bin; ``single_event_underflow`` / ``single_event_overflow`` outside the edges.
    single_event_mean_Gy, single_event_var_Gy2 : float
        Exact mean and variance of the single-event specific energy z₁ (from sums, not from the bins).
    n_events : int
    n_decays : tuple of int
        Parent decays simulated, per source.
    n_tracks : int
    energy_emitted_MeV, energy_deposited_MeV : float
        α energy emitted and deposited in nuclei (MeV).
    max_track_deposit_fraction : float
        Largest fraction of one α's energy deposited in nuclei (≤ 1 when nuclei do not overlap).
    source_labels : tuple of str
    seed : int
    n_chunks : int
    notes : tuple of str
        What is and is not included.
    distance_to_capillary_um : ndarray (N,)
        Distance of each cell centre to the nearest capillary axis (inf without capillaries).

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import cubic_lattice
    >>> r = simulate(cubic_lattice(3, 5.0, 3.0), Source("cell", alpha_energy_MeV=6.0), n_decays=300, seed=4)
    >>> int(r.hits.sum()) == r.n_events, r.n_chunks
    (True, 1)
    >>> bool(np.all(r.survival(z0_Gy=0.5) <= 1.0)), 0.0 <= r.tcp() <= 1.0
    (True, True)
    """

    hits: np.ndarray
    z_Gy: np.ndarray
    z2_event_sum_Gy2: np.ndarray
    nucleus_mass_kg: np.ndarray
    low_let_dose_Gy: np.ndarray
    electrons_included: bool
    single_event_edges_Gy: np.ndarray
    single_event_counts: np.ndarray
    single_event_underflow: int
    single_event_overflow: int
    single_event_mean_Gy: float
    single_event_var_Gy2: float
    n_events: int
    n_decays: tuple[int, ...]
    n_tracks: int
    energy_emitted_MeV: float
    energy_deposited_MeV: float
    max_track_deposit_fraction: float
    source_labels: tuple[str, ...]
    seed: int
    n_chunks: int
    notes: tuple[str, ...]
    distance_to_capillary_um: np.ndarray

    def __post_init__(self) -> None:
        for name in (
            "hits",
            "z_Gy",
            "z2_event_sum_Gy2",
            "nucleus_mass_kg",
            "low_let_dose_Gy",
            "single_event_edges_Gy",
            "single_event_counts",
            "distance_to_capillary_um",
        ):
            getattr(self, name).setflags(write=False)

    @property
    def n_nuclei(self) -> int:
        """Number of nuclei tallied."""
        return int(self.hits.size)

    @property
    def z_per_event_Gy(self) -> np.ndarray:
        """Mean specific energy per traversal of each nucleus (Gy); NaN for nuclei never hit."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.hits > 0, self.z_Gy / np.maximum(self.hits, 1), np.nan)

    @property
    def fraction_unhit(self) -> float:
        """Fraction of nuclei with no α traversal."""
        return float(np.mean(self.hits == 0))

    @property
    def mean_z_Gy(self) -> float:
        """Mean α specific energy over all nuclei (Gy): the mean nucleus α dose."""
        return float(np.mean(self.z_Gy))

    def single_event_spectrum(self) -> tuple[np.ndarray, np.ndarray]:
        """f₁(z): (bin centres in Gy, probability density per Gy), normalised over all events.

        Examples
        --------
        >>> from brainrit.dosimetry.geometry import CellPopulation
        >>> g = MicroGeometry(CellPopulation([[0.0, 0, 0]], 5.0, 3.0))
        >>> r = simulate(g, [Source("cytoplasm", alpha_energy_MeV=5.0)], n_decays=500, seed=0)
        >>> zc, f = r.single_event_spectrum()
        >>> bool(abs(np.sum(f * np.diff(r.single_event_edges_Gy)) - 1.0) < 1e-9)
        True
        """
        e = self.single_event_edges_Gy
        centres = np.sqrt(e[:-1] * e[1:])
        total = max(self.n_events, 1)
        return centres, self.single_event_counts / (total * np.diff(e))

    def multi_event_spectrum(self, bins: int | np.ndarray = 50) -> tuple[np.ndarray, np.ndarray, float]:
        """Distribution of total specific energy over nuclei for this number of decays.

        Returns
        -------
        edges_Gy : ndarray
            Bin edges over (0, max z].
        fraction : ndarray
            Fraction of all nuclei in each bin (nuclei with z > 0).
        fraction_zero : float
            Fraction of nuclei with z = 0 (the δ at zero of the multi-event spectrum).
        """
        hit = self.z_Gy[self.z_Gy > 0]
        if isinstance(bins, int | np.integer):
            top = float(hit.max()) if hit.size else 1.0
            edges = np.linspace(0.0, top * (1 + 1e-12), int(bins) + 1)
        else:
            edges = np.asarray(bins, dtype=float)
        counts, _ = np.histogram(hit, edges)
        return edges, counts / self.n_nuclei, float(np.mean(self.z_Gy == 0))

    def by_distance(
        self, band_edges_um: Sequence[float], *, z_bins_Gy: Sequence[float] | None = None
    ) -> list[dict[str, Any]]:
        """Summary per band of distance from the nearest capillary axis (µm).

        Each band gives the number of nuclei, mean z, mean hits, fraction unhit and, when ``z_bins_Gy``
        (increasing bin edges, Gy) is given, ``z_histogram``: the fraction of the band's nuclei in each
        z bin (nuclei with z = 0 are counted by ``fraction_unhit`` only when 0 is below the first edge).

        Examples
        --------
        >>> from brainrit.dosimetry.geometry import Capillary, perivascular_cells
        >>> cap = Capillary([0, 0, 0], [0, 0, 60], 3.0, 0.5)
        >>> g = MicroGeometry(perivascular_cells(cap, 30.0, 5.0, 3.0, 0.3, seed=2), (cap,))
        >>> r = simulate(g, Source("endothelial_surface", alpha_energy_MeV=8.78), n_decays=2000, seed=1)
        >>> bands = r.by_distance([0, 15, 40], z_bins_Gy=[0.0, 1.0, 10.0, 100.0])
        >>> [b["n_nuclei"] for b in bands] == [int(np.sum(r.distance_to_capillary_um < 15)),
        ...                                    int(np.sum(r.distance_to_capillary_um >= 15))]
        True
        """
        edges = np.asarray(band_edges_um, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise InputError(
                "band_edges_um", band_edges_um, "an increasing sequence of at least 2 distances (µm)"
            )
        zb = None
        if z_bins_Gy is not None:
            zb = np.asarray(z_bins_Gy, dtype=float)
            if zb.ndim != 1 or zb.size < 2 or np.any(np.diff(zb) <= 0) or not np.all(np.isfinite(zb)):
                raise InputError("z_bins_Gy", z_bins_Gy, "an increasing sequence of at least 2 edges (Gy)")
        out = []
        d = self.distance_to_capillary_um
        for a, b in itertools.pairwise(edges):
            m = (d >= a) & (d < b)
            n = int(m.sum())
            out.append(
                {
                    "from_um": float(a),
                    "to_um": float(b),
                    "n_nuclei": n,
                    "mean_z_Gy": float(self.z_Gy[m].mean()) if n else math.nan,
                    "mean_hits": float(self.hits[m].mean()) if n else math.nan,
                    "fraction_unhit": float(np.mean(self.hits[m] == 0)) if n else math.nan,
                }
            )
            if zb is not None:
                counts = np.histogram(self.z_Gy[m], zb)[0]
                out[-1]["z_bins_Gy"] = zb.tolist()
                out[-1]["z_histogram"] = (counts / max(n, 1)).tolist()
        return out

    def single_event_laplace(self, z0_Gy: float) -> float:
        """T₁(z₀) = ∫ f₁(z) e^{−z/z₀} dz from the single-event histogram (bin centres).

        The mean survival of nuclei receiving a Poisson number of events with mean n̄ is
        exp{−n̄ [1 − T₁(z₀)]} (Roeske & Stinchcomb 1997; REFERENCES_radiobiology.md §2.6). Underflow events
        count as z ≈ 0, overflow events as z = the top edge. Returns 1 when there are no events.
        """
        z0 = positive("z0_Gy", z0_Gy)
        if self.n_events == 0:
            return 1.0
        e = self.single_event_edges_Gy
        centres = np.sqrt(e[:-1] * e[1:])
        total = float(np.sum(self.single_event_counts * np.exp(-centres / z0)))
        total += self.single_event_underflow + self.single_event_overflow * math.exp(-e[-1] / z0)
        return total / self.n_events

    def survival(
        self,
        *,
        z0_Gy: float = DEFAULT_Z0_GY,
        alpha_per_Gy: float = DEFAULT_ALPHA_LQ_PER_GY,
        alpha_beta_Gy: float = DEFAULT_ALPHA_BETA_GY,
        g_factor: float = 1.0,
    ) -> np.ndarray:
        """Survival probability of every cell: exp(−z/z₀) for α times LQ for the low-LET dose.

        s_k = exp(−z_k/z₀) · exp(−α D_k − β G D_k²), β = α/(α/β) (Roeske & Stinchcomb 1997 for the α part;
        Lea–Catcheside G = 1 for an acute dose, λ/(λ+μ) for a decaying source, REFERENCES_radiobiology §1.2).
        Defaults: z₀ = 0.5 Gy (REFERENCES_radiobiology master table #15), α = 0.3 Gy⁻¹ (#2), α/β = 10 Gy (#1).
        """
        z0 = positive("z0_Gy", z0_Gy)
        a = non_negative("alpha_per_Gy", alpha_per_Gy)
        ab = positive("alpha_beta_Gy", alpha_beta_Gy)
        g = non_negative("g_factor", g_factor)
        if g > 1.0:
            raise InputError("g_factor", g_factor, "a number in [0, 1]")
        d = self.low_let_dose_Gy
        return np.exp(-self.z_Gy / z0 - a * d - (a / ab) * g * d * d)

    def surviving_fraction(self, **kwargs: float) -> float:
        """Population surviving fraction: mean of :meth:`survival` over all cells."""
        return float(np.mean(self.survival(**kwargs)))

    def tcp(self, *, clonogenic: np.ndarray | None = None, **kwargs: float) -> float:
        """Control probability TCP = Π_k (1 − s_k) over the clonogenic cells (all by default).

        Cell-by-cell binomial TCP (REFERENCES_radiobiology §2.2, §2.6), computed as exp(Σ log(1 − s_k)).
        """
        s = self.survival(**kwargs)
        if clonogenic is not None:
            mask = np.asarray(clonogenic)
            if mask.shape != s.shape or mask.dtype != bool:
                raise InputError("clonogenic", clonogenic, f"a boolean array of shape {s.shape}")
            s = s[mask]
        with np.errstate(divide="ignore"):
            return float(np.exp(np.sum(np.log1p(-s))))

    def summary(self) -> dict[str, Any]:
        """Plain-number summary (JSON-serialisable)."""
        return {
            "n_nuclei": self.n_nuclei,
            "n_decays": list(self.n_decays),
            "n_tracks": self.n_tracks,
            "sources": list(self.source_labels),
            "mean_z_Gy": self.mean_z_Gy,
            "median_z_Gy": float(np.median(self.z_Gy)),
            "max_z_Gy": float(self.z_Gy.max()),
            "mean_hits": float(self.hits.mean()),
            "fraction_unhit": self.fraction_unhit,
            "n_events": self.n_events,
            "single_event_mean_Gy": self.single_event_mean_Gy,
            "single_event_sd_Gy": math.sqrt(max(self.single_event_var_Gy2, 0.0)),
            "energy_emitted_MeV": self.energy_emitted_MeV,
            "energy_deposited_in_nuclei_MeV": self.energy_deposited_MeV,
            "mean_low_let_dose_Gy": float(self.low_let_dose_Gy.mean()),
            "electrons_included": self.electrons_included,
            "surviving_fraction": self.surviving_fraction(),
            "tcp": self.tcp(),
            "seed": self.seed,
            "n_chunks": self.n_chunks,
            "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------------------------
# simulation
# ----------------------------------------------------------------------------------------------


def _decay_counts(
    sources: Sequence[Source], n_decays: Any, tia: Any, root: np.random.SeedSequence
) -> tuple[int, ...]:
    if (n_decays is None) == (tia is None):
        raise InputError(
            "n_decays / time_integrated_activity_Bq_s", (n_decays, tia), "exactly one of the two given"
        )
    w = np.array([s.weight for s in sources])
    if n_decays is not None:
        if (
            isinstance(n_decays, bool)
            or not isinstance(n_decays, int | np.integer)
            or not 0 <= n_decays <= _MAX_DECAYS
        ):
            raise InputError("n_decays", n_decays, f"an integer in [0, {_MAX_DECAYS:g}]")
        return tuple(round(int(n_decays) * x) for x in w)
    a = non_negative("time_integrated_activity_Bq_s", tia)
    if a * w.sum() > _MAX_DECAYS:
        raise InputError("time_integrated_activity_Bq_s", tia, f"at most {_MAX_DECAYS:g} decays in all")
    rng = np.random.default_rng(root)
    return tuple(int(rng.poisson(a * x)) for x in w)


def _seed_int(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError("seed", seed, "a non-negative integer")
    return int(seed)


def _range_table(geom: MicroGeometry, range_table: Any) -> tuple[np.ndarray, np.ndarray]:
    if range_table is None:
        from brainrit.physics import alpha_range_table

        range_table = alpha_range_table(geom.material, geom.density_g_cm3)
    try:
        e = np.ascontiguousarray(range_table.energy_MeV, dtype=np.float64)
        r = np.ascontiguousarray(range_table.range_um, dtype=np.float64)
    except AttributeError:
        raise InputError("range_table", range_table, "a RangeTable (energy_MeV, range_um)") from None
    if e.ndim != 1 or e.shape != r.shape or e.size < 2 or np.any(np.diff(e) <= 0) or np.any(np.diff(r) <= 0):
        raise InputError(
            "range_table", range_table, "ascending energy_MeV and range_um arrays of equal length"
        )
    return e, r


def simulate(
    geometry: MicroGeometry | Any,
    sources: Source | Iterable[Source],
    *,
    n_decays: int | None = None,
    time_integrated_activity_Bq_s: float | None = None,
    seed: int,
    workers: int = 1,
    progress: bool = False,
    low_let_dose_Gy: float | np.ndarray | None = None,
    electron_dose: bool = True,
    range_table: Any = None,
) -> MicrodosimetryResult:
    """Monte Carlo α tracks from decays in compartments: hits and specific energy of every nucleus.

    Parameters
    ----------
    geometry : MicroGeometry or CellPopulation
        Cells (nuclei are the targets), capillaries, tissue box and medium.
    sources : Source or iterable of Source
        Where the decays happen and what emits the α particles.
    n_decays : int, optional
        Exactly ``round(n_decays · weight)`` parent decays per source.
    time_integrated_activity_Bq_s : float, optional
        Instead of ``n_decays``: the expected number of decays (Bq·s); the number simulated per source is
        Poisson with mean TIA · weight. Give exactly one of the two.
    seed : int
        Seed of ``numpy.random.SeedSequence``; same seed → same result for any ``workers``.
    workers : int
        Threads (the numba walker releases the GIL). Default 1.
    progress : bool
        Show a progress bar (rich). Default False.
    low_let_dose_Gy : float or ndarray (N,), optional
        Low-LET (electron + photon) absorbed dose of each nucleus (Gy), e.g. from
        ``brainrit.dosimetry.cellular`` or ``vascular``; used by the LQ part of the
        survival. When omitted, see ``electron_dose``; the result's ``notes`` and
        ``electrons_included`` say what low-LET dose is in.
    electron_dose : bool
        When ``low_let_dose_Gy`` is omitted, add the mean electron + photon dose analytically (it is not
        tracked): for radionuclide sources in cell compartments, the self-dose of each labelled cell's
        nucleus (decays in that cell × S(N ← source) without the α classes,
        :func:`brainrit.dosimetry.cellular.s_value`) and the cross-dose between the cells of the geometry
        (``cellular.cross_s_value``, cells of one size); for capillary sources, the nucleus dose from
        :func:`brainrit.dosimetry.vascular.dose_at_points` (per decay per µm of vessel) × decays per µm.
        Not included (and said so in ``notes``): tissue sources, and activity outside the geometry.
        Default True.
    range_table : RangeTable, optional
        α range–energy table override (default ``brainrit.physics.alpha_range_table`` of the geometry's
        material and density).

    Returns
    -------
    MicrodosimetryResult

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import Capillary, perivascular_cells
    >>> cap = Capillary([0, 0, 0], [0, 0, 60], 3.0, 0.5)
    >>> cells = perivascular_cells(cap, 20.0, 5.0, 3.0, 0.3, seed=2)
    >>> g = MicroGeometry(cells, (cap,))
    >>> r = simulate(g, Source("endothelial_surface", alpha_energy_MeV=8.78), n_decays=5000, seed=7)
    >>> r.n_tracks, r.electrons_included
    (5000, False)
    >>> src = Source("endothelial_surface", alpha_energy_MeV=8.78)
    >>> r2 = simulate(g, src, n_decays=5000, seed=7, workers=2)
    >>> bool(np.array_equal(r.z_Gy, r2.z_Gy))
    True
    """
    geom = geometry if isinstance(geometry, MicroGeometry) else MicroGeometry(geometry)
    srcs = (sources,) if isinstance(sources, Source) else tuple(sources)
    if not srcs or not all(isinstance(s, Source) for s in srcs):
        raise InputError("sources", sources, "a Source or a non-empty sequence of Source")
    for i, s in enumerate(srcs):
        if s.compartment in _CAPILLARY_COMPARTMENTS and not geom.capillaries:
            raise InputError(
                f"sources[{i}].compartment",
                s.compartment,
                "a cell or tissue compartment (the geometry has no capillaries)",
            )
        if s.compartment == "endothelium" and all(c.wall_thickness_um <= 0 for c in geom.capillaries):
            raise InputError(
                f"sources[{i}].compartment",
                s.compartment,
                "used with capillaries whose wall_thickness_um > 0",
            )
        if s.cells is not None and (s.cells.min() < 0 or s.cells.max() >= geom.n_nuclei):
            raise InputError(f"sources[{i}].cells", s.cells, f"indices in [0, {geom.n_nuclei - 1}]")
    seed_i = _seed_int(seed)
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or not 1 <= workers <= 256:
        raise InputError("workers", workers, "an integer in [1, 256]")
    n = geom.n_nuclei
    if low_let_dose_Gy is not None:
        low = array_finite("low_let_dose_Gy", low_let_dose_Gy, low=0.0)
        low = np.broadcast_to(low, (n,)).astype(float) if low.ndim == 0 or low.shape == (n,) else None
        if low is None:
            raise InputError("low_let_dose_Gy", low_let_dose_Gy, f"a scalar or an array of shape ({n},)")
    table_e, table_r = _range_table(geom, range_table)

    root = np.random.SeedSequence(seed_i)
    count_ss, chunk_ss = root.spawn(2)
    counts = _decay_counts(srcs, n_decays, time_integrated_activity_Bq_s, count_ss)
    programs = [_memo(("program", i), lambda s=s: _program(s)) for i, s in enumerate(srcs)]
    plan: list[tuple[int, int]] = []
    for si, c in enumerate(counts):
        full, rest = divmod(c, _CHUNK_DECAYS)
        plan += [(si, _CHUNK_DECAYS)] * full + ([(si, rest)] if rest else [])
    seeds = chunk_ss.spawn(len(plan)) if plan else []

    grid = _memo(("grid",), lambda: _build_grid(geom))
    mass = geom.nucleus_mass_kg()
    gy_per_mev = _MEV_TO_J / mass
    e_top = max(_max_energy(pr) for pr in programs)
    z_top = e_top * float(gy_per_mev.max())
    log_hi = math.log(z_top) + 1e-9
    log_lo = log_hi - _EVENT_DECADES * math.log(10.0)
    inv_dlog = _N_EVENT_BINS / (log_hi - log_lo)
    edges = np.exp(np.linspace(log_lo, log_hi, _N_EVENT_BINS + 1))

    def run_chunk(job: tuple[tuple[int, int], np.random.SeedSequence]):
        (si, nd), ss = job
        p, d, energies, recoil, cell = _chunk_tracks(
            geom, srcs[si], programs[si], nd, np.random.default_rng(ss)
        )
        per_cell = np.bincount(cell[cell >= 0], minlength=n)
        hits = np.zeros(n, np.int64)
        z = np.zeros((n, 2))
        hist = np.zeros(_N_EVENT_BINS + 2, np.int64)
        acc = np.zeros(6)
        stamp = np.full(n, -1, np.int64)
        _walk_tracks(
            p,
            d,
            energies,
            recoil,
            geom.centres_um,
            geom.nucleus_radius_um,
            gy_per_mev,
            grid.lo,
            grid.bin_um,
            grid.shape,
            grid.start,
            grid.items,
            table_e,
            table_r,
            log_lo,
            inv_dlog,
            hits,
            z,
            hist,
            acc,
            stamp,
        )
        return si, hits, z, hist, acc, int(energies.size), per_cell

    hits = np.zeros(n, np.int64)
    z = np.zeros((n, 2))
    hist = np.zeros(_N_EVENT_BINS + 2, np.int64)
    acc = np.zeros(6)
    n_tracks = 0
    decays_in_cell = np.zeros((len(srcs), n), np.int64)
    jobs = list(zip(plan, seeds, strict=True))
    bar = _progress_bar(progress, len(jobs))
    try:
        if workers == 1 or len(jobs) <= 1:
            outputs = map(run_chunk, jobs)
            pool = None
        else:
            pool = ThreadPoolExecutor(max_workers=int(workers))
            outputs = pool.map(run_chunk, jobs)
        for si, h_c, z_c, hist_c, acc_c, nt, pc in outputs:  # chunk order: same sums for any worker count
            decays_in_cell[si] += pc
            hits += h_c
            z += z_c
            hist += hist_c
            acc[:5] += acc_c[:5]
            acc[5] = max(acc[5], acc_c[5])
            n_tracks += nt
            if bar is not None:
                bar[0].advance(bar[1])
    finally:
        if workers > 1 and len(jobs) > 1:
            pool.shutdown()
        if bar is not None:
            bar[0].stop()

    n_ev = int(acc[0])
    mean1 = acc[1] / n_ev if n_ev else 0.0
    var1 = max(acc[2] / n_ev - mean1 * mean1, 0.0) if n_ev else 0.0
    notes = [
        "alpha particles: straight tracks, continuous slowing down (range-energy table of brainrit.physics), "
        "no range straggling, delta rays deposited locally",
        "alpha recoil nuclei deposit their energy at the decay site (scored when it lies in a nucleus)",
        "electrons and photons are not tracked",
        "chain daughters decay where the parent decayed unless 'retained' says otherwise",
    ]
    n_overlap = geom.overlapping_nuclei()
    if n_overlap:
        notes.append(f"WARNING: {n_overlap} pairs of nuclei overlap; energy in an overlap is counted in both")
    if low_let_dose_Gy is not None:
        electrons = True
        notes.append("low-LET (electron) dose included as given by the caller (low_let_dose_Gy)")
    elif electron_dose:
        low, parts, missing = _analytic_low_let(geom, srcs, programs, counts, decays_in_cell)
        electrons = bool(parts)
        if parts:
            notes.append("low-LET (electron + photon) mean dose added analytically: " + "; ".join(parts))
        if missing:
            notes.append("low-LET dose NOT included for: " + "; ".join(missing))
        if not parts:
            notes.append("low-LET (electron) dose NOT included: survival and TCP use the alpha part only")
    else:
        low = np.zeros(n)
        electrons = False
        notes.append("low-LET (electron) dose NOT included: survival and TCP use the alpha part only")
    return MicrodosimetryResult(
        hits=hits,
        z_Gy=np.ascontiguousarray(z[:, 0]),
        z2_event_sum_Gy2=np.ascontiguousarray(z[:, 1]),
        nucleus_mass_kg=mass,
        low_let_dose_Gy=np.array(low, dtype=float),
        electrons_included=electrons,
        single_event_edges_Gy=edges,
        single_event_counts=hist[1:-1].copy(),
        single_event_underflow=int(hist[0]),
        single_event_overflow=int(hist[-1]),
        single_event_mean_Gy=float(mean1),
        single_event_var_Gy2=float(var1),
        n_events=n_ev,
        n_decays=counts,
        n_tracks=n_tracks,
        energy_emitted_MeV=float(acc[3]),
        energy_deposited_MeV=float(acc[4]),
        max_track_deposit_fraction=float(acc[5]),
        source_labels=tuple(s.label for s in srcs),
        seed=seed_i,
        n_chunks=len(jobs),
        notes=tuple(notes),
        distance_to_capillary_um=geom.distance_to_nearest_capillary_um(),
    )


def _max_energy(prog: _Program) -> float:
    """Largest α + recoil energy a program can emit (MeV); 1 MeV when it emits none."""
    top = 0.0
    for m, lines in enumerate(prog.alpha_lines):
        if lines is not None:
            top = max(top, float(lines[0].max()) * (1.0 + prog.recoil_per_MeV[m]))
    return top if top > 0 else 1.0


def _reach_probability(prog: _Program) -> np.ndarray:
    """Expected decays of each chain member at the source site per parent decay."""
    p = np.zeros(prog.n_members)
    p[0] = 1.0
    for m in range(prog.n_members):
        for j, frac, _is_alpha, kept in prog.branches[m]:
            if j >= 0:
                p[j] += p[m] * frac * kept
    return p


_CELLULAR_SOURCE = {"nucleus": "N", "cytoplasm": "Cy", "cell_surface": "CS", "cell": "C"}
_HIGH_LET_CLASSES = ("alpha", "alpha_recoil")


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
    geom: MicroGeometry, src: Source, prog: _Program, decays: np.ndarray, key: int
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
                name, "N", _CELLULAR_SOURCE[src.compartment], grid, rc, rn,
                material=material, chain=False, by_class=True,
            )  # fmt: skip
            s_grid += reach[m] * sum(np.asarray(v) for k, v in by_class.items() if k not in _HIGH_LET_CLASSES)
        return s_grid

    s_grid = _memo(("cross", key), table)
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
) -> tuple[np.ndarray, list[str], list[str]]:
    """Mean low-LET dose per nucleus from the analytic cellular / vascular modules.

    Returns (dose per nucleus in Gy, descriptions of what is included, of what is not)."""
    low = np.zeros(geom.n_nuclei)
    parts: list[str] = []
    missing: list[str] = []
    for si, src in enumerate(srcs):
        if src.nuclide is None:
            continue
        if src.compartment in _CELLULAR_SOURCE:
            s_self = _memo(
                ("self", si), lambda src=src, si=si: _electron_self_s_value(geom, src, programs[si])
            )
            low += decays_in_cell[si] * s_self
            try:
                low += _electron_cross_dose(geom, src, programs[si], decays_in_cell[si], si)
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
                low += counts[si] * _memo(
                    ("vascular", si),
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


def _progress_bar(enabled: bool, total: int):
    if not enabled or total <= 1:
        return None
    from rich.progress import Progress

    prog = Progress(transient=True)
    task = prog.add_task("alpha tracks", total=total)
    prog.start()
    return prog, task


# ----------------------------------------------------------------------------------------------
# response to injected activity (for the pipeline)
# ----------------------------------------------------------------------------------------------


def activity_response(
    geometry: MicroGeometry | Any,
    sources: Source | Iterable[Source],
    *,
    decays_per_MBq: float,
    activities_MBq: Sequence[float],
    seed: int,
    workers: int = 1,
    low_let_dose_Gy_per_MBq: float | np.ndarray | None = None,
    band_edges_um: Sequence[float] | None = None,
    **survival_kwargs: float,
) -> list[dict[str, Any]]:
    """Mean z, fraction unhit, surviving fraction and TCP of the cells versus injected activity.

    For each activity A the number of decays is Poisson with mean ``decays_per_MBq · A`` (the
    time-integrated activity in the simulated volume per MBq injected, e.g. from ``brainrit.kinetics``);
    activity *i* uses seed ``SeedSequence(seed).spawn(len(activities_MBq))[i]``.

    Parameters
    ----------
    decays_per_MBq : float
        Decays of the sources' parents in the geometry per MBq injected (Bq·s/MBq), ≥ 0.
    activities_MBq : sequence of float
        Injected activities (MBq), ≥ 0.
    low_let_dose_Gy_per_MBq : float or ndarray (N,), optional
        Low-LET dose per nucleus per MBq (scaled with A); default: see ``simulate``.
    band_edges_um : sequence of float, optional
        Distance bands from the nearest capillary for a per-band summary (``bands``).
    survival_kwargs
        Passed to :meth:`MicrodosimetryResult.survival` (``z0_Gy``, ``alpha_per_Gy``, ...).

    Returns
    -------
    list of dict
        One row per activity: ``activity_MBq``, ``n_decays``, ``mean_z_Gy``, ``mean_hits``,
        ``fraction_unhit``, ``surviving_fraction``, ``tcp``, ``mean_low_let_dose_Gy``, ``electrons_included``
        and (with ``band_edges_um``) ``bands``.

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import cubic_lattice
    >>> g = MicroGeometry(cubic_lattice(3, 5.0, 3.0))
    >>> rows = activity_response(g, Source("cell_surface", alpha_energy_MeV=6.0), decays_per_MBq=100.0,
    ...                          activities_MBq=[0.0, 1.0, 10.0], seed=0)
    >>> [r["fraction_unhit"] for r in rows][0], rows[-1]["mean_z_Gy"] > rows[1]["mean_z_Gy"]
    (1.0, True)
    """
    per_mbq = non_negative("decays_per_MBq", decays_per_MBq)
    acts = array_finite("activities_MBq", activities_MBq, low=0.0)
    if acts.ndim != 1 or acts.size == 0:
        raise InputError("activities_MBq", activities_MBq, "a non-empty sequence of activities >= 0 (MBq)")
    low = None
    if low_let_dose_Gy_per_MBq is not None:
        low = array_finite("low_let_dose_Gy_per_MBq", low_let_dose_Gy_per_MBq, low=0.0)
    seeds = _child_seeds(seed, acts.size)
    rows = []
    token = _MEMO.set({})
    try:
        rows = _activity_rows(
            geometry, sources, acts, seeds, per_mbq, workers, low, band_edges_um, survival_kwargs
        )
    finally:
        _MEMO.reset(token)
    return rows


def _activity_rows(geometry, sources, acts, seeds, per_mbq, workers, low, band_edges_um, survival_kwargs):
    rows = []
    for a, s in zip(acts, seeds, strict=True):
        r = simulate(
            geometry,
            sources,
            time_integrated_activity_Bq_s=per_mbq * float(a),
            seed=s,
            workers=workers,
            low_let_dose_Gy=None if low is None else low * float(a),
        )
        row: dict[str, Any] = {
            "activity_MBq": float(a),
            "n_decays": int(sum(r.n_decays)),
            "mean_z_Gy": r.mean_z_Gy,
            "mean_hits": float(r.hits.mean()),
            "fraction_unhit": r.fraction_unhit,
            "surviving_fraction": r.surviving_fraction(**survival_kwargs),
            "tcp": r.tcp(**survival_kwargs),
            "mean_low_let_dose_Gy": float(r.low_let_dose_Gy.mean()),
            "electrons_included": r.electrons_included,
        }
        if band_edges_um is not None:
            row["bands"] = r.by_distance(band_edges_um)
        rows.append(row)
    return rows


def _child_seeds(seed: Any, n: int) -> list[int]:
    """``n`` independent integer seeds derived from ``seed`` (SeedSequence.spawn)."""
    return [int(c.generate_state(1, np.uint32)[0]) for c in np.random.SeedSequence(_seed_int(seed)).spawn(n)]


# ----------------------------------------------------------------------------------------------
# TCP over repeated realisations
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TCPDistribution:
    """TCP (and surviving fraction, fraction unhit) over independent realisations of the same problem.

    Attributes
    ----------
    tcp, surviving_fraction, fraction_unhit : ndarray (n_realisations,)
    """

    tcp: np.ndarray
    surviving_fraction: np.ndarray
    fraction_unhit: np.ndarray

    @property
    def mean(self) -> float:
        """Mean TCP over realisations."""
        return float(np.mean(self.tcp))

    @property
    def sd(self) -> float:
        """Standard deviation of TCP over realisations."""
        return float(np.std(self.tcp, ddof=1)) if self.tcp.size > 1 else 0.0


def tcp_distribution(
    geometry: MicroGeometry | Any,
    sources: Source | Iterable[Source],
    *,
    n_realisations: int,
    n_decays: int | None = None,
    time_integrated_activity_Bq_s: float | None = None,
    seed: int,
    workers: int = 1,
    low_let_dose_Gy: float | np.ndarray | None = None,
    range_table: Any = None,
    **survival_kwargs: float,
) -> TCPDistribution:
    """Spread of the control probability over ``n_realisations`` independent Monte Carlo realisations.

    Realisation *i* uses seed ``SeedSequence(seed).spawn(n_realisations)[i]`` (as an integer entropy draw),
    so the spread is reproducible. ``survival_kwargs`` go to :meth:`MicrodosimetryResult.survival`.

    Examples
    --------
    >>> from brainrit.dosimetry.geometry import cubic_lattice
    >>> g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    >>> d = tcp_distribution(g, Source("cell", alpha_energy_MeV=6.0), n_realisations=3, n_decays=200, seed=0)
    >>> d.tcp.shape, 0.0 <= d.mean <= 1.0
    ((3,), True)
    """
    if (
        isinstance(n_realisations, bool)
        or not isinstance(n_realisations, int | np.integer)
        or not (1 <= n_realisations <= 100_000)
    ):
        raise InputError("n_realisations", n_realisations, "an integer in [1, 100000]")
    seeds = _child_seeds(seed, int(n_realisations))
    tcp, sf, unhit = [], [], []
    token = _MEMO.set({})
    try:
        for s in seeds:
            r = simulate(
                geometry,
                sources,
                n_decays=n_decays,
                time_integrated_activity_Bq_s=time_integrated_activity_Bq_s,
                seed=s,
                workers=workers,
                low_let_dose_Gy=low_let_dose_Gy,
                range_table=range_table,
            )
            tcp.append(r.tcp(**survival_kwargs))
            sf.append(r.surviving_fraction(**survival_kwargs))
            unhit.append(r.fraction_unhit)
    finally:
        _MEMO.reset(token)
    return TCPDistribution(np.array(tcp), np.array(sf), np.array(unhit))
