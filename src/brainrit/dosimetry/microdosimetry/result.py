"""Per-nucleus α tallies of one Monte Carlo realisation (:class:`MicrodosimetryResult`) and their survival."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainrit.checks import positive
from brainrit.errors import InputError

__all__ = ["MicrodosimetryResult"]


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
    >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source, simulate
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
        >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source, simulate
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
        >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source, simulate
        >>> from brainrit.dosimetry.geometry import Capillary, perivascular_cells
        >>> cap = Capillary([0, 0, 0], [0, 0, 60], 3.0, 0.5)
        >>> cells = perivascular_cells(cap, cuff_thickness_um=30.0, cell_radius_um=5.0, nucleus_radius_um=3.0,
        ...                            packing_fraction=0.3, seed=2)
        >>> g = MicroGeometry(cells, (cap,))
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
        exp{−n̄ [1 − T₁(z₀)]} (Roeske & Stinchcomb, J Nucl Med 1997;38:1923). Underflow events
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
        z0_Gy: float | None = None,
        alpha_per_Gy: float | None = None,
        alpha_beta_Gy: float | None = None,
        g_low_let: float = 1.0,
    ) -> np.ndarray:
        """Survival probability of every cell: exp(−z/z₀) for α times LQ for the low-LET dose.

        :func:`brainrit.radiobiology.survival_mixed` with each nucleus's own specific energy z_k:
        s_k = exp(−z_k/z₀) · exp(−α D_k − β G D_k²), β = α/(α/β) (Roeske & Stinchcomb 1997 for the α part;
        Lea–Catcheside G = 1 for an acute dose, λ/(λ+μ) for a decaying source; Dale 1985). Parameters left
        out come from the cited library (:func:`brainrit.radiobiology.parameters`): z₀ from
        ``alpha_microdosimetry`` (0.5 Gy), α and α/β from ``lq_brain_metastasis`` (0.3 Gy⁻¹, 10 Gy).

        Examples
        --------
        >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source, simulate
        >>> from brainrit.dosimetry.geometry import CellPopulation
        >>> r = simulate(MicroGeometry(CellPopulation([[0.0, 0, 0]], 5.0, 3.0)),
        ...              Source("nucleus", alpha_energy_MeV=5.0), n_decays=1, seed=0)
        >>> bool(np.isclose(r.survival(z0_Gy=0.5)[0], np.exp(-r.z_Gy[0] / 0.5)))
        True
        """
        from brainrit.radiobiology import parameters, survival_mixed

        lq = parameters("lq_brain_metastasis")
        s = survival_mixed(
            self.z_Gy,
            self.low_let_dose_Gy,
            z0_Gy=parameters("alpha_microdosimetry")["z0_Gy"] if z0_Gy is None else z0_Gy,
            alpha_per_Gy=lq["alpha_per_Gy"] if alpha_per_Gy is None else alpha_per_Gy,
            alpha_beta_Gy=lq["alpha_beta_Gy"] if alpha_beta_Gy is None else alpha_beta_Gy,
            g_low_let=g_low_let,
        )
        return np.asarray(s, dtype=float)

    def surviving_fraction(self, **kwargs: float) -> float:
        """Population surviving fraction: mean of :meth:`survival` over all cells."""
        return float(np.mean(self.survival(**kwargs)))

    def tcp(self, *, clonogenic: np.ndarray | None = None, **kwargs: float) -> float:
        """Control probability TCP = Π_k (1 − s_k) over the clonogenic cells (all by default).

        Cell-by-cell TCP (:func:`brainrit.radiobiology.tcp_cell_by_cell`; Roeske & Stinchcomb 1997).
        """
        from brainrit.radiobiology import tcp_cell_by_cell

        s = self.survival(**kwargs)
        if clonogenic is not None:
            mask = np.asarray(clonogenic)
            if mask.shape != s.shape or mask.dtype != bool:
                raise InputError("clonogenic", clonogenic, f"a boolean array of shape {s.shape}")
            s = s[mask]
        return tcp_cell_by_cell(s)

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
