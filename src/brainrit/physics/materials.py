"""Materials: which NIST table serves each particle, and the default density.

Mass quantities (stopping power in MeV cm²/g, μ/ρ in cm²/g, CSDA range in g/cm²) come from the
tables; lengths in µm are the mass range divided by the density, so every range scales as 1/ρ and
the density is a parameter of :func:`get_material`.

Choices (each is a documented proxy where NIST has no table for the material):

===============  ======  =============================  ======================  ==============================
material         ρ       α (ASTAR)                      electrons (ESTAR)       photons (SRD-126)
===============  ======  =============================  ======================  ==============================
``water``        1.00    liquid water                   liquid water            water, liquid
``soft_tissue``  1.00    ICRP skeletal muscle (proxy)   ICRP soft tissue        soft tissue (ICRU-44)
``brain``        1.04    liquid water per mass (proxy)  ICRP brain              brain grey/white (ICRU-44)
``bone``         1.92    --                             --                      cortical bone (ICRU-44)
===============  ======  =============================  ======================  ==============================

- ``soft_tissue`` density 1.00 g/cm³ is the ICRP soft-tissue density used by ESTAR (ICRP
  Publication 23, 1975). ASTAR has no ICRP soft tissue; ICRP skeletal muscle (same four main
  elements, H 10.2 %, C 14.3 %, N 3.4 %, O 71.0 %) is used for α. SRD-126 "Tissue, Soft" is the
  ICRU Report 44 (1989) composition.
- ``brain`` density 1.04 g/cm³ is ICRU Report 44 (1989) grey/white matter (SRD-126 "Brain").
  ASTAR has no brain: α mass stopping powers and mass ranges are those of liquid water, with
  lengths divided by 1.04. Reason: the ESTAR collision stopping power of ICRP brain is within
  0.3 % of liquid water per unit mass from 20 keV to 10 GeV (same mean excitation energy and Z/A
  dependence that governs α electronic stopping), whereas ASTAR ICRP skeletal muscle is 1.1 %
  below water at 5-9 MeV. The alternative (muscle) would lengthen the α ranges in brain by
  +0.63 % at 5.304 MeV and +0.93 % at 8.785 MeV (``tests/unit/test_physics_materials.py``).
- ``bone`` is provided for photons only (ICRU-44 cortical bone, 1.92 g/cm³).

Examples
--------
>>> from brainrit.physics.materials import get_material
>>> m = get_material("brain")
>>> m.density_g_cm3, m.astar
(1.04, 'astar_water_liquid')
>>> get_material("water", density_g_cm3=0.5).density_g_cm3
0.5
"""

from __future__ import annotations

from dataclasses import dataclass

from brainrit.checks import choice, positive

__all__ = ["MATERIALS", "Material", "get_material"]

#: Materials known to :mod:`brainrit.physics`; ``"water"`` (liquid) is the default everywhere.
MATERIALS: tuple[str, ...] = ("water", "soft_tissue", "brain", "bone")


@dataclass(frozen=True)
class Material:
    """A material with its density and the NIST tables that describe it.

    Attributes
    ----------
    name : str
        One of :data:`MATERIALS`.
    density_g_cm3 : float
        Mass density used to turn mass ranges (g/cm²) into lengths (µm).
    astar, estar, photon : str or None
        Packaged table names (see :mod:`brainrit.physics.tables`); None when not available.
    note : str
        Source of the composition and density, and the proxy used, if any.
    """

    name: str
    density_g_cm3: float
    astar: str | None
    estar: str | None
    photon: str | None
    note: str


_MATERIALS: dict[str, Material] = {
    "water": Material(
        "water",
        1.0,
        "astar_water_liquid",
        "estar_water_liquid",
        "nist_xray_attenuation_water",
        "liquid water, 1.00 g/cm3 (NIST SRD-124, SRD-126)",
    ),
    "soft_tissue": Material(
        "soft_tissue",
        1.0,
        "astar_muscle_skeletal_icrp",
        "estar_tissue_soft_icrp",
        "nist_xray_attenuation_tissue",
        "ICRP soft tissue, 1.00 g/cm3 (ICRP Publication 23, as in ESTAR); alpha: ASTAR ICRP skeletal "
        "muscle (proxy, no ASTAR soft tissue); photons: ICRU-44 soft tissue",
    ),
    "brain": Material(
        "brain",
        1.04,
        "astar_water_liquid",
        "estar_brain_icrp",
        "nist_xray_attenuation_brain",
        "brain grey/white matter, 1.04 g/cm3 (ICRU Report 44, 1989); alpha: liquid-water mass stopping "
        "power and mass range (proxy, no ASTAR brain; ESTAR brain/water collision ratio 0.997-1.003)",
    ),
    "bone": Material(
        "bone",
        1.92,
        None,
        None,
        "nist_xray_attenuation_bone",
        "cortical bone, 1.92 g/cm3 (ICRU Report 44, 1989); photons only",
    ),
}


def get_material(name: str | Material = "water", density_g_cm3: float | None = None) -> Material:
    """Return a material, optionally with a non-default density.

    Parameters
    ----------
    name : str or Material
        One of :data:`MATERIALS` (case-insensitive) or a :class:`Material` (returned as is unless
        ``density_g_cm3`` is given).
    density_g_cm3 : float, optional
        Mass density (> 0); default: the material's reference density (see module docstring).

    Raises
    ------
    brainrit.errors.InputError
        Unknown material (with did-you-mean) or a density that is not a finite number > 0.

    Examples
    --------
    >>> from brainrit.physics import get_material
    >>> get_material("soft_tissue").estar
    'estar_tissue_soft_icrp'
    """
    if isinstance(name, Material):
        base = name
    else:
        key = name.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(name, str) else name
        base = _MATERIALS[choice("material", key, MATERIALS)]
    if density_g_cm3 is None:
        return base
    rho = positive("density_g_cm3", density_g_cm3)
    return Material(base.name, rho, base.astar, base.estar, base.photon, base.note)


def material_with_table(material: str | Material, kind: str, density_g_cm3: float | None = None) -> Material:
    """Return the material and check it has a table for ``kind`` ("astar", "estar" or "photon")."""
    from brainrit.errors import InputError

    mat = get_material(material, density_g_cm3)
    if getattr(mat, kind) is None:
        usable = [m for m in MATERIALS if getattr(_MATERIALS[m], kind) is not None]
        what = {"astar": "alpha", "estar": "electron", "photon": "photon"}[kind]
        raise InputError("material", mat.name, f"one of {', '.join(repr(u) for u in usable)} for {what} data")
    return mat
