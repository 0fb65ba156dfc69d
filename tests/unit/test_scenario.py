"""Scenario schema and loader: every error names the place in the file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.errors import ScenarioError
from brainrit.scenario import builtin_names, builtin_scenario, builtin_text, load, loads

BASE = """
[study]
name = "t"
species = "mouse"

[administration]
activity_MBq = 0.5
"""


def test_minimal_scenario_gets_documented_defaults():
    s = loads(BASE)
    assert s.radiopharmaceutical.nuclide == "Pb-212"
    assert s.radiopharmaceutical.daughter_release_fraction == 0.36
    assert s.microgeometry.intercapillary_distance_um == 40.0
    assert s.injected_activity_MBq == 0.5


def test_every_field_has_a_description():
    from pydantic import BaseModel

    from brainrit.scenario import schema

    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__:
            for name, field in obj.model_fields.items():
                if name in {"type", "schema_version"} or obj is schema.Scenario:
                    continue
                assert field.description, f"{obj.__name__}.{name} has no description"


def test_activity_per_kg_uses_body_mass():
    s = loads(BASE.replace("activity_MBq = 0.5", "activity_MBq_per_kg = 20\nbody_mass_kg = 0.02"))
    assert s.injected_activity_MBq == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace("0.5", "-3"), r"administration\.activity_MBq: must be > 0, got -3 \(line 7\)"),
        (BASE + "activty = 2\n", r"administration\.activty: unknown key \(did you mean 'activity_MBq'\?\)"),
        (
            BASE.replace('"mouse"', '"rat"'),
            r"study\.species: must be 'mouse' or 'human', got 'rat' \(line 4\)",
        ),
        (BASE.replace("0.5", '"lots"'), r"administration\.activity_MBq: must be a number"),
        (BASE + '[radiopharmaceutical]\nnuclide = "Pb-2122"\n', r"radiopharmaceutical\.nuclide: .*Pb-2122"),
        (
            BASE + "[[arms]]\nname = 'a'\ntype = 'wbrt'\n[[arms]]\nname = 'b'\ntype = 'wbrt'\ndose_Gy = -3\n",
            r"arms\[1\]\.dose_Gy: must be > 0, got -3 \(line 14\)",
        ),
        (BASE + "[[arms]]\nname = 'a'\ntype = 'proton'\n", r"arms\[0\]\.type: must be one of 'wbrt'"),
        (BASE + "[[arms]]\nname = 'a'\ntype = 'srs'\ngradient_indx = 3\n", r"did you mean 'gradient_index'"),
        (BASE + "[[arms]]\nname = 'a'\ntype = 'rit'\n[[arms]]\nname = 'a'\ntype = 'rit'\n", r"used twice"),
        (
            BASE + "[microgeometry]\ncell_radius_um = 4\nnucleus_radius_um = 5\n",
            r"nucleus_radius_um \(5\.0\) must be <",
        ),
        ("[study\n", r"malformed TOML"),
        ('[study]\nname = "t"\nspecies = "mouse"\n', r"administration: required field is missing"),
        (BASE + "[lesions]\nname = 1\n", r"lesions: .*"),
        (BASE + "[nonsense]\nx = 1\n", r"nonsense: unknown key"),
    ],
)
def test_errors_name_the_place(text, message):
    with pytest.raises(ScenarioError, match=message):
        loads(text)


def test_missing_file_and_missing_csv(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load(tmp_path / "nope.toml")
    p = tmp_path / "s.toml"
    p.write_text(BASE + '[kinetics]\nmodel = "biodistribution"\nbiodistribution_csv = "bio.csv"\n')
    with pytest.raises(
        ScenarioError, match=r"kinetics\.biodistribution_csv: file not found: .*bio\.csv.*\(line \d+\)"
    ):
        load(p)
    (tmp_path / "bio.csv").write_text("organ,time_h,percent_ID_per_g,sd,n\n")
    with pytest.raises(ScenarioError, match=r"kinetics\.biodistribution_csv: .*at least one data row"):
        load(p)  # the CSV is read when the scenario is loaded, not seconds into the run
    (tmp_path / "bio.csv").write_text("organ,time_h,percent_ID_per_g,sd,n\nblood,1,30.5,3.1,4\n")
    assert load(p).kinetics.biodistribution_csv.endswith("bio.csv")


def test_builtins_validate_and_show_is_annotated():
    assert set(builtin_names()) == {"human-early-bm", "human-pb203-theranostic", "mouse-vcam1-pb212"}
    for name in builtin_names():
        s = builtin_scenario(name)
        assert s.study.name == name
        assert "#" in builtin_text(name)  # annotated
    with pytest.raises(Exception, match="did you mean 'human-early-bm'"):
        builtin_text("human-early")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_activity_accepts_exactly_positive_finite(x):
    text = BASE.replace(
        "0.5",
        repr(x) if x == x and abs(x) != float("inf") else ("nan" if x != x else ("inf" if x > 0 else "-inf")),
    )
    if 0 < x <= 1e5:  # MAX_ACTIVITY_MBQ
        assert loads(text).administration.activity_MBq == x
    else:
        with pytest.raises(ScenarioError, match=r"administration\.activity_MBq"):
            loads(text)


def test_unknown_key_in_optional_section_gets_did_you_mean():
    with pytest.raises(ScenarioError, match=r"sweep\.sampels: unknown key \(did you mean 'samples'"):
        loads(BASE + "[sweep]\nsampels = 3\n")


def test_disease_section_reaches_the_window_stage():
    from brainrit.pipeline import run_scenario

    s = loads(BASE + "[disease]\nn_patients = 7\nexpected_lesions = 2\n")
    r = run_scenario(
        s, figures=False, stages=["radionuclide", "kinetics", "dosimetry", "rit_outcomes", "window"]
    )
    win = r.stages["window"]
    assert win.status == "ok"
    assert any("7 virtual patients" in n for n in win.notes)


@pytest.mark.parametrize(
    ("section", "key", "where"),
    [
        ("[radiobiology]", "alpha_tumour_per_Gy = 0.3", "alpha_mean_per_Gy"),
        ("[radiobiology]", "alpha_beta_tumour_Gy = 10.0", "alpha_beta_Gy"),
        ("[radiobiology]", "clonogen_density_per_cm3 = 1e7", "clonogenic_fraction"),
    ],
)
def test_keys_moved_to_the_calibrated_models_say_where(section, key, where):
    """Keys that no longer change any result are errors that name their new place (never silently ignored)."""
    from brainrit.errors import BrainritError
    from brainrit.scenario import builtin_text, loads

    text = builtin_text("human-early-bm").replace(section, f"{section}\n{key}", 1)
    with pytest.raises(BrainritError, match=rf"{key.split()[0]}: no longer a key here; .*{where}"):
        loads(text)
