"""Benchmark: α energy deposited along straight segments, numba kernel vs a plain numpy baseline.

Both compute E(R0 − s1) − E(R0 − s2) on the same range table (linear interpolation), for 10⁶
random segments (E 4-9 MeV, s1 0-100 µm, length 0-20 µm). The numba side calls the public scalar
kernel :func:`brainrit.physics.deposited_along_segment_MeV` in a compiled loop, as the cellular and
Monte Carlo code does; the baseline is vectorised ``np.interp``. Throughput and ratio go to
``benchmark.extra_info``.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from brainrit.physics import alpha_range_table, deposited_along_segment_MeV

N_SEGMENTS = 1_000_000


@numba.njit  # no on-disk cache: pytest imports this file under a synthetic module name
def _kernel_loop(energy, start, stop, table_E, table_R, out):
    for i in range(energy.shape[0]):
        out[i] = deposited_along_segment_MeV(energy[i], start[i], stop[i], table_E, table_R)
    return out


def _numpy_baseline(energy, start, stop, table_E, table_R):
    r0 = np.interp(energy, table_E, table_R)
    e1 = np.where(start <= 0.0, energy, np.interp(np.maximum(r0 - start, 0.0), table_R, table_E))
    e2 = np.interp(np.maximum(r0 - stop, 0.0), table_R, table_E)
    return np.maximum(e1 - e2, 0.0)


def test_bench_energy_along_segment(benchmark):
    rng = np.random.default_rng(20240607)
    energy = rng.uniform(4.0, 9.0, N_SEGMENTS)
    start = rng.uniform(0.0, 100.0, N_SEGMENTS)
    stop = start + rng.uniform(0.0, 20.0, N_SEGMENTS)
    t = alpha_range_table("water")
    out = np.empty(N_SEGMENTS)
    _kernel_loop(energy[:10], start[:10], stop[:10], t.energy_MeV, t.range_um, out[:10])  # compile

    result = benchmark.pedantic(
        _kernel_loop, args=(energy, start, stop, t.energy_MeV, t.range_um, out), rounds=5, iterations=1
    )

    baseline_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        expected = _numpy_baseline(energy, start, stop, t.energy_MeV, t.range_um)
        baseline_times.append(time.perf_counter() - t0)
    numba_s = benchmark.stats.stats.min
    numpy_s = min(baseline_times)
    benchmark.extra_info["segments"] = N_SEGMENTS
    benchmark.extra_info["numba_segments_per_s"] = N_SEGMENTS / numba_s
    benchmark.extra_info["numpy_segments_per_s"] = N_SEGMENTS / numpy_s
    benchmark.extra_info["speedup_numba_over_numpy"] = numpy_s / numba_s
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-12)
    assert np.all(result >= 0.0) and np.all(result <= energy)
