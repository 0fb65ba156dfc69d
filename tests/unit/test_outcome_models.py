"""Unit tests of brainrit.radiobiology.outcome_models (clonogens, population TCP, cognition, formatting)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.errors import BrainritError, InputError
from brainrit.radiobiology import tcp_population_bed
from brainrit.radiobiology.calibration_fit import Anchor, anchor_model_value, clinical_anchors
from brainrit.radiobiology.outcome_models import (
    ClonogenModel,
    CognitionModel,
    HiddenDisease,
    PopulationTCP,
    calibrated_models,
    default_clonogen_model,
    format_probability,
)

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(probabilities)
def test_format_probability_is_never_scientific(p: float) -> None:
    s = format_probability(p)
    assert "e" not in s.lower()
    if p < 1e-4:
        assert s == "< 10⁻⁴"
    elif p < 0.9999:
        assert float(s) == pytest.approx(p, rel=5e-3)


def test_format_probability_none_and_nan() -> None:
    assert format_probability(None) == format_probability(math.nan) == "—"


def test_clonogen_model_counts() -> None:
    c = ClonogenModel(1e8, 0.1)
    assert c.cells(10.0) == pytest.approx(math.pi / 6 * 1e8)
    assert c.clonogens(10.0) == pytest.approx(math.pi / 6 * 1e7)
    assert default_clonogen_model().clonogen_density_per_cm3 == pytest.approx(1e7)


@pytest.mark.parametrize(
    "kwargs", [{"cell_density_per_cm3": 0.0}, {"clonogenic_fraction": 0.0}, {"clonogenic_fraction": 1.5}]
)
def test_clonogen_model_rejects_bad_values(kwargs: dict) -> None:
    base = {"cell_density_per_cm3": 1e8, "clonogenic_fraction": 0.1} | kwargs
    with pytest.raises(InputError) as e:
        ClonogenModel(**base)
    assert next(iter(kwargs)) in str(e.value)


def test_population_tcp_uniform_equals_library_function() -> None:
    m = PopulationTCP(0.2, 0.08, 3.0, ClonogenModel(1e8, 0.1))
    bed = 18.0 * (1 + 18.0 / 3.0)
    n0 = 1e7 * math.pi / 6 * 1.5**3
    assert m.tcp_uniform(18.0, 1, 15.0) == pytest.approx(
        float(tcp_population_bed(bed, 0.2, 0.08, n0)), rel=1e-12
    )


def test_joint_control_of_one_lesion_split_in_voxels() -> None:
    m = PopulationTCP(0.2, 0.08, 3.0, ClonogenModel(1e8, 0.1))
    n0 = float(m.clonogens.clonogens(12.0))
    whole = float(m.tcp_bed(80.0, n0))
    assert m.tcp_joint([80.0] * 4, [n0 / 4] * 4) == pytest.approx(whole, abs=1e-9)


@given(st.floats(5.0, 40.0), st.floats(1.0, 3.0))
def test_tcp_falls_with_size_and_rises_with_dose(diameter_mm: float, factor: float) -> None:
    m = calibrated_models().tcp
    base = m.tcp_uniform(20.0, 1, diameter_mm)
    assert m.tcp_uniform(20.0, 1, diameter_mm * factor) <= base + 1e-12
    assert m.tcp_uniform(20.0 * factor, 1, diameter_mm) >= base - 1e-12


@given(st.lists(st.floats(0.0, 120.0), min_size=1, max_size=6), st.floats(1e2, 1e8))
def test_untreated_lesion_is_counted(beds: list[float], n0: float) -> None:
    """Adding an untreated lesion (BED 0) of ≥ 100 clonogens makes joint control (almost) impossible."""
    m = calibrated_models().tcp
    with_untreated = m.tcp_joint([*beds, 0.0], [n0] * (len(beds) + 1))
    assert with_untreated <= math.exp(-n0) + 1e-12


def test_cognition_model_baseline_and_attributable() -> None:
    m = CognitionModel({"battery": -1.0, "memory": -2.0}, 0.03)
    assert m.baseline("memory") == pytest.approx(1 / (1 + math.e**2))
    assert m.radiation_attributable(0.0) == pytest.approx(0.0)
    assert m.radiation_attributable(30.0) > 0
    with pytest.raises(InputError, match="endpoint"):
        m.probability(10.0, "mood")
    with pytest.raises(InputError, match="slope_per_Gy"):
        CognitionModel({"battery": 0.0}, -0.1)


def test_calibrated_models_overrides() -> None:
    m = calibrated_models(alpha_mean_per_Gy=0.3, cognition_slope_per_Gy=0.0)
    assert m.tcp.alpha_mean_per_Gy == 0.3
    assert m.cognition.probability(40.0) == pytest.approx(m.cognition.baseline())
    with pytest.raises(InputError, match="overrides"):
        calibrated_models(alpha=0.3)
    with pytest.raises(InputError, match="name"):
        calibrated_models("prostate")


def test_anchor_table_rows_are_complete() -> None:
    rows = clinical_anchors()
    assert len({a.id for a in rows}) == len(rows)
    for a in rows:
        assert a.source and a.sd_basis and a.sd > 0
        if a.model == "tcp":
            assert a.schedule_grid() and a.diameter_grid().size >= 1


def test_anchor_model_value_needs_its_model() -> None:
    a = next(x for x in clinical_anchors() if x.model == "cognition")
    with pytest.raises(BrainritError):
        anchor_model_value(a, tcp=calibrated_models().tcp)
    t = next(x for x in clinical_anchors() if x.model == "tcp")
    with pytest.raises(InputError):
        anchor_model_value(t)


def test_hidden_lesion_is_smaller_for_longer_follow_up() -> None:
    h = HiddenDisease(1e7, 100.0)
    assert h.cells(0.0) == pytest.approx(1e7)
    assert h.cells(24.0) < h.cells(12.0) < 1e7


def test_schedule_grid_ranges() -> None:
    a = Anchor("x", "tcp", "12-15/1;30/5", "5-20", "lc", 0.5, "=", 0.1, "", 12.0, None, "s", "")
    grid = a.schedule_grid()
    assert grid[0] == (12.0, 1) and grid[-2] == (15.0, 1) and grid[-1] == (30.0, 5)
    assert np.allclose(a.diameter_grid()[[0, -1]], [5.0, 20.0])
