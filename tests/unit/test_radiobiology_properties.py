"""Hypothesis property tests: TCP and NTCP increase with dose, BED >= D, 0 <= G <= 1."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brainrit import radiobiology as rb

dose = st.floats(0.0, 120.0, allow_nan=False)
pos_dose = st.floats(0.01, 120.0)
ab = st.floats(0.5, 30.0)
nfx = st.integers(1, 40)
half = st.floats(0.05, 200.0)


@given(d1=dose, d2=dose, n=nfx, a=ab, alpha=st.floats(0.05, 1.0), logn=st.floats(0.0, 10.0))
def test_poisson_tcp_monotone_in_dose(d1, d2, n, a, alpha, logn):
    lo, hi = sorted((d1, d2))
    beta = alpha / a
    t_lo = rb.tcp_poisson(rb.survival_lq(lo, alpha, beta, g=1 / n), 10**logn)
    t_hi = rb.tcp_poisson(rb.survival_lq(hi, alpha, beta, g=1 / n), 10**logn)
    assert t_hi >= t_lo


@given(d1=dose, d2=dose, n=nfx, m=st.floats(0.05, 0.6), s=st.floats(0.0, 0.3), logrho=st.floats(5, 9))
def test_population_tcp_monotone_in_dose(d1, d2, n, m, s, logrho):
    lo, hi = sorted((d1, d2))
    t = rb.tcp_population(
        np.array([lo, hi]),
        n_fractions=n,
        alpha_mean_per_Gy=m,
        alpha_sd_per_Gy=s,
        alpha_beta_Gy=10.0,
        clonogen_density_per_cm3=10**logrho,
        volume_cm3=1.0,
    )
    assert 0.0 <= t[0] <= t[1] + 1e-12 <= 1.0 + 1e-12


@given(d1=dose, d2=dose, d50=st.floats(5, 80), g=st.floats(0.2, 5.0))
def test_logistic_tcp_ntcp_monotone(d1, d2, d50, g):
    lo, hi = sorted((d1, d2))
    assert rb.tcp_logistic(hi, d50, g) >= rb.tcp_logistic(lo, d50, g)
    assert rb.ntcp_logistic(hi, d50, g) >= rb.ntcp_logistic(lo, d50, g)


@given(
    doses=st.lists(st.floats(0.0, 80.0), min_size=1, max_size=8),
    scale=st.floats(1.0, 3.0),
    n=st.floats(0.05, 1.0),
    m=st.floats(0.05, 0.5),
)
def test_lkb_ntcp_monotone_in_dose(doses, scale, n, m):
    d = np.array(doses)
    v = np.full(d.size, 1.0 / d.size)
    assert rb.ntcp_lkb(d * scale, v, 60.0, m, n) >= rb.ntcp_lkb(d, v, 60.0, m, n)


@given(d1=dose, d2=dose, nf=nfx, a=ab)
def test_lkb_eqd2_and_seriality_monotone(d1, d2, nf, a):
    lo, hi = sorted((d1, d2))
    v = [0.3, 0.7]

    def f(d):
        return rb.ntcp_lkb_eqd2(
            [d, 0.5 * d], v, n_fractions=nf, alpha_beta_Gy=a, td50_Gy=60.0, m=0.15, n=0.25
        )

    assert f(hi) >= f(lo)
    g = lambda d: rb.ntcp_relative_seriality([d, 0.5 * d], v, 60.0, 2.0, 0.5)  # noqa: E731
    assert g(hi) >= g(lo) - 1e-15


@given(d1=dose, d2=dose)
def test_clinical_ntcp_models_monotone(d1, d2):
    lo, hi = sorted((d1, d2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rb.DomainWarning)
        assert rb.ntcp_brain_necrosis_quantec(hi) >= rb.ntcp_brain_necrosis_quantec(lo)
        assert rb.ntcp_srs_v12(hi) >= rb.ntcp_srs_v12(lo)


@given(D=dose, n=nfx, a=ab)
def test_bed_at_least_dose(D, n, a):
    assert rb.bed_fractionated(D, n, a) >= D
    assert rb.eqd2(D, n, a) >= 0.0


@given(
    r0=st.floats(0.0, 5.0), teff=half, trep=st.floats(0.05, 10.0), a=ab, T=st.one_of(st.just(math.inf), half)
)
def test_dale_bed_at_least_dose_and_g_in_unit_interval(r0, teff, trep, a, T):
    d = rb.dose_decaying_source(r0, teff, T)
    assert rb.bed_decaying_source(r0, teff, trep, a, T) >= d
    g = rb.g_decaying_source(teff, trep, T)
    assert 0.0 <= g <= 1.0


@given(
    rates=st.lists(st.floats(0.0, 10.0), min_size=2, max_size=30).filter(lambda r: sum(r) > 0),
    trep=st.floats(0.01, 20.0),
)
def test_numerical_g_between_zero_and_one(rates, trep):
    t = np.cumsum(np.linspace(0.1, 1.0, len(rates)))
    g = rb.g_factor(t, rates, trep)
    assert 0.0 <= g <= 1.0


@given(D=dose, n=nfx, a=ab)
def test_total_dose_inverts_bed(D, n, a):
    bed = rb.bed_fractionated(D, n, a)
    assert math.isclose(rb.total_dose_for_bed(bed, n, a), D, rel_tol=1e-10, abs_tol=1e-12)
