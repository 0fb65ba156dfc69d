"""Benchmarks for brainrit.sweep on a real LocalCluster (worker processes on 127.0.0.1).

1. Samples per second of the cheap stage subset (radionuclide → kinetics → dosimetry → rit_outcomes, no
   figures) with 1 and then 2 worker processes, warm; scaling efficiency = rate₂ / (2 · rate₁). Baseline:
   the same samples in a plain serial loop in this process (no Dask). Also recorded: 2 worker threads in
   one process (why the local cluster uses processes).
2. Overhead per task: the round trip of an empty task (submit → result, one at a time) and the
   throughput of 200 empty tasks in flight together. Baseline: a direct Python call of the same function.

On a shared 2-core machine the scaling efficiency is bounded by what the other processes leave free.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest

from brainrit.scenario import builtin_scenario
from brainrit.sweep.design import make_plan, parse_parameters
from brainrit.sweep.engine import PipelineEvaluator, run_sweep

STAGES = ("radionuclide", "kinetics", "dosimetry", "rit_outcomes")
VARY = [
    "radiobiology.rbe_alpha=uniform(3,7)",
    "radiopharmaceutical.daughter_release_fraction=uniform(0.2,0.5)",
]
N = 24


def _warm() -> int:
    PipelineEvaluator(STAGES)(builtin_scenario("mouse-vcam1-pb212"), 1)
    return os.getpid()


def _noop(x: int) -> int:
    return x


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    cl = LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    client = Client(cl, set_as_default=False)
    try:
        client.wait_for_workers(1, timeout=30)
        client.run(_warm)
        yield cl, client
    finally:
        client.close()
        cl.close(timeout=20)


def _sweep_rate(client, scenario, plan) -> float:
    out = tempfile.mkdtemp(prefix="brainrit-bench-sweep-")
    try:
        shutil.rmtree(out)
        t0 = time.perf_counter()
        run_sweep(
            scenario, plan, out, client=client, stages=STAGES, outcomes=["rit_outcomes.p_plus"], chunk_size=2
        )
        return plan.n_runs / (time.perf_counter() - t0)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_bench_sweep_scaling_1_vs_2_workers(benchmark, cluster):
    cl, client = cluster
    scenario = builtin_scenario("mouse-vcam1-pb212")
    plan = make_plan(parse_parameters(scenario, VARY), "lhs", N, base_seed=1)
    ev = PipelineEvaluator(STAGES)
    ev(scenario, 0)  # warm this process (pilot run of run_sweep also happens here)
    t0 = time.perf_counter()
    for i in range(8):
        ev(plan.scenario_for(scenario, i), plan.seed(i))
    serial_rate = 8 / (time.perf_counter() - t0)
    rate1 = _sweep_rate(client, scenario, plan)
    cl.scale(2)
    client.wait_for_workers(2, timeout=60)
    client.run(_warm)
    rates2: list[float] = []

    def two_workers():
        rates2.append(_sweep_rate(client, scenario, plan))

    benchmark.pedantic(two_workers, rounds=1, iterations=1)
    rate2 = rates2[-1]
    # the alternative the engine does not use by default: 2 worker threads in one process (GIL-bound)
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as tcl,
        Client(tcl, set_as_default=False) as tclient,
    ):
        rate2_threads = _sweep_rate(tclient, scenario, plan)
    benchmark.extra_info.update(
        {
            "samples": N,
            "stages": list(STAGES),
            "samples_per_s_1_worker": rate1,
            "samples_per_s_2_workers": rate2,
            "speedup_2_vs_1": rate2 / rate1,
            "scaling_efficiency": rate2 / (2 * rate1),
            "samples_per_s_2_threads_one_process": rate2_threads,
            "processes_vs_threads_2_workers": rate2 / rate2_threads,
            "baseline": "serial loop in this process, no Dask",
            "baseline_samples_per_s": serial_rate,
            "ratio_1_worker_vs_serial": rate1 / serial_rate,
            "cpu_count": os.cpu_count(),
        }
    )
    assert rate1 > 0 and rate2 > 0


def test_bench_empty_task_round_trip(benchmark, cluster):
    _, client = cluster

    def round_trip():
        return client.submit(_noop, 1, pure=False).result()

    benchmark.pedantic(round_trip, rounds=30, iterations=1, warmup_rounds=3)
    t_rt = benchmark.stats.stats.median
    t0 = time.perf_counter()
    futs = client.map(_noop, range(200), pure=False)
    client.gather(futs)
    t_batch = (time.perf_counter() - t0) / 200
    t0 = time.perf_counter()
    for i in range(10_000):
        _noop(i)
    t_call = (time.perf_counter() - t0) / 10_000
    benchmark.extra_info.update(
        {
            "round_trip_ms": t_rt * 1e3,
            "per_task_ms_200_in_flight": t_batch * 1e3,
            "tasks_per_s_in_flight": 1 / t_batch,
            "baseline": "direct Python call",
            "baseline_call_us": t_call * 1e6,
            "overhead_ratio_round_trip_vs_call": t_rt / t_call,
            "overhead_vs_one_sample_at_0.1_s": t_rt / 0.1,
        }
    )
    assert t_rt < 1.0
