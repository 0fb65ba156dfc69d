"""Reference mouse and human physiology for the antibody compartment model, with allometric scaling.

Values come from ``brainrit/data/kinetics_physiology.toml``, where every number carries its source
(Davies & Morris 1993 Pharm Res; Durbin et al. 1992 Health Phys; ICRP Publication 89 (2002);
Shah & Betts 2012 J Pharmacokinet Pharmacodyn; Abuqayyas & Balthasar 2012 Int J Pharm;
Dirks & Meibohm 2010 Clin Pharmacokinet) and a status tag ([V] checked, [K] to verify, [D] derived,
[A] assumption).

Examples
--------
>>> from brainrit.kinetics.physiology import reference_physiology
>>> mouse = reference_physiology("mouse")
>>> mouse.organs["brain"].mass_g
0.36
>>> heavier = reference_physiology("mouse", body_mass_g=25.0)
>>> round(heavier.organs["brain"].mass_g, 3)
0.45
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from brainrit.checks import choice, positive
from brainrit.errors import DataError, InputError

__all__ = [
    "REGIONS",
    "SPECIES",
    "FreeIonKinetics",
    "Organ",
    "Physiology",
    "allometric",
    "reference_physiology",
]

#: Regions of the model, in the order used for every array.
REGIONS: tuple[str, ...] = ("brain", "metastasis", "liver", "spleen", "kidneys", "marrow", "remainder")
SPECIES: tuple[str, ...] = ("mouse", "human")


@dataclass(frozen=True)
class Organ:
    """One region: mass, plasma flow and antibody transport properties (units in the names)."""

    name: str
    mass_g: float
    plasma_flow_mL_per_h: float
    residual_plasma_mL_per_g: float
    interstitial_fraction: float
    vascular_reflection: float
    vascular_surface_cm2_per_g: float
    nonspecific_uptake_per_h: float


@dataclass(frozen=True)
class FreeIonKinetics:
    """First-order kinetics of a released (unchelated) daughter ion, e.g. free ²¹²Bi.

    ``uptake_per_h[r]``: plasma → region r; ``return_per_h[r]``: region r → plasma; ``urine_per_h``: plasma →
    excreted. Rate constants in 1/h.
    """

    element: str
    urine_per_h: float
    uptake_per_h: Mapping[str, float]
    return_per_h: Mapping[str, float]


@dataclass(frozen=True)
class Physiology:
    """Whole-body reference physiology of one species (or a scaled individual)."""

    species: str
    body_mass_g: float
    plasma_volume_mL: float
    haematocrit: float
    lymph_flow_fraction: float
    lymph_reflection: float
    plasma_clearance_mL_per_h: float
    catabolism_per_h: float
    organs: Mapping[str, Organ]
    free_ions: Mapping[str, FreeIonKinetics]


def allometric(value: float, mass_from_g: float, mass_to_g: float, exponent: float) -> float:
    """Scale ``value`` from body mass ``mass_from_g`` to ``mass_to_g`` as ``value * (to/from)**exponent``.

    Examples
    --------
    >>> round(allometric(8.0, 20.0, 70000.0, 0.75), 1)
    3640.3
    """
    return (
        float(value) * (positive("mass_to_g", mass_to_g) / positive("mass_from_g", mass_from_g)) ** exponent
    )


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = files("brainrit") / "data" / "kinetics_physiology.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read kinetics_physiology.toml: {exc}") from exc


def _exponents() -> dict[str, float]:
    return {k: float(v) for k, v in _data()["allometry"].items()}


def _free_ions(raw: Mapping[str, Any]) -> dict[str, FreeIonKinetics]:
    out = {}
    for element, d in raw.items():
        out[element] = FreeIonKinetics(
            element=element,
            urine_per_h=float(d["urine_per_h"]),
            uptake_per_h=MappingProxyType({r: float(d["uptake_per_h"].get(r, 0.0)) for r in REGIONS}),
            return_per_h=MappingProxyType({r: float(d["return_per_h"].get(r, 0.0)) for r in REGIONS}),
        )
    return out


def _scale_free_ion(k: FreeIonKinetics, factor: float) -> FreeIonKinetics:
    return FreeIonKinetics(
        element=k.element,
        urine_per_h=k.urine_per_h * factor,
        uptake_per_h=MappingProxyType({r: v * factor for r, v in k.uptake_per_h.items()}),
        return_per_h=MappingProxyType({r: v * factor for r, v in k.return_per_h.items()}),
    )


@lru_cache(maxsize=8)
def _reference(species: str) -> Physiology:
    d = _data()[species]
    organs: dict[str, Organ] = {}
    for name in REGIONS[:-1]:
        o = d["organs"][name]
        organs[name] = Organ(
            name=name,
            mass_g=float(o["mass_g"]),
            plasma_flow_mL_per_h=float(o["plasma_flow_mL_per_h"]),
            residual_plasma_mL_per_g=float(o["residual_plasma_mL_per_g"]),
            interstitial_fraction=float(o["interstitial_fraction"]),
            vascular_reflection=float(o["vascular_reflection"]),
            vascular_surface_cm2_per_g=float(o["vascular_surface_cm2_per_g"]),
            nonspecific_uptake_per_h=float(o["nonspecific_uptake_per_h"]),
        )
    body = float(d["body_mass_g"])
    vp = float(d["plasma_volume_mL"])
    rem = d["organs"]["remainder"]
    m_rem = body - sum(o.mass_g for o in organs.values())
    q_rem = float(rem["plasma_flow_total_mL_per_h"]) - sum(o.plasma_flow_mL_per_h for o in organs.values())
    v_rem = vp - sum(o.mass_g * o.residual_plasma_mL_per_g for o in organs.values())
    if m_rem <= 0 or q_rem <= 0 or v_rem <= 0:  # pragma: no cover - data consistency
        raise DataError(f"kinetics_physiology.toml: organs of {species} exceed the whole body")
    organs["remainder"] = Organ(
        name="remainder",
        mass_g=m_rem,
        plasma_flow_mL_per_h=q_rem,
        residual_plasma_mL_per_g=v_rem / m_rem,
        interstitial_fraction=float(rem["interstitial_fraction"]),
        vascular_reflection=float(rem["vascular_reflection"]),
        vascular_surface_cm2_per_g=float(rem["vascular_surface_cm2_per_g"]),
        nonspecific_uptake_per_h=float(rem["nonspecific_uptake_per_h"]),
    )
    if "free_ions" in d:
        ions = _free_ions(d["free_ions"])
    else:
        mouse = _reference("mouse")
        factor = (body / mouse.body_mass_g) ** _exponents()["rate_constant"]
        ions = {e: _scale_free_ion(k, factor) for e, k in mouse.free_ions.items()}
    return Physiology(
        species=species,
        body_mass_g=body,
        plasma_volume_mL=vp,
        haematocrit=float(d["haematocrit"]),
        lymph_flow_fraction=float(d["lymph_flow_fraction"]),
        lymph_reflection=float(d["lymph_reflection"]),
        plasma_clearance_mL_per_h=float(d["plasma_clearance_mL_per_h"]),
        catabolism_per_h=float(d["catabolism_per_h"]),
        organs=MappingProxyType(organs),
        free_ions=MappingProxyType(ions),
    )


def reference_physiology(species: str = "mouse", *, body_mass_g: float | None = None) -> Physiology:
    """Reference physiology of ``species`` ("mouse" or "human"), optionally scaled to ``body_mass_g``.

    Scaling (allometric exponents in the data file): masses and volumes ∝ M, plasma flows ∝ M^0.75
    (Lindstedt & Schaeffer 2002 Lab Anim), antibody plasma clearance ∝ M^0.85 (Deng et al. 2011 mAbs),
    first-order rate constants ∝ M^-0.25 (Lindstedt & Schaeffer 2002). Per-gram quantities (residual
    plasma, vascular surface) are unchanged.

    Parameters
    ----------
    species : str
        "mouse" (20 g, Davies & Morris 1993) or "human" (73 kg ICRP 89 reference male).
    body_mass_g : float, optional
        Body mass of the individual, g. Default: the reference mass.

    Returns
    -------
    Physiology

    Examples
    --------
    >>> reference_physiology("human").organs["liver"].mass_g
    1800.0
    """
    sp = choice("species", species, SPECIES)
    ref = _reference(sp)
    if body_mass_g is None:
        return ref
    m = positive("body_mass_g", body_mass_g)
    if m > 1e6:
        raise InputError("body_mass_g", body_mass_g, "a body mass <= 1e6 g")
    ex = _exponents()
    r = m / ref.body_mass_g
    organs = {
        n: replace(
            o,
            mass_g=o.mass_g * r ** ex["mass"],
            plasma_flow_mL_per_h=o.plasma_flow_mL_per_h * r ** ex["flow"],
        )
        for n, o in ref.organs.items()
    }
    f_rate = r ** ex["rate_constant"]
    return replace(
        ref,
        body_mass_g=m,
        plasma_volume_mL=ref.plasma_volume_mL * r ** ex["mass"],
        plasma_clearance_mL_per_h=ref.plasma_clearance_mL_per_h * r ** ex["antibody_clearance"],
        catabolism_per_h=ref.catabolism_per_h * f_rate,
        organs=MappingProxyType(organs),
        free_ions=MappingProxyType({e: _scale_free_ion(k, f_rate) for e, k in ref.free_ions.items()}),
    )
