"""Pharmacokinetics of radiolabelled antibodies: VCAM-1 binding, chain-aware decay, fitting, TIA.

Public entry points used by the pipeline: :func:`default_model` and :func:`solve` (returning a
:class:`KineticsResult`). See :mod:`brainrit.kinetics.model` for the compartment structure and
``brainrit/data/kinetics_*.toml`` for every default and its source.
"""

from __future__ import annotations

from brainrit.kinetics.calibration import CORROYER_DULMONT_2020, Calibration, calibrate_metastasis_density
from brainrit.kinetics.chain import ChainSpec, chain_spec
from brainrit.kinetics.fitting import (
    BiodistributionData,
    BiodistributionFit,
    TimeActivityFit,
    biodistribution_data,
    fit_biodistribution,
    fit_time_activity,
    predict_percent_id_per_g,
    read_biodistribution_csv,
    single_time_point_tia,
)
from brainrit.kinetics.model import OUTPUT_REGIONS, KineticModel, default_model
from brainrit.kinetics.physiology import REGIONS, Physiology, allometric, reference_physiology
from brainrit.kinetics.solve import BatchKineticsResult, KineticsResult, solve, solve_batch
from brainrit.kinetics.targets import Target, get_target, load_targets, target_names
from brainrit.kinetics.tia import metastasis_to_brain, tia_from_samples, tia_table

__all__ = [
    "CORROYER_DULMONT_2020",
    "OUTPUT_REGIONS",
    "REGIONS",
    "BatchKineticsResult",
    "BiodistributionData",
    "BiodistributionFit",
    "Calibration",
    "ChainSpec",
    "KineticModel",
    "KineticsResult",
    "Physiology",
    "Target",
    "TimeActivityFit",
    "allometric",
    "biodistribution_data",
    "calibrate_metastasis_density",
    "chain_spec",
    "default_model",
    "fit_biodistribution",
    "fit_time_activity",
    "get_target",
    "load_targets",
    "metastasis_to_brain",
    "predict_percent_id_per_g",
    "read_biodistribution_csv",
    "reference_physiology",
    "single_time_point_tia",
    "solve",
    "solve_batch",
    "target_names",
    "tia_from_samples",
    "tia_table",
]
