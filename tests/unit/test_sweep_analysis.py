"""brainrit.sweep.analysis: estimators checked against functions with known variance decompositions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import qmc

from brainrit.errors import InputError
from brainrit.sweep.analysis import correlation_ratio, percentile_row, sobol_indices, tornado


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990) test function on [-π, π]³."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices (Sobol' & Levitan 1999, Comput Phys Commun 117:52)."""
    pi = math.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def saltelli_blocks(n: int, d: int, seed: int) -> list[np.ndarray]:
    u = qmc.Sobol(2 * d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    a, b = u[:, :d], u[:, d:]
    out = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        out.append(ab)
    return out


def test_sobol_indices_reproduce_ishigami():
    """Saltelli 2010 S1 and Jansen ST on N = 8192 base rows: within 0.03 of the analytic values
    (S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244), and the bootstrap 95 % intervals are sensible."""
    n, d = 8192, 3
    blocks = saltelli_blocks(n, d, seed=2)
    y = np.concatenate([ishigami(-math.pi + 2 * math.pi * m) for m in blocks])
    res = sobol_indices(y, n, d, n_boot=100, seed=1)
    s1, st = ishigami_exact()
    assert np.allclose(res["S1"], s1, atol=0.03)
    assert np.allclose(res["ST"], st, atol=0.03)
    assert np.all(res["S1_ci"][:, 0] <= res["S1_ci"][:, 1])
    assert np.all(res["ST_ci"][:, 1] - res["ST_ci"][:, 0] < 0.1)
    assert int(res["n"]) == n


def test_sobol_indices_drop_rows_with_missing_values_and_handle_constants():
    n, d = 256, 2
    blocks = saltelli_blocks(n, d, seed=0)
    y = np.concatenate([3 * m[:, 0] + m[:, 1] for m in blocks])
    y[5] = np.nan  # A row 5 missing → base row 5 dropped in every block
    res = sobol_indices(y, n, d, n_boot=0)
    assert int(res["n"]) == n - 1
    assert np.allclose(res["S1"], [0.9, 0.1], atol=0.03)
    flat = sobol_indices(np.ones(n * (d + 2)), n, d)
    assert np.all(np.isnan(flat["S1"])) and np.all(np.isnan(flat["ST"]))
    with pytest.raises(InputError, match="n_base"):
        sobol_indices(np.ones(10), n, d)


def test_correlation_ratio_linear_additive_model():
    """y = 2 x1 + x2 with independent uniforms: S1 = 4/5 and 1/5; an unrelated input ≈ 0 (bias-corrected)."""
    rng = np.random.default_rng(4)
    x = rng.random((5000, 3))
    y = 2 * x[:, 0] + x[:, 1]
    assert correlation_ratio(x[:, 0], y) == pytest.approx(0.8, abs=0.02)
    assert correlation_ratio(x[:, 1], y) == pytest.approx(0.2, abs=0.02)
    assert correlation_ratio(x[:, 2], y) < 0.01
    # grid-like input (few levels): main effect by level
    levels = rng.integers(0, 4, 4000).astype(float)
    assert correlation_ratio(levels, levels + 0.0 * rng.random(4000)) == pytest.approx(1.0)
    assert math.isnan(correlation_ratio(np.arange(3.0), np.arange(3.0)))
    assert math.isnan(correlation_ratio(np.arange(10.0), np.ones(10)))


def test_percentile_row():
    row = percentile_row(np.r_[np.arange(1001.0), np.nan])
    assert row["n"] == 1001 and row["p50"] == 500.0 and row["p2_5"] == 25.0 and row["p97_5"] == 975.0
    assert row["min"] == 0.0 and row["max"] == 1000.0 and row["mean"] == 500.0
    empty = percentile_row(np.array([np.nan]))
    assert empty["n"] == 0 and empty["p50"] is None


def test_tornado_oat_and_sampled():
    x = np.array([[1.0, 10.0], [0.0, 10.0], [2.0, 10.0], [1.0, 5.0], [1.0, 20.0]])
    y = x[:, 0] * 3 + x[:, 1]
    bars = tornado("oat", x, y, oat_blocks=[(1, 3), (3, 5)])
    assert bars[0] == {"baseline": 13.0, "x_low": 0.0, "x_high": 2.0, "low": 10.0, "high": 16.0}
    assert bars[1]["low"] == 8.0 and bars[1]["high"] == 23.0
    rng = np.random.default_rng(0)
    xs = rng.random((20000, 2))
    ys = 5 * xs[:, 0] - xs[:, 1]
    b = tornado("lhs", xs, ys)
    assert b[0]["high"] - b[0]["low"] == pytest.approx(4.5, abs=0.1)  # 5 × (0.95 − 0.05)
    assert b[1]["high"] - b[1]["low"] == pytest.approx(-0.9, abs=0.1)
