"""Composition phantom → external-beam arms → comparison table (brainrit.ebrt.phantom_arms)."""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.ebrt.outcomes import compare_arms
from brainrit.ebrt.phantom_arms import HUMAN_ARMS, MOUSE_ARMS, arm_names, build_arm, standard_arms
from brainrit.errors import InputError
from brainrit.phantoms import add_lesions, human_brain, metastasis, micrometastases, mouse_brain


@pytest.fixture(scope="module")
def patient():  # 3 mm voxels keep this fast; physics checks run at 1 mm in tests/validation
    p = human_brain(voxel_mm=3.0, lesions=[metastasis("met1", (30.0, -30.0, 20.0), 15.0)])
    return add_lesions(p, micrometastases(p, 5, 0.3, seed=2))


def test_standard_arms_human(patient) -> None:
    arms = standard_arms(patient)
    assert tuple(a.name for a in arms) == HUMAN_ARMS == tuple(arm_names(patient))
    by = {a.name: a for a in arms}
    assert by["WBRT-30/10"].whole_brain and not by["SRS-RTOG9005"].whole_brain
    comp = by["WBRT-30/10+SRS"]
    assert [c.n_fractions for c in comp.components] == [10, 1] and comp.n_fractions == 11
    assert np.allclose(comp.dose_Gy, by["WBRT-30/10"].dose_Gy + by["SRS-RTOG9005"].dose_Gy, atol=1e-4)
    i = tuple(np.rint((np.array([30.0, -30.0, 20.0]) - patient.origin_mm) / 3.0).astype(int))
    assert by["SRS-RTOG9005"].dose_Gy[i] == pytest.approx(24.0)  # 15 mm lesion → 24 Gy (RTOG 90-05)
    assert by["fSRS-27/3"].dose_Gy[i] == pytest.approx(27.0)
    hip = patient.masks["hippocampi"]
    assert by["HA-WBRT-30/10"].dose_Gy[hip].max() < 16.0
    table = compare_arms(arms, patient.masks, patient.lesions)
    assert table.arms == HUMAN_ARMS
    tcp = table.column("TCP micrometastases")
    # whole-brain arms treat the unseen disease (calibrated population TCP: a few patients are resistant)
    assert tcp["WBRT-30/10"] > 0.5 > tcp["SRS-RTOG9005"]
    assert table.row("SRS-RTOG9005")["V12 normal brain"] > 0
    assert table.row("HA-WBRT-30/10")["hippocampi D40 EQD2"] < table.row("WBRT-30/10")["hippocampi D40 EQD2"]


def test_arms_without_visible_lesions_and_mouse() -> None:
    p = human_brain(voxel_mm=4.0)
    names = [a.name for a in standard_arms(p)]
    assert names == ["WBRT-30/10", "WBRT-20/5", "WBRT-37.5/15", "HA-WBRT-30/10"]
    with pytest.raises(InputError, match="visible lesion"):
        build_arm(p, "SRS-RTOG9005")
    m = mouse_brain(voxel_mm=0.2)
    arms = standard_arms(m)
    assert tuple(a.name for a in arms) == MOUSE_ARMS
    assert arms[0].dose_Gy[m.masks["brain"]].min() >= 0.95 * 4.0
    with pytest.raises(InputError, match="human regimen"):
        build_arm(p, "mouse-WBRT-4/1")
    with pytest.raises(InputError, match="mouse regimen"):
        build_arm(m, "WBRT-30/10")
    with pytest.raises(InputError, match="did you mean"):
        build_arm(p, "WBRT-30/10+SRSS")


def test_srs_arm_rejects_oversized_lesion() -> None:
    p = human_brain(voxel_mm=4.0, lesions=[metastasis("huge", (0.0, -40.0, 20.0), 45.0)])
    with pytest.raises(InputError, match="<= 40 mm"):
        build_arm(p, "SRS-RTOG9005")
    assert build_arm(p, "fSRS-30/5").n_fractions == 5  # fSRS is the option for > 4 cm


def test_compare_on_phantom(patient) -> None:
    from brainrit.ebrt.phantom_arms import compare

    arms = standard_arms(patient, ["WBRT-30/10", "SRS-RTOG9005"])
    table = compare(patient, arms)
    assert table.arms == ("WBRT-30/10", "SRS-RTOG9005")
    assert table.row("WBRT-30/10")["prescription scale"] == 1.0
    assert compare(human_brain(voxel_mm=4.0)).arms == (
        "WBRT-30/10",
        "WBRT-20/5",
        "WBRT-37.5/15",
        "HA-WBRT-30/10",
    )


def test_custom_arms_match_scenario_types(patient) -> None:
    from brainrit.ebrt.phantom_arms import custom_arm

    i = tuple(np.rint((np.array([30.0, -30.0, 20.0]) - patient.origin_mm) / 3.0).astype(int))
    wb = custom_arm(patient, "WBRT 20/5", "wbrt", dose_Gy=20.0, n_fractions=5)
    assert wb.n_fractions == 5 and wb.dose_Gy[patient.masks["brain"]].min() >= 19.0
    assert np.allclose(wb.dose_Gy, build_arm(patient, "WBRT-20/5").dose_Gy, atol=1e-4)
    srs20 = custom_arm(patient, "SRS 20", "srs", dose_Gy=20.0, gradient_index=4.0)
    assert srs20.dose_Gy[i] == pytest.approx(20.0)
    by_size = custom_arm(patient, "SRS", "srs")
    assert by_size.dose_Gy[i] == pytest.approx(24.0)
    fs = custom_arm(patient, "fSRS 35/5", "fsrs", dose_Gy=35.0, n_fractions=5)
    assert fs.dose_Gy[i] == pytest.approx(35.0) and not fs.whole_brain
    combo = custom_arm(patient, "WBRT+SRS 18", "wbrt+srs", srs_dose_Gy=18.0)
    assert [c.n_fractions for c in combo.components] == [10, 1]
    assert combo.dose_Gy[i] == pytest.approx(30.0 * combo.components[0].dose_Gy[i] / 30.0 + 18.0, rel=1e-5)
    ha = custom_arm(patient, "HA", "ha-wbrt")
    assert ha.dose_Gy[patient.masks["hippocampi"]].max() < 16.0
    with pytest.raises(InputError, match="technique"):
        custom_arm(patient, "x", "protons")
    with pytest.raises(InputError, match="n_fractions"):
        custom_arm(patient, "x", "srs", n_fractions=3)
    with pytest.raises(InputError, match="total_dose_Gy"):
        custom_arm(patient, "x", "wbrt", dose_Gy=-1.0)
