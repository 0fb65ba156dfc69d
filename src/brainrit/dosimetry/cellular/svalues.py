"""Analytic MIRD-type cellular S-values (self-cell).

A cell is a sphere of radius R_C with a concentric spherical nucleus of radius R_N. Targets: nucleus
``N``, cytoplasm ``Cy``, whole cell ``C``; sources: ``N``, ``Cy``, cell surface ``CS``, ``C`` (activity
uniform in the volume or on the surface). Method: the geometric-reduction / point-pair distance
approach of Goddu et al. (J Nucl Med 1994;35:303–316), MIRD Cellular S Values (Goddu, Howell,
Bouchet, Bolch & Rao, SNM 1997): straight tracks, continuous slowing down (CSDA), energy lost is
deposited on the track. α: ASTAR CSDA ranges (``brainrit.physics``); electrons: Cole's range–energy
relation (Cole, Radiat Res 1969;38:7), as in the MIRD monograph; photons: kerma approximation with
SRD-126 μ and μ_en (negligible at cell scale; reported so that this can be seen).

S(T←S) = Σ_i y_i E_i φ_{T←S}(E_i) / m_T, in Gy per decay (= Gy/(Bq·s)); for a single particle, Gy per
emitted particle. Masses use the material density (water 1 g/cm³).

Examples
--------
>>> s = s_value_monoenergetic("electron", 0.001, "C", "C", cell_radius_um=5.0, nucleus_radius_um=3.0)
>>> round(s / 3.06e-4, 2)   # 1 keV is nearly all absorbed in the cell: ≈ E/m
0.99
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from brainrit.checks import choice, positive
from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular._self import self_energy
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = [
    "SOURCES",
    "TARGETS",
    "SValueTable",
    "compartment_mass_kg",
    "compartment_volume_um3",
    "s_value",
    "s_value_monoenergetic",
    "s_values",
    "s_values_monoenergetic",
]

TARGETS: tuple[str, ...] = ("N", "Cy", "C")
SOURCES: tuple[str, ...] = ("N", "Cy", "CS", "C")
_ALIASES = {
    "nucleus": "N",
    "cytoplasm": "Cy",
    "cell": "C",
    "cell_surface": "CS",
    "surface": "CS",
    "membrane": "CS",
}
PARTICLES = ("alpha", "electron")
RADIATION_CLASSES = src.RADIATION_CLASSES


def _compartment(field_name: str, value: object, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value.lower() in _ALIASES and _ALIASES[value.lower()] in allowed:
        return _ALIASES[value.lower()]
    return choice(field_name, value, allowed)


def _radii(cell_radius_um: float, nucleus_radius_um: float) -> tuple[float, float]:
    rc = positive("cell_radius_um", cell_radius_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    if rn >= rc:
        raise InputError("nucleus_radius_um", nucleus_radius_um, f"< cell_radius_um = {rc:g} µm")
    return rc, rn


def compartment_volume_um3(compartment: str, cell_radius_um: float, nucleus_radius_um: float) -> float:
    """Volume (µm³) of ``N``, ``Cy`` or ``C``.

    Examples
    --------
    >>> round(compartment_volume_um3("Cy", 2.0, 1.0), 4)
    29.3215
    """
    t = _compartment("compartment", compartment, TARGETS)
    rc, rn = _radii(cell_radius_um, nucleus_radius_um)
    vc = 4.0 / 3.0 * math.pi * rc**3
    vn = 4.0 / 3.0 * math.pi * rn**3
    return {"N": vn, "Cy": vc - vn, "C": vc}[t]


def compartment_mass_kg(
    compartment: str, cell_radius_um: float, nucleus_radius_um: float, *, material: str = "water"
) -> float:
    """Mass (kg) of ``N``, ``Cy`` or ``C`` at the material's density.

    Examples
    --------
    >>> round(compartment_mass_kg("C", 2.0, 1.0) / 3.351e-14, 3)   # 4/3 π (2 µm)³ × 1 g/cm³
    1.0
    """
    tb = src.tables(material)
    return compartment_volume_um3(compartment, cell_radius_um, nucleus_radius_um) * tb.density_g_cm3 * 1e-15


def _masses_kg(rc: float, rn: float, density: float) -> np.ndarray:
    vc = 4.0 / 3.0 * math.pi * rc**3
    vn = 4.0 / 3.0 * math.pi * rn**3
    return np.array([vn, vc - vn, vc]) * density * 1e-15


@dataclass(frozen=True)
class SValueTable:
    """S-values of one cell geometry for every target × source.

    Attributes
    ----------
    nuclide : str
        Nuclide (or ``"alpha 5 MeV"``-like label for a single particle).
    cell_radius_um, nucleus_radius_um : float
    material : str
    values_Gy_per_Bq_s : ndarray, shape (3, 4)
        Rows :data:`TARGETS` (N, Cy, C), columns :data:`SOURCES` (N, Cy, CS, C).
    by_class : Mapping[str, ndarray]
        The same, per radiation class (every class in :data:`RADIATION_CLASSES`).
    alpha_recoil : bool
        True when the α-recoil energy is included (deposited at the decay site); False for MIRD-style
        values without it (the ``alpha_recoil`` class is then 0).
    """

    nuclide: str
    cell_radius_um: float
    nucleus_radius_um: float
    material: str
    values_Gy_per_Bq_s: np.ndarray
    by_class: Mapping[str, np.ndarray] = field(default_factory=dict)
    alpha_recoil: bool = True

    def get(self, target: str, source: str) -> float:
        """S(target ← source) in Gy/(Bq·s)."""
        t = TARGETS.index(_compartment("target", target, TARGETS))
        s = SOURCES.index(_compartment("source", source, SOURCES))
        return float(self.values_Gy_per_Bq_s[t, s])

    def by_group(self, target: str, source: str) -> dict[str, float]:
        """S(target ← source) grouped as ``alpha`` (α + recoil), ``electron`` (β±, IE, Auger) and
        ``photon`` (γ, X, annihilation), plus ``photon_fraction`` of the total (to show that photons
        are negligible at cell scale).

        Examples
        --------
        >>> g = s_values("Pb-212", 5.0, 3.0).by_group("N", "C")
        >>> g["photon_fraction"] < 1e-3
        True
        """
        from brainrit.nuclides import group_by_class

        out = group_by_class(self.get_by_class(target, source))
        total = sum(out.values())
        out["photon_fraction"] = out["photon"] / total if total > 0 else 0.0
        return out

    def get_by_class(self, target: str, source: str) -> dict[str, float]:
        """S(target ← source) per radiation class (Gy/(Bq·s))."""
        t = TARGETS.index(_compartment("target", target, TARGETS))
        s = SOURCES.index(_compartment("source", source, SOURCES))
        return {k: float(v[t, s]) for k, v in self.by_class.items()}


# ----------------------------------------------------------------------------------------------
# core
# ----------------------------------------------------------------------------------------------


def _energy_matrix(es: src.EmissionSet, tb: src.Tables, rc: float, rn: float) -> np.ndarray:
    out = np.zeros((len(RADIATION_CLASSES), 3, 4))
    if es.energy_MeV.size:
        self_energy(
            es.kind, es.energy_MeV, es.weight, es.cls, es.mu_per_um, es.ratio,
            tb.alpha_E, tb.alpha_R, tb.electron_E, tb.electron_R, rc, rn, out,
        )  # fmt: skip
    return out


@functools.lru_cache(maxsize=4096)
def _member_energy(member: str, material: str, electron_model: str, rc: float, rn: float) -> np.ndarray:
    """Energy (MeV per decay of ``member``) deposited, (class, target, source); cached and read-only."""
    tb = src.tables(material, electron_model)
    es = src.member_emissions(member, tb.material, tb.density_g_cm3)
    out = _energy_matrix(es, tb, rc, rn)
    out.setflags(write=False)
    return out


def _check_energy(particle: str, energy_MeV: float, tb: src.Tables) -> float:
    e = positive("energy_MeV", energy_MeV)
    top = float(tb.alpha_E[-1] if particle == "alpha" else tb.electron_E[-1])
    if e > top:
        raise InputError("energy_MeV", energy_MeV, f"<= {top:g} MeV (top of the {particle} range table)")
    return e


def s_values_monoenergetic(
    particle: str,
    energy_MeV: float,
    cell_radius_um: float,
    nucleus_radius_um: float,
    *,
    material: str = "water",
    electron_model: str = "cole",
) -> SValueTable:
    """All 3 × 4 S-values (Gy per emitted particle) for one α or electron energy.

    Examples
    --------
    >>> t = s_values_monoenergetic("alpha", 5.0, 10.0, 5.0)
    >>> 0 < t.get("N", "CS") < t.get("N", "N")
    True
    """
    p = choice("particle", particle, PARTICLES)
    rc, rn = _radii(cell_radius_um, nucleus_radius_um)
    tb = src.tables(material, electron_model)
    e = _check_energy(p, energy_MeV, tb)
    es = src.monoenergetic(p, e)
    em = _energy_matrix(es, tb, rc, rn).sum(axis=0)
    vals = em * MEV_TO_J / _masses_kg(rc, rn, tb.density_g_cm3)[:, None]
    return SValueTable(f"{p} {e:g} MeV", rc, rn, tb.material, vals, {})


def s_value_monoenergetic(
    particle: str,
    energy_MeV: float,
    target: str,
    source: str,
    *,
    cell_radius_um: float,
    nucleus_radius_um: float,
    material: str = "water",
    electron_model: str = "cole",
) -> float:
    """S(target ← source) for one α or electron of ``energy_MeV``: Gy per emitted particle.

    Parameters
    ----------
    particle : {"alpha", "electron"}
        α: ASTAR CSDA range table; electron: Cole's relation (default, MIRD) or ESTAR CSDA.
    energy_MeV : float
        Initial kinetic energy (MeV), > 0.
    target : {"N", "Cy", "C"}
    source : {"N", "Cy", "CS", "C"}
        Long names (``"nucleus"``, ``"cytoplasm"``, ``"cell"``, ``"cell_surface"``) are accepted.
    cell_radius_um, nucleus_radius_um : float
        R_C > R_N > 0 (µm).
    material : str
        ``"water"`` (default, 1 g/cm³), ``"soft_tissue"`` or ``"brain"``.
    electron_model : {"cole", "estar"}

    Returns
    -------
    float
        Gy per emitted particle (equal to Gy/(Bq·s) for one particle per decay).

    Examples
    --------
    >>> # R_N > α range (91 µm)
    >>> s = s_value_monoenergetic("alpha", 8.785, "N", "N", cell_radius_um=200.0, nucleus_radius_um=150.0)
    >>> m = compartment_mass_kg("N", 200.0, 150.0)
    >>> 0.7 < s * m / (8.785 * 1.602176634e-13) < 0.8
    True
    """
    t = _compartment("target", target, TARGETS)
    s = _compartment("source", source, SOURCES)
    table = s_values_monoenergetic(
        particle,
        energy_MeV,
        cell_radius_um,
        nucleus_radius_um,
        material=material,
        electron_model=electron_model,
    )
    return table.get(t, s)


def s_values(
    nuclide: str,
    cell_radius_um: float,
    nucleus_radius_um: float,
    *,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
    alpha_recoil: bool = True,
) -> SValueTable:
    """All 3 × 4 S-values of a nuclide (Gy/(Bq·s)), per radiation class and in total.

    With ``chain=True`` the radioactive daughters are included, each weighted by its decays per parent
    decay (``brainrit.nuclides.decay_chain``). A daughter decays where the
    parent is (the column's source) unless ``daughter_sources`` places it elsewhere: e.g.
    ``{"Bi-212": "C"}`` (released from the chelate but still in the cell) or ``{"Bi-212": "away"}``
    (decays outside this cell, not counted). A daughter placed in a fixed compartment contributes the
    same to every column. Chain weights follow the chain rule of :func:`brainrit.nuclides.decay_chain`
    (long-lived progeny such as ²⁰⁷Bi after ²¹¹At are cut).

    ``alpha_recoil`` (default True) includes the kinetic energy of the recoiling daughter nucleus
    after α decay (E_R ≈ E_α·m_α/m_D, 0.169 MeV for ²¹²Po), deposited at the decay site: right for
    biology, since the recoil's ~0.1 µm track is as densely ionising as the α's. MIRD cellular S-values
    (Goddu et al. 1997) and MIRDcell leave it out; pass ``alpha_recoil=False`` to compare with them.
    The difference is large in small self-irradiated compartments: for ²¹²Po with R_N = 3 µm the
    recoil is 56 % of S(N←N); it is 0 for cross-irradiation (N←Cy, N←CS).

    Examples
    --------
    >>> t = s_values("Pb-212", 5.0, 3.0, chain=False)
    >>> t.get("N", "N") > t.get("N", "Cy") > 0
    True
    """
    rc, rn = _radii(cell_radius_um, nucleus_radius_um)
    tb = src.tables(material, electron_model)
    members = src.chain_members(
        nuclide, chain=chain, daughter_sources=daughter_sources, allowed_sources=SOURCES
    )
    if not isinstance(alpha_recoil, bool):
        raise InputError("alpha_recoil", alpha_recoil, "True or False")
    e = np.zeros((len(RADIATION_CLASSES), 3, 4))
    for m, n_dec, loc in members:
        em = _member_energy(m, tb.material, tb.electron_model, rc, rn)
        if loc == "same":
            e += n_dec * em
        else:
            e += n_dec * em[:, :, SOURCES.index(loc)][:, :, None]
    if not alpha_recoil:
        e[RADIATION_CLASSES.index("alpha_recoil")] = 0.0
    scale = MEV_TO_J / _masses_kg(rc, rn, tb.density_g_cm3)[None, :, None]
    by = e * scale
    by_class = {c: by[i] for i, c in enumerate(RADIATION_CLASSES)}
    name = members[0][0] if members else str(nuclide)
    return SValueTable(name, rc, rn, tb.material, by.sum(axis=0), by_class, alpha_recoil)


def s_value(
    nuclide: str,
    target: str,
    source: str,
    cell_radius_um: float,
    nucleus_radius_um: float,
    *,
    material: str = "water",
    chain: bool = True,
    by_class: bool = False,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
    alpha_recoil: bool = True,
) -> float | dict[str, float]:
    """Cellular S-value S(target ← source) of a nuclide (Gy/(Bq·s)).

    Parameters
    ----------
    nuclide : str
        e.g. ``"Pb-212"``, ``"At-211"``, ``"Lu-177"`` (ICRP-107 emissions via ``brainrit.nuclides``).
    target : {"N", "Cy", "C"}
    source : {"N", "Cy", "CS", "C"}
    cell_radius_um, nucleus_radius_um : float
        R_C > R_N > 0 (µm).
    material : str
        ``"water"`` (default), ``"soft_tissue"``, ``"brain"``.
    chain : bool
        Include radioactive daughters (chain rule of :func:`brainrit.nuclides.decay_chain`), default True.
    by_class : bool
        Return a mapping radiation class -> S-value instead of the total.
    daughter_sources : Mapping[str, str], optional
        Where daughters decay (see :func:`s_values`).
    electron_model : {"cole", "estar"}
        Electron range–energy relation (default Cole 1969, as MIRD).
    alpha_recoil : bool
        Include the α-recoil energy (default True; MIRD tables exclude it, see :func:`s_values`).

    Returns
    -------
    float or dict
        Gy/(Bq·s) (Gy per decay of the parent).

    Examples
    --------
    >>> s = s_value("At-211", "N", "N", 5.0, 3.0)
    >>> 0.1 < s < 1.0   # Gy per decay in a 3-µm nucleus
    True
    """
    t = _compartment("target", target, TARGETS)
    s = _compartment("source", source, SOURCES)
    table = s_values(
        nuclide, cell_radius_um, nucleus_radius_um, material=material, chain=chain,
        daughter_sources=daughter_sources, electron_model=electron_model, alpha_recoil=alpha_recoil,
    )  # fmt: skip
    if by_class:
        return table.get_by_class(t, s)
    return table.get(t, s)
