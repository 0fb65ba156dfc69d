"""Typed stage results: the results.json layout they produce, "not run" states, static stage imports, and
a pipeline that returns data only (figures are drawn by the report)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError

import pytest

from brainrit.pipeline import STAGES, run_scenario
from brainrit.pipeline.core import Context, StageNotRun, StageOutcome
from brainrit.pipeline.stage_dosimetry import DosimetryResult
from brainrit.pipeline.stage_kinetics import KineticsStageResult
from brainrit.report.outputs import results_dict
from brainrit.scenario import builtin_scenario

# The documented keys of stages.<key>.data in results.json (README "Outputs"; other tools read them).
# Adding a field to a result adds its key here; renaming one must be a deliberate, documented change.
DATA_KEYS = {
    "radionuclide": {"alpha_lines", "chain", "chain_energy_per_decay_MeV", "energy_per_decay_MeV",
                     "half_life", "half_life_s", "min_alpha_yield", "nuclide", "sources"},
    "kinetics": {"decays_per_g", "fit", "injected_activity_MBq", "injections", "interval_h", "members",
                 "metastasis_to_brain_ratio", "region_mass_g", "tia_Bq_s"},
    "dosimetry": {"dose_Gy", "dose_per_MBq", "energy_per_decay_MeV", "model", "rbe_alpha",
                  "rbe_weighted_dose_Gy"},
    "patient_images": {"density_corrected", "image_warnings", "imaged_activity_MBq", "imaged_nuclide",
                       "member_mean_dose_Gy", "outcomes", "rbe_alpha", "source", "structures",
                       "tcp_per_metastasis", "therapy_activity_MBq", "therapy_nuclide", "times_h",
                       "voxel_mm"},
    "microdosimetry": {"bands", "decays_per_um_vessel_blood", "decays_per_um_vessel_bound",
                       "lattice_mean_alpha_dose_Gy", "lattice_mean_electron_dose_Gy", "lattice_profile",
                       "monte_carlo", "perivascular_cuff", "single_vessel_profile",
                       "uniform_free_daughter_dose_Gy"},
    "rit_outcomes": {"activity_scan_MBq", "alpha_let_keV_per_um", "brain_eqd2_Gy", "g_factor_brain",
                     "g_factor_tumour", "hippocampus_above_gondi_threshold", "hippocampus_d40_eqd2_Gy",
                     "hippocampus_gondi_threshold_eqd2_Gy", "injected_activity_MBq", "ntcp_brain_necrosis",
                     "ntcp_curve", "optimum", "p_cognitive", "p_plus", "tcp_all_lesions", "tcp_curve",
                     "tcp_micrometastases", "tcp_per_lesion", "tcp_visible", "z1_Gy",
                     "activity_for_micrometastasis_tcp_0p5_MBq", "micrometastasis_tcp_0p5_reason",
                     "micrometastasis_tcp_0p5_unconstrained_MBq", "micrometastasis_tcp_0p5_organ_rbe_Gy",
                     "limits", "repopulation_time_h"},
    "ebrt": {"lesion_tcp", "outcome_model", "outcomes", "phantom"},
    "rit_dose_map": {"kernel_half_width_voxels", "rbe_alpha", "structures", "voxel_mm"},
    "comparison": {"arms", "best_by_class", "best_p_plus"},
    "window": {"clonogen_fraction", "growth", "horizon_d", "median_detection_day_from_seeding",
               "modalities_n50_cells", "rit_cell_survival", "rit_dose_source", "rit_mean_alpha_dose_Gy",
               "rit_unhit_fraction", "rit_vessel_alpha_fraction", "seeding", "species", "wbrt_ntcp",
               "wbrt_ntcp_source", "wbrt_regimen", "window", "rit_cycles", "rit_interval_d",
               "cognition_source"},
}  # fmt: skip


def test_stage_order_and_result_classes():
    assert [s.key for s in STAGES] == list(DATA_KEYS)
    assert all(s.result.key == s.key and s.result.title == s.title for s in STAGES)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.key)
def test_results_json_data_keys_are_the_documented_ones(stage):
    assert set(stage.result.data_keys()) == DATA_KEYS[stage.key]


@pytest.fixture(scope="module")
def cheap_run():
    """The mouse scenario through the fast stages; the others are reported "not run"."""
    return run_scenario(
        builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide", "kinetics", "dosimetry"]
    )


def test_results_are_frozen_and_read_by_attribute(cheap_run):
    dos = cheap_run.stages["dosimetry"]
    assert isinstance(dos, DosimetryResult)
    assert dos.dose_Gy["metastasis"].alpha > 0
    assert (
        dos.dose_Gy["metastasis"].total
        == dos.dose_Gy["metastasis"].alpha + dos.dose_Gy["metastasis"].electron
    )
    with pytest.raises(FrozenInstanceError):
        dos.rbe_alpha = 1.0  # type: ignore[misc]


def test_to_json_matches_results_json_and_leaves_out_memory_fields(cheap_run):
    kin = cheap_run.stages["kinetics"]
    data = kin.to_json()
    assert set(data) == DATA_KEYS["kinetics"]
    assert "solution" not in data and "model" not in data  # in-memory only
    assert kin.solution.members == kin.members
    doc = results_dict(cheap_run)
    assert doc["stages"]["kinetics"]["data"] == json.loads(json.dumps(data))
    assert doc["stages"]["dosimetry"]["data"]["dose_Gy"]["brain"] == {
        "alpha": cheap_run.stages["dosimetry"].dose_Gy["brain"].alpha,
        "electron": cheap_run.stages["dosimetry"].dose_Gy["brain"].electron,
    }


def test_not_run_is_explicit_with_a_reason(cheap_run):
    for key in ("microdosimetry", "rit_outcomes", "ebrt", "rit_dose_map", "comparison", "window"):
        st = cheap_run.stages[key]
        assert isinstance(st, StageOutcome)
        assert st.status == "not run" and st.message == "skipped (not requested)"
        assert st.to_json() == {}
    doc = results_dict(cheap_run)
    assert doc["stages"]["window"]["status"] == "not run"
    assert doc["stages"]["window"]["data"] == {}


def test_missing_upstream_makes_dependent_stages_not_run():
    r = run_scenario(
        builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide", "dosimetry", "rit_outcomes"]
    )
    assert r.stages["dosimetry"].status == "not run"
    assert r.stages["dosimetry"].message.startswith("needs the kinetics stage, which did not run")
    assert "dosimetry" in r.stages["rit_outcomes"].message
    ctx = Context(r.scenario, r.seed)
    assert ctx.get(KineticsStageResult) is None
    with pytest.raises(StageNotRun, match="kinetics"):
        ctx.require(KineticsStageResult)


def test_scenario_without_an_arm_type_reports_why():
    sc = builtin_scenario("mouse-vcam1-pb212")
    rit_only = sc.model_copy(update={"arms": [a for a in sc.arms if a.type == "rit"]})
    r = run_scenario(rit_only, stages=["radionuclide", "kinetics", "ebrt"])
    assert r.stages["ebrt"].status == "not run"
    assert r.stages["ebrt"].message == "the scenario has no external-beam arm"


def test_pipeline_imports_neither_report_nor_matplotlib():
    """Stages return data; the report draws. Running stages loads no brainrit.report module, and no
    pipeline module mentions matplotlib (radioactivedecay itself imports matplotlib, so sys.modules cannot
    tell)."""
    from pathlib import Path

    import brainrit.pipeline

    code = (
        "import sys\n"
        "from brainrit.pipeline import run_scenario\n"
        "from brainrit.scenario import builtin_scenario\n"
        "stages = ['radionuclide', 'kinetics', 'dosimetry']\n"
        "run_scenario(builtin_scenario('mouse-vcam1-pb212'), stages=stages)\n"
        "bad = [m for m in sys.modules if m.startswith('brainrit.report')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    import re

    root = Path(brainrit.pipeline.__file__).parent
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) matplotlib", text, re.M), path.name
        assert not re.search(r"^\s*(from|import) brainrit\.report", text, re.M), path.name


def test_no_string_keyed_stage_access_in_pipeline():
    """Issue 17's acceptance check: no ``.data.get(`` or ``.objects[`` left in the pipeline."""
    import re
    from pathlib import Path

    import brainrit.pipeline

    root = Path(brainrit.pipeline.__file__).parent
    hits = [
        f"{p.name}:{i}"
        for p in sorted(root.glob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.data\.get\(|\.objects\[", line)
    ]
    assert not hits


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.key)
def test_every_stage_result_keeps_the_short_repr(stage):
    """Declared with @stage_result (a plain @dataclass generates a repr that prints every curve)."""
    from brainrit.pipeline.core import StageResult

    assert stage.result.__repr__ is StageResult.__repr__
    assert stage.result.__dataclass_params__.frozen


def test_short_reprs(cheap_run):
    text = repr(cheap_run.stages["dosimetry"])
    assert text.startswith("DosimetryResult(dosimetry: ok; ") and "rbe_alpha=" in text and len(text) < 300
    assert repr(cheap_run.stages["window"]) == (
        "StageOutcome(key='window', title='Therapeutic window', reason='skipped (not requested)')"
    )
