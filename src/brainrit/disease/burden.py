"""Preclinical endpoint: metastatic burden relative to untreated and growth delay at a read-out day.

Model. Every lesion of every virtual patient (:mod:`brainrit.disease.window`) holds ``N(t_T)`` cells at
the treatment day ``t_T``; a treatment leaves the expected fraction ``S`` of them (per lesion, from the
lesion's state — perivascular/spheroid/VCAM-1-negative for RIT, the same for every lesion for WBRT). Killed
cells are taken as cleared by the read-out (lethally irradiated cells that linger a few divisions would
add to the measured burden). Survivors regrow along the lesion's own growth curve, restarted from
``N·S`` cells (for Gompertz growth, from the age at which the untreated lesion held ``N·S``); when
``N·S < 1`` one cell survives with probability ``N·S`` and regrows from one cell. Lesions seeded after
``t_T`` are untreated. Outputs, summed over lesions and averaged over patients:

* ``relative_burden`` — E[cells at read-out, treated] / E[cells at read-out, untreated];
* ``growth_delay_d`` — how many days later the treated mean burden reaches the untreated mean burden at
  the read-out day (the shift ``d`` with ``B_untreated(t_R − d) = B_treated(t_R)``).

Burden is counted in tumour cells (what bioluminescence or MRI volumetry measure is proportional to it).
Corroyer-Dulmont et al. (Neuro-Oncology 2020;22:357–368) treated at day 21 after intracardiac injection
and compared arms by metastatic burden and by survival at day 40; :data:`MOUSE_TREATMENT_DAY_D` and
:data:`~brainrit.disease.window.MOUSE_HORIZON_D` are those days.

Examples
--------
>>> import numpy as np
>>> from brainrit.disease.window import default_course, VirtualPatients
>>> c = default_course("human", expected_lesions=1.0)
>>> vp = VirtualPatients.from_arrays(c, [0], [0.0])
>>> b = metastatic_burden(c, vp, lambda st: np.full(st["cells"].shape, 0.5), treatment_day_d=860.0,
...                       readout_day_d=1000.0)
>>> round(b.relative_burden, 6), round(b.growth_delay_d, 6)     # exponential: delay = T_d·log2(1/S)
(0.5, 86.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from brainrit.checks import non_negative
from brainrit.disease.growth import cells_at, time_to_reach_d
from brainrit.errors import InputError

__all__ = ["MOUSE_TREATMENT_DAY_D", "BurdenResult", "metastatic_burden"]

#: Corroyer-Dulmont et al. 2020: ²¹²Pb-anti-VCAM-1 or external-beam irradiation at day 21.
MOUSE_TREATMENT_DAY_D = 21.0


@dataclass(frozen=True)
class BurdenResult:
    """Metastatic burden at the read-out day relative to untreated, and the growth delay.

    Attributes
    ----------
    treatment_day_d, readout_day_d : float
    untreated_cells, treated_cells : float
        Mean over patients of the summed cells of all lesions at read-out.
    relative_burden : float
        ``treated_cells / untreated_cells`` (1 when nothing is treated; NaN without lesions).
    growth_delay_d : float
        Days by which the treated mean burden lags the untreated one at read-out (0 if no effect; at most
        the time from the start of seeding to read-out).

    Examples
    --------
    >>> BurdenResult(21.0, 40.0, 1e6, 2.5e5, 0.25, 3.0).relative_burden
    0.25
    """

    treatment_day_d: float
    readout_day_d: float
    untreated_cells: float
    treated_cells: float
    relative_burden: float
    growth_delay_d: float

    def as_dict(self) -> dict[str, float | None]:
        """JSON-able (inf/NaN as None)."""
        return {
            k: (v if math.isfinite(v) else None)
            for k, v in (
                ("treatment_day_d", self.treatment_day_d),
                ("readout_day_d", self.readout_day_d),
                ("untreated_cells", self.untreated_cells),
                ("treated_cells", self.treated_cells),
                ("relative_burden", self.relative_burden),
                ("growth_delay_d", self.growth_delay_d),
            )
        }


def _untreated_mean(course, vp, t: float) -> float:
    age = t - vp.seed_time_d
    n = np.where(age >= 0, np.asarray(cells_at(course.growth, np.maximum(age, 0.0), vp.rate_multiplier)), 0.0)
    return float(n.sum() / vp.n_patients)


def metastatic_burden(
    course,
    patients,
    survival: Callable[[dict[str, np.ndarray]], np.ndarray],
    *,
    treatment_day_d: float,
    readout_day_d: float,
) -> BurdenResult:
    """Burden at ``readout_day_d`` after one treatment at ``treatment_day_d``, relative to untreated.

    Parameters
    ----------
    course : DiseaseCourse
    patients : VirtualPatients
    survival : callable
        ``survival(states) -> S`` per lesion, given :func:`~brainrit.disease.window.lesion_states` at
        the treatment day (arrays of shape lesions × 1); returns the expected surviving fraction of each
        lesion's cells (shape lesions × 1 or broadcastable).
    treatment_day_d, readout_day_d : float
        Days from the start of seeding; ``treatment ≤ read-out``.

    Returns
    -------
    BurdenResult

    Examples
    --------
    >>> from brainrit.disease.window import default_course, sample_patients
    >>> c = default_course("mouse")
    >>> vp = sample_patients(c, 20, seed=1)
    >>> b = metastatic_burden(c, vp, lambda st: np.full(st["cells"].shape, 0.1), treatment_day_d=21.0,
    ...                       readout_day_d=40.0)
    >>> bool(0.1 < b.relative_burden < 1.0), bool(b.growth_delay_d > 0)
    (True, True)
    """
    from brainrit.disease.window import lesion_states

    t_t = non_negative("treatment_day_d", treatment_day_d)
    t_r = non_negative("readout_day_d", readout_day_d)
    if t_r < t_t:
        raise InputError("readout_day_d", readout_day_d, f">= treatment_day_d = {t_t:g}")
    g = course.growth
    vp = patients
    st = lesion_states(course, vp, np.array([t_t]))
    s = np.broadcast_to(np.asarray(survival(st), dtype=float), st["cells"].shape)[:, 0]
    if np.any(~np.isfinite(s) | (s < 0) | (s > 1)):
        raise InputError("survival", "values outside [0, 1]", "surviving fractions in [0, 1]")
    seeded = st["seeded"][:, 0]
    n_t = st["cells"][:, 0]
    m = vp.rate_multiplier
    left = n_t * s
    untreated_r = _untreated_mean(course, vp, t_r)
    # treated lesions: regrow from N·S (equivalent age), or from one cell with probability N·S
    dt = t_r - t_t
    eq_age = np.asarray(time_to_reach_d(g, np.maximum(left, g.n0_cells), m), dtype=float)
    regrown = np.asarray(cells_at(g, eq_age + dt, m), dtype=float)
    from_one = left / g.n0_cells * np.asarray(cells_at(g, np.full(left.shape, dt), m), dtype=float)
    treated_n = np.where(left >= g.n0_cells, regrown, from_one)
    age_r = t_r - vp.seed_time_d
    late = ~seeded & (age_r >= 0)
    untreated_late = np.where(late, np.asarray(cells_at(g, np.maximum(age_r, 0.0), m), dtype=float), 0.0)
    treated_r = float((np.where(seeded, treated_n, 0.0) + untreated_late).sum() / vp.n_patients)
    if untreated_r <= 0:
        return BurdenResult(t_t, t_r, 0.0, 0.0, math.nan, 0.0)
    rel = treated_r / untreated_r
    if rel >= 1.0:
        delay = 0.0
    else:
        from scipy.optimize import brentq

        f = lambda d: _untreated_mean(course, vp, t_r - d) - treated_r  # noqa: E731
        lo = t_r - course.seeding.start_d
        delay = float(brentq(f, 0.0, lo, xtol=1e-9, rtol=1e-12)) if f(lo) < 0 else lo
    return BurdenResult(t_t, t_r, untreated_r, treated_r, rel, delay)
