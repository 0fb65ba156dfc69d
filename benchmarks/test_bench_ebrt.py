"""Benchmark: human phantom at 1 mm (≈ 4.6 × 10⁶ voxels, two metastases) plus all eight standard external-beam
arms (WBRT ×3, HA-WBRT, SRS, fSRS ×2, WBRT + SRS), against a naive per-voxel Python loop evaluating the same
models (ellipsoid membership, opposed-lateral depth dose with inverse square, Paddick power-law SRS dose) on a
small grid, in the same run. Throughput is in voxel-arm evaluations per second.
"""

from __future__ import annotations

import math
import time

from brainrit.ebrt.phantom_arms import HUMAN_ARMS, standard_arms
from brainrit.phantoms import human_brain, metastasis

N_SMALL = 24  # naive loop grid: 24³ voxels


def _build():
    p = human_brain(
        voxel_mm=1.0,
        lesions=[
            metastasis("met1", (30.0, -30.0, 20.0), 15.0),
            metastasis("met2", (-35.0, 20.0, 25.0), 25.0),
        ],
    )
    return p, standard_arms(p)


def _naive(n: int) -> float:
    """Per-voxel loop over an n³ grid of 1 mm voxels, every voxel evaluated: brain-ellipsoid membership,
    two-beam depth dose with inverse square, and the power-law SRS dose of two lesions."""
    semi = (n / 2 - 2.0, n / 2 - 1.0, n / 2 - 3.0)
    mu, sad = 0.0029, 1000.0  # per mm, mm
    k = 3 * math.log(2) / math.log(3.0)
    lesions = ((-4.0, 0.0, 0.0, 3.0, 24.0), (5.0, 2.0, 1.0, 2.0, 24.0))
    total = 0.0
    for i in range(n):
        x = i - n / 2
        for j in range(n):
            y = j - n / 2
            for m in range(n):
                z = m - n / 2
                inside = (x / semi[0]) ** 2 + (y / semi[1]) ** 2 + (z / semi[2]) ** 2 <= 1.0
                d1 = x + semi[0]
                d2 = semi[0] - x
                wb = math.exp(-mu * d1) * (sad / (sad + x)) ** 2 + math.exp(-mu * d2) * (sad / (sad - x)) ** 2
                srs = 0.0
                for cx, cy, cz, rad, dp in lesions:
                    r = math.sqrt((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2)
                    srs += dp if r <= rad else dp * (rad / r) ** k
                total += (wb + srs) * inside
    return total


def test_bench_ebrt_phantom_and_arms(benchmark):
    phantom, arms = benchmark.pedantic(_build, rounds=1, iterations=1)
    t_fast = benchmark.stats.stats.min
    n_vox = math.prod(phantom.shape)
    assert len(arms) == len(HUMAN_ARMS)

    t0 = time.perf_counter()
    _naive(N_SMALL)
    t_naive = time.perf_counter() - t0

    fast = n_vox * len(arms) / t_fast
    naive = N_SMALL**3 / t_naive  # one arm-like model evaluation per voxel
    benchmark.extra_info.update(
        {
            "grid": "x".join(map(str, phantom.shape)),
            "voxels": n_vox,
            "arms": len(arms),
            "voxel_arms_per_s": fast,
            "baseline": f"naive per-voxel Python loop, {N_SMALL}^3 grid",
            "baseline_voxels_per_s": naive,
            "speedup": fast / naive,
        }
    )
    assert fast > naive
