"""Benchmark: the whole human pipeline (no figures) over the samples of a sweep, cached vs uncached.

20 Latin-hypercube samples of ``human-early-bm`` varying radiobiology (RBE of α, brain α/β) and
administration (activity per kg), each with its own sample seed — exactly what a sweep worker runs. The
same 20 samples are then run with every cache disabled (``brainrit.cache.disabled``), in the same process
and the same run: that is the baseline, and the ratio is the speed-up the caches give. Both loops start
warm (one pilot sample each: numba compilation, data files, imports), as a sweep worker does after its
first sample. The numbers of both loops must be identical (checked here on every outcome).

Targets of issue #21 (2-core machine): ≤ 1 s per sample warm with caches.
"""

from __future__ import annotations

import math
import os
import time

from brainrit import cache
from brainrit.pipeline.runner import run_scenario
from brainrit.scenario import builtin_scenario
from brainrit.sweep.design import make_plan, parse_parameters
from brainrit.sweep.engine import PipelineEvaluator

VARY = [
    "radiobiology.rbe_alpha=uniform(3,7)",
    "radiobiology.alpha_beta_brain_Gy=uniform(1.5,3)",
    "administration.activity_MBq_per_kg=uniform(1.5,4)",
]
N = 20


def _loop(scenario, plan) -> tuple[float, list[dict[str, float]]]:
    evaluate = PipelineEvaluator()  # what a sweep worker calls: every stage, no figures, flat outcomes
    out = []
    t0 = time.perf_counter()
    for i in range(plan.n_runs):
        out.append(evaluate(plan.scenario_for(scenario, i), plan.seed(i)))
    return time.perf_counter() - t0, out


def test_bench_pipeline_sweep_samples(benchmark):
    scenario = builtin_scenario("human-early-bm")
    plan = make_plan(parse_parameters(scenario, VARY), "lhs", N, base_seed=7)
    cache.clear_all()
    run_scenario(scenario, figures=False)  # pilot: compile, read data, fill the caches
    times: list[float] = []
    results: list[list[dict[str, float]]] = []

    def cached():
        t, r = _loop(scenario, plan)
        times.append(t)
        results.append(r)

    benchmark.pedantic(cached, rounds=1, iterations=1)
    with cache.disabled():
        run_scenario(scenario, figures=False)  # same pilot for the baseline
        t_uncached, uncached = _loop(scenario, plan)
    t_cached = times[-1]
    for a, b in zip(results[-1], uncached, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])), k
    benchmark.extra_info.update(
        {
            "samples": N,
            "varied": VARY,
            "s_per_sample_cached": t_cached / N,
            "samples_per_s_cached": N / t_cached,
            "baseline": "the same samples with every brainrit.cache disabled, same process, same run",
            "s_per_sample_uncached": t_uncached / N,
            "speedup_cached_vs_uncached": t_uncached / t_cached,
            "cpu_count": os.cpu_count(),
        }
    )
