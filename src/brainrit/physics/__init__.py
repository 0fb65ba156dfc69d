"""Particle physics for brainrit: α (ASTAR), electrons (ESTAR, Cole), photons (SRD-126), materials.

Everything here is a pure function of packaged NIST tables (``brainrit/data``, provenance in each
file's header, see :func:`table_provenance`). Mass quantities are per g/cm²; lengths are µm and
scale as 1/ρ with the material density (a parameter).

The numba kernels :func:`range_um_from_energy`, :func:`energy_MeV_from_range` and
:func:`deposited_along_segment_MeV` take scalar arguments and the arrays of a :class:`RangeTable`
(from :func:`alpha_range_table` or :func:`electron_range_table`) and can be called from
``@numba.njit`` code.

Examples
--------
>>> import brainrit.physics as ph
>>> t = ph.alpha_range_table()
>>> round(ph.deposited_along_segment_MeV(8.785, 80.0, 100.0, t.energy_MeV, t.range_um), 3)
2.015
"""

from brainrit.physics.alpha import (
    ALPHA_COMPONENTS,
    alpha_csda_range_um,
    alpha_energy_deposited_MeV,
    alpha_range_table,
    alpha_residual_energy_MeV,
    alpha_stopping_power,
)
from brainrit.physics.electrons import (
    COLE_MAX_ENERGY_KEV,
    ELECTRON_COMPONENTS,
    cole_energy_keV,
    cole_range_table,
    cole_range_um,
    cole_stopping_power_keV_per_um,
    electron_csda_range_um,
    electron_range_table,
    electron_stopping_power,
)
from brainrit.physics.materials import MATERIALS, Material, get_material
from brainrit.physics.photons import photon_mu_cm, photon_mu_en_rho_cm2_g, photon_mu_rho_cm2_g
from brainrit.physics.rangetable import (
    RangeTable,
    deposited_along_segment_MeV,
    energy_MeV_from_range,
    range_um_from_energy,
)
from brainrit.physics.tables import TABLE_NAMES, load_table, table_provenance

__all__ = [
    "ALPHA_COMPONENTS",
    "COLE_MAX_ENERGY_KEV",
    "ELECTRON_COMPONENTS",
    "MATERIALS",
    "TABLE_NAMES",
    "Material",
    "RangeTable",
    "alpha_csda_range_um",
    "alpha_energy_deposited_MeV",
    "alpha_range_table",
    "alpha_residual_energy_MeV",
    "alpha_stopping_power",
    "cole_energy_keV",
    "cole_range_table",
    "cole_range_um",
    "cole_stopping_power_keV_per_um",
    "deposited_along_segment_MeV",
    "electron_csda_range_um",
    "electron_range_table",
    "electron_stopping_power",
    "energy_MeV_from_range",
    "get_material",
    "load_table",
    "photon_mu_cm",
    "photon_mu_en_rho_cm2_g",
    "photon_mu_rho_cm2_g",
    "range_um_from_energy",
    "table_provenance",
]
