"""The ``[images]`` scenario section: a patient's quantitative SPECT/PET time points, CT and structures.

The therapy nuclide is ``radiopharmaceutical.nuclide`` and the therapy activity the scenario's
administration; the images describe the biology through the imaged nuclide (e.g. ²⁰³Pb for ²¹²Pb).
Paths are relative to the scenario file. ``synthetic = true`` writes the synthetic patient of
:mod:`brainrit.phantoms.synthetic_patient` into a temporary folder and reads it back (the built-in
scenario ``human-pb203-theranostic``); file paths must then be left out.

Examples
--------
>>> from brainrit.scenario.images_schema import ImagesSection
>>> s = ImagesSection.model_validate({"spect": ["nm1.dcm", "nm2.dcm"], "rtstruct": "rs.dcm"})
>>> s.format, s.tia_method, s.metastases_prefix
('dicom', 'auto', 'lesion_')
>>> ImagesSection.model_validate({"synthetic": True, "spect": ["a.dcm"]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for ImagesSection
...
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ImagesSection"]

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class ImagesSection(BaseModel):
    """Patient images: SPECT/PET time points (DICOM or NIfTI), optional CT, RTSTRUCT or label image.

    Examples
    --------
    >>> sec = ImagesSection(format="nifti", spect=["t1.nii.gz", "/abs/t2.nii.gz"], labels="lab.nii.gz")
    >>> sec.resolved("/data/pt01").spect
    ['/data/pt01/t1.nii.gz', '/abs/t2.nii.gz']
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    synthetic: bool = Field(
        False,
        description="Generate the synthetic 203Pb patient (brainrit.phantoms.synthetic_patient) and use it.",
    )
    synthetic_voxel_mm: PositiveFloat = Field(4.0, description="Voxel size of the synthetic patient, mm.")
    format: Literal["dicom", "nifti"] = Field("dicom", description="Format of the SPECT/PET time points.")
    spect: list[str] = Field(
        default_factory=list,
        description="One entry per time point: a DICOM file or folder (NM/PT, Units BQML), or a NIfTI file "
        "with a JSON sidecar of the same name (units, nuclide, acquisition/administration date-times).",
    )
    imaged_activity_MBq: PositiveFloat | None = Field(
        None, description="Administered activity of the imaged nuclide, MBq (default: from the files)."
    )
    ct: str | None = Field(None, description="CT (DICOM folder or NIfTI in HU) for densities; optional.")
    hu_calibration: list[tuple[float, float]] | None = Field(
        None,
        description="Measured (HU, g/cm3) calibration points; default the stoichiometric "
        "air/water/brain/bone calibration (Schneider et al. 1996, Phys Med Biol 41:111).",
    )
    rtstruct: str | None = Field(None, description="RTSTRUCT with the structures (DICOM).")
    labels: str | None = Field(
        None, description="Label NIfTI with a JSON sidecar {'structures': {name: [values]}}."
    )
    rename: dict[str, str] = Field(
        default_factory=dict,
        description="Structure names in the files -> names used here (e.g. Brain = 'brain').",
    )
    brain: str = Field("brain", description="Structure holding the whole brain.")
    hippocampi: str = Field("hippocampi", description="Structure holding both hippocampi.")
    metastases_prefix: str = Field(
        "lesion_", description="Structures whose name starts with this are metastases."
    )
    tia_method: Literal["auto", "fit", "trapezoid", "single-time-point"] = Field(
        "auto",
        description="Time integration: AICc-selected exponential fit with >= 4 points, trapezoids + physical "
        "tail with 2-3, Hanscheid et al. 2018 (J Nucl Med 59:75) with one.",
    )
    effective_half_life_h: PositiveFloat | None = Field(
        None, description="Effective half-life for single-time-point estimation, h (therapy nuclide)."
    )
    density_correction: bool = Field(
        True, description="Scale the kernel dose by 1/relative density where a CT exists."
    )
    kernel_material: Literal["soft_tissue", "water", "brain"] = Field(
        "soft_tissue", description="Medium of the voxel kernels."
    )

    @model_validator(mode="after")
    def _sources(self) -> ImagesSection:
        given = [k for k in ("ct", "rtstruct", "labels") if getattr(self, k) is not None]
        if self.synthetic:
            if self.spect or given:
                raise ValueError(
                    "synthetic = true writes its own files: leave spect, ct, rtstruct and labels out"
                )
            return self
        if not self.spect:
            raise ValueError("spect: give at least one time point (or synthetic = true)")
        if self.rtstruct is None and self.labels is None:
            raise ValueError("give the structures as rtstruct (DICOM) or labels (NIfTI)")
        if self.rtstruct is not None and self.labels is not None:
            raise ValueError("give rtstruct or labels, not both")
        return self

    def resolved(self, base: str | Path) -> ImagesSection:
        """A copy with every relative path made relative to ``base`` (the scenario file's folder)."""
        root = Path(base)

        def fix(p: str | None) -> str | None:
            if p is None:
                return None
            q = Path(p)
            return str(q if q.is_absolute() else root / q)

        return self.model_copy(
            update={
                "spect": [fix(p) for p in self.spect],
                "ct": fix(self.ct),
                "rtstruct": fix(self.rtstruct),
                "labels": fix(self.labels),
            }
        )
