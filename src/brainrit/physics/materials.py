"""Materials: which NIST table serves each particle, and the default density.

Mass quantities (stopping power in MeV cm²/g, μ/ρ in cm²/g, CSDA range in g/cm²) come from the
tables; lengths in µm are the mass range divided by the density, so every range scales as 1/ρ and
the density is a parameter of :func:`get_material`.

Choices (each is a documented proxy where NIST has no table for the material). Densities and
compositions, with their sources:

===============  ======  =============================  ======================  ==============================
material         ρ       α (ASTAR)                      electrons (ESTAR)       photons (SRD-126)
===============  ======  =============================  ======================  ==============================
``water``        1.00    liquid water                   liquid water            water, liquid
``soft_tissue``  1.04    ICRP skeletal muscle (proxy)   ICRP soft tissue        soft tissue (ICRU-44)
``brain``        1.04    liquid water per mass (proxy)  ICRP brain              brain grey/white (ICRU-44)
``bone``         1.92    --                             --                      cortical bone (ICRU-44)
===============  ======  =============================  ======================  ==============================

- ``water``: H 11.19 %, O 88.81 % by mass, 1.00 g/cm³ (NIST SRD-124 ESTAR/ASTAR "Water, liquid";
  Berger et al., ICRU Report 49, 1993).
- ``soft_tissue`` density 1.04 g/cm³: adult soft tissue of the ORNL reference phantoms (Cristy M,
  Eckerman KF 1987, ORNL/TM-8381/V1) and of the soft-tissue voxel S-values of Lanconelli et al.
  2012 (Phys Med Biol 57:517), whose kernel sums balance the emitted energy only at this density.
  (Until brainrit 0.x this was 1.00 g/cm³, the density NIST attaches to ICRP soft tissue; lengths
  scale as 1/ρ, so ranges in ``soft_tissue`` are now 3.8 % shorter and voxel doses per decay 3.8 %
  lower.) Electron mass stopping powers and ranges: ESTAR "Tissue, soft (ICRP)", the ICRP
  Publication 23 (1975) composition (H 10.45 %, C 23.22 %, N 2.49 %, O 63.02 %; Na, Mg, P, S, Cl,
  K, Ca, Fe, Zn ≤ 0.2 % each; NIST SRD-124). Mass stopping powers do not depend on density apart
  from the density effect, which is < 1 % below 3 MeV. α: ASTAR has no soft tissue; ASTAR
  "Muscle, skeletal (ICRP)" (composition as listed by NIST SRD-124) is used per unit mass. Photons:
  SRD-126 "Tissue, Soft (ICRU-44)" (composition of ICRU Report 44, 1989, as listed by Hubbell &
  Seltzer 2004, NIST SRD-126) per unit mass.
- ``brain`` density 1.04 g/cm³ is ICRU Report 44 (1989) grey/white matter (SRD-126 "Brain";
  H 10.7 %, C 14.5 %, N 2.2 %, O 71.2 %). ESTAR "Brain (ICRP)" for electrons.
  ASTAR has no brain: α mass stopping powers and mass ranges are those of liquid water, with
  lengths divided by 1.04. Reason: the ESTAR collision stopping power of ICRP brain is within
  0.3 % of liquid water per unit mass from 20 keV to 10 GeV (same mean excitation energy and Z/A
  dependence that governs α electronic stopping), whereas ASTAR ICRP skeletal muscle is 1.1 %
  below water at 5-9 MeV. The alternative (muscle) would lengthen the α ranges in brain by
  +0.63 % at 5.304 MeV and +0.93 % at 8.785 MeV (``tests/unit/test_physics_materials.py``).
- ``bone`` is provided for photons only (ICRU-44 cortical bone, 1.92 g/cm³, composition as listed
  in NIST SRD-126 "Bone, Cortical (ICRU-44)").

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
        1.04,
        "astar_muscle_skeletal_icrp",
        "estar_tissue_soft_icrp",
        "nist_xray_attenuation_tissue",
        "soft tissue, 1.04 g/cm3 (adult soft tissue, Cristy & Eckerman 1987 ORNL/TM-8381; Lanconelli et al. "
        "2012); electrons: ESTAR ICRP soft tissue (ICRP Publication 23) per mass; alpha: ASTAR ICRP "
        "skeletal muscle (proxy, no ASTAR soft tissue); photons: ICRU-44 soft tissue",
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
