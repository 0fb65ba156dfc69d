"""Repeated administrations in brainrit.kinetics.solve: superposition (linear) and sequential (saturable)."""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.errors import BrainritError
from brainrit.kinetics import default_model, solve


@pytest.fixture(scope="module")
def linear():
    return default_model("mouse", saturable=False)


def test_one_cycle_is_the_single_injection(linear):
    a, b = solve(linear, 0.2), solve(linear, 0.2, cycles=1, interval_h=0.0)
    np.testing.assert_array_equal(a.times_h, b.times_h)
    assert a.tia_Bq_s == b.tia_Bq_s
    assert b.cycles == 1


def test_linear_superposition(linear):
    one = solve(linear, 0.2, n_times=100)
    three = solve(linear, 0.2, n_times=100, cycles=3, interval_h=24.0)
    assert three.cycles == 3 and three.interval_h == 24.0
    # injections on grid points
    step = three.times_h[1] - three.times_h[0]
    assert 24.0 / step == pytest.approx(round(24.0 / step), abs=1e-9)
    for key, v in one.tia_Bq_s.items():
        assert three.tia_Bq_s[key] == pytest.approx(3.0 * v, rel=1e-9)
    # activity curve: the single-injection curve (re-solved on the same grid) plus two shifted copies
    single = solve(linear, 0.2, t_end_h=float(three.times_h[-1]), n_times=three.times_h.size)
    k = round(24.0 / step)
    c1 = np.asarray(single.activity_Bq[("kidneys", "Pb-212")])
    expected = c1.copy()
    expected[k:] += c1[:-k]
    expected[2 * k :] += c1[: -2 * k]
    np.testing.assert_allclose(three.activity_Bq[("kidneys", "Pb-212")], expected, rtol=1e-9, atol=1e-12)
    # the parent's mass balance counts every injection
    mb = three.mass_balance["Pb-212"]
    assert mb["produced"][-1] == pytest.approx(3.0 * one.mass_balance["Pb-212"]["produced"][-1])
    total = mb["in_body"] + mb["decayed"] + mb["excreted"]
    np.testing.assert_allclose(total, mb["produced"], rtol=1e-8)


def test_saturable_sequential_before_second_injection_is_the_single_injection():
    """Sequential solution: up to the second injection the course equals one injection on the same grid;
    the parent's mass balance counts both injections."""
    sat = default_model("mouse", saturable=True)
    two = solve(sat, 0.196, n_times=120, cycles=2, interval_h=30.0)
    one = solve(sat, 0.196, t_end_h=float(two.times_h[-1]), n_times=two.times_h.size)
    np.testing.assert_allclose(one.times_h, two.times_h, rtol=1e-12)
    k = int(np.searchsorted(two.times_h, 30.0 - 1e-9))
    for key in (("metastasis", "Pb-212"), ("kidneys", "Bi-212")):
        np.testing.assert_allclose(two.activity_Bq[key][:k], one.activity_Bq[key][:k], rtol=1e-5)
    assert two.activity_Bq[("plasma", "Pb-212")][k + 1] > one.activity_Bq[("plasma", "Pb-212")][k + 1]
    mb = two.mass_balance["Pb-212"]
    assert mb["produced"][-1] == pytest.approx(2.0 * one.mass_balance["Pb-212"]["produced"][-1])
    np.testing.assert_allclose(mb["in_body"] + mb["decayed"] + mb["excreted"], mb["produced"], rtol=1e-5)


def test_saturable_second_cycle_meets_occupied_antigen():
    """With saturating antibody the earlier cycle's antibody occupies antigen: the metastasis gets less than
    n × the single-cycle decays, never more."""
    sat = default_model("mouse", saturable=True)
    one = solve(sat, 0.196, n_times=100)
    two = solve(sat, 0.196, n_times=100, cycles=2, interval_h=48.0)
    ratio = two.decays_per_g("metastasis") / one.decays_per_g("metastasis")
    assert 1.0 < ratio <= 2.0 + 1e-6


@pytest.mark.parametrize(
    "kw",
    [{"cycles": 0}, {"cycles": 2, "interval_h": 0.0}, {"cycles": 2.5, "interval_h": 4.0},
     {"cycles": 3, "interval_h": 50.0, "t_end_h": 90.0}],
)  # fmt: skip
def test_bad_cycles(linear, kw):
    with pytest.raises(BrainritError):
        solve(linear, 0.2, **kw)
