"""Benchmarks of cellular S-values and perivascular dose profiles (issue 4 targets).

1. One S-value for a new cell geometry (nuclide emissions cached, geometry factors not): ≤ 10 ms.
   Baseline: a plain-numpy evaluation of the same S(N←N) (uniform 4,000-point distance grid, closed-form
   ψ, energy lost from the range table with np.interp, Stieltjes sum), same run.
2. The full table: 12 VCAM-1 radionuclides × 4 sources × 3 targets × 5 cell geometries: ≤ 5 s.
   Baseline: the same 720 S-values requested one by one with the geometry cache cleared before each.
3. A 1,000-point dose profile (Pb-212, surface source): ≤ 1 s (line tables cached per nuclide and
   nucleus size; the one-off table build is reported separately). Baseline: plain numpy quadrature of the
   same sphere response around the circumference and along the vessel for every point.
"""

from __future__ import annotations

import time

import numpy as np

from brainrit.dosimetry import cellular as cel
from brainrit.dosimetry import vascular as vas
from brainrit.dosimetry.cellular import _kernel as kn
from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular import svalues as sv
from brainrit.nuclides import VCAM1_COMPARISON_NUCLIDES
from brainrit.units import MEV_TO_J

GEOMETRIES = ((5.0, 3.0), (6.0, 4.0), (7.5, 5.0), (10.0, 8.0), (4.0, 2.0))


def _numpy_s_nn(nuclide: str, rc: float, rn: float) -> float:
    """Plain numpy S(N←N) (no numba, no Gauss): Stieltjes sum on a uniform grid."""
    tb = src.tables("water", "cole")
    es = src.EmissionSet.concat(
        [src.member_emissions(m, "water", 1.0).scaled(n) for m, n, _ in src.chain_members(
            nuclide, chain=True, daughter_sources=None, allowed_sources=())]
    )  # fmt: skip
    x = np.linspace(0.0, 2 * rn, 4001)
    xm = 0.5 * (x[1:] + x[:-1])
    a = b = rn
    lo = np.clip(np.abs(xm - b), 0, a)
    hi = np.clip(xm + b, 0, a)
    c = np.clip(b - xm, 0, a)
    k = b * b - xm * xm

    def big_f(s):
        return (k * s * s / 2 + 2 * xm * s**3 / 3 - s**4 / 4) / (4 * xm)

    psi = 3 * (c**3 / 3 + np.where(hi > lo, big_f(hi) - big_f(lo), 0.0)) / a**3
    total = 0.0
    for kind, e, w, mu, ratio in zip(es.kind, es.energy_MeV, es.weight, es.mu_per_um, es.ratio, strict=True):
        if kind == 3:
            total += w * e
            continue
        if kind == 2:
            d = -e * ratio * np.expm1(-mu * x)
        else:
            t_e, t_r = (tb.alpha_E, tb.alpha_R) if kind == 0 else (tb.electron_E, tb.electron_R)
            r0 = np.interp(e, t_e, t_r)
            d = e - np.interp(np.clip(r0 - x, 0, None), t_r, t_e)
        total += w * np.sum(psi * np.diff(d))
    return total * MEV_TO_J / (4 / 3 * np.pi * rn**3 * 1e-15)


def test_bench_one_s_value(benchmark):
    cel.s_values("Pb-212", 5.0, 3.0)  # compile + emissions cached
    radii = iter(np.linspace(5.0, 9.0, 10_000))

    def setup():
        sv._member_energy.cache_clear()
        return (float(next(radii)),), {}

    def run(rc):
        return cel.s_value("Pb-212", "N", "N", rc, 3.0)

    benchmark.pedantic(run, setup=setup, rounds=30, iterations=1)
    t0 = time.perf_counter()
    base = _numpy_s_nn("Pb-212", 6.0, 3.0)
    numpy_s = time.perf_counter() - t0
    ours = cel.s_value("Pb-212", "N", "N", 6.0, 3.0)
    ours_s = benchmark.stats.stats.median
    benchmark.extra_info["s_values_per_s"] = 1.0 / ours_s
    benchmark.extra_info["numpy_baseline_s"] = numpy_s
    benchmark.extra_info["speedup_over_numpy"] = numpy_s / ours_s
    benchmark.extra_info["relative_difference_to_numpy"] = abs(ours / base - 1)
    assert abs(ours / base - 1) < 2e-3
    assert benchmark.stats.stats.min <= 0.010


def test_bench_full_table(benchmark):
    for n in VCAM1_COMPARISON_NUCLIDES:
        cel.s_values(n, 5.0, 3.0)  # emissions cached

    def run():
        sv._member_energy.cache_clear()
        return [cel.s_values(n, rc, rn) for n in VCAM1_COMPARISON_NUCLIDES for rc, rn in GEOMETRIES]

    tables = benchmark.pedantic(run, rounds=3, iterations=1)
    assert len(tables) == 60
    # baseline: 720 single S-values, geometry cache cleared before each (one nuclide's share × 12)
    t0 = time.perf_counter()
    count = 0
    for rc, rn in GEOMETRIES:
        for t in cel.TARGETS:
            for s in cel.SOURCES:
                sv._member_energy.cache_clear()
                cel.s_value("Pb-212", t, s, rc, rn)
                count += 1
    per_nuclide = time.perf_counter() - t0
    base = per_nuclide * len(VCAM1_COMPARISON_NUCLIDES)
    ours = benchmark.stats.stats.median
    benchmark.extra_info["s_values_in_table"] = 720
    benchmark.extra_info["s_values_per_s"] = 720 / ours
    benchmark.extra_info["baseline_one_by_one_s_estimated"] = base
    benchmark.extra_info["speedup_over_one_by_one"] = base / ours
    assert count == 60
    assert ours <= 5.0


def _numpy_profile(r_um: np.ndarray, kernel, rn: float, r_l: float) -> np.ndarray:
    e = kn.ball_response(kernel, rn).sum(axis=0)
    x = kernel.x_um
    phi = (np.arange(32) + 0.5) / 32 * np.pi
    zmax = float(x[-1])
    z = np.concatenate(([0.0], np.geomspace(1e-3, zmax, 400)))
    out = np.empty(r_um.size)
    for i, r in enumerate(r_um):
        rho = np.sqrt(r * r + r_l * r_l - 2 * r * r_l * np.cos(phi))[:, None]
        s = np.sqrt(rho**2 + z[None, :] ** 2)
        val = np.interp(s, x, e, right=0.0)
        out[i] = 2 * np.trapezoid(val, z, axis=1).mean()
    return out * MEV_TO_J / (4 / 3 * np.pi * rn**3 * 1e-15)


def test_bench_dose_profile_1000(benchmark):
    r = np.linspace(6.4, 150.0, 1000)
    vas._LINE_CACHE.clear()
    t0 = time.perf_counter()
    vas.dose_profile("Pb-212", r[:2], nucleus_radius_um=3.0)
    setup_s = time.perf_counter() - t0
    prof = benchmark(vas.dose_profile, "Pb-212", r, nucleus_radius_um=3.0)
    from brainrit.dosimetry.cellular.crossdose import _members

    kernel = kn.point_kernel_for(_members("Pb-212", True, None), "water", "cole")
    t0 = time.perf_counter()
    base = _numpy_profile(r, kernel, 3.0, 3.0)
    numpy_s = time.perf_counter() - t0
    ours = benchmark.stats.stats.median
    benchmark.extra_info["points"] = 1000
    benchmark.extra_info["points_per_s"] = 1000 / ours
    benchmark.extra_info["first_call_setup_s"] = setup_s
    benchmark.extra_info["numpy_baseline_s"] = numpy_s
    benchmark.extra_info["speedup_over_numpy"] = numpy_s / ours
    rel = np.abs(prof.total_Gy / base - 1)[prof.total_Gy > 1e-3 * prof.total_Gy.max()]
    benchmark.extra_info["max_relative_difference_to_numpy"] = float(rel.max())
    assert rel.max() < 0.02
    assert ours <= 1.0
