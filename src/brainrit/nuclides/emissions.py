"""Emission lines and β spectra (ICRP Publication 107) and the energy emitted per decay by radiation class.

Data: ICRP 2008, *Nuclear Decay Data for Dosimetric Calculations*, ICRP Publication 107, Ann. ICRP 38(3),
as packaged by icrp107-database (one JSON file per nuclide; yields are absolute, per nuclear
transformation of that nuclide).

Radiation classes (:data:`RADIATION_CLASSES`) and the ICRP-107 record each is read from:

================  ==================  =====================================================
class             ICRP-107 record     energy listed
================  ==================  =====================================================
``alpha``         ``alpha``           α kinetic energy (recoil **not** included)
``alpha_recoil``  ``alpha recoil``    kinetic energy of the recoiling daughter nucleus
``beta_minus``    ``beta-``           **mean** energy of each β⁻ branch
``beta_plus``     ``beta+``           **mean** energy of each β⁺ branch
``ie``            ``IE``              internal-conversion electrons
``auger``         ``auger``           Auger and Coster-Kronig electrons
``gamma``         ``gamma``           γ rays
``xray``          ``X``               X rays (free-bound line included)
``annihilation``  ``annihilation``    0.511 MeV annihilation quanta
================  ==================  =====================================================

Not carried: neutrons, fission fragments and delayed β from spontaneous fission (only heavy actinides
have them); ICRP-107 has no bremsstrahlung.

β spectra: ICRP-107's tabulated spectrum (the ``.BET`` file, ``b-spectra`` record) gives dN/dE per MeV
per decay on a non-uniform grid, summed over β⁻ and β⁺. Its trapezoidal integral equals the total β
yield to within 0.51 % for all 955 ICRP-107 nuclides that have a spectrum (0.12 % for ²¹²Pb, 0.12 % for
²¹²Bi: 0.64139 vs yield 0.64060). brainrit rescales it so that the trapezoidal integral equals the
β yield exactly; the factor applied is kept in :attr:`Emissions.beta_spectrum_scale`.

Examples
--------
>>> e = energy_per_decay("Bi-212")
>>> round(e["alpha"], 5), round(e["beta_minus"], 5)
(2.17451, 0.49291)
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.errors import DataError
from brainrit.nuclides.names import _icrp107_names, parse_name

__all__ = [
    "RADIATION_CLASSES",
    "RADIATION_GROUPS",
    "Emissions",
    "emissions",
    "energy_per_decay",
    "group_by_class",
]

RADIATION_CLASSES: tuple[str, ...] = (
    "alpha",
    "alpha_recoil",
    "beta_minus",
    "beta_plus",
    "ie",
    "auger",
    "gamma",
    "xray",
    "annihilation",
)

# Radiation groups used wherever dose is reported by biological effect class (α vs low-LET):
# α with its recoil (high LET, local), electrons (β±, internal conversion, Auger), photons.
RADIATION_GROUPS: dict[str, tuple[str, ...]] = {
    "alpha": ("alpha", "alpha_recoil"),
    "electron": ("beta_minus", "beta_plus", "ie", "auger"),
    "photon": ("gamma", "xray", "annihilation"),
}


def group_by_class(by_class: Mapping[str, Any]) -> dict[str, Any]:
    """Sum per-class values (floats or arrays, any unit) into ``alpha``, ``electron`` and ``photon``.

    Classes absent from ``by_class`` count as 0.

    Examples
    --------
    >>> g = group_by_class(energy_per_decay("Bi-212"))
    >>> round(g["alpha"], 5), round(g["electron"], 5)
    (2.21636, 0.50456)
    """
    return {g: sum((by_class.get(c, 0.0) for c in classes), 0.0) for g, classes in RADIATION_GROUPS.items()}


_ICRP_KEY = {
    "alpha": "alpha",
    "alpha_recoil": "alpha recoil",
    "beta_minus": "beta-",
    "beta_plus": "beta+",
    "ie": "IE",
    "auger": "auger",
    "gamma": "gamma",
    "xray": "X",
    "annihilation": "annihilation",
}

Spectrum = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Emissions:
    """Everything a nuclide emits per decay (ICRP-107).

    Attributes
    ----------
    nuclide : str
        Canonical name.
    lines : Mapping[str, tuple[ndarray, ndarray]]
        For every class in :data:`RADIATION_CLASSES` (empty arrays when none): (energy_MeV, yield per
        decay of this nuclide), read-only float64 arrays, in ICRP-107 order.
    beta_minus_spectrum, beta_plus_spectrum : tuple[ndarray, ndarray] or None
        (energy_MeV, dN/dE per MeV per decay) when the nuclide emits β of only that sign; the integral
        (trapezoid) equals the β⁻ (β⁺) yield. None otherwise (see ``beta_spectrum`` for nuclides that
        emit both signs, e.g. ⁶⁴Cu; ICRP-107 tabulates only their sum).
    beta_spectrum : tuple[ndarray, ndarray] or None
        Sum of the β⁻ and β⁺ spectra (integral = total β yield); None when no β is emitted.
    beta_spectrum_scale : float
        Factor applied to ICRP-107's tabulated spectrum to make its trapezoidal integral equal the β
        yield (1.0 when there is no spectrum).
    """

    nuclide: str
    lines: Mapping[str, Spectrum]
    beta_minus_spectrum: Spectrum | None
    beta_plus_spectrum: Spectrum | None
    beta_spectrum: Spectrum | None = None
    beta_spectrum_scale: float = 1.0

    def energy_per_decay_MeV(self, radiation_class: str) -> float:
        """Sum of energy × yield of one class, MeV per decay of this nuclide."""
        energy, yield_ = self.lines[radiation_class]
        return float(np.dot(energy, yield_))


def _frozen(values: Iterable[float]) -> np.ndarray:
    arr = np.array(list(values), dtype=np.float64)
    arr.setflags(write=False)
    return arr


@functools.lru_cache(maxsize=128)
def _read_icrp107(name: str) -> dict:
    path = importlib.resources.files("icrp107_database") / "icrp107" / f"{name}.json"
    try:
        data = json.loads(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:  # pragma: no cover - packaging problem
        raise DataError(f"ICRP-107 data file for {name} cannot be read: {exc}") from exc
    return data


def emissions(nuclide: str) -> Emissions:
    """Emission lines and β spectra of one nuclide (ICRP Publication 107, 2008).

    Parameters
    ----------
    nuclide : str
        Any spelling accepted by :func:`~brainrit.nuclides.parse_name`. A stable nuclide emits nothing
        (all classes empty).

    Returns
    -------
    Emissions
        Yields are per decay of this nuclide (not of a chain parent). Cached: the same object is returned
        for repeated calls; its arrays are read-only.

    Raises
    ------
    InputError
        Unknown nuclide.

    Examples
    --------
    >>> e = emissions("Po-212")
    >>> e.lines["alpha"][0].tolist(), e.lines["alpha"][1].tolist()
    ([8.78508], [1.0])
    >>> energy, dn_de = emissions("Y-90").beta_minus_spectrum
    >>> round(float(np.trapezoid(dn_de, energy)), 6)
    1.0
    """
    return _emissions(parse_name(nuclide))


@functools.lru_cache(maxsize=256)
def _emissions(name: str) -> Emissions:
    if name not in _icrp107_names():  # stable
        empty = (_frozen(()), _frozen(()))
        return Emissions(name, MappingProxyType(dict.fromkeys(RADIATION_CLASSES, empty)), None, None)
    records = _read_icrp107(name)["emissions"]
    lines = {}
    for cls in RADIATION_CLASSES:
        rows = records.get(_ICRP_KEY[cls], [])
        lines[cls] = (_frozen(r[0] for r in rows), _frozen(r[1] for r in rows))
    y_minus = float(lines["beta_minus"][1].sum())
    y_plus = float(lines["beta_plus"][1].sum())
    table = records.get("b-spectra", [])
    spectrum = minus = plus = None
    scale = 1.0
    if table and y_minus + y_plus > 0:
        energy = np.array([r[0] for r in table], dtype=np.float64)
        dn_de = np.array([r[1] for r in table], dtype=np.float64)
        integral = float(np.trapezoid(dn_de, energy))
        if not integral > 0:  # pragma: no cover - not met in ICRP-107
            raise DataError(f"ICRP-107 beta spectrum of {name} integrates to {integral}")
        scale = (y_minus + y_plus) / integral
        spectrum = (_frozen(energy), _frozen(dn_de * scale))
        if y_plus == 0:
            minus = spectrum
        elif y_minus == 0:
            plus = spectrum
    return Emissions(name, MappingProxyType(lines), minus, plus, spectrum, scale)


def energy_per_decay(
    nuclide: str, chain: bool = False, *, cut: Iterable[str] = (), window_h: float | None = None
) -> dict[str, float]:
    """Energy emitted per decay by radiation class, MeV (ICRP Publication 107).

    Parameters
    ----------
    nuclide : str
        Nuclide (or chain parent when ``chain=True``).
    chain : bool, optional
        False (default): per decay of ``nuclide`` alone. True: per decay of the parent, each member
        weighted by its ``decays_per_parent_decay`` under the chain rule of
        :func:`~brainrit.nuclides.decay_chain` (for ²¹²Pb: ²¹²Bi 1, ²¹²Po 0.6406, ²⁰⁸Tl 0.3594; for
        ²¹¹At the 32.9 y ²⁰⁷Bi is cut by default, as in the ICRP-107 chain totals).
    cut : iterable of str, optional
        Chain members treated as end-points (their emissions are not counted). Only with ``chain=True``.
    window_h : float, optional
        Time window of the chain weights (h); None: the default rule. Only with ``chain=True``.

    Returns
    -------
    dict
        Exactly the keys of :data:`RADIATION_CLASSES`, values in MeV per decay.

    Examples
    --------
    >>> e = energy_per_decay("Pb-212", chain=True)
    >>> round(e["alpha"], 4)    # 2.17451 (Bi-212, α in 35.94 % of its decays) + 0.6406 x 8.78508 (Po-212)
    7.8022
    >>> list(e) == list(RADIATION_CLASSES)
    True
    """
    if not chain:
        em = emissions(nuclide)
        return {cls: em.energy_per_decay_MeV(cls) for cls in RADIATION_CLASSES}
    from brainrit.nuclides.chains import decay_chain

    total = dict.fromkeys(RADIATION_CLASSES, 0.0)
    for member in decay_chain(nuclide, cut=cut, window_h=window_h).radioactive:
        em = _emissions(member.name)
        for cls in RADIATION_CLASSES:
            total[cls] += member.decays_per_parent_decay * em.energy_per_decay_MeV(cls)
    return total
