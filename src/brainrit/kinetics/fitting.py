"""Fitting: biodistribution → model parameters; multi-exponential time-activity fits; single-point TIA.

* :func:`fit_biodistribution` — weighted least squares (weights 1/SE², SE = SD/√n) of model-predicted %ID/g
  (antibody, decay-corrected by default) to a biodistribution table, in log-parameter space. Uncertainty: the
  covariance (JᵀJ)⁻¹ of the log-parameters from the Jacobian at the optimum (known SDs, so not rescaled by the
  reduced χ²), or a seeded parametric bootstrap.
* :func:`fit_time_activity` — sums of exponentials (mono, bi, uptake–washout, tri) with AICc selection
  (Burnham & Anderson 2002, *Model Selection and Multimodel Inference*, Springer), and analytic integration,
  with physical decay only after the last point if a physical half-life is given (conservative tail).
* :func:`single_time_point_tia` — Hänscheid et al. 2018 (J Nucl Med 59:75-81): TIA ≈ A(t)·2t/ln 2, exact for a
  mono-exponential when t equals one or two effective half-lives; or A(t)·e^{λt}/λ if T_eff is known.

Examples
--------
>>> import numpy as np
>>> t = np.array([1.0, 2, 4, 8, 16, 24, 48])
>>> fit = fit_time_activity(t, 100 * np.exp(-0.1 * t))
>>> fit.best, round(fit.parameters["k1_per_h"], 6)
('mono', 0.1)
>>> round(fit.integral(), 6)  # analytic: A/k = 100/0.1
1000.0
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
from scipy.integrate import solve_ivp
from scipy.linalg import expm
from scipy.optimize import least_squares

from brainrit.checks import array_finite, choice, non_negative, positive
from brainrit.errors import InputError
from brainrit.kinetics.model import KineticModel
from brainrit.kinetics.physiology import REGIONS

__all__ = [
    "BiodistributionData",
    "BiodistributionFit",
    "TimeActivityFit",
    "biodistribution_data",
    "fit_biodistribution",
    "fit_time_activity",
    "predict_percent_id_per_g",
    "read_biodistribution_csv",
    "single_time_point_tia",
]

ORGANS: tuple[str, ...] = (*REGIONS, "blood", "plasma")
BLOOD_DENSITY_G_PER_ML = 1.06  # ICRP 89 [K]
PLASMA_DENSITY_G_PER_ML = 1.025  # ICRP 89 [K]


# ----------------------------------------------------------------------------------------------------
# biodistribution data

#: Largest biodistribution CSV read, bytes (a study table has tens to hundreds of rows).
MAX_CSV_BYTES = 10_000_000


@dataclass(frozen=True)
class BiodistributionData:
    """Biodistribution table: one row per organ and time (mean %ID/g, its SD and the number of animals)."""

    organ: tuple[str, ...]
    time_h: np.ndarray
    percent_id_per_g: np.ndarray
    sd: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.organ)

    @property
    def standard_error(self) -> np.ndarray:
        """SD / √n."""
        return self.sd / np.sqrt(self.n)


def biodistribution_data(
    organ: Sequence[str],
    time_h: Iterable[float],
    percent_id_per_g: Iterable[float],
    sd: Iterable[float],
    n: Iterable[float],
) -> BiodistributionData:
    """Validated :class:`BiodistributionData` (organs among model regions, "blood" or "plasma").

    Raises InputError for negative times or values, SD ≤ 0, n < 1, unknown organs or mismatched lengths.

    Examples
    --------
    >>> d = biodistribution_data(["blood", "brain"], [1.0, 1.0], [40.0, 1.2], [5.0, 0.3], [4, 4])
    >>> d.standard_error.tolist()
    [2.5, 0.15]
    """
    organs = tuple(choice(f"organ[{i}]", o, ORGANS) for i, o in enumerate(organ))
    t = array_finite("time_h", time_h, low=0.0, unit="h")
    y = array_finite("percent_id_per_g", percent_id_per_g, low=0.0)
    s = array_finite("sd", sd, low=0.0, strict_low=True)
    nn = array_finite("n", n, low=1.0)
    for name, arr in (("time_h", t), ("percent_id_per_g", y), ("sd", s), ("n", nn)):
        if arr.ndim != 1 or len(arr) != len(organs):
            raise InputError(name, arr.shape, f"a 1-D sequence of length {len(organs)} (one per organ row)")
    if not organs:
        raise InputError("organ", organs, "at least one row")
    if not np.any(y > 0):
        raise InputError("percent_id_per_g", "all zero", "at least one uptake value > 0 (nothing to fit)")
    return BiodistributionData(organs, t, y, s, nn)


def read_biodistribution_csv(path: str | Path) -> BiodistributionData:
    """Read a CSV with columns ``organ, time_h, %ID/g, SD, n`` (header required; '#' lines are comments).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text("organ,time_h,%ID/g,SD,n\\nblood,1,30.5,3.1,4\\nliver,24,5.0,0.8,4\\n")
    >>> read_biodistribution_csv(p).organ
    ('blood', 'liver')
    """
    p = Path(path)
    try:
        if p.stat().st_size > MAX_CSV_BYTES:
            raise InputError("path", str(p), f"a CSV file of at most {MAX_CSV_BYTES:,} bytes")
        text = p.read_bytes().decode("utf-8-sig")  # a UTF-8 byte-order mark (Excel) is accepted
    except OSError:
        raise InputError("path", str(path), "a readable CSV file") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            "path", str(path), "a UTF-8 text file", f"byte {exc.start} is not UTF-8; save the CSV as UTF-8"
        ) from None
    lines = [ln for ln in text.splitlines() if ln.strip() and ln.lstrip()[0] != "#"]
    rows = list(csv.reader(lines))
    if len(rows) < 2:
        raise InputError("path", str(path), "a CSV with a header and at least one data row")
    header = [h.strip().lower() for h in rows[0]]
    want = {
        "organ": ("organ",),
        "time_h": ("time_h",),
        "value": ("%id/g", "percent_id_per_g"),
        "sd": ("sd",),
        "n": ("n",),
    }
    col = {}
    for key, names in want.items():
        hits = [i for i, h in enumerate(header) if h in names]
        if not hits:
            raise InputError(
                "CSV header", rows[0], f"columns organ, time_h, %ID/g, SD, n (missing {names[0]!r})"
            )
        col[key] = hits[0]
    data = rows[1:]
    for k, r in enumerate(data):
        if len(r) < len(header):
            raise InputError(f"CSV row {k + 2}", r, f"{len(header)} comma-separated fields")

    def num(key: str) -> list[float]:
        out = []
        for k, r in enumerate(data):
            try:
                out.append(float(r[col[key]]))
            except ValueError:
                raise InputError(
                    f"CSV row {k + 2}, column {header[col[key]]}", r[col[key]], "a number"
                ) from None
        return out

    return biodistribution_data(
        [r[col["organ"]].strip() for r in data], num("time_h"), num("value"), num("sd"), num("n")
    )


# ----------------------------------------------------------------------------------------------------
# model prediction


def _antibody_fractions(model: KineticModel, times_h: np.ndarray) -> np.ndarray:
    """Antibody fraction in each carrier pool at ``times_h`` (no decay), shape (len(times), n_c)."""
    asm = model.assembled
    a0 = np.zeros(asm.n_c)
    a0[0] = 1.0
    if not model.saturable:
        K = asm.carrier_matrix(asm.binding_rates(None))
        return np.stack([expm(K * t) @ a0 for t in times_h])
    bp = asm.b_pool

    def rhs(t: float, a: np.ndarray) -> np.ndarray:
        kb = asm.binding_rates(a[bp])
        return asm.carrier_matrix(kb) @ a

    def jac(t: float, a: np.ndarray) -> np.ndarray:
        kb = asm.binding_rates(a[bp])
        J = asm.carrier_matrix(kb)
        g = asm.kon_per_mol_h * asm.n_inj_mol * ((asm.r_tot_mol - a[bp] * asm.n_inj_mol) > 0)
        J[0, bp] += g * a[0]
        J[bp, bp] -= g * a[0]
        return J

    tt = np.unique(np.concatenate([[0.0], times_h]))
    sol = solve_ivp(rhs, (0.0, tt[-1]), a0, method="BDF", t_eval=tt, jac=jac, rtol=1e-8, atol=1e-12)
    return sol.y.T[np.searchsorted(tt, times_h)]


def predict_percent_id_per_g(
    model: KineticModel, organ: Sequence[str], time_h: Iterable[float], *, decay_corrected: bool = True
) -> np.ndarray:
    """Model %ID/g of the labelled antibody for each (organ, time) pair.

    Organs include their residual blood; "blood" uses plasma × (1 − Hct) per mL of blood (density 1.06 g/mL).
    If not decay-corrected, the parent's physical decay e^{-λt} is applied.

    Examples
    --------
    >>> from brainrit.kinetics import default_model
    >>> pid = predict_percent_id_per_g(default_model("mouse"), ["blood", "metastasis"], [24.0, 24.0])
    >>> bool(pid[1] > 0)
    True
    """
    t = array_finite("time_h", time_h, low=0.0, unit="h")
    organs = [choice("organ", o, ORGANS) for o in organ]
    if len(organs) != t.size:
        raise InputError("organ", len(organs), f"one organ per time ({t.size})")
    p = model.params
    asm = model.assembled
    ut, inv = np.unique(t, return_inverse=True)
    a = _antibody_fractions(model, ut)
    regional = a @ asm.W[: len(REGIONS), : asm.n_c].T  # (T, regions)
    vp = p["plasma_volume_mL"]
    out = np.empty(t.size)
    for k, (o, j) in enumerate(zip(organs, inv, strict=True)):
        if o == "blood":
            v = a[j, 0] / vp * (1.0 - p["haematocrit"]) / BLOOD_DENSITY_G_PER_ML
        elif o == "plasma":
            v = a[j, 0] / vp / PLASMA_DENSITY_G_PER_ML
        else:
            v = regional[j, REGIONS.index(o)] / p[f"{o}.mass_g"]
        out[k] = 100.0 * v
    if not decay_corrected:
        out *= np.exp(-model.chain.decay_per_h[0] * t)
    return out


# ----------------------------------------------------------------------------------------------------
# biodistribution fit


@dataclass(frozen=True)
class BiodistributionFit:
    """Fitted model parameters with uncertainty.

    ``covariance_log``: covariance of the natural-log parameters; ``std`` by the delta method (value × σ_log);
    ``ci95``: exp(log value ± 1.96 σ_log).
    """

    names: tuple[str, ...]
    values: np.ndarray
    std: np.ndarray
    covariance_log: np.ndarray
    ci95: np.ndarray
    chi2: float
    dof: int
    model: KineticModel
    method: str = "jacobian"
    bootstrap_log_values: np.ndarray | None = field(default=None, repr=False)

    @property
    def parameters(self) -> Mapping[str, float]:
        return MappingProxyType(dict(zip(self.names, map(float, self.values), strict=True)))


def fit_biodistribution(
    data: BiodistributionData,
    model: KineticModel,
    parameters: Sequence[str] = ("plasma_clearance_mL_per_h", "target.density_per_um2.metastasis"),
    *,
    decay_corrected: bool = True,
    bootstrap: int = 0,
    seed: int | np.random.Generator | None = None,
) -> BiodistributionFit:
    """Fit model ``parameters`` (names from :meth:`KineticModel.parameter_names`, all > 0) to ``data``.

    Parameters
    ----------
    data : BiodistributionData
    model : KineticModel
        Starting point; its values of ``parameters`` are the initial guesses (must be > 0).
    parameters : sequence of str
    decay_corrected : bool
        Whether ``data`` are decay-corrected %ID/g (default True).
    bootstrap : int
        If > 0, number of parametric bootstrap replicates (data resampled with their SE; ``seed`` required for
        reproducibility) used for ``std``/``ci95`` instead of the Jacobian covariance.
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    BiodistributionFit

    Examples
    --------
    >>> from dataclasses import replace
    >>> from brainrit.kinetics import default_model
    >>> model = replace(default_model("mouse"), saturable=False)
    >>> truth = model.with_overrides(plasma_clearance_mL_per_h=0.01)
    >>> organ, t = ["blood"] * 4 + ["liver"] * 4, [1.0, 4.0, 24.0, 72.0] * 2
    >>> y = predict_percent_id_per_g(truth, organ, t)
    >>> fit = fit_biodistribution(biodistribution_data(organ, t, y, 0.1 * y, [4] * 8), model,
    ...                           ["plasma_clearance_mL_per_h"])
    >>> round(float(fit.values[0]), 5)
    0.01
    """
    if not isinstance(data, BiodistributionData):
        raise InputError(
            "data", data, "BiodistributionData (from biodistribution_data or read_biodistribution_csv)"
        )
    names = tuple(parameters)
    if not names:
        raise InputError("parameters", names, "at least one parameter name")
    for nm in names:
        if nm not in model.params:
            model.with_overrides(**{nm: 1.0})  # raises InputError with suggestions
        if model.params[nm] <= 0:
            raise InputError(f"initial {nm}", model.params[nm], "> 0 (fitted in log space)")
    if len(set(names)) != len(names):
        raise InputError("parameters", names, "distinct names")
    if len(data) < len(names) + 1:
        raise InputError(
            "data rows", len(data), f"at least {len(names) + 1} (more than the {len(names)} parameters)"
        )
    bootstrap = int(non_negative("bootstrap", bootstrap))
    se = data.standard_error

    def residuals(u: np.ndarray, obs: np.ndarray) -> np.ndarray:
        m = model.with_overrides(**dict(zip(names, np.exp(u), strict=True)))
        return (
            predict_percent_id_per_g(m, data.organ, data.time_h, decay_corrected=decay_corrected) - obs
        ) / se

    u0 = np.log([model.params[n] for n in names])

    def fit(obs: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        r = least_squares(
            residuals, start, args=(obs,), method="trf", x_scale=1.0, diff_step=1e-6, max_nfev=200
        )
        return r.x, r.jac, float(2 * r.cost)

    u, J, chi2 = fit(data.percent_id_per_g, u0)
    try:
        cov = np.linalg.inv(J.T @ J)
    except np.linalg.LinAlgError:
        cov = np.full((len(names), len(names)), np.inf)
    boot = None
    method = "jacobian"
    sig = np.sqrt(np.clip(np.diag(cov), 0.0, np.inf))
    if bootstrap > 0:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        boot = np.empty((bootstrap, len(names)))
        for b in range(bootstrap):
            obs = np.maximum(data.percent_id_per_g + rng.normal(0.0, se), 0.0)
            boot[b] = fit(obs, u)[0]
        cov = np.atleast_2d(np.cov(boot, rowvar=False))
        sig = np.sqrt(np.diag(cov))
        method = f"parametric bootstrap ({bootstrap})"
    vals = np.exp(u)
    fitted = model.with_overrides(**dict(zip(names, vals, strict=True)))
    return BiodistributionFit(
        names=names,
        values=vals,
        std=vals * sig,
        covariance_log=cov,
        ci95=np.stack([np.exp(u - 1.96 * sig), np.exp(u + 1.96 * sig)], axis=1),
        chi2=chi2,
        dof=len(data) - len(names),
        model=fitted,
        method=method,
        bootstrap_log_values=boot,
    )


# ----------------------------------------------------------------------------------------------------
# multi-exponential time-activity fits

_N_PARAMS = {"mono": 2, "bi": 4, "uptake": 3, "tri": 6}


def _curve(name: str, q: np.ndarray, t: np.ndarray) -> np.ndarray:
    e = np.exp(np.clip(q, -300.0, 300.0))
    if name == "uptake":  # A (e^{-k1 t} - e^{-(k1+k2) t}): washout k1, uptake k1 + k2
        return e[0] * (np.exp(-e[1] * t) - np.exp(-(e[1] + e[2]) * t))
    A, k = e[0::2], e[1::2]
    return (A[None, :] * np.exp(-np.outer(t, k))).sum(axis=1)


@dataclass(frozen=True)
class TimeActivityFit:
    """Best multi-exponential fit (by AICc) and all candidates.

    ``parameters``: for sums of exponentials ``A1, k1_per_h, A2, ...`` (A in the units of the data);
    for "uptake" ``A, k1_per_h`` (washout) and ``k_uptake_per_h``.
    """

    best: str
    parameters: Mapping[str, float]
    aicc: Mapping[str, float]
    log_parameters: np.ndarray
    covariance_log: np.ndarray
    t_last_h: float
    candidates: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __call__(self, time_h: Iterable[float]) -> np.ndarray:
        t = array_finite("time_h", time_h, low=0.0, unit="h")
        return _curve(self.best, self.log_parameters, np.atleast_1d(t))

    def integral(self, physical_half_life_h: float | None = None) -> float:
        """∫ of the fitted curve (data units × h): to infinity analytically; if ``physical_half_life_h`` is
        given, the fit is integrated to the last point and the tail decays physically: + f(t_last)/λ_phys.
        """
        e = np.exp(self.log_parameters)
        T = self.t_last_h

        def upto(t: float) -> float:
            if self.best == "uptake":
                k1, k2 = e[1], e[1] + e[2]
                return float(e[0] * ((1 - math.exp(-k1 * t)) / k1 - (1 - math.exp(-k2 * t)) / k2))
            A, k = e[0::2], e[1::2]
            return float(np.sum(A / k * (-np.expm1(-k * t))) if math.isfinite(t) else np.sum(A / k))

        if physical_half_life_h is None:
            return upto(math.inf)
        lam = math.log(2.0) / positive("physical_half_life_h", physical_half_life_h)
        return upto(T) + float(self(np.array([T]))[0]) / lam

    def tia_Bq_s(self, physical_half_life_h: float | None = None) -> float:
        """:meth:`integral` for activities in Bq, converted to Bq·s."""
        return self.integral(physical_half_life_h) * 3600.0


def _starts(name: str, t: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    pos = y > 0
    tspan = max(float(t.max()), 1e-6)
    ks = np.geomspace(0.3 / tspan, 30.0 / max(float(t[t > 0].min()) if np.any(t > 0) else tspan, 1e-6), 6)
    amp = float(np.max(y[pos])) if np.any(pos) else 1.0
    out = []
    if name == "mono":
        out = [np.log([amp, k]) for k in ks]
    elif name == "bi":
        out = [np.log([amp / 2, k1, amp / 2, k2]) for i, k1 in enumerate(ks) for k2 in ks[i + 1 :]]
    elif name == "uptake":
        out = [np.log([amp * 2, k1, k2]) for k1 in ks[:4] for k2 in ks[2:]]
    elif name == "tri":
        out = [
            np.log([amp / 3, ks[0], amp / 3, ks[2], amp / 3, ks[4]]),
            np.log([amp / 3, ks[1], amp / 3, ks[3], amp / 3, ks[5]]),
        ]
    return out


def fit_time_activity(
    times_h: Iterable[float],
    values: Iterable[float],
    sd: Iterable[float] | None = None,
    *,
    models: Sequence[str] = ("mono", "bi", "uptake", "tri"),
) -> TimeActivityFit:
    """Fit sums of exponentials to a time-activity curve and select by AICc.

    AICc = n ln(WRSS/n) + 2p + 2p(p+1)/(n−p−1), with WRSS weighted by 1/sd² if ``sd`` is given; candidates
    need n ≥ p + 2 points. The covariance of the log-parameters is (JᵀJ)⁻¹ × WRSS/(n−p) (unscaled with
    ``sd``).

    Raises
    ------
    InputError
        Negative times or values, SD ≤ 0, unequal lengths, or fewer points than any candidate needs.
    """
    t = array_finite("times_h", times_h, low=0.0, unit="h")
    y = array_finite("values", values, low=0.0)
    if t.ndim != 1 or y.shape != t.shape:
        raise InputError("values", y.shape, f"a 1-D array of the same length as times_h ({t.shape})")
    if sd is None:
        w = np.ones_like(y)
    else:
        s = array_finite("sd", sd, low=0.0, strict_low=True)
        if s.shape != t.shape:
            raise InputError("sd", s.shape, f"the same length as times_h ({t.shape})")
        w = 1.0 / s
    names = [choice("models", m, tuple(_N_PARAMS)) for m in models]
    n = t.size
    usable = [m for m in names if n >= _N_PARAMS[m] + 2]
    if not usable:
        need = min(_N_PARAMS[m] for m in names) + 2
        raise InputError(
            "times_h", n, f"at least {need} points (more than the parameters of the simplest model)"
        )
    if not np.any(y > 0):
        raise InputError("values", y.tolist(), "at least one value > 0")
    aicc: dict[str, float] = {}
    fits: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
    for m in usable:
        best = None
        for q0 in _starts(m, t, y):
            r = least_squares(lambda q, m=m: (_curve(m, q, t) - y) * w, q0, method="lm", max_nfev=2000)
            if best is None or r.cost < best.cost:
                best = r
        assert best is not None
        p = _N_PARAMS[m]
        wrss = max(2 * best.cost, 1e-300)
        aicc[m] = n * math.log(wrss / n) + 2 * p + 2 * p * (p + 1) / (n - p - 1)
        fits[m] = (best.x, best.jac, wrss)
    choice_ = min(aicc, key=aicc.get)
    q, J, wrss = fits[choice_]
    try:
        cov = np.linalg.inv(J.T @ J)
    except np.linalg.LinAlgError:
        cov = np.full((q.size, q.size), np.inf)
    if sd is None:
        cov = cov * wrss / max(n - q.size, 1)
    e = np.exp(q)
    if choice_ == "uptake":
        params = {"A": e[0], "k1_per_h": e[1], "k_uptake_per_h": e[1] + e[2]}
    else:
        params = {}
        for i in range(q.size // 2):
            params[f"A{i + 1}"] = e[2 * i]
            params[f"k{i + 1}_per_h"] = e[2 * i + 1]
    return TimeActivityFit(
        best=choice_,
        parameters=MappingProxyType({k: float(v) for k, v in params.items()}),
        aicc=MappingProxyType(aicc),
        log_parameters=q,
        covariance_log=cov,
        t_last_h=float(t.max()),
        candidates=MappingProxyType({k: v[0] for k, v in fits.items()}),
    )


def single_time_point_tia(
    activity_Bq: float, time_h: float, effective_half_life_h: float | None = None
) -> float:
    """Time-integrated activity (Bq·s) from one measurement A(t).

    Without ``effective_half_life_h``: Hänscheid et al. 2018 (J Nucl Med 59:75-81), Ã ≈ A(t)·2t/ln 2, which
    equals the mono-exponential integral exactly when t = T_eff or t = 2 T_eff (within ~±10 % for t ≈ 0.75–2.5
    T_eff). With it: Ã = A(t)·e^{λt}/λ, λ = ln 2 / T_eff (exact for a mono-exponential).

    Examples
    --------
    >>> exact = single_time_point_tia(50.0, 10.0, effective_half_life_h=10.0)  # measured at t = T_eff
    >>> round(single_time_point_tia(50.0, 10.0) / exact, 12)
    1.0
    """
    a = non_negative("activity_Bq", activity_Bq)
    t = positive("time_h", time_h)
    if effective_half_life_h is None:
        return a * 2.0 * t * 3600.0 / math.log(2.0)
    lam = math.log(2.0) / (positive("effective_half_life_h", effective_half_life_h) * 3600.0)
    return a * math.exp(lam * t * 3600.0) / lam
