"""Preclinical endpoint: metastatic burden relative to untreated and growth delay (brainrit.disease.burden),
set beside Corroyer-Dulmont A et al., Neuro-Oncology 2020;22:357–368 (²¹²Pb-anti-VCAM-1 in the MDA-231-Br
intracardiac mouse model, treatment at day 21: lower metastatic burden than external-beam radiotherapy,
p < 0.001; +29 % overall survival at day 40, p < 0.01).

Model checks (exact, tolerance 1e-9): for exponential growth the burden after killing a fraction 1 − S of
every lesion is S × untreated and the growth delay is T_d·log₂(1/S) — the regrowth-delay relation of
exponentially growing tumours (Joiner MC & van der Kogel AJ, eds. Basic Clinical Radiobiology, 5th ed.,
CRC Press 2018).

Study comparison (direction only; no parameter was adjusted to it): RIT reduces the burden and delays
growth relative to untreated — as in the study. RIT below external beam — the model DISAGREES (strict
xfail): with the scenario's illustrative 3 × 5 Gy whole-brain regimen (the abstract does not give the
study's regimen) every cell receives 22.5 Gy BED₁₀, while the kinetics give day-21 lesions a mean α dose
of about 0.5 Gy (≈ 2.6 Gy(RBE)) and leave most perivascular cells unhit; see docs/models.md, "Metastatic
burden".
"""

from __future__ import annotations

import math
from importlib.resources import files

import numpy as np
import pytest

import brainrit.disease as dz
from brainrit.pipeline.runner import run_scenario
from brainrit.scenario import load


def test_exponential_growth_delay_and_burden_exact():
    course = dz.default_course("human", expected_lesions=3.0)
    vp = dz.VirtualPatients.from_arrays(course, [0, 0, 1], [0.0, 40.0, 10.0])
    for s in (0.5, 1e-2, 1e-3):  # N·S >= 1 cell and every lesion seeded before t_R − delay
        b = dz.metastatic_burden(course, vp, lambda st, s=s: np.full(st["cells"].shape, s),
                                 treatment_day_d=900.0, readout_day_d=1100.0)  # fmt: skip
        assert b.relative_burden == pytest.approx(s, rel=1e-9)
        assert b.growth_delay_d == pytest.approx(86.0 * math.log2(1.0 / s), rel=1e-9)
    none = dz.metastatic_burden(course, vp, lambda st: np.ones(st["cells"].shape),
                                treatment_day_d=900.0, readout_day_d=1100.0)  # fmt: skip
    assert none.relative_burden == pytest.approx(1.0) and none.growth_delay_d == 0.0


def test_lesions_seeded_after_treatment_are_untreated():
    course = dz.default_course("human", expected_lesions=1.0)
    vp = dz.VirtualPatients.from_arrays(course, [0], [500.0])
    b = dz.metastatic_burden(course, vp, lambda st: np.zeros(st["cells"].shape),
                             treatment_day_d=400.0, readout_day_d=900.0)  # fmt: skip
    assert b.relative_burden == pytest.approx(1.0)


@pytest.fixture(scope="module")
def mouse():
    sc = load(files("brainrit") / "scenario" / "builtin" / "mouse-vcam1-pb212.toml")
    run = run_scenario(sc, stages=["radionuclide", "kinetics", "dosimetry", "rit_outcomes", "window"],
                       figures=False)  # fmt: skip
    w = run.stages["window"]
    course, tr, vp = w.course, w.treatments, w.patients
    kw = dict(treatment_day_d=dz.MOUSE_TREATMENT_DAY_D, readout_day_d=dz.window.MOUSE_HORIZON_D)
    rit = dz.metastatic_burden(
        course, vp, lambda st: dz.window._rit_survival(tr.rit, st["vcam1"], st["spheroid"]), **kw
    )
    ebrt = dz.metastatic_burden(course, vp, lambda st: np.full(st["cells"].shape, tr.wbrt.survival), **kw)
    return rit, ebrt


def test_rit_reduces_burden_and_delays_growth(mouse):
    rit, _ = mouse
    assert rit.relative_burden < 1.0
    assert rit.growth_delay_d > 0.0


@pytest.mark.xfail(
    strict=True, reason="model: 3 × 5 Gy WBRT kills more than the kinetics' RIT dose (module docstring)"
)
def test_rit_burden_below_external_beam_as_in_the_study(mouse):
    rit, ebrt = mouse
    assert rit.relative_burden < ebrt.relative_burden
