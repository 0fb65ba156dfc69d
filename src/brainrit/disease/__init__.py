"""Disease course and the therapeutic window: metastasis seeding and growth, detection by imaging, and the
outcome of RIT, WBRT and SRS as functions of when they are given.

Sub-modules: ``growth`` (exponential/Gompertz growth from one cell, perivascular → spheroid phase, VCAM-1
state), ``seeding`` (Poisson seeding), ``detection`` (per-modality sensitivity curves, detection times),
``policies`` (what each treatment does to a lesion, RIT doses from the perivascular micro-dosimetry),
``window`` (Monte Carlo over virtual patients: the therapeutic-window curves).

Examples
--------
>>> from brainrit.disease import growth_preset, default_modalities, detection_time_d
>>> g = growth_preset("MDA-231-Br")
>>> m = default_modalities("mouse", g)
>>> round(float(detection_time_d(g, m["VCAM-1 MRI"].n50_cells)), 1)    # VCAM-1 MRI: around day 5
5.6
"""

from brainrit.disease.burden import MOUSE_TREATMENT_DAY_D, BurdenResult, metastatic_burden
from brainrit.disease.detection import (
    MODALITIES,
    Modality,
    check_modality_order,
    default_modalities,
    detection_time_d,
    enhancing_fraction,
)
from brainrit.disease.growth import (
    GROWTH_PRESETS,
    GrowthModel,
    cells_at,
    cells_from_diameter_mm,
    diameter_mm,
    gompertz_plateau_for_anchor,
    growth_preset,
    phase_at,
    time_to_reach_d,
    vcam1_positive,
)
from brainrit.disease.policies import (
    POLICIES,
    RITDose,
    SRSModel,
    WBRTDose,
    rit_dose_from_vascular,
    rit_dose_uniform,
    wbrt_outcome,
)
from brainrit.disease.seeding import SeedingProcess, default_seeding
from brainrit.disease.window import (
    DiseaseCourse,
    Treatments,
    VirtualPatients,
    WindowResult,
    default_course,
    lesion_states,
    sample_patients,
    therapeutic_window,
    vcam1_lead_time_d,
)

__all__ = [
    "GROWTH_PRESETS",
    "MODALITIES",
    "MOUSE_TREATMENT_DAY_D",
    "POLICIES",
    "BurdenResult",
    "DiseaseCourse",
    "GrowthModel",
    "Modality",
    "RITDose",
    "SRSModel",
    "SeedingProcess",
    "Treatments",
    "VirtualPatients",
    "WBRTDose",
    "WindowResult",
    "cells_at",
    "cells_from_diameter_mm",
    "check_modality_order",
    "default_course",
    "default_modalities",
    "default_seeding",
    "detection_time_d",
    "diameter_mm",
    "enhancing_fraction",
    "gompertz_plateau_for_anchor",
    "growth_preset",
    "lesion_states",
    "metastatic_burden",
    "phase_at",
    "rit_dose_from_vascular",
    "rit_dose_uniform",
    "sample_patients",
    "therapeutic_window",
    "time_to_reach_d",
    "vcam1_lead_time_d",
    "vcam1_positive",
    "wbrt_outcome",
]
