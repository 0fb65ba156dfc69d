"""The ``[radiobiology.outcome_models]`` section: which calibrated outcome models a run uses.

Tumour control and cognition come from the calibrated models of
:mod:`brainrit.radiobiology.outcome_models` (parameters fitted to clinical anchors by
``scripts/fit_outcome_models.py``). The section names the parameter set and may override each fitted
value, and holds the one clonogen model of the run (cell density and clonogenic fraction of every lesion,
used by the external-beam, RIT, microdosimetry and window stages)::

    [radiobiology.outcome_models]
    parameter_set = "brain_metastases"   # the shipped calibration
    alpha_sd_per_Gy = 0.05               # optional overrides of fitted values
    cell_density_per_cm3 = 1e8           # Del Monte 2009
    clonogenic_fraction = 0.1            # clonogen density 1e7/cm3 (Webb & Nahum 1993)

The clonogen model is fitted together with the calibration: changing ``cell_density_per_cm3`` or
``clonogenic_fraction`` changes every lesion's clonogen number without refitting ᾱ (the two trade off), so
results then leave the calibrated range.

Examples
--------
>>> s = OutcomeModelsSection()
>>> s.parameter_set, s.cell_density_per_cm3, s.clonogenic_fraction
('brain_metastases', 100000000.0, 0.1)
>>> m = s.models()
>>> round(m.tcp.clonogens.clonogen_density_per_cm3)
10000000
>>> OutcomeModelsSection(alpha_sd_per_Gy=0.05).models().tcp.alpha_sd_per_Gy
0.05
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

if TYPE_CHECKING:
    from brainrit.radiobiology.outcome_models import CalibratedModels, ClonogenModel

__all__ = ["OutcomeModelsSection"]


def _library(name: str) -> float:
    from brainrit.radiobiology.parameter_library import parameters

    return float(parameters("clonogens_brain_metastasis")[name])


_Finite = Annotated[float, Strict(), Field(allow_inf_nan=False)]  # no bool or "2.5" -> number


class OutcomeModelsSection(BaseModel):
    """Calibrated tumour-control and cognition models and the one clonogen model of a run.

    Examples
    --------
    >>> s = OutcomeModelsSection()
    >>> s.parameter_set, s.alpha_mean_per_Gy, s.cell_density_per_cm3
    ('brain_metastases', None, 100000000.0)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    parameter_set: Literal["brain_metastases"] = Field(
        "brain_metastases",
        description="Calibrated parameter set (brainrit/data/outcome_models_fitted.toml).",
    )
    alpha_mean_per_Gy: _Finite | None = Field(
        None, gt=0, le=5, description="Override the fitted mean α of the population TCP, 1/Gy."
    )
    alpha_sd_per_Gy: _Finite | None = Field(
        None, ge=0, le=5, description="Override the fitted inter-patient SD of α, 1/Gy."
    )
    alpha_beta_Gy: _Finite | None = Field(
        None, gt=0, le=1000, description="Override the fitted (effective) tumour α/β, Gy."
    )
    cognition_slope_per_Gy: _Finite | None = Field(
        None, ge=0, le=1, description="Override the fitted log-odds per Gy of hippocampal D40 % EQD2."
    )
    cell_density_per_cm3: _Finite = Field(
        default_factory=lambda: _library("cell_density_per_cm3"),
        gt=0,
        le=1e10,
        description="Tumour cells per cm³ of every lesion (Del Monte 2009: ~1e8).",
    )
    clonogenic_fraction: _Finite = Field(
        default_factory=lambda: _library("clonogenic_fraction"),
        gt=0,
        le=1,
        description="Fraction of tumour cells that are clonogens (0.1: 1e7/cm³, Webb & Nahum 1993).",
    )

    def clonogen_model(self, cell_density_per_cm3: float | None = None) -> ClonogenModel:
        """The clonogen model (optionally with a lesion's own cell density)."""
        from brainrit.radiobiology.outcome_models import ClonogenModel

        rho = self.cell_density_per_cm3 if cell_density_per_cm3 is None else cell_density_per_cm3
        return ClonogenModel(rho, self.clonogenic_fraction)

    def overrides(self) -> dict[str, float]:
        """The fitted values this section replaces."""
        keys = ("alpha_mean_per_Gy", "alpha_sd_per_Gy", "alpha_beta_Gy", "cognition_slope_per_Gy")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None}

    def models(self) -> CalibratedModels:
        """The calibrated models with this section's overrides and clonogen model."""
        from brainrit.radiobiology.outcome_models import calibrated_models

        return calibrated_models(self.parameter_set, clonogens=self.clonogen_model(), **self.overrides())
