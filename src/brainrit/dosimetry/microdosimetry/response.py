"""Repeated runs of one problem: response to injected activity and the spread of TCP over realisations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainrit.checks import array_finite, non_negative
from brainrit.dosimetry.microdosimetry.engine import _prepare, _seed_int, _simulate
from brainrit.dosimetry.microdosimetry.geometry import MicroGeometry
from brainrit.dosimetry.microdosimetry.result import MicrodosimetryResult
from brainrit.dosimetry.microdosimetry.sources import Source
from brainrit.errors import InputError

__all__ = ["TCPDistribution", "activity_response", "tcp_distribution"]


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
    >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source
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
    prob = _prepare(geometry, sources, None)
    rows = []
    for a, s in zip(acts, seeds, strict=True):
        r = _simulate(
            prob,
            n_decays=None,
            tia_Bq_s=per_mbq * float(a),
            seed=s,
            workers=workers,
            low_let_dose_Gy=None if low is None else low * float(a),
        )
        rows.append(_activity_row(r, float(a), band_edges_um, survival_kwargs))
    return rows


def _activity_row(
    r: MicrodosimetryResult, activity_MBq: float, band_edges_um: Sequence[float] | None, survival_kwargs: dict
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "activity_MBq": activity_MBq,
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
    return row


def _child_seeds(seed: Any, n: int) -> list[int]:
    """``n`` independent integer seeds derived from ``seed`` (SeedSequence.spawn)."""
    return [int(c.generate_state(1, np.uint32)[0]) for c in np.random.SeedSequence(_seed_int(seed)).spawn(n)]


@dataclass(frozen=True)
class TCPDistribution:
    """TCP (and surviving fraction, fraction unhit) over independent realisations of the same problem.

    Attributes
    ----------
    tcp, surviving_fraction, fraction_unhit : ndarray (n_realisations,)

    Examples
    --------
    >>> import numpy as np
    >>> d = TCPDistribution(np.array([0.2, 0.4]), np.array([0.1, 0.05]), np.array([0.0, 0.0]))
    >>> round(d.mean, 3), round(d.sd, 3)
    (0.3, 0.141)
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
    tia_Bq_s: float | None = None,
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
    >>> from brainrit.dosimetry.microdosimetry import MicroGeometry, Source
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
    prob = _prepare(geometry, sources, range_table)
    tcp, sf, unhit = [], [], []
    for s in seeds:
        r = _simulate(
            prob,
            n_decays=n_decays,
            tia_Bq_s=tia_Bq_s,
            seed=s,
            workers=workers,
            low_let_dose_Gy=low_let_dose_Gy,
        )
        tcp.append(r.tcp(**survival_kwargs))
        sf.append(r.surviving_fraction(**survival_kwargs))
        unhit.append(r.fraction_unhit)
    return TCPDistribution(np.array(tcp), np.array(sf), np.array(unhit))
