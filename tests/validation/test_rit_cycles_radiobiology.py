"""Validation of repeated-administration radiobiology (brainrit.radiobiology.cycles) and of the kidney BED of
a decaying source used by the organ limits.

Sources: Dale RG, Br J Radiol 1985;58:515 (G = λ/(λ+μ) of one decaying source, BED of a decaying source);
Thames HD, Int J Radiat Biol 1985;47:319 (incomplete repair between acute fractions); Lea DE & Catcheside DG,
J Genet 1942;44:216 (definition of G, evaluated numerically by brainrit.radiobiology.g_factor); Fowler JF,
Br J Radiol 1989;62:679 (repopulation term of the BED). Tolerances from the numerics, chosen beforehand:
closed forms 1e-9 relative; the numerical G on a sampled curve 1e-4 (piecewise-linear error at the grid used).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit import radiobiology as rb

LN2 = math.log(2.0)


def test_single_cycle_is_dales_G():
    """Dale 1985: G = λ/(λ+μ) for complete decay (T_eff 10.6 h, T_rep 1.5 h → 0.123967)."""
    assert rb.g_decaying_source_cycles(10.6, 1.5, [0.0]) == pytest.approx(0.123967, abs=5e-7)


def test_far_apart_cycles_are_independent():
    """Complete repair between cycles: G = G₁/n (Dale 1985; as for fractions with full repair)."""
    g1 = rb.g_decaying_source(10.6, 1.5)
    assert rb.g_decaying_source_cycles(10.6, 1.5, [0.0, 1e5, 2e5]) == pytest.approx(g1 / 3, rel=1e-9)


def test_short_lived_cycles_are_acute_fractions():
    """λ → ∞: Thames 1985 incomplete-repair G of acute fractions (g_acute_fractions), to O(μ/λ)."""
    times, doses = [0.0, 4.0, 24.0], [2.0, 1.0, 3.0]
    acute = rb.g_acute_fractions(doses, times, 1.5)
    assert rb.g_decaying_source_cycles(1e-7, 1.5, times, doses) == pytest.approx(acute, rel=1e-6)


@given(
    t_eff=st.floats(0.5, 60.0),
    t_rep=st.floats(0.2, 5.0),
    interval=st.floats(1.0, 96.0),
    n=st.integers(1, 4),
)
def test_closed_form_equals_numerical_G(t_eff, t_rep, interval, n):
    """Lea–Catcheside definition evaluated numerically on the summed dose-rate curve (g_factor)."""
    lam = LN2 / t_eff
    starts = np.arange(n) * interval
    end = starts[-1] + 40.0 * t_eff
    # dense near each start (the rate jumps there), exponential tail after the last sample
    t = np.unique(np.concatenate([s + np.geomspace(1e-6, end - s, 4000) for s in starts] + [starts]))
    rate = sum(np.where(t >= s, np.exp(-lam * np.clip(t - s, 0.0, None)), 0.0) for s in starts)
    # at each start the rate jumps: sample just before it at the pre-jump value
    before = np.concatenate([s - 1e-9 + np.zeros(1) for s in starts[1:]]) if n > 1 else np.zeros(0)
    rb_before = sum(np.where(before >= s, np.exp(-lam * np.clip(before - s, 0.0, None)), 0.0) for s in starts)
    tt = np.concatenate([t, before])
    rr = np.concatenate([rate, np.asarray(rb_before, dtype=float) * np.ones_like(before)])
    order = np.argsort(tt)
    g_num = rb.g_factor(tt[order], rr[order], t_rep, tail="exponential")
    g_cf = rb.g_decaying_source_cycles(t_eff, t_rep, starts)
    assert g_cf == pytest.approx(g_num, rel=1e-4)


def test_kidney_bed_of_a_decaying_source_is_dales():
    """Pure low-LET decaying source (α dose 0): OrganDose.bed_Gy with Dale's G equals Dale's BED."""
    t_eff, t_rep, ab = 30.0, 2.8, 2.5
    g = rb.g_decaying_source(t_eff, t_rep)
    kid = rb.OrganDose(0.0, 0.8, g_factor=g)
    a = 25.0  # MBq → 20 Gy
    r0 = 20.0 * LN2 / t_eff
    assert kid.bed_Gy(a, 5.0, ab) == pytest.approx(rb.bed_decaying_source(r0, t_eff, t_rep, ab), rel=1e-9)
    # the α part adds RBE·D_α linearly (no repair sparing; MIRD Pamphlet 22)
    kid_a = rb.OrganDose(0.04, 0.8, g_factor=g)
    assert kid_a.bed_Gy(a, 5.0, ab) - kid.bed_Gy(a, 5.0, ab) == pytest.approx(5.0 * 0.04 * a, rel=1e-12)


def test_repopulation_terms():
    """Fowler 1989: BED loss ln2·(T − T_k)/(α T_pot); survival form: clonogens × 2^{(T−T_k)/T_pot}."""
    loss = rb.repopulation_bed_loss_Gy(
        21 * 24.0, alpha_per_Gy=0.3, potential_doubling_time_h=72.0, kickoff_h=7 * 24.0
    )
    assert loss == pytest.approx(LN2 * 14 * 24.0 / (0.3 * 72.0), rel=1e-12)
    f = rb.repopulation_survival_factor(21 * 24.0, potential_doubling_time_h=72.0, kickoff_h=7 * 24.0)
    assert math.log(f) == pytest.approx(0.3 * loss, rel=1e-12)
    assert (
        rb.repopulation_bed_loss_Gy(5.0, alpha_per_Gy=0.3, potential_doubling_time_h=72.0, kickoff_h=10.0)
        == 0.0
    )


def test_effective_treatment_time_maximises_the_net_BED():
    """Dale 1996: the net BED D(T) − K·T of a decaying source (G-term negligible) peaks where Ḋ(T) = K."""
    t_eff, r0, alpha, tpot = 10.6, 0.5, 0.3, 48.0
    lam, k = LN2 / t_eff, LN2 / (alpha * tpot)
    T = rb.effective_treatment_time_h(r0, t_eff, alpha_per_Gy=alpha, potential_doubling_time_h=tpot)
    grid = np.linspace(0.0, 200.0, 200001)
    net = r0 / lam * (1 - np.exp(-lam * grid)) - k * grid
    assert T == pytest.approx(grid[np.argmax(net)], abs=2e-3)
    # cycles: the last cycle's start plus the time for the summed residual rate to fall to K
    T3 = rb.effective_treatment_time_h(r0, t_eff, alpha_per_Gy=alpha, potential_doubling_time_h=tpot,
                                       cycles=3, interval_h=24.0)  # fmt: skip
    r_last = r0 * (1 + math.exp(-lam * 24) + math.exp(-lam * 48))
    assert T3 == pytest.approx(48.0 + math.log(r_last / k) / lam, rel=1e-12)
