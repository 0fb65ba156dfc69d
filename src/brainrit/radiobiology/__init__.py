"""Radiobiology: LQ, Lea–Catcheside G, BED/EQD2 for fractions and decaying sources, RBE, TCP, NTCP,
hippocampal cognition models, uncomplicated control P+ and the cited parameter library.

Formulas, parameters and sources: ``shared/REFERENCES_radiobiology.md`` (tags V/K/D carried into
``brainrit/data/radiobiology_parameters.toml``).

Examples
--------
>>> from brainrit.radiobiology import bed_fractionated, eqd2, parameters
>>> bed_fractionated(30.0, 10, 10.0), eqd2(30.0, 10, 2.0)
(39.0, 37.5)
>>> parameters("brain_necrosis_lkb")["td50_Gy"]
60.0
"""

from brainrit.radiobiology._validate import DomainWarning
from brainrit.radiobiology.lq import (
    DEFAULT_RBE,
    bed_fractionated,
    bed_mixed,
    bed_protracted,
    eqd2,
    eqd2_from_bed,
    eqd2_mixed,
    isoeffective_dose,
    rbe_howell_energy,
    rbe_howell_let,
    rbe_weighted_dose,
    rbe_weighted_dose_by_class,
    survival_lq,
    survival_mixed,
    total_dose_for_bed,
    total_dose_for_eqd2,
)
from brainrit.radiobiology.ntcp import (
    HippocampalThresholdResult,
    dvh_to_eqd2,
    generalized_eud,
    hippocampal_d40_gondi,
    hippocampal_d50_ma,
    hippocampal_rtog0933_check,
    hippocampal_v55_okoukoni,
    ntcp_brain_necrosis_quantec,
    ntcp_lkb,
    ntcp_lkb_eqd2,
    ntcp_logistic,
    ntcp_relative_seriality,
    ntcp_srs_v12,
)
from brainrit.radiobiology.parameters import Parameter, ParameterSet, list_parameter_sets, parameters
from brainrit.radiobiology.protraction import (
    bed_decaying_source,
    dose_decaying_source,
    g_acute_fractions,
    g_biexponential_repair,
    g_constant_rate,
    g_decaying_source,
    g_factor,
    g_factor_exponential,
    g_fractions,
    g_sum_of_exponentials,
)
from brainrit.radiobiology.tcp import (
    eud_tumour,
    single_event_specific_energy_Gy,
    survival_alpha_microdosimetric,
    survival_alpha_microdosimetric_spectrum,
    tcp_binomial,
    tcp_cell_by_cell,
    tcp_logistic,
    tcp_microdosimetric,
    tcp_poisson,
    tcp_poisson_empirical,
    tcp_population,
    tcp_population_bed,
    tcp_voxel,
)
from brainrit.radiobiology.uncomplicated import ActivityOptimum, activity_for_max_p_plus, p_plus

__all__ = [
    "DEFAULT_RBE",
    "ActivityOptimum",
    "DomainWarning",
    "HippocampalThresholdResult",
    "Parameter",
    "ParameterSet",
    "activity_for_max_p_plus",
    "bed_decaying_source",
    "bed_fractionated",
    "bed_mixed",
    "bed_protracted",
    "dose_decaying_source",
    "dvh_to_eqd2",
    "eqd2",
    "eqd2_from_bed",
    "eqd2_mixed",
    "eud_tumour",
    "g_acute_fractions",
    "g_biexponential_repair",
    "g_constant_rate",
    "g_decaying_source",
    "g_factor",
    "g_factor_exponential",
    "g_fractions",
    "g_sum_of_exponentials",
    "generalized_eud",
    "hippocampal_d40_gondi",
    "hippocampal_d50_ma",
    "hippocampal_rtog0933_check",
    "hippocampal_v55_okoukoni",
    "isoeffective_dose",
    "list_parameter_sets",
    "ntcp_brain_necrosis_quantec",
    "ntcp_lkb",
    "ntcp_lkb_eqd2",
    "ntcp_logistic",
    "ntcp_relative_seriality",
    "ntcp_srs_v12",
    "p_plus",
    "parameters",
    "rbe_howell_energy",
    "rbe_howell_let",
    "rbe_weighted_dose",
    "rbe_weighted_dose_by_class",
    "single_event_specific_energy_Gy",
    "survival_alpha_microdosimetric",
    "survival_alpha_microdosimetric_spectrum",
    "survival_lq",
    "survival_mixed",
    "tcp_binomial",
    "tcp_cell_by_cell",
    "tcp_logistic",
    "tcp_microdosimetric",
    "tcp_poisson",
    "tcp_poisson_empirical",
    "tcp_population",
    "tcp_population_bed",
    "tcp_voxel",
    "total_dose_for_bed",
    "total_dose_for_eqd2",
]
