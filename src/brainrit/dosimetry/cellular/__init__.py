"""Cellular dosimetry: analytic MIRD-type S-values, cross-dose and multicellular clusters.

See :mod:`brainrit.dosimetry.cellular.svalues` (self-cell S-values),
:mod:`brainrit.dosimetry.cellular.crossdose` (cell-to-cell) and
:mod:`brainrit.dosimetry.cellular.clusters` (multicellular arrangements).
"""

from brainrit.dosimetry.cellular.svalues import (
    RADIATION_CLASSES,
    SOURCES,
    TARGETS,
    SValueTable,
    compartment_mass_kg,
    compartment_volume_um3,
    s_value,
    s_value_monoenergetic,
    s_values,
    s_values_monoenergetic,
)

__all__ = [
    "RADIATION_CLASSES",
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
