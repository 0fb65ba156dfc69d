"""Seeding of brain metastases over time: a homogeneous Poisson process.

Lesions arrive in the brain at a constant rate ``rate_per_d`` between ``start_d`` and ``end_d``; the
number seeded is Poisson with mean ``rate_per_d × (end_d − start_d)`` and, given the number, seeding times
are independent and uniform on the interval. Randomness only through an explicit
``numpy.random.Generator`` (or an int seed).

Defaults (:func:`default_seeding`): mouse intracardiac model — 20 lesions expected, all arriving in the
first 2 days (arrest and extravasation of circulating cells take hours to a few days; Kienast et al., Nat
Med 2010;16:116); human — 5 lesions expected over 2 years [assumption, for illustration]. The pipeline uses
the scenario's total lesion count as the expected number.

Examples
--------
>>> s = SeedingProcess(rate_per_d=2.0, start_d=0.0, end_d=5.0)
>>> s.expected_count
10.0
>>> t = s.sample(7)
>>> bool(t.size >= 0 and (t >= 0).all() and (t <= 5).all() and (t == sorted(t)).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brainrit.checks import choice, finite, non_negative, positive
from brainrit.errors import InputError

__all__ = ["SeedingProcess", "as_generator", "default_seeding"]


def as_generator(seed) -> np.random.Generator:
    """``seed`` as a Generator: a Generator is used as is, an int or SeedSequence seeds a new one.

    Examples
    --------
    >>> type(as_generator(1)).__name__
    'Generator'
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError("seed", seed, "an int >= 0, a numpy SeedSequence or a numpy Generator")
    return np.random.default_rng(int(seed))


@dataclass(frozen=True)
class SeedingProcess:
    """Homogeneous Poisson seeding of lesions on ``[start_d, end_d]`` (days).

    Examples
    --------
    >>> SeedingProcess(0.5, 0.0, 10.0).expected_count   # lesions per day × days
    5.0
    """

    rate_per_d: float
    start_d: float = 0.0
    end_d: float = 1.0

    def __post_init__(self) -> None:
        non_negative("rate_per_d", self.rate_per_d)
        a = finite("start_d", self.start_d)
        b = finite("end_d", self.end_d)
        if not b > a:
            raise InputError("end_d", self.end_d, f"> start_d = {a:g} d")

    @classmethod
    def from_expected_count(cls, expected_count: float, start_d: float, end_d: float) -> SeedingProcess:
        """The process that seeds ``expected_count`` lesions on average over ``[start_d, end_d]``."""
        n = non_negative("expected_count", expected_count)
        span = positive("end_d - start_d", float(end_d) - float(start_d))
        return cls(n / span, float(start_d), float(end_d))

    @property
    def expected_count(self) -> float:
        """Mean number of lesions seeded."""
        return self.rate_per_d * (self.end_d - self.start_d)

    def sample(self, seed) -> np.ndarray:
        """Seeding times (days, ascending) of one patient."""
        rng = as_generator(seed)
        n = rng.poisson(self.expected_count)
        return np.sort(rng.uniform(self.start_d, self.end_d, n))


def default_seeding(species: str) -> SeedingProcess:
    """Documented default seeding for ``"mouse"`` or ``"human"`` (see module docstring).

    Examples
    --------
    >>> default_seeding("mouse").expected_count
    20.0
    """
    sp = choice("species", species, ("mouse", "human"))
    if sp == "mouse":
        return SeedingProcess.from_expected_count(20.0, 0.0, 2.0)
    return SeedingProcess.from_expected_count(5.0, 0.0, 730.0)
