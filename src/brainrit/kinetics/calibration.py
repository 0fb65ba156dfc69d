"""Calibration of the mouse VCAM-1 model to the published metastasis / healthy-brain ratio.

Corroyer-Dulmont et al. (Neuro-Oncology 2020;22:357-368) report 5.52 × 10⁸ and 0.92 × 10⁸ disintegrations per
gram of early brain metastases and of healthy brain after ²¹²Pb-anti-VCAM-1 (MDA-231-Br-GFP,
day 21), a ratio of 6.

**Exactly one parameter is calibrated**: ``target.density_per_um2.metastasis`` (VCAM-1 molecules per µm² of
metastasis-associated endothelium), with every other parameter at its default (healthy-brain density 1 µm⁻²,
antibody 0.5 mg/kg, release fraction 0.36, saturable binding). "Disintegrations" are taken as all chain decays
(²¹²Pb + ²¹²Bi + ²¹²Po + ²⁰⁸Tl), integrated to infinity, with organ activities including residual blood. The
absolute numbers then fix the injected activity they imply (:attr:`Calibration.implied_activity_MBq`);
the same is given if only ²¹²Pb decays were counted. Reproducing the ratio is a calibration, **not** a
validation.

Examples
--------
>>> from brainrit.kinetics.calibration import CORROYER_DULMONT_2020
>>> CORROYER_DULMONT_2020["metastasis_decays_per_g"] / CORROYER_DULMONT_2020["brain_decays_per_g"]
6.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from scipy.optimize import brentq

from brainrit.checks import positive
from brainrit.errors import InputError
from brainrit.kinetics.model import KineticModel, default_model
from brainrit.kinetics.solve import solve

__all__ = ["CORROYER_DULMONT_2020", "Calibration", "calibrate_metastasis_density"]

#: Published anchor (Corroyer-Dulmont et al., Neuro-Oncology 2020;22:357, abstract).
CORROYER_DULMONT_2020 = MappingProxyType(
    {"metastasis_decays_per_g": 5.52e8, "brain_decays_per_g": 0.92e8, "day": 21.0}
)


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate_metastasis_density` (decays per gram are per MBq injected)."""

    density_per_um2: float
    ratio: float
    metastasis_decays_per_g_per_MBq: float
    brain_decays_per_g_per_MBq: float
    implied_activity_MBq: float  # all chain decays counted
    implied_activity_MBq_parent_only: float  # only 212Pb decays counted


def _ratio(model: KineticModel, density: float) -> tuple[float, Any]:
    res = solve(model.with_overrides(**{"target.density_per_um2.metastasis": density}), 1.0, n_times=40)
    return res.ratio("metastasis", "brain"), res


def calibrate_metastasis_density(
    model: KineticModel | None = None,
    *,
    target_ratio: float = 6.0,
    bracket_per_um2: tuple[float, float] = (0.5, 1e4),
) -> Calibration:
    """Find the metastasis VCAM-1 density giving ``target_ratio`` metastasis/brain decays per gram.

    Parameters
    ----------
    model : KineticModel, optional
        Default: ``default_model("mouse")`` (needs :mod:`brainrit.nuclides`).
    target_ratio : float
        Ratio to reproduce (6, Corroyer-Dulmont et al. 2020).
    bracket_per_um2 : (float, float)
        Search interval for the density, µm⁻².

    Returns
    -------
    Calibration
    """
    model = default_model("mouse") if model is None else model
    goal = positive("target_ratio", target_ratio)
    lo, hi = (positive("bracket_per_um2", b) for b in bracket_per_um2)

    def f(logd: float) -> float:
        return _ratio(model, math.exp(logd))[0] - goal

    flo, fhi = f(math.log(lo)), f(math.log(hi))
    if flo * fhi > 0:
        raise InputError(
            "target_ratio", target_ratio, f"reachable within the density bracket {bracket_per_um2}"
        )
    logd = brentq(f, math.log(lo), math.log(hi), xtol=1e-6)
    d = math.exp(logd)
    ratio, res = _ratio(model, d)
    met = res.decays_per_g("metastasis")
    brain = res.decays_per_g("brain")
    parent = model.chain.tracked[0]
    met_parent = res.decays_per_g("metastasis", parent)
    ref = CORROYER_DULMONT_2020
    return Calibration(
        density_per_um2=d,
        ratio=ratio,
        metastasis_decays_per_g_per_MBq=met,
        brain_decays_per_g_per_MBq=brain,
        implied_activity_MBq=ref["metastasis_decays_per_g"] / met,
        implied_activity_MBq_parent_only=ref["metastasis_decays_per_g"] / met_parent,
    )
