"""Percentiles, tornado plot and variance-based sensitivity indices of a finished sweep.

Which estimator is used
-----------------------
``sobol`` design (A/B/AB_i blocks, Saltelli et al. 2010, Comput Phys Commun 181:259)
    First-order index ``S_i = mean(f_B · (f_ABi − f_A)) / V`` (Saltelli 2010, table 2 (b)) and total
    index ``ST_i = mean((f_A − f_ABi)²) / (2V)`` (Jansen 1999, Comput Phys Commun 117:35; Saltelli 2010
    table 2 (f)), ``V`` the variance of ``f_A`` and ``f_B`` pooled. 95 % intervals by bootstrap over the
    N base rows (200 resamples).
``random``, ``lhs``, ``grid`` designs
    First-order index only, as the correlation ratio η² = Var(E[Y|X_i]) / Var(Y) (Pearson 1903;
    McKay 1995, NUREG/CR-6311): X_i is cut into about √n equal-count bins (or grouped by value when
    it takes ≤ 20 distinct values, each at least twice on average) and the between-bin sum of squares
    is corrected for its finite-sample bias, ε² = (SSB − (k − 1)·MSW) / SST (Kelley 1935), clipped
    to [0, 1]. Total indices need the Sobol' design and are reported as null.
``oat`` design
    No variance indices (the design explores one parameter at a time around the baseline); the
    tornado plot is its result.

Percentiles use every valid sample (the A and B blocks only for the Sobol' design, which are
independent draws). For ``grid`` and ``oat`` designs they describe the design points, not a probability
distribution; ``summary.json`` says so.

Tornado: for ``oat``, the outcome at the lowest and highest level of each parameter (others at
baseline); otherwise the mean outcome of the samples in the lowest and highest decile of each
parameter (lowest and highest value for grid-like parameters), around the mean of all samples.

Examples
--------
>>> import numpy as np
>>> from brainrit.sweep.analysis import correlation_ratio
>>> rng = np.random.default_rng(0)
>>> x1, x2 = rng.random(4000), rng.random(4000)
>>> round(correlation_ratio(x1, 2 * x1 + x2), 1)   # exact: 4/5
0.8
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from brainrit.errors import InputError

__all__ = [
    "PERCENTILES",
    "analyse",
    "correlation_ratio",
    "default_primary",
    "percentile_row",
    "sobol_indices",
    "tornado",
    "tornado_figure",
    "write_reports",
]

PERCENTILES = (2.5, 5.0, 25.0, 50.0, 75.0, 95.0, 97.5)
PARAM_PREFIX = "param:"


def percentile_row(y: np.ndarray) -> dict[str, float | int | None]:
    """n, mean, sd, min, the :data:`PERCENTILES`, max and the 90 %/95 % bands of the finite values of ``y``.

    Examples
    --------
    >>> percentile_row(np.arange(101.0))["p50"]
    50.0
    """
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    row: dict[str, float | int | None] = {"n": int(y.size)}
    if y.size == 0:
        row.update({k: None for k in ("mean", "sd", "min", "max")})
        row.update({_pname(p): None for p in PERCENTILES})
        return row
    row["mean"] = float(np.mean(y))
    row["sd"] = float(np.std(y, ddof=1)) if y.size > 1 else 0.0
    row["min"] = float(np.min(y))
    for p, v in zip(PERCENTILES, np.percentile(y, PERCENTILES), strict=True):
        row[_pname(p)] = float(v)
    row["max"] = float(np.max(y))
    return row


def _pname(p: float) -> str:
    return f"p{p:g}".replace(".", "_")


def correlation_ratio(x: np.ndarray, y: np.ndarray, *, max_levels: int = 20) -> float:
    """Bias-corrected correlation ratio ε² of ``y`` on ``x`` (first-order index estimate; see module docs).

    Returns NaN when ``y`` is constant or fewer than 4 pairs are finite.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = y.size
    if n < 4:
        return math.nan
    sst = float(np.sum((y - y.mean()) ** 2))
    if sst <= 0 or not math.isfinite(sst):
        return math.nan
    levels = np.unique(x)
    if levels.size <= max_levels and 2 * levels.size <= n:
        labels = np.searchsorted(levels, x)
    else:
        k = int(min(max(2, round(math.sqrt(n))), 100))
        order = np.argsort(x, kind="stable")
        labels = np.empty(n, dtype=int)
        labels[order] = np.arange(n) * k // n
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k)
    sums = np.bincount(labels, weights=y, minlength=k)
    used = counts > 0
    means = sums[used] / counts[used]
    ssb = float(np.sum(counts[used] * (means - y.mean()) ** 2))
    k_used = int(used.sum())
    if k_used < 2:
        return 0.0
    msw = (sst - ssb) / max(n - k_used, 1)
    return float(min(1.0, max(0.0, (ssb - (k_used - 1) * msw) / sst)))


def sobol_indices(
    y: np.ndarray, n_base: int, n_params: int, *, n_boot: int = 200, seed: int = 0
) -> dict[str, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices from the A/B/AB_i blocks.

    Parameters
    ----------
    y : ndarray, shape (n_base · (n_params + 2),)
        Outcomes in block order ``[A, B, AB_1, …, AB_d]``. Base rows with a non-finite value in any block
        are dropped.
    n_base, n_params : int
    n_boot : int
        Bootstrap resamples for the 95 % intervals.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict with ``S1``, ``ST`` (shape (d,)), ``S1_ci``, ``ST_ci`` (shape (d, 2)) and ``n`` (rows used).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.stats import qmc
    >>> u = qmc.Sobol(4, seed=1).random(1024); a, b = u[:, :2], u[:, 2:]
    >>> blocks = [a, b] + [np.where(np.arange(2) == i, b, a) for i in range(2)]
    >>> y = np.concatenate([3 * m[:, 0] + m[:, 1] for m in blocks])   # exact S = 0.9, 0.1
    >>> np.round(sobol_indices(y, 1024, 2)["S1"], 2).tolist()
    [0.9, 0.1]
    """
    y = np.asarray(y, dtype=float)
    d = int(n_params)
    if y.size != n_base * (d + 2):
        raise InputError("y", y.size, f"an array of n_base·(d + 2) = {n_base * (d + 2)} values")
    blocks = y.reshape(d + 2, n_base)
    ok = np.all(np.isfinite(blocks), axis=0)
    fa, fb, fab = blocks[0, ok], blocks[1, ok], blocks[2:, ok]

    def est(fa: np.ndarray, fb: np.ndarray, fab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = np.var(np.concatenate([fa, fb]), ddof=1) if fa.size > 1 else 0.0
        if not v > 0:
            nan = np.full(d, np.nan)
            return nan, nan.copy()
        s1 = np.mean(fb * (fab - fa), axis=-1) / v
        st = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / v
        return s1, st

    s1, st = est(fa, fb, fab)
    m = fa.size
    s1_ci = np.full((d, 2), np.nan)
    st_ci = np.full((d, 2), np.nan)
    if m > 2 and n_boot > 0 and np.all(np.isfinite(s1)):
        rng = np.random.default_rng(seed)
        bs1, bst = np.empty((n_boot, d)), np.empty((n_boot, d))
        for k in range(n_boot):
            idx = rng.integers(0, m, m)
            bs1[k], bst[k] = est(fa[idx], fb[idx], fab[:, idx])
        s1_ci = np.nanpercentile(bs1, [2.5, 97.5], axis=0).T
        st_ci = np.nanpercentile(bst, [2.5, 97.5], axis=0).T
    return {"S1": s1, "ST": st, "S1_ci": s1_ci, "ST_ci": st_ci, "n": np.array(m)}


def tornado(
    design: str,
    x: np.ndarray,
    y: np.ndarray,
    *,
    oat_blocks: Sequence[tuple[int, int]] | None = None,
) -> list[dict[str, float]]:
    """Low/high outcome per parameter (see the module docstring); one dict per parameter column of ``x``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = []
    if design == "oat":
        base = float(y[0])
        for i, (a, b) in enumerate(oat_blocks or []):
            out.append(
                {
                    "baseline": base,
                    "x_low": float(x[a, i]),
                    "x_high": float(x[b - 1, i]),
                    "low": float(y[a]),
                    "high": float(y[b - 1]),
                }
            )
        return out
    ok = np.isfinite(y)
    base = float(np.mean(y[ok])) if ok.any() else math.nan
    for i in range(x.shape[1]):
        xi, yi = x[ok, i], y[ok]
        if xi.size == 0:
            out.append(
                {"baseline": base, "x_low": math.nan, "x_high": math.nan, "low": math.nan, "high": math.nan}
            )
            continue
        levels = np.unique(xi)
        if levels.size <= 20 and 2 * levels.size <= xi.size:
            lo_mask, hi_mask = xi == levels[0], xi == levels[-1]
        else:
            q10, q90 = np.percentile(xi, [10, 90])
            lo_mask, hi_mask = xi <= q10, xi >= q90
        out.append(
            {
                "baseline": base,
                "x_low": float(np.mean(xi[lo_mask])),
                "x_high": float(np.mean(xi[hi_mask])),
                "low": float(np.mean(yi[lo_mask])),
                "high": float(np.mean(yi[hi_mask])),
            }
        )
    return out


def tornado_figure(outcome: str, paths: Sequence[str], bars: Sequence[Mapping[str, float]]) -> bytes:
    """PNG of the tornado plot of ``outcome`` (largest swing on top; parameter ranges in the labels).

    Examples
    --------
    >>> png = tornado_figure("p_plus", ["radiobiology.rbe_alpha"],
    ...                      [{"baseline": 0.5, "x_low": 3.0, "x_high": 7.0, "low": 0.4, "high": 0.6}])
    >>> png[:4] == b"\\x89PNG"
    True
    """
    from brainrit.report.figures import new_figure, to_png

    swing = [abs(b["high"] - b["low"]) if math.isfinite(b["high"] - b["low"]) else 0.0 for b in bars]
    order = np.argsort(swing)
    fig, ax = new_figure(width_in=8.0, height_in=max(2.6, 0.55 * len(paths) + 1.6))
    base = bars[0]["baseline"] if bars else 0.0
    for row, i in enumerate(order):
        b = bars[i]
        sides = [(b["low"], "#1f77b4", "parameter at its low end"), (b["high"], "#d62728", "at its high end")]
        sides.sort(key=lambda t: -abs(t[0] - base) if math.isfinite(t[0]) else 0.0)  # longer bar below
        for value, colour, label in sides:
            ax.barh(row, value - base, left=base, color=colour, label=label if row == 0 else None)
    ax.axvline(base, color="0.3", linewidth=0.8)
    labels = [f"{paths[i]}\n({bars[i]['x_low']:.3g} → {bars[i]['x_high']:.3g})" for i in order]
    ax.set_yticks(range(len(order)), labels, fontsize=10)
    ax.set_xlabel(outcome, fontsize=11)
    ax.set_title(f"{outcome}: baseline {base:.4g} (vertical line)", fontsize=11)
    ax.legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=2, frameon=False)
    ax.grid(True, axis="x", alpha=0.3)
    return to_png(fig, dpi=120)


def _design_rows(manifest: Mapping[str, Any]) -> np.ndarray | None:
    plan = manifest["plan"]
    if plan["design"] == "sobol":
        return np.arange(2 * int(plan["samples"]))
    return None


def analyse(out_dir: str | Path, *, primary: str | None = None) -> dict[str, Any]:
    """Summarise the sweep in ``out_dir``: percentiles, tornado and sensitivity for every outcome.

    Parameters
    ----------
    out_dir : path
        A sweep folder written by :func:`brainrit.sweep.engine.run_sweep`.
    primary : str, optional
        Outcome for the tornado figure (default: :func:`default_primary`, the first outcome that varies).

    Returns
    -------
    dict
        JSON-able summary (what ``summary.json`` holds).
    """
    from brainrit.sweep.design import oat_blocks as _oat_blocks
    from brainrit.sweep.engine import read_results

    manifest, table = read_results(out_dir)
    plan = manifest["plan"]
    paths = [p["path"] for p in plan["parameters"]]
    columns = list(manifest["columns"])
    n_runs = int(manifest["n_runs"])
    if primary is not None and primary not in columns:
        from brainrit.checks import choice

        choice("--primary", primary, columns)
    chosen_by_user = primary is not None
    # full arrays in sample order, NaN where a sample is missing or not ok
    x = np.full((n_runs, len(paths)), np.nan)
    ys = {c: np.full(n_runs, np.nan) for c in columns}
    status_counts = {"ok": 0, "invalid": 0, "failed": 0}
    errors: list[str] = []
    done = 0
    if table is not None:
        idx = table.column("sample").to_numpy()
        done = int(idx.size)
        status = np.asarray(table.column("status").to_pylist())
        err = table.column("error").to_pylist()
        for s in status_counts:
            status_counts[s] = int(np.sum(status == s))
        errors = [f"sample {i}: {e}" for i, e, s in zip(idx, err, status, strict=True) if s != "ok"][:10]
        good = status == "ok"
        for i, p in enumerate(paths):
            x[idx, i] = table.column(PARAM_PREFIX + p).to_numpy()
        for c in columns:
            v = table.column(c).to_numpy(zero_copy_only=False).astype(float)
            v[~good] = np.nan
            ys[c][idx] = v
    sel = _design_rows(manifest)
    rows_for_pct = sel if sel is not None else np.arange(n_runs)
    design = plan["design"]
    outcomes: dict[str, Any] = {}
    for c in columns:
        y = ys[c]
        entry: dict[str, Any] = {"percentiles": percentile_row(y[rows_for_pct])}
        if design == "oat":
            blocks = _oat_blocks([_dist(p) for p in plan["parameters"]], int(plan["samples"]))
            bars = tornado("oat", x, y, oat_blocks=blocks)
        else:
            bars = tornado(design, x[rows_for_pct], y[rows_for_pct])
        entry["tornado"] = {p: b for p, b in zip(paths, bars, strict=True)}
        entry["sensitivity"] = _sensitivity(design, plan, x, y, paths)
        outcomes[c] = entry
    primary_note = ""
    if not chosen_by_user:
        primary, primary_note = default_primary(columns, {c: ys[c][rows_for_pct] for c in columns})
    method = {
        "sobol": "Saltelli 2010 first-order and Jansen 1999 total indices, bootstrap 95% intervals",
        "random": "first-order only: bias-corrected correlation ratio (binned), no total indices",
        "lhs": "first-order only: bias-corrected correlation ratio (binned), no total indices",
        "grid": "first-order only: correlation ratio over grid levels (main effects), no total indices",
        "oat": "none (one-at-a-time design: see the tornado)",
    }[design]
    return {
        "design": {k: v for k, v in plan.items() if k != "values_sha256"},
        "n_runs": n_runs,
        "n_done": done,
        "complete": done == n_runs,
        "status": status_counts,
        "errors": errors,
        "percentiles_describe": "design points, not a probability distribution"
        if design in ("grid", "oat")
        else ("blocks A and B of the Sobol' design" if design == "sobol" else "all samples"),
        "sensitivity_method": method,
        "primary_outcome": primary,
        "primary_note": primary_note,
        "outcomes": outcomes,
        "brainrit_version": manifest.get("brainrit_version"),
    }


def default_primary(columns: Sequence[str], values: Mapping[str, np.ndarray]) -> tuple[str, str]:
    """Outcome for the tornado plot when none is named: the first (in the sweep's order) that varies.

    A tornado of an outcome that is the same in every run (a TCP of 0 everywhere) is an empty plot; the
    first outcome whose finite values are not all equal is shown instead, and the note says which were
    skipped.

    Parameters
    ----------
    columns : sequence of str
        Outcome names, in the sweep's order.
    values : mapping
        Outcome → values over the runs (NaN where a run failed).

    Returns
    -------
    tuple of str
        ``(outcome, note)``; the note is empty when the first outcome varies.

    Examples
    --------
    >>> default_primary(["tcp", "p_plus"], {"tcp": np.zeros(4), "p_plus": np.array([0.1, 0.2, 0.3, 0.2])})
    ('p_plus', 'tcp is 0 in every run, so the tornado shows p_plus, the first outcome that varies')
    """
    constant = []
    for c in columns:
        v = np.asarray(values[c], dtype=float)
        v = v[np.isfinite(v)]
        if v.size and np.ptp(v) > 1e-12 * max(1.0, float(np.max(np.abs(v)))):
            if not constant:
                return c, ""
            skipped = "; ".join(constant)
            return c, f"{skipped} in every run, so the tornado shows {c}, the first outcome that varies"
        constant.append(f"{c} is {v[0]:.4g}" if v.size else f"{c} has no finite value")
    return columns[0], "no outcome varies over the sweep: " + "; ".join(constant)


def _dist(p: Mapping[str, Any]) -> Any:
    from brainrit.scenario.sweep_schema import parse_distribution

    return parse_distribution(p["distribution"])


def _sensitivity(
    design: str, plan: Mapping[str, Any], x: np.ndarray, y: np.ndarray, paths: Sequence[str]
) -> dict[str, Any] | None:
    if design == "oat":
        return None
    if design == "sobol":
        res = sobol_indices(y, int(plan["samples"]), len(paths), seed=int(plan["base_seed"]))
        return {
            p: {
                "S1": _f(res["S1"][i]),
                "S1_ci95": [_f(v) for v in res["S1_ci"][i]],
                "ST": _f(res["ST"][i]),
                "ST_ci95": [_f(v) for v in res["ST_ci"][i]],
            }
            for i, p in enumerate(paths)
        }
    return {p: {"S1": _f(correlation_ratio(x[:, i], y)), "ST": None} for i, p in enumerate(paths)}


def _f(v: Any) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


# ----------------------------------------------------------------------------------------- outputs


def _percentiles_csv(summary: Mapping[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    keys = ["n", "mean", "sd", "min", *(_pname(p) for p in PERCENTILES), "max"]
    w.writerow(["outcome", *keys])
    for c, e in summary["outcomes"].items():
        pr = e["percentiles"]
        w.writerow([c, *("" if pr[k] is None else pr[k] for k in keys)])
    return buf.getvalue()


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def sweep_report_html(summary: Mapping[str, Any], tornado_png: bytes | None) -> str:
    """A self-contained HTML section: design, percentiles, sensitivity indices, tornado plot (base64)."""
    from brainrit.report.html import report_css

    d = summary["design"]
    st = summary["status"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>brainrit sweep</title>",
        f"<style>{report_css()}</style></head><body>",
        "<header><h1>Parameter sweep — brainrit report</h1>",
        f"<p>Design {_fmt(d['design'])}, {summary['n_done']} of {summary['n_runs']} runs; base seed "
        f"{d['base_seed']}; brainrit {_fmt(summary.get('brainrit_version'))}</p></header>",
        "<nav><a href='#sweep'>Design</a><a href='#percentiles'>Percentiles</a>"
        "<a href='#sensitivity'>Sensitivity</a><a href='#tornado'>Tornado</a></nav><main>",
        "<section id='sweep'><h2>Design</h2>",
        f"<p>{st['ok']} runs ok, {st['invalid']} invalid, {st['failed']} failed.</p>",
        "<table><tr><th>parameter</th><th>distribution</th><th>nominal</th></tr>",
    ]
    for p in d["parameters"]:
        parts.append(
            f"<tr><td>{_fmt(p['path'])}</td><td>{_fmt(p['distribution'])}</td><td>{_fmt(p['nominal'])}</td></tr>"
        )
    parts.append("</table>")
    if summary["errors"]:
        parts.append("<p>Samples not ok (first ten):</p><ul>")
        parts.extend(f"<li>{_fmt(e)}</li>" for e in summary["errors"])
        parts.append("</ul>")
    parts.append("</section><section id='percentiles'>")
    parts.append(
        f"<h2>Percentiles</h2><p>{_fmt(summary['percentiles_describe'])}.</p><table><tr><th>outcome</th>"
    )
    keys = ["n", "mean", "sd", "p2_5", "p5", "p50", "p95", "p97_5"]
    parts.extend(f"<th>{k}</th>" for k in keys)
    parts.append("</tr>")
    for c, e in summary["outcomes"].items():
        parts.append(
            f"<tr><td>{_fmt(c)}</td>" + "".join(f"<td>{_fmt(e['percentiles'][k])}</td>" for k in keys)
        )
    parts.append("</table>")
    parts.append("</section><section id='sensitivity'>")
    parts.append(f"<h2>Sensitivity</h2><p>{_fmt(summary['sensitivity_method'])}.</p>")
    paths = [p["path"] for p in d["parameters"]]
    if d["design"] != "oat":
        parts.append("<table><tr><th>outcome</th>" + "".join(f"<th>S1 / ST {_fmt(p)}</th>" for p in paths))
        for c, e in summary["outcomes"].items():
            s = e["sensitivity"] or {}
            cells = "".join(f"<td>{_fmt(s[p]['S1'])} / {_fmt(s[p]['ST'])}</td>" for p in paths)
            parts.append(f"<tr><td>{_fmt(c)}</td>{cells}</tr>")
        parts.append("</table>")
    if tornado_png:
        b64 = base64.b64encode(tornado_png).decode()
        parts.append(
            f"</section><section id='tornado'><h2>Tornado: {_fmt(summary['primary_outcome'])}</h2>"
            + (f"<p>{_fmt(summary['primary_note'])}.</p>" if summary.get("primary_note") else "")
            + f"<figure><img class='figure' alt='tornado plot' src='data:image/png;base64,{b64}'>"
            "<figcaption>Each bar: the mean outcome over the runs at the low (blue) and high (red) end of "
            "one parameter's range (labels give the range), about the mean of all runs (vertical line); "
            "the largest swing is on top.</figcaption></figure>"
        )
    parts.append("</section></main></body></html>")
    return "\n".join(parts)


def write_reports(out_dir: str | Path, *, primary: str | None = None) -> dict[str, Any]:
    """Write ``summary.json``, ``percentiles.csv``, ``tornado.png`` and ``sweep_report.html`` (temp + rename).

    Returns the summary.
    """
    from brainrit.fileio import atomic_write_bytes as atomic_write
    from brainrit.pipeline.core import to_jsonable
    from brainrit.sweep.engine import write_json

    out = Path(out_dir)
    summary = analyse(out, primary=primary)
    c = summary["primary_outcome"]
    paths = [p["path"] for p in summary["design"]["parameters"]]
    bars = [summary["outcomes"][c]["tornado"][p] for p in paths]
    png = None
    if summary["status"]["ok"] > 0:
        png = tornado_figure(c, paths, bars)
        atomic_write(out / "tornado.png", png)
    write_json(out / "summary.json", to_jsonable(summary))
    atomic_write(out / "percentiles.csv", _percentiles_csv(summary).encode())
    atomic_write(out / "sweep_report.html", sweep_report_html(summary, png).encode())
    return summary
