"""The Monte Carlo run: :func:`simulate` splits decays into seeded chunks, walks their tracks, sums tallies.

Work that depends only on the geometry and the sources (decay-chain programs, spatial index, range
table and the analytic low-LET tables) lives in a ``_Problem``, built once by ``_prepare``; repeated runs
of one problem (:mod:`brainrit.dosimetry.microdosimetry.response`) reuse it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brainrit.checks import array_finite, non_negative
from brainrit.dosimetry.microdosimetry.geometry import _CAPILLARY_COMPARTMENTS, MicroGeometry
from brainrit.dosimetry.microdosimetry.low_let import _analytic_low_let
from brainrit.dosimetry.microdosimetry.result import MicrodosimetryResult
from brainrit.dosimetry.microdosimetry.sources import (
    Source,
    _chunk_tracks,
    _max_energy,
    _Program,
    _program,
)
from brainrit.dosimetry.microdosimetry.walker import _build_grid, _Grid, _walk_tracks
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = ["simulate"]

#: Decays per chunk: fixes the number of chunks from the problem alone (never from the worker count).
_CHUNK_DECAYS = 32_768
_N_EVENT_BINS = 200
_EVENT_DECADES = 5.0
_MAX_DECAYS = 10**10


def _decay_counts(
    sources: Sequence[Source], n_decays: Any, tia: Any, root: np.random.SeedSequence
) -> tuple[int, ...]:
    if (n_decays is None) == (tia is None):
        raise InputError("n_decays / tia_Bq_s", (n_decays, tia), "exactly one of the two given")
    w = np.array([s.weight for s in sources])
    if n_decays is not None:
        if (
            isinstance(n_decays, bool)
            or not isinstance(n_decays, int | np.integer)
            or not 0 <= n_decays <= _MAX_DECAYS
        ):
            raise InputError("n_decays", n_decays, f"an integer in [0, {_MAX_DECAYS:g}]")
        return tuple(round(int(n_decays) * x) for x in w)
    a = non_negative("tia_Bq_s", tia)
    if a * w.sum() > _MAX_DECAYS:
        raise InputError("tia_Bq_s", tia, f"at most {_MAX_DECAYS:g} decays in all")
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
    tia_Bq_s: float | None = None,
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
    tia_Bq_s : float, optional
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
    >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source
    >>> from brainrit.dosimetry.geometry import Capillary, perivascular_cells
    >>> cap = Capillary([0, 0, 0], [0, 0, 60], 3.0, 0.5)
    >>> cells = perivascular_cells(cap, cuff_thickness_um=20.0, cell_radius_um=5.0, nucleus_radius_um=3.0,
    ...     packing_fraction=0.3, seed=2)
    >>> g = MicroGeometry(cells, (cap,))
    >>> r = simulate(g, Source("endothelial_surface", alpha_energy_MeV=8.78), n_decays=5000, seed=7)
    >>> r.n_tracks, r.electrons_included
    (5000, False)
    >>> src = Source("endothelial_surface", alpha_energy_MeV=8.78)
    >>> r2 = simulate(g, src, n_decays=5000, seed=7, workers=2)
    >>> bool(np.array_equal(r.z_Gy, r2.z_Gy))
    True
    """
    return _simulate(
        _prepare(geometry, sources, range_table),
        n_decays=n_decays,
        tia_Bq_s=tia_Bq_s,
        seed=seed,
        workers=workers,
        progress=progress,
        low_let_dose_Gy=low_let_dose_Gy,
        electron_dose=electron_dose,
    )


@dataclass(frozen=True)
class _Problem:
    """A geometry and its sources, with the work that depends on nothing else.

    ``low_let_tables`` caches the analytic low-LET tables of :mod:`.low_let`, keyed by
    (kind, index into ``srcs``): the key is only meaningful for this problem's own sources, and the cache
    lives and dies with the problem object (repeated runs of one problem share it; nothing is global).
    """

    geom: MicroGeometry
    srcs: tuple[Source, ...]
    programs: tuple[_Program, ...]
    grid: _Grid
    table_e: np.ndarray
    table_r: np.ndarray
    low_let_tables: dict[tuple[str, int], np.ndarray] = field(default_factory=dict, compare=False)


def _prepare(geometry: MicroGeometry | Any, sources: Source | Iterable[Source], range_table: Any) -> _Problem:
    """Validate geometry and sources and build what every run of them needs (programs, grid, ranges)."""
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
    table_e, table_r = _range_table(geom, range_table)
    programs = tuple(_program(s) for s in srcs)
    return _Problem(geom, srcs, programs, _build_grid(geom), table_e, table_r)


def _workers(workers: Any) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or not 1 <= workers <= 256:
        raise InputError("workers", workers, "an integer in [1, 256]")
    return int(workers)


def _given_low_let(low_let_dose_Gy: Any, n: int) -> np.ndarray:
    low = array_finite("low_let_dose_Gy", low_let_dose_Gy, low=0.0)
    if low.ndim == 0 or low.shape == (n,):
        return np.broadcast_to(low, (n,)).astype(float)
    raise InputError("low_let_dose_Gy", low_let_dose_Gy, f"a scalar or an array of shape ({n},)")


@dataclass(frozen=True)
class _EventBins:
    """Log-spaced bins of the single-event spectrum: five decades below the largest possible event."""

    log_lo: float
    inv_dlog: float
    edges_Gy: np.ndarray


def _event_bins(programs: Sequence[_Program], gy_per_mev: np.ndarray) -> _EventBins:
    z_top = max(_max_energy(pr) for pr in programs) * float(gy_per_mev.max())
    log_hi = math.log(z_top) + 1e-9
    log_lo = log_hi - _EVENT_DECADES * math.log(10.0)
    edges = np.exp(np.linspace(log_lo, log_hi, _N_EVENT_BINS + 1))
    return _EventBins(log_lo, _N_EVENT_BINS / (log_hi - log_lo), edges)


@dataclass
class _Tally:
    """Sums over chunks (in chunk order, so any worker count gives the same numbers)."""

    hits: np.ndarray
    z: np.ndarray  # (N, 2): Σz, Σz² over events
    hist: np.ndarray  # underflow, bins, overflow
    acc: np.ndarray  # see _walk_tracks
    n_tracks: int
    decays_in_cell: np.ndarray  # (sources, N)

    @classmethod
    def empty(cls, n_sources: int, n: int) -> _Tally:
        return cls(
            np.zeros(n, np.int64),
            np.zeros((n, 2)),
            np.zeros(_N_EVENT_BINS + 2, np.int64),
            np.zeros(6),
            0,
            np.zeros((n_sources, n), np.int64),
        )


def _run_chunk(prob: _Problem, gy_per_mev: np.ndarray, bins: _EventBins, si: int, nd: int, ss) -> tuple:
    """Sample and walk the tracks of ``nd`` decays of source ``si`` with the chunk's own seed."""
    geom, grid, n = prob.geom, prob.grid, prob.geom.n_nuclei
    p, d, energies, recoil, cell = _chunk_tracks(
        geom, prob.srcs[si], prob.programs[si], nd, np.random.default_rng(ss)
    )
    t = _Tally.empty(0, n)
    stamp = np.full(n, -1, np.int64)
    _walk_tracks(
        p, d, energies, recoil, geom.centres_um, geom.nucleus_radius_um, gy_per_mev,
        grid.lo, grid.bin_um, grid.shape, grid.start, grid.items, prob.table_e, prob.table_r,
        bins.log_lo, bins.inv_dlog, t.hits, t.z, t.hist, t.acc, stamp,
    )  # fmt: skip
    return si, t, int(energies.size), np.bincount(cell[cell >= 0], minlength=n)


def _run_chunks(
    prob: _Problem, counts: Sequence[int], chunk_ss: np.random.SeedSequence, gy_per_mev: np.ndarray,
    bins: _EventBins, workers: int, progress: bool,
) -> tuple[_Tally, int]:  # fmt: skip
    """All chunks of all sources, on ``workers`` threads; returns the summed tally and the chunk count."""
    plan: list[tuple[int, int]] = []
    for si, c in enumerate(counts):
        full, rest = divmod(c, _CHUNK_DECAYS)
        plan += [(si, _CHUNK_DECAYS)] * full + ([(si, rest)] if rest else [])
    seeds = chunk_ss.spawn(len(plan)) if plan else []
    jobs = [(si, nd, ss) for (si, nd), ss in zip(plan, seeds, strict=True)]
    total = _Tally.empty(len(prob.srcs), prob.geom.n_nuclei)
    bar = _progress_bar(progress, len(jobs))
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 and len(jobs) > 1 else None
    try:
        outputs = (pool.map if pool is not None else map)(
            lambda job: _run_chunk(prob, gy_per_mev, bins, *job), jobs
        )
        for si, t, nt, per_cell in outputs:  # chunk order: same sums for any worker count
            total.decays_in_cell[si] += per_cell
            total.hits += t.hits
            total.z += t.z
            total.hist += t.hist
            total.acc[:5] += t.acc[:5]
            total.acc[5] = max(total.acc[5], t.acc[5])
            total.n_tracks += nt
            if bar is not None:
                bar[0].advance(bar[1])
    finally:
        if pool is not None:
            pool.shutdown()
        if bar is not None:
            bar[0].stop()
    return total, len(jobs)


_TRANSPORT_NOTES = (
    "alpha particles: straight tracks, continuous slowing down (range-energy table of brainrit.physics), "
    "no range straggling, delta rays deposited locally",
    "alpha recoil nuclei deposit their energy at the decay site (scored when it lies in a nucleus)",
    "electrons and photons are not tracked",
    "chain daughters decay where the parent decayed unless 'retained' says otherwise",
)
_NO_LOW_LET = "low-LET (electron) dose NOT included: survival and TCP use the alpha part only"


def _low_let(
    prob: _Problem, counts: Sequence[int], tally: _Tally, low_let_dose_Gy: Any, electron_dose: bool
) -> tuple[np.ndarray, bool, list[str]]:
    """Low-LET dose per nucleus, whether any is included, and the notes that say what is."""
    n = prob.geom.n_nuclei
    if low_let_dose_Gy is not None:
        note = "low-LET (electron) dose included as given by the caller (low_let_dose_Gy)"
        return _given_low_let(low_let_dose_Gy, n), True, [note]
    if not electron_dose:
        return np.zeros(n), False, [_NO_LOW_LET]
    low, parts, missing = _analytic_low_let(
        prob.geom, prob.srcs, prob.programs, counts, tally.decays_in_cell, prob.low_let_tables
    )
    notes = []
    if parts:
        notes.append("low-LET (electron + photon) mean dose added analytically: " + "; ".join(parts))
    if missing:
        notes.append("low-LET dose NOT included for: " + "; ".join(missing))
    if not parts:
        notes.append(_NO_LOW_LET)
    return low, bool(parts), notes


def _simulate(
    prob: _Problem,
    *,
    n_decays: int | None,
    tia_Bq_s: float | None,
    seed: int,
    workers: int = 1,
    progress: bool = False,
    low_let_dose_Gy: float | np.ndarray | None = None,
    electron_dose: bool = True,
) -> MicrodosimetryResult:
    """:func:`simulate` of a prepared problem."""
    geom = prob.geom
    seed_i = _seed_int(seed)
    n_workers = _workers(workers)
    if low_let_dose_Gy is not None:
        _given_low_let(low_let_dose_Gy, geom.n_nuclei)  # fail before the run, not after it
    count_ss, chunk_ss = np.random.SeedSequence(seed_i).spawn(2)
    counts = _decay_counts(prob.srcs, n_decays, tia_Bq_s, count_ss)
    mass = geom.nucleus_mass_kg()
    gy_per_mev = MEV_TO_J / mass
    bins = _event_bins(prob.programs, gy_per_mev)
    tally, n_chunks = _run_chunks(prob, counts, chunk_ss, gy_per_mev, bins, n_workers, progress)

    notes = list(_TRANSPORT_NOTES)
    n_overlap = geom.overlapping_nuclei()
    if n_overlap:
        notes.append(f"WARNING: {n_overlap} pairs of nuclei overlap; energy in an overlap is counted in both")
    low, electrons, low_notes = _low_let(prob, counts, tally, low_let_dose_Gy, electron_dose)
    notes += low_notes
    acc = tally.acc
    n_ev = int(acc[0])
    mean1 = acc[1] / n_ev if n_ev else 0.0
    var1 = max(acc[2] / n_ev - mean1 * mean1, 0.0) if n_ev else 0.0
    return MicrodosimetryResult(
        hits=tally.hits,
        z_Gy=np.ascontiguousarray(tally.z[:, 0]),
        z2_event_sum_Gy2=np.ascontiguousarray(tally.z[:, 1]),
        nucleus_mass_kg=mass,
        low_let_dose_Gy=np.array(low, dtype=float),
        electrons_included=electrons,
        single_event_edges_Gy=bins.edges_Gy,
        single_event_counts=tally.hist[1:-1].copy(),
        single_event_underflow=int(tally.hist[0]),
        single_event_overflow=int(tally.hist[-1]),
        single_event_mean_Gy=float(mean1),
        single_event_var_Gy2=float(var1),
        n_events=n_ev,
        n_decays=counts,
        n_tracks=tally.n_tracks,
        energy_emitted_MeV=float(acc[3]),
        energy_deposited_MeV=float(acc[4]),
        max_track_deposit_fraction=float(acc[5]),
        source_labels=tuple(s.label for s in prob.srcs),
        seed=seed_i,
        n_chunks=n_chunks,
        notes=tuple(notes),
        distance_to_capillary_um=geom.distance_to_nearest_capillary_um(),
    )


def _progress_bar(enabled: bool, total: int):
    if not enabled or total <= 1:
        return None
    from rich.progress import Progress

    prog = Progress(transient=True)
    task = prog.add_task("alpha tracks", total=total)
    prog.start()
    return prog, task
