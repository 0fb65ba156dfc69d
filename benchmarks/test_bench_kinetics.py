"""Benchmarks for brainrit.kinetics: 1,000 parameter sets solved vectorised vs a plain loop, and one fit."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

from brainrit.kinetics import default_model, fit_biodistribution, read_biodistribution_csv, solve_batch
from brainrit.kinetics.solve import _Stacked, _x0

CSV = Path(__file__).resolve().parents[1] / "tests" / "data" / "kinetics" / "biodistribution_example.csv"
N_SETS = 1000
N_LOOP = 30  # the plain loop is timed on a subset and its throughput extrapolated
N_FULL = 200  # so is the full stacked BDF reference (method="full")
IDLE_FULL_BDF_SETS_PER_S = 190.0  # full stacked BDF measured on the idle 2-core machine (issue 21)


def _sets(n: int, saturable: bool = True):
    base = default_model("mouse")
    if not saturable:
        base = replace(base, saturable=False)
    rng = np.random.default_rng(42)
    return [
        base.with_overrides(
            plasma_clearance_mL_per_h=c,
            **{"target.density_per_um2.metastasis": d, "target.antibody_mg_per_kg": a},
        )
        for c, d, a in zip(
            rng.uniform(0.002, 0.02, n), rng.uniform(20, 150, n), rng.uniform(0.1, 2.0, n), strict=True
        )
    ]


def _plain_loop(models, t_end_h: float = 106.4) -> float:
    """One solve_ivp (BDF, same right-hand side and Jacobian, one set at a time); returns seconds per set."""
    times = np.linspace(0.0, t_end_h, 50)
    t0 = time.perf_counter()
    for m in models:
        st = _Stacked([m.assembled])
        z0 = np.zeros((1, st.nz))
        z0[0, 0] = 1.0
        z0[0, st.n_c : st.n_c + st.n_x] = _x0(m.assembled)
        solve_ivp(
            st.rhs, (0.0, t_end_h), z0.ravel(), method="BDF", t_eval=times, jac=st.jac, rtol=1e-6, atol=1e-12
        )
    return (time.perf_counter() - t0) / len(models)


def test_bench_solve_1000_saturable_sets(benchmark):
    """Reduced carrier-only path (default) on 1,000 sets; the full stacked BDF reference (`method="full"`)
    on the first N_FULL of them and the plain loop on N_LOOP, all in the same run (ratios are robust to
    machine load, absolute rates are not)."""
    models = _sets(N_SETS)
    for m in models:
        _ = m.assembled
    out = benchmark.pedantic(solve_batch, args=(models, 1.0), rounds=1, iterations=1)
    assert out.tia_Bq_s.shape[0] == N_SETS
    t0 = time.perf_counter()
    ref = solve_batch(models[:N_FULL], 1.0, method="full")
    per_set_full = (time.perf_counter() - t0) / N_FULL
    rel = np.abs(out.tia_Bq_s[:N_FULL] / ref.tia_Bq_s - 1.0)
    assert rel.max() < 1e-4
    per_set_loop = _plain_loop(models[:N_LOOP])
    per_set_vec = benchmark.stats.stats.mean / N_SETS
    benchmark.extra_info.update(
        sets=N_SETS,
        vectorised_sets_per_s=1.0 / per_set_vec,
        full_bdf_sets_per_s=1.0 / per_set_full,
        full_bdf_measured_on=N_FULL,
        speedup_vs_full_bdf=per_set_full / per_set_vec,
        idle_equivalent_sets_per_s=IDLE_FULL_BDF_SETS_PER_S * per_set_full / per_set_vec,
        max_rel_diff_vs_full_bdf=float(rel.max()),
        loop_sets_per_s=1.0 / per_set_loop,
        loop_measured_on=N_LOOP,
        speedup_vs_loop=per_set_loop / per_set_vec,
    )


def test_bench_solve_1000_linear_sets(benchmark):
    models = _sets(N_SETS, saturable=False)
    for m in models:
        _ = m.assembled
    out = benchmark.pedantic(solve_batch, args=(models, 1.0), rounds=3, iterations=1)
    assert np.all(out.decays_per_g("metastasis") > 0)
    t0 = time.perf_counter()
    for m in models[:100]:
        solve_batch([m], 1.0)
    per_set_loop = (time.perf_counter() - t0) / 100
    per_set_vec = benchmark.stats.stats.mean / N_SETS
    benchmark.extra_info.update(
        vectorised_sets_per_s=1.0 / per_set_vec,
        loop_sets_per_s=1.0 / per_set_loop,
        speedup_vs_loop=per_set_loop / per_set_vec,
    )


def test_bench_fit_biodistribution(benchmark):
    data = read_biodistribution_csv(CSV)
    model = default_model("mouse")
    names = ("plasma_clearance_mL_per_h", "target.density_per_um2.metastasis")
    fit = benchmark.pedantic(fit_biodistribution, args=(data, model, names), rounds=1, iterations=1)
    assert np.all(fit.std > 0)
    t0 = time.perf_counter()
    fit_biodistribution(data, replace(model, saturable=False), names)
    baseline = time.perf_counter() - t0
    benchmark.extra_info.update(
        rows=len(data),
        fits_per_s_saturable=1.0 / benchmark.stats.stats.mean,
        fits_per_s_linear_baseline=1.0 / baseline,
        ratio_saturable_over_linear_time=benchmark.stats.stats.mean / baseline,
        fitted=dict(fit.parameters),
    )
