"""The [limits] scenario section (brainrit.scenario.limits_schema)."""

from __future__ import annotations

import pydantic
import pytest

from brainrit.scenario.limits_schema import LimitsSection


def test_defaults_are_the_packaged_limits():
    lim = LimitsSection().to_organ_limits(brain_ntcp_default=0.05)
    assert (lim.marrow_rbe_Gy, lim.kidney_bed_limit_Gy, lim.brain_necrosis_ntcp) == (2.0, 28.0, 0.05)


def test_overrides():
    s = LimitsSection(
        kidney_risk_factors=False, kidney_bed_Gy=35.0, marrow_rbe_Gy=1.5, brain_necrosis_ntcp=0.02
    )
    lim = s.to_organ_limits(brain_ntcp_default=0.05)
    assert lim.kidney_bed_limit_Gy == 35.0
    assert lim.kidney_bed_with_risk_factors_Gy == 28.0
    assert (lim.marrow_rbe_Gy, lim.brain_necrosis_ntcp) == (1.5, 0.02)


@pytest.mark.parametrize(
    "bad",
    [
        {"marrow_rbe_Gy": 0.0},
        {"brain_necrosis_ntcp": 1.0},
        {"kidney_bed": 30.0},
        {"marrow_rbe_Gy": float("inf")},
    ],
)
def test_rejects(bad):
    with pytest.raises(pydantic.ValidationError):
        LimitsSection.model_validate(bad)
