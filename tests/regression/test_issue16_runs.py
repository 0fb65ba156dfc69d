"""Regression tests of issue 16, findings 2 and 3: valid scenarios and real nuclides run.

Finding 3 and the README's promise "any ICRP-107 nuclide": a sample of long-lived, pure-β, Auger,
α-chain and EC nuclides goes through the kinetics and outcome stages (where ODE round-off negatives
used to reach ``g_factor``), and H-3 through ``brainrit run`` end to end.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from brainrit.cli import main
from brainrit.pipeline import run_scenario
from brainrit.scenario import builtin_scenario, builtin_text
from brainrit.scenario.loader import loads

STAGES = ["radionuclide", "kinetics", "dosimetry", "rit_outcomes"]


def _with_nuclide(nuclide: str):
    sc = builtin_scenario("mouse-vcam1-pb212")
    rp = sc.radiopharmaceutical.model_copy(update={"nuclide": nuclide})
    return sc.model_copy(update={"radiopharmaceutical": rp})


@pytest.mark.parametrize(
    "nuclide",
    [
        "I-125",  # Auger / EC, 59 d
        "H-3",  # pure β⁻, very low energy, 12 y
        "Y-90",  # pure β⁻, high energy
        "In-111",  # EC, Auger + γ
        pytest.param("Ac-225", marks=pytest.mark.slow),  # α chain
        pytest.param("U-238", marks=pytest.mark.slow),  # 4.5e9 y parent, long chain
    ],
)
def test_finding_3_real_nuclides_run(nuclide):
    r = run_scenario(_with_nuclide(nuclide), figures=False, progress=False, stages=STAGES)
    for key in STAGES:
        assert r.stages[key].status == "ok", (key, r.stages[key].message)
    rit = r.stages["rit_outcomes"]
    assert 0.0 <= rit.tcp_all_lesions <= 1.0 and np.isfinite(rit.ntcp_brain_necrosis)


def test_finding_3_kinetics_amounts_are_never_negative():
    from brainrit.kinetics import default_model, solve

    res = solve(default_model("mouse", nuclide="I-125"), 0.5)
    for curve in res.activity_Bq.values():
        assert np.all(np.asarray(curve) >= 0.0)


def test_finding_3_pure_beta_end_to_end_cli(tmp_path):
    src = tmp_path / "h3.toml"
    src.write_text(builtin_text("mouse-vcam1-pb212").replace('nuclide = "Pb-212"', 'nuclide = "H-3"'))
    assert 'nuclide = "H-3"' in src.read_text()
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "-q"]) == 0
    res = json.loads((tmp_path / "o" / "results.json").read_text())
    assert res["scenario"]["radiopharmaceutical"]["nuclide"] == "H-3"
    assert res["stages"]["rit_outcomes"]["status"] == "ok"


def test_finding_2_hidden_lesion_after_subvoxel_group():
    text = builtin_text("human-early-bm")
    sc = loads(text)
    extra = [
        {"name": "micro", "diameter_mm": 0.3, "count": 3, "visible": False},  # sub-voxel group
        {"name": "hidden", "diameter_mm": 1.5, "visible": False},  # no position_mm
    ]
    data = sc.model_dump()
    data["lesions"] = [*data["lesions"], *extra]
    sc2 = type(sc).model_validate(data)
    r = run_scenario(sc2, figures=False, progress=False, stages=["ebrt"])
    assert r.stages["ebrt"].status == "ok", r.stages["ebrt"].message
