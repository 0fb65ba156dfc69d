"""Regression tests of issue 16, findings 4 and 6 (and the TOML part of 7): the scenario loader.

Every value the pipeline would reject later, or that would exhaust memory, is rejected when the file
is read, naming the field, the value, what is allowed and the line; all problems at once.
"""

from __future__ import annotations

import math
import time

import pytest

from brainrit.errors import ScenarioError
from brainrit.scenario.loader import load, loads

BASE = """
[study]
name = "t"
species = "{species}"

[administration]
activity_MBq = 0.5
"""


def _text(extra: str, species: str = "mouse") -> str:
    return BASE.format(species=species) + extra


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        loads(text)
    return str(info.value)


@pytest.mark.parametrize(
    ("extra", "species", "needle"),
    [
        ('[[lesions]]\nname = "m"\ndiameter_mm = 2.0\ncount = 10000\n', "human", "would need 46.3 GB"),
        ("[disease]\nn_patients = 100000\nexpected_lesions = 10.0\n", "mouse", "would need about 3.3 GB"),
        ("[disease]\nexpected_lesions = 1e9\n", "mouse", "disease.expected_lesions: must be <= 1000"),
        (
            "[microgeometry]\nintercapillary_distance_um = 1e-6\n",
            "mouse",
            "intercapillary_distance_um: must be >=",
        ),
    ],
)
def test_finding_4_memory_bombs_rejected_before_allocation(extra, species, needle):
    start = time.perf_counter()
    msg = _error(_text(extra, species))
    assert needle in msg
    assert "(line " in msg
    assert time.perf_counter() - start < 5.0  # nothing was allocated or computed


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "activity_MBq = 0.5",
            "activity_MBq_per_kg = 1e30",
            "administration.activity_MBq_per_kg: must be <=",
        ),
        ("activity_MBq = 0.5", "activity_MBq = true", "administration.activity_MBq: must be a number"),
        ("activity_MBq = 0.5", 'activity_MBq = "2.5"', "administration.activity_MBq: must be a number"),
        ("activity_MBq = 0.5", "activity_MBq = nan", "administration.activity_MBq: must be a finite number"),
    ],
)
def test_finding_6_values_rejected_at_load_with_field_and_line(old, new, field):
    msg = _error(_text("").replace(old, new))
    assert msg.startswith(field)
    assert msg.endswith("(line 7)")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            '[[lesions]]\nname = "a"\ndiameter_mm = 0.2\nposition_mm = [nan, 0, 0]\n',
            "lesions[0].position_mm[0]",
        ),
        ("[radiobiology.outcome_models]\ncell_density_per_cm3 = 1e30\n", "cell_density_per_cm3"),
        ('[[arms]]\nname = "s"\ntype = "srs"\ngradient_index = inf\n', "arms[0].gradient_index"),
        ('[[arms]]\nname = "w"\ntype = "wbrt"\ndose_Gy = 1e6\n', "arms[0].dose_Gy: must be <= 100"),
        ("[radiobiology]\nrbe_alpha = 1e-30\n", "radiobiology.rbe_alpha: must be >= 1"),
        ("[outputs]\nhtml = 1\n", "outputs.html: must be true or false"),
        ("[disease]\nn_patients = 2.0\n", "disease.n_patients: must be a whole number"),
    ],
)
def test_finding_6_impossible_values_rejected(extra, field):
    assert field in _error(_text(extra))


def test_finding_6_all_errors_at_once_one_line_each():
    extra = (
        "[radiobiology]\nrbe_alpha = 1e-30\nalpha_beta_brain_Gy = 1e9\n"
        '[[arms]]\nname = "w"\ntype = "wbrt"\ndose_Gy = 1e6\n'
        f"[kinetics]\nparameters = {{ x = [{', '.join(['1.0'] * 500)}] }}\n"
    )
    msg = _error(_text(extra))
    lines = msg.splitlines()
    assert lines[0].startswith("4 problems in")
    assert len(lines) == 5 and all(len(line) < 300 for line in lines)  # no arrays in messages
    assert all("(line " in line for line in lines[1:])


def test_finding_6_kinetics_errors_come_at_load_naming_the_field(tmp_path):
    src = tmp_path / "s.toml"
    src.write_text(_text("[kinetics]\nparameters = { plasma_clearance_mL_per_h = 1e300 }\n"))
    with pytest.raises(ScenarioError, match=r"^kinetics\.parameters\.plasma_clearance_mL_per_h: .*line 9"):
        load(src)
    src.write_text(_text('[radiopharmaceutical]\ntarget = "VCAM-2"\n'))
    with pytest.raises(ScenarioError, match=r"^radiopharmaceutical\.target: .*VCAM-1"):
        load(src)


def test_finding_7_deeply_nested_toml_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="nested too deeply"):
        loads("x = " + "[" * 5000 + "]" * 5000)


def test_scenario_files_bom_and_non_utf8(tmp_path):
    src = tmp_path / "s.toml"
    src.write_bytes(b"\xef\xbb\xbf" + _text("").encode())
    assert load(src).administration.activity_MBq == 0.5
    src.write_bytes(_text("").replace('"t"', '"caf\xe9"').encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load(src)


def test_every_number_is_finite_and_bounded_in_the_schema():
    """Each number field of the schema has an upper bound; floats reject NaN/inf (walks the models)."""
    import typing

    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

    from brainrit.scenario import outcome_models, schema, sweep_schema

    def leaves(ann, meta):
        if typing.get_origin(ann) is typing.Annotated:
            base, *extra = typing.get_args(ann)
            flat = [x for m in extra for x in ([m, *m.metadata] if isinstance(m, FieldInfo) else [m])]
            yield from leaves(base, meta + flat)
        elif typing.get_args(ann) and typing.get_origin(ann) is not typing.Literal:
            for a in typing.get_args(ann):
                yield from leaves(a, meta)
        else:
            yield ann, meta

    bad = []
    models = [*vars(schema).values(), *vars(sweep_schema).values(), *vars(outcome_models).values()]
    mine = {schema.__name__, sweep_schema.__name__, outcome_models.__name__}  # other sections: their owners
    for model in [
        m for m in models if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ in mine
    ]:
        for name, field in model.model_fields.items():
            for base, meta in leaves(field.annotation, list(field.metadata)):
                if base not in (int, float):
                    continue
                upper = any(
                    getattr(m, "le", None) is not None or getattr(m, "lt", None) is not None for m in meta
                )
                strict = any(getattr(m, "strict", None) is True for m in meta)
                finite = base is int or any(getattr(m, "allow_inf_nan", None) is False for m in meta)
                if not (upper and finite and strict):
                    bad.append(f"{model.__name__}.{name}")
    assert sorted(set(bad)) == ["Kinetics.parameters"], sorted(set(bad))  # bounded by reference values
    assert math.isfinite(schema.MAX_ACTIVITY_MBQ)
