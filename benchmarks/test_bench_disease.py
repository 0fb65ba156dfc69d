"""Benchmark: virtual patients per second through the therapeutic-window Monte Carlo.

Vectorised evaluation (all lesions × all treatment times at once, per-patient reductions with
``reduceat``) against a baseline that evaluates one patient at a time in a Python loop (same code path on
one-patient blocks, same patients, same numbers).
"""

from __future__ import annotations

import time

import numpy as np

import brainrit.disease as dz
from brainrit.disease.window import _evaluate

N_PATIENTS = 400
N_BASELINE = 100
TIMES = np.linspace(0.0, 40.0, 41)


def _setup():
    course = dz.default_course("mouse")
    rit = dz.rit_dose_uniform(
        0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, ntcp=0.0
    )
    wbrt = dz.wbrt_outcome(15.0, 3, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    tr = dz.Treatments(rit, wbrt, dz.SRSModel(), 0.01)
    vp = dz.sample_patients(course, N_PATIENTS, seed=1)
    return course, tr, vp


def _loop(course, tr, vp, n):
    out = []
    for k in range(n):
        out.append(_evaluate(course, tr, vp.subset(k, k + 1), TIMES, dz.POLICIES))
    return out


def test_bench_window_vectorised_vs_loop(benchmark):
    course, tr, vp = _setup()
    t0 = time.perf_counter()
    base = _loop(course, tr, vp, N_BASELINE)
    t_loop = (time.perf_counter() - t0) / N_BASELINE  # seconds per patient

    w = benchmark(lambda: dz.therapeutic_window(course, tr, TIMES, patients=vp))
    t_vec = benchmark.stats.stats.mean / N_PATIENTS
    # same numbers: the first N_BASELINE patients of the vectorised run equal the loop
    full = _evaluate(course, tr, vp, TIMES, dz.POLICIES)
    for k in range(N_BASELINE):
        for p in dz.POLICIES:
            np.testing.assert_array_equal(full[p]["log_p_all"][k], base[k][p]["log_p_all"][0])
    assert w.n_patients == N_PATIENTS
    benchmark.extra_info.update(
        {
            "patients": N_PATIENTS,
            "lesions_per_patient": float(vp.lesion_counts.mean()),
            "treatment_times": TIMES.size,
            "policies": len(dz.POLICIES),
            "vectorised_patients_per_s": 1.0 / t_vec,
            "loop_patients_per_s": 1.0 / t_loop,
            "speed_ratio": t_loop / t_vec,
        }
    )


def test_bench_sample_patients(benchmark):
    course = dz.default_course("mouse")
    vp = benchmark(lambda: dz.sample_patients(course, N_PATIENTS, seed=3))
    benchmark.extra_info.update(
        {
            "patients": N_PATIENTS,
            "patients_per_s": N_PATIENTS / benchmark.stats.stats.mean,
            "lesions": int(vp.seed_time_d.size),
        }
    )
