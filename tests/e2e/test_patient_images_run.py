"""End-to-end: `brainrit run` on the built-in human-pb203-theranostic scenario (synthetic ²⁰³Pb patient)."""

from __future__ import annotations

import json

import pytest

from brainrit.cli import main
from brainrit.scenario import builtin_text

NAME = "human-pb203-theranostic"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("theranostic")
    src = d / f"{NAME}.toml"
    src.write_text(builtin_text(NAME), encoding="utf-8")
    assert main(["run", str(src), "--out", str(d / "out"), "-q"]) == 0
    return d / "out"


def test_patient_stage_in_results(out):
    res = json.loads((out / "results.json").read_text())
    st = res["stages"]["patient_images"]
    assert st["status"] == "ok", st.get("message")
    data = st["data"]
    assert data["imaged_nuclide"] == "Pb-203" and data["therapy_nuclide"] == "Pb-212"
    assert data["density_corrected"] is True
    assert len(data["times_h"]) == 6
    structures = data["structures"]
    assert {"brain", "hippocampi", "lesion_m1", "lesion_m2", "lesion_m3"} <= set(structures)
    for name, s in structures.items():  # the synthetic patient's closed-form TIA (issue criterion: 2 %)
        assert s["tia_MBq_h"] == pytest.approx(s["tia_exact_MBq_h"], rel=0.02), name
    # α-emitter in the metastases: far more dose than in the brain around them
    assert structures["lesion_m1"]["mean_Gy"] > 5 * structures["brain"]["mean_Gy"] > 0
    assert 0.0 <= data["outcomes"]["TCP"] <= 1.0 and 0.0 <= data["outcomes"]["NTCP necrosis"] <= 1.0


def test_arms_on_the_patient_structures(out):
    res = json.loads((out / "results.json").read_text())
    ebrt = res["stages"]["ebrt"]
    assert ebrt["status"] == "ok", ebrt.get("message")
    patient = res["stages"]["patient_images"]["data"]
    comparison = res["stages"]["comparison"]["data"]["arms"]
    assert "212Pb-anti-VCAM-1 (patient images)" in comparison
    assert {"WBRT 30 Gy/10 fx", "HA-WBRT 30 Gy/10 fx", "SRS (RTOG 90-05)"} <= set(comparison)
    row = comparison["212Pb-anti-VCAM-1 (patient images)"]
    assert row["TCP all lesions"] == pytest.approx(patient["outcomes"]["TCP"])
    assert row["NTCP necrosis"] == pytest.approx(patient["outcomes"]["NTCP necrosis"])


def test_report_has_patient_figures(out):
    html = (out / "report.html").read_text()
    for title in (
        "Patient Pb-212 dose, axial slice",
        "Patient dose–volume histograms",
        "Time–activity curves",
    ):
        assert title in html
