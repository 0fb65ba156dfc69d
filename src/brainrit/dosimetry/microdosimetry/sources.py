"""Decay sources (:class:`Source`) and the sampling of decay sites, α energies and track directions.

A source's decay chain is compiled once into a :class:`_Program` (arrays of branches and α lines) and
sampled vectorised, chunk by chunk, by :func:`_chunk_tracks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from brainrit.checks import choice, non_negative, positive
from brainrit.dosimetry.microdosimetry.geometry import _CELL_COMPARTMENTS, COMPARTMENTS, MicroGeometry
from brainrit.errors import BrainritError, InputError

__all__ = ["Source"]

_ALPHA_MASS_U = 4.001506  # α-particle mass (u), CODATA 2018
_MAX_REJECTION_ROUNDS = 200


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
        ``tia_Bq_s``). Default 1.
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
        if m.stable or m.cut:  # cut members (chain rule) end the chain: no emissions
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
