"""Time-integrated activity (Bq·s = decays) per region and chain member; metastasis versus healthy brain.

Examples
--------
>>> import numpy as np
>>> t = np.linspace(0.0, 50.0, 2001)
>>> tia = tia_from_samples(t, 1e6 * np.exp(-np.log(2) * t / 10.0), physical_half_life_h=10.0)
>>> round(float(tia / (1e6 * 36000 / np.log(2))), 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from brainrit.checks import array_finite, positive
from brainrit.errors import InputError
from brainrit.kinetics.solve import KineticsResult

__all__ = ["metastasis_to_brain", "tia_from_samples", "tia_table"]


def tia_table(result: KineticsResult) -> list[dict[str, float | str]]:
    """Rows of region, member, TIA_Bq_s, decays_per_g (same as :meth:`KineticsResult.to_table`)."""
    return result.to_table()


def metastasis_to_brain(result: KineticsResult, member: str | None = None) -> dict[str, float]:
    """Decays per gram in metastasis and healthy brain and their ratio (all members if ``member`` is None).

    The mouse default model is calibrated to the ratio 6 of Corroyer-Dulmont et al. 2020 (see
    :mod:`brainrit.kinetics.calibration`); for other settings the ratio is a model prediction.
    """
    met = result.decays_per_g("metastasis", member)
    brain = result.decays_per_g("brain", member)
    return {"metastasis_decays_per_g": met, "brain_decays_per_g": brain, "ratio": met / brain}


def tia_from_samples(
    times_h: Iterable[float], activity_Bq: Iterable[float], *, physical_half_life_h: float
) -> float:
    """TIA (Bq·s) of a sampled curve: trapezoids between the samples (nothing before the first sample) plus a
    physical-decay tail A(t_last)/λ_phys after the last one.

    Examples
    --------
    >>> round(tia_from_samples([0.0, 1.0], [100.0, 100.0], physical_half_life_h=10.64))   # 1 h + tail
    5886099
    """
    t = array_finite("times_h", times_h, low=0.0, unit="h")
    a = array_finite("activity_Bq", activity_Bq, low=0.0)
    if t.ndim != 1 or a.shape != t.shape or t.size < 2:
        raise InputError(
            "activity_Bq", a.shape, f"a 1-D array matching times_h ({t.shape}), at least 2 points"
        )
    if np.any(np.diff(t) <= 0):
        raise InputError("times_h", t.tolist(), "strictly increasing times")
    lam = math.log(2.0) / positive("physical_half_life_h", physical_half_life_h)
    body = float(np.sum(0.5 * (a[1:] + a[:-1]) * np.diff(t)))
    return (body + float(a[-1]) / lam) * 3600.0
