"""Every bad input to brainrit.radiobiology raises InputError naming the field, the value and what is
allowed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from brainrit import radiobiology as rb
from brainrit.errors import InputError

NAN = math.nan

CASES = [
    # (callable, field expected in the message)
    (lambda: rb.bed_fractionated(-1.0, 5, 10.0), "total_dose_Gy"),
    (lambda: rb.bed_fractionated(NAN, 5, 10.0), "total_dose_Gy"),
    (lambda: rb.bed_fractionated(20.0, 5, 0.0), "alpha_beta_Gy"),
    (lambda: rb.bed_fractionated(20.0, 5, -2.0), "alpha_beta_Gy"),
    (lambda: rb.bed_fractionated(20.0, 0, 10.0), "n_fractions"),
    (lambda: rb.bed_fractionated(20.0, 2.5, 10.0), "n_fractions"),
    (lambda: rb.bed_fractionated(20.0, 5, 10.0, overall_time_days=20.0), "repopulation"),
    (lambda: rb.eqd2([10.0, -3.0], 5, 2.0), "total_dose_Gy[1]"),
    (lambda: rb.eqd2(10.0, 5, NAN), "alpha_beta_Gy"),
    (lambda: rb.survival_lq(2.0, 0.3, 0.03, g=1.5), "g"),
    (lambda: rb.bed_protracted(2.0, -0.1, 3.0), "g"),
    (lambda: rb.g_factor([0.0, 1.0, 1.0], [1.0, 1.0, 1.0], 1.5), "times_h[2]"),
    (lambda: rb.g_factor([0.0, 1.0], [1.0, -1.0], 1.5), "dose_rates_Gy_per_h[1]"),
    (lambda: rb.g_factor([0.0, 1.0], [0.0, 0.0], 1.5), "dose_rates_Gy_per_h"),
    (lambda: rb.g_factor([0.0, 1.0], [1.0, 1.0, 1.0], 1.5), "dose_rates_Gy_per_h"),
    (lambda: rb.g_factor([0.0], [1.0], 1.5), "times_h"),
    (lambda: rb.g_factor([0.0, 1.0], [1.0, NAN], 1.5), "dose_rates_Gy_per_h[1]"),
    (lambda: rb.g_factor([0.0, 1.0], [1.0, 1.0], 0.0), "repair_half_time_h"),
    (lambda: rb.g_factor_exponential(0.0, 1.5), "effective_half_life_h"),
    (lambda: rb.g_factor_exponential(10.6, -1.5), "repair_half_time_h"),
    (lambda: rb.g_factor_exponential(10.6, 1.5, uptake_half_life_h=0.0), "uptake_half_life_h"),
    (lambda: rb.dose_decaying_source(1.0, -10.6), "effective_half_life_h"),
    (lambda: rb.dose_decaying_source(-1.0, 10.6), "initial_dose_rate_Gy_per_h"),
    (lambda: rb.dose_decaying_source(1.0, 10.6, duration_h=0.0), "duration_h"),
    (lambda: rb.bed_decaying_source(1.0, 10.6, 1.5, 0.0), "alpha_beta_Gy"),
    (lambda: rb.bed_decaying_source(1.0, 10.6, NAN, 3.0), "repair_half_time_h"),
    (lambda: rb.g_fractions(3, None, 4.0), "repair_half_time_h"),
    (lambda: rb.g_sum_of_exponentials([1.0, -1.0], [0.1, 0.1], 1.5), "amplitudes_Gy_per_h"),
    (lambda: rb.g_sum_of_exponentials([1.0], [0.0], 1.5), "rates_per_h[0]"),
    (lambda: rb.g_biexponential_repair(lambda t: 0.5, (0.19, 2.16), (0.5, 0.4)), "weights"),
    (lambda: rb.g_acute_fractions([1.0, 1.0], [0.0], 1.5), "times_h"),
    (lambda: rb.tcp_poisson(1.5, 10), "surviving_fraction"),
    (lambda: rb.tcp_poisson(0.1, -10), "n_clonogens"),
    (lambda: rb.tcp_binomial(0.1, 10.5), "n_clonogens"),
    (
        lambda: rb.tcp_population(
            -60.0,
            n_fractions=30,
            alpha_mean_per_Gy=0.35,
            alpha_sd_per_Gy=0.08,
            alpha_beta_Gy=10.0,
            clonogen_density_per_cm3=1e7,
            volume_cm3=1.0,
        ),
        "total_dose_Gy",
    ),
    (
        lambda: rb.tcp_population(
            60.0,
            n_fractions=30,
            alpha_mean_per_Gy=0.35,
            alpha_sd_per_Gy=-0.08,
            alpha_beta_Gy=10.0,
            clonogen_density_per_cm3=1e7,
            volume_cm3=1.0,
        ),
        "alpha_sd_per_Gy",
    ),
    (
        lambda: rb.tcp_population(
            60.0,
            n_fractions=30,
            alpha_mean_per_Gy=0.35,
            alpha_sd_per_Gy=0.08,
            alpha_beta_Gy=0.0,
            clonogen_density_per_cm3=1e7,
            volume_cm3=1.0,
        ),
        "alpha_beta_Gy",
    ),
    (
        lambda: rb.tcp_voxel(
            [60.0, 50.0], [1.0, 1.0, 1.0], clonogen_density_per_cm3=1e7, alpha_per_Gy=0.3, alpha_beta_Gy=10.0
        ),
        "volume_cm3",
    ),
    (lambda: rb.tcp_logistic(-1.0, 12.0, 1.0), "dose_Gy"),
    (lambda: rb.survival_alpha_microdosimetric(1.0, 0.0, 0.5), "z1_Gy"),
    (lambda: rb.survival_alpha_microdosimetric_spectrum(1.0, [0.2, 0.3], [1.0], 0.5), "weights"),
    (lambda: rb.survival_alpha_microdosimetric_spectrum(1.0, [0.2], [0.0], 0.5), "weights"),
    (lambda: rb.ntcp_lkb([10.0, 20.0], [0.5, 0.6], 60.0, 0.15, 0.25), "dvh_volume_fraction"),
    (lambda: rb.ntcp_lkb([10.0, 20.0], [0.0, 0.2, 0.8], 60.0, 0.15, 0.25), "dvh_volume_fraction"),
    (lambda: rb.ntcp_lkb([10.0, -20.0], [0.5, 0.5], 60.0, 0.15, 0.25), "dvh_dose_Gy[1]"),
    (lambda: rb.ntcp_lkb([10.0, NAN], [0.5, 0.5], 60.0, 0.15, 0.25), "dvh_dose_Gy[1]"),
    (lambda: rb.ntcp_lkb([10.0], [1.0], 60.0, 0.0, 0.25), "m"),
    (lambda: rb.ntcp_lkb([10.0], [1.0], 60.0, 0.15, 0.0), "n"),
    (
        lambda: rb.ntcp_lkb_eqd2(
            [10.0], [1.0], n_fractions=5, alpha_beta_Gy=0.0, td50_Gy=60.0, m=0.15, n=0.25
        ),
        "alpha_beta_Gy",
    ),
    (lambda: rb.ntcp_relative_seriality([10.0], [0.9], 60.0, 2.0, 1.0), "dvh_volume_fraction"),
    (lambda: rb.ntcp_srs_v12(5.0, n_fractions=3), "n_fractions"),
    (lambda: rb.ntcp_srs_v12(-5.0), "v12_cm3"),
    (lambda: rb.hippocampal_v55_okoukoni(120.0), "v55_percent"),
    (lambda: rb.hippocampal_rtog0933_check(9.0, 16.0, n_fractions=5), "n_fractions"),
    (lambda: rb.hippocampal_rtog0933_check(9.0, 8.0), "dmax_Gy"),
    (lambda: rb.rbe_weighted_dose_by_class({"neutron": 1.0}), "doses_Gy"),
    (lambda: rb.rbe_weighted_dose_by_class({"alpha": 1.0}, rbe={"alpha": -1.0}), "rbe['alpha']"),
    (lambda: rb.p_plus(1.2, 0.1), "tcp"),
    (lambda: rb.p_plus(0.9, [0.1, NAN]), "ntcp[1]"),
    (lambda: rb.parameters("no_such_set"), "name"),
    (lambda: rb.parameters("brain_necrosis_lkb", td50=55.0), "brain_necrosis_lkb override"),
    (lambda: rb.parameters("brain_necrosis_lkb", td50_Gy=NAN), "td50_Gy"),
    (lambda: rb.parameters("brain_necrosis_lkb")["td5_Gy"], "brain_necrosis_lkb parameter"),
]


@pytest.mark.parametrize("call,field", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_bad_input_raises_input_error_naming_field(call, field):
    with pytest.raises(InputError) as exc:
        call()
    assert str(exc.value).startswith(field + ":"), str(exc.value)
    assert "must be" in str(exc.value)


def test_volume_fraction_error_explains_differential_dvh():
    with pytest.raises(InputError, match="differential"):
        rb.ntcp_lkb(np.arange(3.0), [1.0, 0.5, 0.1], 60.0, 0.15, 0.25)


def test_activity_optimiser_infeasible_is_clear():
    with pytest.raises(InputError, match="no activity in the range is feasible"):
        rb.activity_for_max_p_plus((1.0, 10.0), lambda a: 0.5, lambda a: 0.2, ntcp_limit=0.1)


def test_activity_optimiser_bad_inputs():
    with pytest.raises(InputError, match="activity_MBq"):
        rb.activity_for_max_p_plus([1.0, 1.0, 2.0], [0.1, 0.2, 0.3], [0.0, 0.0, 0.1])
    with pytest.raises(InputError, match=r"^tcp"):
        rb.activity_for_max_p_plus([1.0, 2.0, 3.0], [0.1, 0.2], [0.0, 0.0, 0.1])
    with pytest.raises(InputError, match="ntcp_limit"):
        rb.activity_for_max_p_plus([1.0, 2.0], [0.1, 0.2], [0.0, 0.1], ntcp_limit=1.5)
    with pytest.raises(InputError, match=r"tcp\("):
        rb.activity_for_max_p_plus((1.0, 2.0), lambda a: 2.0, lambda a: 0.0)


def test_g_factor_tail_errors():
    with pytest.raises(InputError, match="tail"):
        rb.g_factor([0.0, 1.0], [2.0, 1.0], 1.5, tail="linear")
    with pytest.raises(InputError, match="decreasing"):
        rb.g_factor([0.0, 1.0], [1.0, 2.0], 1.5, tail="exponential")
    with pytest.raises(InputError, match="decreasing"):
        rb.g_factor([0.0, 1.0], [1.0, 0.0], 1.5, tail="exponential")
