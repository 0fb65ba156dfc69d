"""Validation of SRS tumour control predicted by brainrit.ebrt.outcomes against clinical anchors.

Model: Webb–Nahum population TCP (ᾱ 0.35 Gy⁻¹, σ 0.08 Gy⁻¹, α/β 10 Gy, ρ 10⁷ cm⁻³; Webb & Nahum 1993,
library set ``tcp_webb_nahum_generic``), on the voxel dose of the Paddick-GI SRS model (GI 3, RTOG 90-05
doses), 0.5 mm grid. Nothing here is fitted to the anchors.

Anchors: Vogelbaum MA et al. J Neurosurg 2006;104:907 — 1-year local control
85 % (95 % CI 78–92) at 24 Gy, 49 % (30–68) at 18 Gy, 45 % (23–67) at 15 Gy; HyTEC (Redmond KJ et al. IJROBP
2021;110:53) — ≤ 20 mm at 24 Gy ≈ 95 %, 21–30 mm at 18 Gy ≈ 75 %, 31–40 mm at 15 Gy ≈ 69 %.
"""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.ebrt import Arm, ArmComponent, Lesion, srs_dose
from brainrit.ebrt.outcomes import arm_outcomes, default_outcome_model


def _srs_tcp(diameter_mm: float) -> float:
    h = 0.5
    n = int((diameter_mm + 6) / h) + 1
    org = (-(n - 1) / 2 * h,) * 3
    shape = (n, n, n)
    dose = srs_dose(shape, h, org, centres_mm=np.zeros((1, 3)), diameters_mm=[diameter_mm])
    arm = Arm("SRS", (ArmComponent("SRS", dose, 1, "SRS"),), (h, h, h), org, whole_brain=False)
    les = Lesion("L", np.zeros(3), diameter_mm)
    model = default_outcome_model("tcp_webb_nahum_generic")
    return arm_outcomes(arm, {"brain": np.ones(shape, bool)}, [les], model=model).lesion_tcp["L"]


@pytest.mark.parametrize("diameter_mm", [10.0, 20.0])
def test_small_lesions_24Gy_match_hytec(diameter_mm: float) -> None:
    """≤ 20 mm at 24 Gy: HyTEC ≈ 95 %; tolerance ±5 percentage points (model 0.94–0.97)."""
    assert _srs_tcp(diameter_mm) == pytest.approx(0.95, abs=0.05)


def test_21_30mm_18Gy_within_vogelbaum_ci() -> None:
    """25 mm at 18 Gy: inside Vogelbaum's 95 % CI for 18 Gy (30–68 %); model ≈ 0.39. HyTEC's 75 % for this
    class is not reached: LQ–Poisson with 10⁷ clonogens cm⁻³ makes control fall steeply with volume."""
    tcp = _srs_tcp(25.0)
    assert 0.30 <= tcp <= 0.68
    assert tcp < 0.75


def test_31_40mm_15Gy_known_disagreement() -> None:
    """35 mm at 15 Gy: the model predicts ≈ 2 %, far below Vogelbaum (45 %, CI 23–67) and HyTEC (≈ 69 %).
    Why: the "dose–volume paradox" of SRS — Poisson TCP with a volume-independent clonogen density scales
    the surviving clonogens with volume, while large treated metastases are controlled better than that
    (necrotic cores, lower clonogen density; the PO08 audit abstract needs volume-standardised or LQ-cubic
    models to fit 8 SRS series). Not tuned away: the test pins the direction and size of the gap, so a model
    change that closes it is noticed."""
    tcp = _srs_tcp(35.0)
    assert tcp < 0.23  # below the lower CI bound of Vogelbaum's 15 Gy group
    assert tcp == pytest.approx(0.019, abs=0.01)
