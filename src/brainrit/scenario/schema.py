"""The scenario schema: what a study file may contain, with units in every field name.

Validated with pydantic v2. Every section forbids unknown keys (a misspelt key is an error with a
did-you-mean, not a silently ignored default). Every default states its source in its description;
``brainrit scenario show NAME`` prints them as comments.

Types are strict: a number field takes a TOML integer or float, never ``true`` or ``"2.5"``; an integer
field takes an integer, never ``2.0``; NaN and infinities are rejected everywhere. Every number has an
upper bound, set well above the physically or clinically plausible range (the reason is in the field's
description), so that an impossible value is rejected when the file is read instead of deep in a
stage. Resource limits that depend on several fields (voxels × lesions, patients × lesions) are
checked by :mod:`brainrit.scenario.limits` when the file is loaded.

Examples
--------
>>> from brainrit.scenario.schema import Scenario
>>> s = Scenario.model_validate({"study": {"name": "x", "species": "mouse"},
...                              "administration": {"activity_MBq": 0.37}})
>>> s.radiopharmaceutical.nuclide, s.radiopharmaceutical.daughter_release_fraction
('Pb-212', 0.36)
>>> [a.name for a in s.arms]
[]
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from brainrit.scenario.images_schema import ImagesSection
from brainrit.scenario.limits_schema import LimitsSection
from brainrit.scenario.outcome_models import OutcomeModelsSection
from brainrit.scenario.sweep_schema import SweepSection

SCHEMA_VERSION = "1.0"

#: Largest injected activity per injection, MBq (100 GBq: about ten times the largest single
#: therapeutic administrations, e.g. 7.4 GBq of 177Lu-DOTATATE, Strosberg et al. 2017 NEJM 376:125).
MAX_ACTIVITY_MBQ = 1e5
#: Largest external-beam dose of one arm, Gy (twice the highest WBRT or fractionated SRS courses).
MAX_EBRT_DOSE_GY = 100.0
#: Largest single-fraction SRS dose, Gy (RTOG 90-05 escalated to 24 Gy; 60 Gy leaves a wide margin).
MAX_SRS_DOSE_GY = 60.0
#: Largest mean number of seeded lesions per patient.
MAX_EXPECTED_LESIONS = 1000.0

# Strict: no bool -> number, no "2.5" -> number, no 2.0 -> int; finite numbers only.
FiniteFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
PositiveFloat = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
Fraction = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
GradientIndex = Annotated[float, Strict(), Field(gt=1, le=20, allow_inf_nan=False)]
ScanFactor = Annotated[float, Strict(), Field(ge=1e-3, le=1e3, allow_inf_nan=False)]
# Phantom coordinates: both phantoms are < 200 mm across, centred on the origin.
Coordinate = Annotated[float, Strict(), Field(ge=-500, le=500, allow_inf_nan=False)]
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
Name = Annotated[str, Strict(), Field(min_length=1, max_length=200)]


# Keys of earlier versions whose job moved to the calibrated outcome models: rejected with where to go, so
# that no scenario (or sweep) sets a value that silently changes nothing.
_MOVED_KEYS = {
    "alpha_tumour_per_Gy": "tumour control uses the calibrated population model: set "
    "[radiobiology.outcome_models] alpha_mean_per_Gy (and alpha_sd_per_Gy)",
    "alpha_beta_tumour_Gy": "set [radiobiology.outcome_models] alpha_beta_Gy",
    "clonogen_density_per_cm3": "one clonogen model for every stage: set [radiobiology.outcome_models] "
    "cell_density_per_cm3 and clonogenic_fraction",
    "cell_density_per_cm3": "one clonogen model for every lesion and stage: set "
    "[radiobiology.outcome_models] cell_density_per_cm3",
}


def _reject_moved(data: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(data, dict):
        found = [k for k in keys if k in data]
        if found:
            raise ValueError(f"{found[0]}: no longer a key here; {_MOVED_KEYS[found[0]]}")
    return data


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Study(_Section):
    """Who and what: species decides reference physiology, phantom and default voxel size."""

    name: Name = Field(description="Short name of the study, used in the report title.")
    species: Literal["mouse", "human"] = Field(description="Reference species: `mouse` or `human`.")
    description: str = Field("", max_length=20_000, description="Free text shown at the top of the report.")
    seed: StrictInt = Field(
        20211,
        ge=0,
        le=2**63 - 1,
        description="Seed of every random stage; same seed gives the same numbers (any workers).",
    )


class Radiopharmaceutical(_Section):
    """The radionuclide, its carrier and its target."""

    nuclide: str = Field(
        "Pb-212", max_length=20, description="Parent radionuclide (any ICRP-107 name, e.g. Pb-212, At-211)."
    )
    vector: str = Field(
        "anti-VCAM-1 monoclonal antibody", max_length=200, description="Carrier molecule (free text)."
    )
    target: str = Field(
        max_length=200,
        default="VCAM-1",
        description="Named target parameter set of brainrit.kinetics (VCAM-1 shipped with sources).",
    )
    daughter_release_fraction: Fraction = Field(
        0.36,
        description="Fraction of 212Bi released from the chelate after 212Pb beta decay "
        "(Mirzadeh et al. 1993, Radiochim Acta 60:1).",
    )


class Administration(_Section):
    """Injected activity: give exactly one of `activity_MBq` or `activity_MBq_per_kg`."""

    activity_MBq: PositiveFloat | None = Field(
        None,
        le=MAX_ACTIVITY_MBQ,
        description="Injected activity per injection, MBq (at most 1e5 MBq = 100 GBq, about ten times the "
        "largest single therapeutic administrations in nuclear medicine).",
    )
    activity_MBq_per_kg: PositiveFloat | None = Field(
        None,
        le=1e4,
        description="Injected activity per kg of body mass, MBq/kg (multiplied by body_mass_kg; at most "
        "1e4 MBq/kg, a hundred times the highest preclinical and clinical RIT administrations).",
    )
    body_mass_kg: PositiveFloat | None = Field(
        None,
        ge=0.001,
        le=700.0,
        description="Body mass, kg; default 0.025 (nude mouse) or 73 (ICRP 89 reference male); "
        "1 g to 700 kg (below the smallest adult mouse, above the heaviest recorded human).",
    )
    injections: StrictInt = Field(1, ge=1, le=20, description="Number of injections.")
    interval_h: NonNegFloat = Field(
        0.0, le=8760.0, description="Time between injections, h (at most one year)."
    )

    @model_validator(mode="after")
    def _one_activity(self) -> Administration:
        if (self.activity_MBq is None) == (self.activity_MBq_per_kg is None):
            raise ValueError("give exactly one of activity_MBq or activity_MBq_per_kg")
        if self.injections > 1 and self.interval_h <= 0:
            raise ValueError("interval_h must be > 0 when injections > 1")
        if self.activity_MBq_per_kg is not None and self.body_mass_kg is not None:
            total = self.activity_MBq_per_kg * self.body_mass_kg
            if total > MAX_ACTIVITY_MBQ:
                raise ValueError(
                    f"activity_MBq_per_kg x body_mass_kg = {total:.3g} MBq per injection; must be "
                    f"<= {MAX_ACTIVITY_MBQ:g} MBq"
                )
        return self


class Kinetics(_Section):
    """How the decays are distributed in time and space."""

    model: Literal["compartmental", "biodistribution"] = Field(
        "compartmental",
        description="`compartmental`: brainrit.kinetics reference model for the species; "
        "`biodistribution`: fit the CSV given in biodistribution_csv.",
    )
    biodistribution_csv: str | None = Field(
        None,
        max_length=4096,
        description="CSV with header organ,time_h,%ID/g,SD,n (decay-corrected; relative to the scenario).",
    )
    fit_parameters: list[Annotated[str, Field(max_length=200)]] = Field(
        max_length=50,
        default_factory=lambda: ["plasma_clearance_mL_per_h", "target.density_per_um2.metastasis"],
        description="Kinetic parameters fitted to the biodistribution CSV (KineticModel.parameter_names).",
    )
    t_end_h: PositiveFloat | None = Field(
        None,
        le=87_600.0,
        description="End of simulated time, h (default: 10 half-lives; at most 87 600 h = 10 years).",
    )
    parameters: dict[Annotated[str, Field(max_length=200)], FiniteFloat] = Field(
        default_factory=dict,
        max_length=200,
        description="Overrides of named kinetic parameters (see brainrit.kinetics); finite numbers.",
    )

    @model_validator(mode="after")
    def _csv_needed(self) -> Kinetics:
        if self.model == "biodistribution" and not self.biodistribution_csv:
            raise ValueError("biodistribution_csv is required when model = 'biodistribution'")
        return self


class MicroGeometrySection(_Section):
    """Perivascular micro-geometry of an early metastasis (Carbonell et al. 2009; Kienast et al. 2010;
    Germanò & Tomasello 2001)."""

    capillary_lumen_radius_um: PositiveFloat = Field(
        3.0,
        le=50.0,
        description="Capillary lumen radius, µm (human cortex lumen ≈ 6 µm diameter; Germanò 2001); "
        "at most 50 µm (an arteriole).",
    )
    endothelium_thickness_um: PositiveFloat = Field(
        0.4,
        le=10.0,
        description="Endothelial cytoplasm thickness, µm (0.3–0.5 µm; Germanò 2001); at most 10 µm "
        "(a vessel wall with smooth muscle).",
    )
    intercapillary_distance_um: PositiveFloat = Field(
        40.0,
        ge=5.0,
        le=1000.0,
        description="5–1000 µm and more than a vessel diameter (the lower bound keeps the lattice sums "
        "finite in memory; the upper one is far beyond any perfused tissue). Distance between "
        "neighbouring capillaries, µm (≈ 40 µm; Germanò 2001).",
    )
    cell_radius_um: PositiveFloat = Field(
        6.0,
        le=50.0,
        description="Tumour-cell radius, µm (generic, 10–14 µm cells); at most 50 µm.",
    )
    nucleus_radius_um: PositiveFloat = Field(
        4.0,
        le=50.0,
        description="Nucleus radius, µm (nucleus diameter 8 µm, generic; table 7 #16); less than "
        "cell_radius_um.",
    )
    cuff_thickness_um: PositiveFloat = Field(
        50.0,
        le=1000.0,
        description="Thickness of the perivascular tumour-cell cuff, µm (vessel co-option, Carbonell "
        "2009); at most 1000 µm.",
    )
    material: Literal["water", "soft_tissue", "brain"] = Field(
        "water", description="Medium for particle ranges."
    )

    @model_validator(mode="after")
    def _nucleus_inside(self) -> MicroGeometrySection:
        if self.nucleus_radius_um >= self.cell_radius_um:
            raise ValueError(
                f"nucleus_radius_um ({self.nucleus_radius_um}) must be < "
                f"cell_radius_um ({self.cell_radius_um})"
            )
        vessel = 2.0 * (self.capillary_lumen_radius_um + self.endothelium_thickness_um)
        if self.intercapillary_distance_um <= vessel:
            raise ValueError(
                f"intercapillary_distance_um ({self.intercapillary_distance_um:g}) must be > the vessel "
                f"diameter 2*(capillary_lumen_radius_um + endothelium_thickness_um) = {vessel:g} µm"
            )
        return self


class LesionSection(_Section):
    """A metastasis (or a group of identical ones)."""

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        return _reject_moved(data, ("cell_density_per_cm3",))

    name: Name = Field(description="Label shown in tables.")
    diameter_mm: PositiveFloat = Field(
        le=100.0,
        description="Diameter, mm (micrometastases: < 1 mm; at most 100 mm, larger than any brain "
        "metastasis and than the mouse brain).",
    )
    count: StrictInt = Field(
        1,
        ge=1,
        le=10000,
        description="How many identical lesions this entry stands for (with the phantom's voxel count, "
        "limited by memory: see brainrit.scenario.limits).",
    )
    position_mm: tuple[Coordinate, Coordinate, Coordinate] | None = Field(
        None,
        description="Centre in phantom coordinates, mm (None: placed automatically inside the brain; "
        "each within ±500 mm).",
    )
    visible: StrictBool = Field(True, description="Seen on contrast MRI (treated by SRS arms) or hidden.")


class Radiobiology(_Section):
    """LQ and outcome-model parameters (sources in brainrit/data/radiobiology_parameters.toml)."""

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        return _reject_moved(
            data, ("alpha_tumour_per_Gy", "alpha_beta_tumour_Gy", "clonogen_density_per_cm3")
        )

    alpha_beta_brain_Gy: PositiveFloat = Field(
        2.0, ge=0.1, le=1000.0, description="α/β of normal brain for necrosis, Gy (#6; 0.1–1000 Gy)."
    )
    repair_half_time_tumour_h: PositiveFloat = Field(
        0.5, le=48.0, description="Tumour repair half-time, h (#10; at most 48 h)."
    )
    repair_half_time_brain_h: PositiveFloat = Field(
        1.5, le=48.0, description="CNS repair half-time, h (Ang 1987; #8; at most 48 h)."
    )
    rbe_alpha: PositiveFloat = Field(
        5.0,
        ge=1.0,
        le=20.0,
        description="RBE of α particles (MIRD 22; #13; 1–20: measured α RBEs lie between about 1 and 10, "
        "Sgouros et al. 2010 J Nucl Med 51:311).",
    )
    z0_Gy: PositiveFloat = Field(
        0.5,
        ge=0.01,
        le=20.0,
        description="Microdosimetric z₀ of α survival exp(-z/z₀), Gy (#15; 0.01–20 Gy).",
    )
    ntcp_limit: Annotated[float, Strict(), Field(gt=0, lt=1, allow_inf_nan=False)] = Field(
        0.05, description="Highest acceptable brain-necrosis NTCP when optimising the activity."
    )
    outcome_models: OutcomeModelsSection = Field(
        default_factory=OutcomeModelsSection,
        description="Calibrated TCP/cognition models and the clonogen model.",
    )


class _ArmBase(_Section):
    name: Name = Field(description="Label of the arm in tables and plots.")


class WBRTArm(_ArmBase):
    """Whole-brain radiotherapy."""

    type: Literal["wbrt"]
    dose_Gy: PositiveFloat = Field(
        30.0,
        le=MAX_EBRT_DOSE_GY,
        description="Prescribed dose, Gy (30 Gy/10 fx standard; at most 100 Gy, twice any WBRT course).",
    )
    n_fractions: StrictInt = Field(10, ge=1, le=60, description="Number of fractions.")


class HAWBRTArm(WBRTArm):
    """Hippocampal-avoidance WBRT (RTOG 0933 / NRG CC001 limits)."""

    type: Literal["ha-wbrt"]  # type: ignore[assignment]
    hippocampus_d100_Gy: PositiveFloat = Field(
        9.0, le=MAX_EBRT_DOSE_GY, description="Hippocampal D100% limit, Gy (RTOG 0933)."
    )
    hippocampus_dmax_Gy: PositiveFloat = Field(
        16.0, le=MAX_EBRT_DOSE_GY, description="Hippocampal Dmax limit, Gy (RTOG 0933)."
    )


class SRSArm(_ArmBase):
    """Stereotactic radiosurgery (1 fraction) of visible lesions."""

    type: Literal["srs"]
    dose_Gy: PositiveFloat | None = Field(
        None,
        le=MAX_SRS_DOSE_GY,
        description="Prescription, Gy; None: RTOG 90-05 by size (24/18/15 Gy for ≤20/21–30/31–40 mm); "
        "at most 60 Gy.",
    )
    n_fractions: StrictInt = Field(1, ge=1, le=1, description="Always 1 (use type = 'fsrs' for more).")
    gradient_index: GradientIndex = Field(
        3.0, description="Paddick gradient index V50%/V100% (GK 2.5–3.4; Paddick 2006); 1–20."
    )


class FSRSArm(_ArmBase):
    """Fractionated SRS of visible lesions."""

    type: Literal["fsrs"]
    dose_Gy: PositiveFloat = Field(
        27.0, le=MAX_EBRT_DOSE_GY, description="Prescription, Gy (27 Gy/3 or 30 Gy/5; HyTEC)."
    )
    n_fractions: StrictInt = Field(3, ge=2, le=10, description="Number of fractions.")
    gradient_index: GradientIndex = Field(3.0, description="Paddick gradient index (1–20).")


class WBRTSRSArm(_ArmBase):
    """WBRT with an SRS boost of visible lesions."""

    type: Literal["wbrt+srs"]
    wbrt_dose_Gy: PositiveFloat = Field(30.0, le=MAX_EBRT_DOSE_GY, description="WBRT dose, Gy.")
    wbrt_fractions: StrictInt = Field(10, ge=1, le=60, description="WBRT fractions.")
    srs_dose_Gy: PositiveFloat | None = Field(
        None, le=MAX_SRS_DOSE_GY, description="SRS boost, Gy; None: RTOG 90-05 by size."
    )
    gradient_index: GradientIndex = Field(3.0, description="Paddick gradient index (1–20).")


class RITArm(_ArmBase):
    """Radioimmunotherapy with the scenario's radiopharmaceutical and administration."""

    type: Literal["rit"]
    activity_scale: PositiveFloat = Field(
        1.0,
        le=100.0,
        description="Multiplier on the administered activity for this arm (1 = as administered; "
        "at most 100).",
    )


Arm = Annotated[
    WBRTArm | HAWBRTArm | SRSArm | FSRSArm | WBRTSRSArm | RITArm,
    Field(discriminator="type"),
]


class Disease(_Section):
    """Course of disease for the therapeutic-window stage (brainrit.disease); None = species default."""

    primary: Literal["breast", "lung"] = Field(
        "breast", description="Human primary for growth (Kobets 2020 doubling: breast 86 d, lung 139 d)."
    )
    doubling_time_d: PositiveFloat | None = Field(
        None,
        ge=0.1,
        le=3650.0,
        description="Lesion volume doubling time, days (default: the species/primary preset; "
        "0.1 d–10 years).",
    )
    growth_cv: NonNegFloat = Field(
        0.0, le=5.0, description="Coefficient of variation of doubling time between lesions (at most 5)."
    )
    expected_lesions: PositiveFloat | None = Field(
        None,
        le=MAX_EXPECTED_LESIONS,
        description="Mean number of lesions seeded (default: the sum of the lesion counts; at most 1000, "
        "beyond the counts of miliary brain metastasis).",
    )
    horizon_d: PositiveFloat | None = Field(
        None,
        le=3650.0,
        description="Day at which outcomes are assessed (default: mouse day 40; human: all lesions visible; "
        "at most 10 years).",
    )
    n_patients: StrictInt = Field(
        400,
        ge=1,
        le=100000,
        description="Virtual patients of the Monte Carlo (seeded; patients × lesions limited, see "
        "brainrit.scenario.limits).",
    )


class Outputs(_Section):
    """What `brainrit run` writes besides results.json, summary.csv and provenance.json."""

    html: StrictBool = Field(True, description="Write report.html (self-contained, works offline).")
    nifti: StrictBool = Field(
        False, description="Write the RIT dose maps (RBE-weighted, α, low-LET; Gy) as NIfTI (RAS affine)."
    )
    rtdose: StrictBool = Field(
        False, description="Write the RIT physical dose as DICOM RTDOSE (view it beside a TPS plan)."
    )
    activity_scan_points: StrictInt = Field(
        13, ge=3, le=200, description="Points of the TCP/NTCP-versus-activity curves (log-spaced)."
    )
    activity_scan_range: tuple[ScanFactor, ScanFactor] = Field(
        (0.1, 10.0),
        description="Activity scan as multiples of the administered activity (low < high, each 1e-3–1e3).",
    )

    @model_validator(mode="after")
    def _scan_ordered(self) -> Outputs:
        low, high = self.activity_scan_range
        if not low < high:
            raise ValueError(f"activity_scan_range: low ({low:g}) must be < high ({high:g})")
        return self


class Scenario(_Section):
    """A whole study. Sections: study, radiopharmaceutical, administration, kinetics, microgeometry,
    lesions, radiobiology, arms, outputs."""

    schema_version: str = Field(SCHEMA_VERSION, max_length=20, description="Version of this schema.")
    study: Study
    radiopharmaceutical: Radiopharmaceutical = Field(default_factory=Radiopharmaceutical)
    administration: Administration
    kinetics: Kinetics = Field(default_factory=Kinetics)
    microgeometry: MicroGeometrySection = Field(default_factory=MicroGeometrySection)
    lesions: list[LesionSection] = Field(
        default_factory=list, max_length=1000, description="Metastases, visible and hidden (≤ 1000 entries)."
    )
    radiobiology: Radiobiology = Field(default_factory=Radiobiology)
    arms: list[Arm] = Field(
        default_factory=list, max_length=50, description="Treatment arms compared in the report (≤ 50)."
    )
    disease: Disease = Field(default_factory=Disease, description="Course of disease (therapeutic window).")
    limits: LimitsSection = Field(
        default_factory=LimitsSection, description="Organ-at-risk limits of the RIT optimum."
    )
    outputs: Outputs = Field(default_factory=Outputs)
    images: ImagesSection | None = Field(None, description="Patient images: brainrit.scenario.images_schema.")
    sweep: SweepSection | None = Field(
        None, description="Parameter sweep / uncertainty settings for `brainrit sweep` (brainrit.sweep)."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Scenario:
        for what, names in (
            ("arms", [a.name for a in self.arms]),
            ("lesions", [x.name for x in self.lesions]),
        ):
            seen: set[str] = set()
            for n in names:
                if n in seen:
                    raise ValueError(f"{what}: name {n!r} is used twice; names must be unique")
                seen.add(n)
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version must be {SCHEMA_VERSION!r}, got {self.schema_version!r}")
        return self

    @property
    def body_mass_kg(self) -> float:
        """Body mass used for MBq/kg, kg (0.025 mouse, 73 human; ICRP 89)."""
        if self.administration.body_mass_kg is not None:
            return self.administration.body_mass_kg
        return 0.025 if self.study.species == "mouse" else 73.0

    @property
    def injected_activity_MBq(self) -> float:
        """Activity of one injection, MBq."""
        a = self.administration
        return a.activity_MBq if a.activity_MBq is not None else a.activity_MBq_per_kg * self.body_mass_kg
