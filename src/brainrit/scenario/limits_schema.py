"""The ``[limits]`` section of a scenario file: organ-at-risk limits the RIT activity optimum respects.

Unset values take the sourced defaults of :func:`brainrit.radiobiology.organ_limits`
(``brainrit/data/organ_limits.toml``): red marrow 2 Gy(RBE) (Sgouros 1993; EANM, Hindorf et al. 2010),
kidney BED 28 Gy with risk factors for renal damage or 40 Gy without (Bodei et al. 2008; Wessels et al.
2008), brain-necrosis NTCP (default: ``radiobiology.ntcp_limit``), hippocampal EQD2 7.3 Gy (Gondi et al.
2012). Every limit is compared with the RBE-weighted dose using ``radiobiology.rbe_alpha``; no α RBE is
established for these organs.

Example::

    [limits]
    kidney_risk_factors = false        # 40 Gy BED
    marrow_rbe_Gy = 1.5

Examples
--------
>>> from brainrit.scenario.limits_schema import LimitsSection
>>> s = LimitsSection.model_validate({"kidney_risk_factors": False})
>>> s.to_organ_limits(brain_ntcp_default=0.05).kidney_bed_limit_Gy
40.0
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict

__all__ = ["LimitsSection"]

_Pos = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)]  # no bool or "2.5" -> number


class LimitsSection(BaseModel):
    """Organ-at-risk limits (None: the packaged default, see the module docstring).

    Examples
    --------
    >>> LimitsSection(marrow_rbe_Gy=1.5).to_organ_limits(brain_ntcp_default=0.05).marrow_rbe_Gy
    1.5
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    marrow_rbe_Gy: _Pos | None = Field(
        None, description="Red-marrow RBE-weighted dose limit, Gy(RBE) (default 2: Sgouros 1993; EANM 2010)."
    )
    kidney_risk_factors: bool = Field(
        True,
        description="Patient has risk factors for renal damage: kidney BED limit 28 Gy, else 40 Gy "
        "(Bodei et al. 2008).",
    )
    kidney_bed_Gy: _Pos | None = Field(
        None,
        description="Kidney BED limit, Gy, replacing the 28/40 Gy default chosen by kidney_risk_factors.",
    )
    kidney_alpha_beta_Gy: _Pos | None = Field(
        None, description="α/β of late renal damage, Gy (default 2.5: Wessels et al. 2008)."
    )
    kidney_repair_half_time_h: _Pos | None = Field(
        None, description="Renal repair half-time, h (default 2.8: Wessels et al. 2008)."
    )
    brain_necrosis_ntcp: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        None, description="Brain-necrosis NTCP limit (default: radiobiology.ntcp_limit)."
    )
    hippocampus_eqd2_Gy: _Pos | None = Field(
        None,
        description="Hippocampal EQD2 limit (α/β 2 Gy) for cognition, Gy (default 7.3: Gondi et al. 2012).",
    )

    def to_organ_limits(self, *, brain_ntcp_default: float) -> Any:
        """The :class:`brainrit.radiobiology.OrganLimits` these settings give."""
        from brainrit.radiobiology import organ_limits

        kw: dict[str, Any] = {"kidney_risk_factors": self.kidney_risk_factors}
        for name in (
            "marrow_rbe_Gy",
            "kidney_alpha_beta_Gy",
            "kidney_repair_half_time_h",
            "hippocampus_eqd2_Gy",
        ):
            v = getattr(self, name)
            if v is not None:
                kw[name] = v
        kw["brain_necrosis_ntcp"] = (
            self.brain_necrosis_ntcp if self.brain_necrosis_ntcp is not None else brain_ntcp_default
        )
        if self.kidney_bed_Gy is not None:
            key = (
                "kidney_bed_with_risk_factors_Gy"
                if self.kidney_risk_factors
                else "kidney_bed_without_risk_factors_Gy"
            )
            kw[key] = self.kidney_bed_Gy
        return organ_limits(**kw)
