"""Cellular dosimetry: analytic MIRD-type S-values, cross-dose and multicellular clusters.

See :mod:`brainrit.dosimetry.cellular.svalues` (self-cell S-values),
:mod:`brainrit.dosimetry.cellular.crossdose` (cell-to-cell) and
:mod:`brainrit.dosimetry.cellular.clusters` (multicellular arrangements).
"""

from brainrit.dosimetry.cellular.clusters import ClusterDose, cluster_dose
from brainrit.dosimetry.cellular.crossdose import cross_s_value, cross_s_value_monoenergetic, cross_s_values
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
    "ClusterDose",
    "SValueTable",
    "cluster_dose",
    "compartment_mass_kg",
    "compartment_volume_um3",
    "cross_s_value",
    "cross_s_value_monoenergetic",
    "cross_s_values",
    "s_value",
    "s_value_monoenergetic",
    "s_values",
    "s_values_monoenergetic",
]
