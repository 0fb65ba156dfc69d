"""Tutorial 2 — clinical projection: RIT versus WBRT, HA-WBRT and SRS for a patient with three visible
metastases and hidden micrometastases (built-in scenario ``human-early-bm``).

The code between the ``# [name]`` / ``# [end-name]`` markers is shown in docs/tutorials/clinical.md. Figures
and the therapeutic-window stage are left out to keep the test within 2 cores' budget; ``brainrit run`` does
both. Each step carries its own imports and writes into the current folder (the test runs in a temporary one),
so the steps can be pasted one after the other into a Python session.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def test_tutorial_clinical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # [step-1]
    from pathlib import Path

    from brainrit.scenario import builtin_scenario, builtin_text

    scenario = builtin_scenario("human-early-bm")
    Path("my-patient.toml").write_text(builtin_text("human-early-bm"), encoding="utf-8")  # to edit later
    for lesion in scenario.lesions:
        seen = "visible" if lesion.visible else "hidden"
        print(f"{lesion.count:3d} × {lesion.name:20s} {lesion.diameter_mm:5.1f} mm  {seen}")
    for arm in scenario.arms:
        print(f"arm: {arm.name} ({arm.type})")
    # [end-step-1]

    # [step-2]
    from brainrit.pipeline import run_scenario
    from brainrit.report.outputs import write_outputs

    stages = ["radionuclide", "kinetics", "dosimetry", "microdosimetry", "rit_outcomes", "ebrt", "comparison"]
    result = run_scenario(scenario, stages=stages, figures=False)
    out = write_outputs(result, Path("report"), force=True, html=True)  # report/report.html
    # [end-step-2]

    # [step-3]
    from brainrit.report.html import fmt

    table = result.stages["comparison"].tables[0]
    print(" | ".join(table.columns))
    for row in table.rows:
        print(" | ".join(fmt(v) for v in row))
    rit = result.stages["rit_outcomes"]  # a typed result: RitOutcomesResult
    print("RIT TCP per lesion:", {k: fmt(v) for k, v in rit.tcp_per_lesion.items()})
    # [end-step-3]

    assert (out / "report.html").is_file() and (out / "summary.csv").is_file()
    assert all(result.stages[k].status == "ok" for k in stages)
    arms = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert set(arms) == {a.name for a in scenario.arms}
    names = {a.type: a.name for a in scenario.arms}
    comp = result.stages["comparison"].arms  # arm → TCP visible, …, P cognitive, P+ (full precision)
    # hippocampal avoidance lowers the cognitive risk of the same 30 Gy/10 fx prescription; SRS lowest
    assert comp[names["wbrt"]]["P cognitive"] > comp[names["ha-wbrt"]]["P cognitive"]
    assert comp[names["ha-wbrt"]]["P cognitive"] > comp[names["srs"]]["P cognitive"]
    # SRS treats only what contrast MRI sees: control of all lesions ≤ control of the visible ones
    srs = comp[names["srs"]]
    assert srs["TCP all lesions"] <= srs["TCP visible"]
    # the α-emitter's dose to healthy brain stays far below the whole-brain prescription (EQD2 37.5 Gy)
    assert rit.brain_eqd2_Gy < 37.5
    for arm in arms.values():
        assert 0.0 <= arm["NTCP brain necrosis"] <= 1.0
