"""Benchmarks for brainrit.radiobiology, each with a simple baseline measured in the same run.

1. Webb–Nahum population TCP for 10⁴ tumour doses: windowed Gauss–Legendre (brainrit) vs naive Monte Carlo
   over 2 000 sampled α values (the obvious alternative; its statistical error is recorded too).
2. Numerical Lea–Catcheside G from a 10⁵-sample dose-rate curve (O(N) exact segment integration) vs a
   direct O(N²) discretised double sum on 2 000 samples (baseline), with accuracies vs the closed form.
"""

from __future__ import annotations

import math
import time

import numpy as np

from brainrit import radiobiology as rb

LN2 = math.log(2.0)


def _time(fn, repeat=3):
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def test_bench_population_tcp_vs_monte_carlo(benchmark):
    doses = np.linspace(20.0, 90.0, 10_000)
    beds = rb.bed_fractionated(doses, 30, 10.0)
    n0 = 1e7 * 10.0

    def ours():
        return rb.tcp_population_bed(beds, 0.35, 0.08, n0)

    rng = np.random.default_rng(1)
    alphas = rng.normal(0.35, 0.08, 4000)
    alphas = alphas[alphas > 0][:2000]

    def naive_mc():
        out = np.empty(beds.size)
        for i0 in range(0, beds.size, 500):
            b = beds[i0 : i0 + 500, None]
            out[i0 : i0 + 500] = np.exp(-n0 * np.exp(-alphas[None, :] * b)).mean(axis=1)
        return out

    result = benchmark(ours)
    t_base, mc = _time(naive_mc, repeat=2)
    t_ours = benchmark.stats.stats.min
    benchmark.extra_info.update(
        {
            "n_doses": int(beds.size),
            "throughput_doses_per_s": beds.size / t_ours,
            "baseline": "naive Monte Carlo, 2000 alpha samples",
            "baseline_throughput_doses_per_s": beds.size / t_base,
            "speedup_vs_baseline": t_base / t_ours,
            "max_abs_diff_vs_mc": float(np.max(np.abs(result - mc))),
            "mc_statistical_error_max": float(np.max(np.sqrt(mc * (1 - mc) / alphas.size))),
        }
    )
    assert np.max(np.abs(result - mc)) < 6 * max(1e-3, benchmark.extra_info["mc_statistical_error_max"])


def test_bench_numerical_g_vs_direct_double_sum(benchmark):
    teff, trep = 10.6, 1.5
    exact = rb.g_factor_exponential(teff, trep)
    t = np.linspace(0.0, 40 * teff, 100_001)
    r = np.exp(-LN2 / teff * t)

    def ours():
        return rb.g_factor(t, r, trep)

    tb = np.linspace(0.0, 40 * teff, 2001)
    rb_ = np.exp(-LN2 / teff * tb)
    mu = LN2 / trep

    def direct():
        # midpoint double sum over w < t: O(N²)
        h = tb[1] - tb[0]
        mid = 0.5 * (tb[1:] + tb[:-1])
        rm = 0.5 * (rb_[1:] + rb_[:-1])
        dt = mid[:, None] - mid[None, :]
        kern = np.where(dt > 0, np.exp(-mu * np.clip(dt, 0, None)), 0.0) + 0.5 * np.eye(mid.size)
        q = rm @ kern @ rm * h * h
        return 2 * q / (rm.sum() * h) ** 2

    g = benchmark(ours)
    t_base, g_base = _time(direct, repeat=2)
    t_ours = benchmark.stats.stats.min
    benchmark.extra_info.update(
        {
            "n_samples": int(t.size),
            "throughput_samples_per_s": t.size / t_ours,
            "rel_error_vs_closed_form": abs(g - exact) / exact,
            "baseline": "direct O(N^2) midpoint double sum, 2001 samples",
            "baseline_throughput_samples_per_s": tb.size / t_base,
            "baseline_rel_error_vs_closed_form": abs(g_base - exact) / exact,
            "speedup_per_sample_vs_baseline": (t.size / t_ours) / (tb.size / t_base),
        }
    )
    assert abs(g - exact) / exact < 1e-6
