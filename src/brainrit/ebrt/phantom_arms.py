"""Compose external-beam arms on a phantom (ebrt sits below phantoms in the layering: it may import them).

Arms (human): ``"WBRT-30/10"``, ``"WBRT-20/5"``, ``"WBRT-37.5/15"``, ``"HA-WBRT-30/10"``,
``"SRS-RTOG9005"`` (each visible lesion at its RTOG 90-05 dose), ``"fSRS-27/3"``, ``"fSRS-30/5"``, and
composites ``"<WBRT regimen>+SRS"`` (WBRT followed by an SRS boost, RTOG 9508 style — Andrews DW et al.
Lancet 2004;363:1665–1672 [K]). Mouse: the ``mouse-WBRT-*`` regimens with the 225 kVp beam.

Examples
--------
>>> from brainrit.phantoms import mouse_brain
>>> from brainrit.ebrt.phantom_arms import build_arm
>>> arm = build_arm(mouse_brain(voxel_mm=0.2), "mouse-WBRT-4/1")
>>> arm.n_fractions, arm.whole_brain
(1, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from brainrit.cache import memoize
from brainrit.checks import choice
from brainrit.ebrt.arms import Arm, ArmComponent
from brainrit.ebrt.regimens import REGIMENS, Regimen, get_regimen, srs_prescription_Gy
from brainrit.ebrt.srs import DEFAULT_GRADIENT_INDEX, srs_dose
from brainrit.ebrt.wbrt import ha_wbrt_dose, wbrt_dose
from brainrit.errors import InputError
from brainrit.phantoms.brain import Phantom

if TYPE_CHECKING:
    from brainrit.ebrt.outcomes import ComparisonTable, OutcomeModel

__all__ = ["HUMAN_ARMS", "MOUSE_ARMS", "arm_names", "build_arm", "compare", "custom_arm", "standard_arms"]

HUMAN_ARMS = (
    "WBRT-30/10",
    "WBRT-20/5",
    "WBRT-37.5/15",
    "HA-WBRT-30/10",
    "SRS-RTOG9005",
    "fSRS-27/3",
    "fSRS-30/5",
    "WBRT-30/10+SRS",
)
MOUSE_ARMS = ("mouse-WBRT-4/1", "mouse-WBRT-8/1", "mouse-WBRT-16/1", "mouse-WBRT-24/1")


def _beam_kwargs(phantom: Phantom) -> dict[str, object]:
    if phantom.species == "mouse":
        return {"beam": "225kVp", "margin_mm": 1.0, "scalp_mm": phantom.scalp_mm}
    return {"beam": "6MV", "margin_mm": 10.0, "scalp_mm": phantom.scalp_mm}


def _focal(
    phantom: Phantom, reg: Regimen, gradient_index: float, max_to_prescription: float, cache: dict
) -> ArmComponent:
    targets = phantom.visible_lesions
    if not targets:
        raise InputError(
            "phantom.lesions", "no visible lesion", f"at least one visible lesion for {reg.name}"
        )
    dose = np.zeros(phantom.shape, dtype=np.float32)
    for t in targets:
        by_size = reg.technique == "SRS" and math.isnan(reg.total_dose_Gy)
        rx = srs_prescription_Gy(t.diameter_mm) if by_size else reg.total_dose_Gy
        key = ("unit-srs", t.name, gradient_index, max_to_prescription)
        if key not in cache:  # dose per Gy of prescription: linear, shared by the SRS and fSRS arms
            cache[key] = srs_dose(
                phantom.shape,
                phantom.voxel_mm,
                phantom.origin_mm,
                centres_mm=t.centre_mm[None, :],
                diameters_mm=[t.diameter_mm],
                prescriptions_Gy=[1.0],
                gradient_index=gradient_index,
                max_to_prescription=max_to_prescription,
            )
        dose += np.float32(rx) * cache[key]
    return ArmComponent(reg.name, dose, reg.n_fractions, reg.technique)


def _whole(phantom: Phantom, reg: Regimen, cache: dict) -> ArmComponent:
    brain = phantom.masks["brain"]
    kw = _beam_kwargs(phantom)
    if "unit-wbrt" not in cache:  # dose per Gy at the isocentre: the beam model is linear in prescription
        cache["unit-wbrt"] = wbrt_dose(brain, phantom.voxel_mm, phantom.origin_mm, 1.0, **kw)  # type: ignore[arg-type]
    wb = np.float32(reg.total_dose_Gy) * cache["unit-wbrt"]
    if reg.technique == "WBRT":
        return ArmComponent(reg.name, wb, reg.n_fractions, reg.technique)
    hip = phantom.masks["hippocampi"]
    dose = ha_wbrt_dose(brain, hip, phantom.voxel_mm, phantom.origin_mm, reg.total_dose_Gy, wbrt=wb)
    return ArmComponent(reg.name, dose, reg.n_fractions, reg.technique)


def build_arm(
    phantom: Phantom,
    name: str,
    *,
    gradient_index: float = DEFAULT_GRADIENT_INDEX,
    max_to_prescription: float = 1.0,
    _cache: dict | None = None,
) -> Arm:
    """Build one arm on ``phantom`` by regimen name (or ``"<whole-brain regimen>+SRS"``).

    Examples
    --------
    >>> from brainrit.phantoms import human_brain, metastasis
    >>> p = human_brain(voxel_mm=4.0, lesions=[metastasis("m1", (30.0, -30.0, 20.0), 15.0)])
    >>> arm = build_arm(p, "WBRT-30/10+SRS")
    >>> [(c.name, c.n_fractions) for c in arm.components]
    [('WBRT-30/10', 10), ('SRS-RTOG9005', 1)]
    """
    cache = {} if _cache is None else _cache
    allowed = (
        *REGIMENS,
        *(f"{r}+SRS" for r, v in REGIMENS.items() if v.whole_brain and v.species == "human"),
    )
    key = choice("arm", name, allowed)
    geo = (phantom.voxel_mm, phantom.origin_mm)
    if key.endswith("+SRS"):
        wb = get_regimen(key[: -len("+SRS")])
        boost = get_regimen("SRS-RTOG9005")
        comps = (
            _whole(phantom, wb, cache),
            _focal(phantom, boost, gradient_index, max_to_prescription, cache),
        )
        desc = f"{wb.source}; boost: {boost.source}"
        return Arm(key, comps, *geo, whole_brain=True, description=desc)
    reg = get_regimen(key)
    if reg.species != phantom.species:
        raise InputError("arm", name, f"a {phantom.species} regimen (this one is for {reg.species})")
    if reg.whole_brain:
        return Arm(key, (_whole(phantom, reg, cache),), *geo, whole_brain=True, description=reg.source)
    comp = _focal(phantom, reg, gradient_index, max_to_prescription, cache)
    return Arm(key, (comp,), *geo, whole_brain=False, description=reg.source)


_TECHNIQUES = ("wbrt", "ha-wbrt", "srs", "fsrs", "wbrt+srs")


# the phantom is hashed by identity (Phantom is eq=False): one cached phantom, one set of arm grids
@memoize(maxsize=8)
def custom_arm(
    phantom: Phantom,
    name: str,
    technique: str,
    *,
    dose_Gy: float | None = None,
    n_fractions: int | None = None,
    srs_dose_Gy: float | None = None,
    gradient_index: float = DEFAULT_GRADIENT_INDEX,
    max_to_prescription: float = 1.0,
) -> Arm:
    """An arm with any prescription, named as in a scenario file's ``arms`` (``type`` = technique).

    Parameters
    ----------
    technique : str
        ``"wbrt"``, ``"ha-wbrt"``, ``"srs"``, ``"fsrs"`` or ``"wbrt+srs"``.
    dose_Gy, n_fractions : float, int, optional
        Prescription (whole-brain dose for ``"wbrt+srs"``). Defaults: WBRT/HA-WBRT 30 Gy/10 fx,
        SRS by size (RTOG 90-05) in 1 fx, fSRS 27 Gy/3 fx.
    srs_dose_Gy : float, optional
        Boost of ``"wbrt+srs"`` (default: RTOG 90-05 by size).

    Notes
    -----
    The dose grids depend only on the phantom and the prescription, so the last few arms are kept
    (:mod:`brainrit.cache`): a sweep that varies radiobiology builds each arm once per worker.

    Examples
    --------
    >>> from brainrit.phantoms import human_brain, metastasis
    >>> p = human_brain(voxel_mm=4.0, lesions=[metastasis("m1", (30.0, -30.0, 20.0), 15.0)])
    >>> arm = custom_arm(p, "SRS 20 Gy", "srs", dose_Gy=20.0)
    >>> arm.n_fractions, arm.whole_brain
    (1, False)
    """
    from brainrit.checks import choice as _choice

    tech = _choice("technique", technique, _TECHNIQUES)
    sp = phantom.species
    defaults = {"wbrt": (30.0, 10), "ha-wbrt": (30.0, 10), "srs": (math.nan, 1), "fsrs": (27.0, 3)}
    cache: dict = {}
    if tech == "wbrt+srs":
        d, n = (30.0 if dose_Gy is None else dose_Gy), (10 if n_fractions is None else n_fractions)
        wb = Regimen(f"{name}: WBRT", d, n, "WBRT", sp)
        boost = Regimen(f"{name}: SRS", math.nan if srs_dose_Gy is None else srs_dose_Gy, 1, "SRS", sp)
        comps = (
            _whole(phantom, wb, cache),
            _focal(phantom, boost, gradient_index, max_to_prescription, cache),
        )
        return Arm(name, comps, phantom.voxel_mm, phantom.origin_mm, whole_brain=True)
    d0, n0 = defaults[tech]
    d = d0 if dose_Gy is None else dose_Gy
    n = n0 if n_fractions is None else n_fractions
    if tech == "srs" and n != 1:
        raise InputError("n_fractions", n_fractions, "1 for SRS (use technique 'fsrs' for more)")
    label = {"wbrt": "WBRT", "ha-wbrt": "HA-WBRT", "srs": "SRS", "fsrs": "fSRS"}[tech]
    reg = Regimen(name, d, n, label, sp)
    if reg.whole_brain:
        return Arm(
            name, (_whole(phantom, reg, cache),), phantom.voxel_mm, phantom.origin_mm, whole_brain=True
        )
    comp = _focal(phantom, reg, gradient_index, max_to_prescription, cache)
    return Arm(name, (comp,), phantom.voxel_mm, phantom.origin_mm, whole_brain=False)


def standard_arms(
    phantom: Phantom,
    names: Iterable[str] | None = None,
    *,
    gradient_index: float = DEFAULT_GRADIENT_INDEX,
    max_to_prescription: float = 1.0,
) -> tuple[Arm, ...]:
    """All standard arms for the phantom's species (focal arms only when a lesion is visible).

    Examples
    --------
    >>> from brainrit.phantoms import human_brain
    >>> [a.name for a in standard_arms(human_brain(voxel_mm=4.0))]
    ['WBRT-30/10', 'WBRT-20/5', 'WBRT-37.5/15', 'HA-WBRT-30/10']
    """
    if names is None:
        if phantom.species == "mouse":
            names = MOUSE_ARMS
        else:
            names = [n for n in HUMAN_ARMS if phantom.visible_lesions or "SRS" not in n]
    cache: dict = {}
    return tuple(
        build_arm(
            phantom, n, gradient_index=gradient_index, max_to_prescription=max_to_prescription, _cache=cache
        )
        for n in names
    )


def arm_names(phantom: Phantom) -> Sequence[str]:
    """Default arm names for the phantom (see :func:`standard_arms`)."""
    return MOUSE_ARMS if phantom.species == "mouse" else HUMAN_ARMS


def compare(
    phantom: Phantom,
    arms: Sequence[Arm] | None = None,
    *,
    model: OutcomeModel | None = None,
) -> ComparisonTable:
    """Comparison table of ``arms`` (default: :func:`standard_arms`) on the phantom and its lesions."""
    from brainrit.ebrt.outcomes import compare_arms

    chosen = standard_arms(phantom) if arms is None else tuple(arms)
    return compare_arms(chosen, phantom.masks, phantom.lesions, model=model)
