"""Photons: mass attenuation μ/ρ and mass energy-absorption μ_en/ρ (NIST SRD-126).

J.H. Hubbell and S.M. Seltzer, *Tables of X-Ray Mass Attenuation Coefficients and Mass
Energy-Absorption Coefficients*, NIST Standard Reference Database 126 (1996, updated 2004),
1 keV to 20 MeV, for liquid water, ICRU-44 soft tissue, ICRU-44 brain (grey/white matter) and
ICRU-44 cortical bone. Values between tabulated energies are log-log interpolated (the scheme
recommended by Hubbell & Seltzer away from absorption edges).

Absorption edges: the tables list an edge energy twice (below-edge and above-edge values, e.g.
bone at the Ca K edge, 4.038 keV). Interpolation never crosses an edge: each energy uses the pair of
rows that brackets it, and exactly at an edge energy the above-edge value is returned.

Examples
--------
>>> from brainrit.physics import photon_mu_en_rho_cm2_g, photon_mu_rho_cm2_g
>>> photon_mu_en_rho_cm2_g(1.0)
0.03103
>>> photon_mu_rho_cm2_g(1.0)
0.07072
"""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.physics import _util
from brainrit.physics.materials import Material, material_with_table
from brainrit.physics.tables import load_table

__all__ = ["photon_mu_cm", "photon_mu_en_rho_cm2_g", "photon_mu_rho_cm2_g"]


def _photon(energy_MeV: Any, material: str | Material, column: str) -> float | np.ndarray:
    mat = material_with_table(material, "photon")
    tab = load_table(mat.photon)
    e_tab = tab.column("energy_MeV")
    e = _util.energies("energy_MeV", energy_MeV, e_tab[0], e_tab[-1], what=f"NIST SRD-126 ({tab.name})")
    return _util.ret(_util.loglog(e, e_tab, tab.column(column)), energy_MeV)


def photon_mu_rho_cm2_g(energy_MeV: Any, material: str | Material = "water") -> float | np.ndarray:
    """Mass attenuation coefficient μ/ρ (cm²/g), SRD-126, log-log interpolated.

    Parameters
    ----------
    energy_MeV : float or array
        Photon energy in [0.001, 20] MeV.
    material : str
        ``"water"`` (default), ``"soft_tissue"``, ``"brain"``, ``"bone"``.

    Examples
    --------
    >>> from brainrit.physics import photon_mu_rho_cm2_g
    >>> round(photon_mu_rho_cm2_g(0.2386, "brain"), 4)
    0.1281
    """
    return _photon(energy_MeV, material, "mu_rho")


def photon_mu_en_rho_cm2_g(energy_MeV: Any, material: str | Material = "water") -> float | np.ndarray:
    """Mass energy-absorption coefficient μ_en/ρ (cm²/g), SRD-126, log-log interpolated.

    Parameters
    ----------
    energy_MeV : float or array
        Photon energy in [0.001, 20] MeV.
    material : str
        ``"water"`` (default), ``"soft_tissue"``, ``"brain"``, ``"bone"``.

    Examples
    --------
    >>> from brainrit.physics import photon_mu_en_rho_cm2_g
    >>> photon_mu_en_rho_cm2_g([1.0, 2.0], "water").tolist()
    [0.03103, 0.02608]
    """
    return _photon(energy_MeV, material, "mu_en_rho")


def photon_mu_cm(
    energy_MeV: Any, material: str | Material = "water", *, density_g_cm3: float | None = None
) -> float | np.ndarray:
    """Linear attenuation coefficient μ (1/cm) = μ/ρ × ρ.

    Examples
    --------
    >>> from brainrit.physics import photon_mu_cm
    >>> round(photon_mu_cm(1.0, "bone"), 4)
    0.1261
    """
    mat = material_with_table(material, "photon", density_g_cm3)
    out = np.asarray(photon_mu_rho_cm2_g(energy_MeV, mat)) * mat.density_g_cm3
    return _util.ret(out, energy_MeV)
