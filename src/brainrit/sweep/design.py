"""Sweep designs: which parameter values each sample gets, and the scenario each sample runs.

A :class:`Parameter` is a scenario field path (``radiobiology.rbe_alpha``, ``arms[1].dose_Gy``,
``kinetics.parameters.k_on``) with a distribution (:func:`brainrit.scenario.sweep_schema.parse_distribution`).
:func:`make_plan` turns parameters into a :class:`SweepPlan`: a matrix of values (one row per sample)
and, for each row, the index its seed derives from.

Designs
-------
``random``
    Independent Monte Carlo draws (numpy PCG64).
``lhs``
    Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21:239; ``scipy.stats.qmc``).
``sobol``
    Saltelli's A/B/AB_i design for variance-based indices (Saltelli et al. 2010, Comput Phys Commun
    181:259): A and B are the two halves of an ``N × 2d`` scrambled Sobol' sequence; AB_i is A with
    column i taken from B. Rows are laid out as blocks ``[A, B, AB_1, …, AB_d]``, ``N(d + 2)`` runs.
    Row j of every block uses seed index j (common random numbers, so stochastic noise does not
    masquerade as sensitivity). N should be a power of 2 for Sobol' balance.
``grid``
    Full factorial: ``grid(...)`` parameters take their values; the others take ``samples`` levels at
    the quantiles ``(k + 0.5) / samples``.
``oat``
    One at a time: row 0 is the baseline (each parameter at the scenario's value, or at its median if
    the scenario leaves it unset); then each parameter alone takes ``samples`` levels at quantiles
    evenly spaced in [0.05, 0.95] (its values for ``grid(...)``), the others staying at the baseline.

Seeds: sample i runs with the seed of ``SeedSequence(base_seed, spawn_key=(1, i))`` (the i-th child of
the second child of ``SeedSequence(base_seed)``); the design itself draws from the first child. Both
depend only on ``base_seed`` and the index, never on worker count or completion order.

Examples
--------
>>> from brainrit.scenario import builtin_scenario
>>> from brainrit.sweep.design import make_plan, parse_parameters
>>> sc = builtin_scenario("mouse-vcam1-pb212")
>>> params = parse_parameters(sc, ["radiobiology.rbe_alpha=uniform(3,7)", "arms[1].dose_Gy=grid(10,15)"])
>>> plan = make_plan(params, "lhs", 8, base_seed=1)
>>> plan.values.shape, bool(((plan.values[:, 0] >= 3) & (plan.values[:, 0] <= 7)).all())
((8, 2), True)
>>> float(plan.scenario_for(sc, 0).radiobiology.rbe_alpha) == float(plan.values[0, 0])
True
>>> parse_parameters(sc, ["radiobiology.rbe_alfa=uniform(3,7)"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
brainrit.errors.InputError: --vary radiobiology.rbe_alfa: ... (did you mean 'radiobiology.rbe_alpha' or ...?)
"""

from __future__ import annotations

import math
import re
import types
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ValidationError

from brainrit.checks import close_matches
from brainrit.errors import InputError
from brainrit.scenario.schema import Scenario
from brainrit.scenario.sweep_schema import DESIGNS, DistributionSpec, parse_distribution, parse_vary

__all__ = [
    "Parameter",
    "SweepPlan",
    "apply_values",
    "make_plan",
    "numeric_paths",
    "parse_parameters",
    "ppf",
    "resolve_path",
    "sample_seed",
]

MAX_RUNS = 10_000_000
_TOKEN = re.compile(r"^([^\[\]]+)(?:\[(\d+)\])?$")


@dataclass(frozen=True)
class Parameter:
    """A varied scenario field.

    Attributes
    ----------
    path : str
        Field path, e.g. ``radiobiology.rbe_alpha``.
    dist : DistributionSpec
        Its distribution.
    integer : bool
        The field holds an integer: sampled values are rounded to the nearest integer.
    nominal : float or None
        The scenario's own value (None if unset).
    """

    path: str
    dist: DistributionSpec
    integer: bool = False
    nominal: float | None = None

    @property
    def baseline(self) -> float:
        """The scenario's value, or the distribution's median if unset."""
        if self.nominal is not None:
            return float(self.nominal)
        return float(self.transform(np.array([0.5]))[0])

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Map uniform numbers in (0, 1) to values of this parameter (rounded if integer)."""
        x = ppf(self.dist, u)
        return np.rint(x) if self.integer else x


def ppf(dist: DistributionSpec, u: np.ndarray) -> np.ndarray:
    """Quantile function (inverse CDF) of ``dist`` at probabilities ``u``.

    ``u`` is clipped to [1e-12, 1 − 1e-12] so that a draw of exactly 0 gives a finite value.
    Truncated forms use ``scipy.stats.truncnorm`` (stable in the tails).

    Examples
    --------
    >>> import numpy as np
    >>> from brainrit.scenario.sweep_schema import parse_distribution
    >>> ppf(parse_distribution("uniform(3, 7)"), np.array([0.25, 0.5, 0.75])).tolist()
    [4.0, 5.0, 6.0]
    >>> round(float(ppf(parse_distribution("normal(10, 2)"), np.array([0.975]))[0]), 3)
    13.92
    >>> ppf(parse_distribution("grid(20, 30, 40)"), np.array([0.1, 0.5, 0.99])).tolist()
    [20.0, 30.0, 40.0]
    """
    from scipy.special import ndtri

    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1.0 - 1e-12)
    kind = dist.kind
    if kind == "grid":
        vals = np.asarray(dist.values, dtype=float)
        k = np.minimum((u * len(vals)).astype(int), len(vals) - 1)
        return vals[k]
    if kind == "uniform":
        lo, hi = dist.params
        return lo + u * (hi - lo)
    if kind == "loguniform":
        lo, hi = dist.params
        return np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    if kind == "normal":
        m, sd = dist.params
        return m + sd * ndtri(u)
    if kind == "lognormal":
        med, s = dist.params
        return med * np.exp(s * ndtri(u))
    from scipy.stats import truncnorm

    c, s = dist.params
    if kind == "truncnormal":
        a, b = (dist.low - c) / s, (dist.high - c) / s
        return np.clip(truncnorm.ppf(u, a, b, loc=c, scale=s), dist.low, dist.high)
    # trunclognormal: a truncated normal in ln x
    mu = math.log(c)
    a = -np.inf if dist.low <= 0 else (math.log(dist.low) - mu) / s
    b = (math.log(dist.high) - mu) / s
    return np.clip(np.exp(truncnorm.ppf(u, a, b, loc=mu, scale=s)), max(dist.low, 0.0), dist.high)


def _tokens(path: str) -> list[tuple[str, int | None]]:
    out = []
    for part in path.split("."):
        m = _TOKEN.match(part)
        if m is None:
            raise InputError(f"--vary {path}", path, "a field path like section.field or arms[1].dose_Gy")
        out.append((m.group(1), int(m.group(2)) if m.group(2) is not None else None))
    return out


def _number_kind(annotation: Any) -> str | None:
    """'int', 'float' or None for a field annotation (Optional and Annotated unwrapped)."""
    if getattr(annotation, "__metadata__", None) is not None:  # Annotated[float, ...]
        return _number_kind(get_args(annotation)[0])
    if annotation is bool:
        return None
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = {_number_kind(a) for a in get_args(annotation) if a is not type(None)}
        if kinds == {"int"}:
            return "int"
        if kinds and kinds <= {"int", "float"}:
            return "float"
    return None


def numeric_paths(scenario: Scenario) -> list[str]:
    """Every numeric field path of ``scenario`` (what ``--vary`` accepts), ``sweep`` excluded.

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> "arms[1].dose_Gy" in numeric_paths(builtin_scenario("mouse-vcam1-pb212"))
    True
    """
    out: list[str] = []

    def walk(obj: BaseModel, prefix: str) -> None:
        for name, info in type(obj).model_fields.items():
            if name == "sweep" and not prefix:
                continue
            value = getattr(obj, name)
            here = f"{prefix}{name}"
            if isinstance(value, BaseModel):
                walk(value, here + ".")
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        walk(item, f"{here}[{i}].")
            elif isinstance(value, dict):
                out.extend(f"{here}.{k}" for k, v in value.items() if isinstance(v, int | float))
            elif _number_kind(info.annotation) is not None:
                out.append(here)

    walk(scenario, "")
    return out


def resolve_path(scenario: Scenario, path: str) -> tuple[bool, float | None]:
    """Check that ``path`` names a numeric field of ``scenario``.

    Returns
    -------
    (integer, nominal) : (bool, float or None)
        Whether the field holds integers, and its current value (None if unset).

    Raises
    ------
    InputError
        Unknown section or field (with a did-you-mean over every numeric path), list index out of range,
        or a field that is not a number.
    """
    field_name = f"--vary {path}"

    def unknown() -> InputError:
        near = close_matches(path, numeric_paths(scenario))
        hint = ("did you mean " + " or ".join(repr(n) for n in near) + "?") if near else None
        return InputError(field_name, path, "a numeric field of the scenario", hint)

    obj: Any = scenario
    info = None
    tokens = _tokens(path)
    for pos, (name, idx) in enumerate(tokens):
        if isinstance(obj, dict):  # free-form parameter table, e.g. kinetics.parameters
            if idx is not None or pos != len(tokens) - 1:
                raise unknown()
            value = obj.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise InputError(field_name, value, "a numeric entry")
            return False, None if value is None else float(value)
        if not isinstance(obj, BaseModel) or (pos == 0 and name == "sweep"):
            raise unknown()
        fields = type(obj).model_fields
        if name not in fields:
            raise unknown()
        info = fields[name]
        obj = getattr(obj, name)
        if idx is not None:
            if not isinstance(obj, list):
                raise InputError(field_name, path, f"an index only on a list field ({name} is not a list)")
            if idx >= len(obj):
                raise InputError(
                    field_name, idx, f"an index < {len(obj)} ({name} has {len(obj)} entries in this scenario)"
                )
            obj = obj[idx]
            info = None
    if isinstance(obj, dict):
        raise InputError(field_name, path, "a numeric field; name an entry of this table (path.key)")
    if isinstance(obj, BaseModel) or info is None:
        raise InputError(field_name, path, "a numeric field, not a section", _near_hint(scenario, path))
    kind = _number_kind(info.annotation)
    if kind is None:
        raise InputError(field_name, obj, "a numeric field (this field is not a number)")
    return kind == "int", None if obj is None else float(obj)


def _near_hint(scenario: Scenario, path: str) -> str | None:
    below = [p for p in numeric_paths(scenario) if p.startswith(path + ".") or p.startswith(path + "[")]
    return ("for example " + ", ".join(repr(p) for p in below[:3])) if below else None


def parse_parameters(scenario: Scenario, vary: Iterable[str] | Mapping[str, str]) -> tuple[Parameter, ...]:
    """Parse ``PATH=DIST`` strings (or a ``{path: dist}`` mapping) and check each path against ``scenario``.

    Raises
    ------
    InputError
        Bad syntax, invalid distribution, unknown or non-numeric path, or a path given twice.
    """
    items: list[tuple[str, DistributionSpec]] = []
    pairs = vary.items() if isinstance(vary, Mapping) else [(None, v) for v in vary]
    for path, text in pairs:
        try:
            if path is None:
                p, d = parse_vary(text)
            else:
                from brainrit.scenario.sweep_schema import check_path_syntax

                p, d = check_path_syntax(path), parse_distribution(text)
        except ValueError as exc:
            shown = text if path is None else f"{path}={text}"
            raise InputError("--vary", shown, "PATH=DIST with a valid distribution", str(exc)) from None
        items.append((p, d))
    if not items:
        raise InputError("--vary", [], "at least one PATH=DIST, e.g. radiobiology.rbe_alpha=uniform(3,7)")
    seen: set[str] = set()
    out = []
    for p, d in items:
        if p in seen:
            raise InputError("--vary", p, "each path at most once")
        seen.add(p)
        integer, nominal = resolve_path(scenario, p)
        out.append(Parameter(p, d, integer, nominal))
    return tuple(out)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    tokens = _tokens(path)
    for name, idx in tokens[:-1]:
        node = node[name] if idx is None else node[name][idx]
    name, idx = tokens[-1]
    if idx is None:
        node[name] = value
    else:
        node[name][idx] = value


def apply_values(scenario: Scenario, params: Iterable[Parameter], values: Iterable[float]) -> Scenario:
    """A new, re-validated scenario with ``values`` set at the parameters' paths.

    Raises
    ------
    pydantic.ValidationError
        A value the schema does not allow (e.g. a negative dose drawn from a wide normal).
    """
    data = scenario.model_dump()
    for p, v in zip(params, values, strict=True):
        _set_path(data, p.path, int(v) if p.integer else float(v))
    return Scenario.model_validate(data)


def sample_seed(base_seed: int, index: int) -> int:
    """Seed of sample ``index``: from ``SeedSequence(base_seed, spawn_key=(1, index))``, 63 bits.

    Examples
    --------
    >>> sample_seed(7, 3) == sample_seed(7, 3) != sample_seed(7, 4)
    True
    """
    ss = np.random.SeedSequence(int(base_seed), spawn_key=(1, int(index)))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True)
class SweepPlan:
    """The values of every sample.

    Attributes
    ----------
    parameters : tuple of Parameter
    design : str
        ``random``, ``lhs``, ``sobol``, ``grid`` or ``oat``.
    samples : int
        The requested ``samples`` (see the module docstring for its meaning per design).
    base_seed : int
    values : ndarray, shape (n_runs, n_parameters)
    seed_index : ndarray of int, shape (n_runs,)
        Index the sample's seed derives from (the row itself, except the Sobol' blocks: row within block).
    """

    parameters: tuple[Parameter, ...]
    design: str
    samples: int
    base_seed: int
    values: np.ndarray = field(repr=False)
    seed_index: np.ndarray = field(repr=False)

    @property
    def n_runs(self) -> int:
        """Number of pipeline runs."""
        return int(self.values.shape[0])

    @property
    def paths(self) -> tuple[str, ...]:
        """Parameter paths in column order."""
        return tuple(p.path for p in self.parameters)

    def seed(self, row: int) -> int:
        """Seed of run ``row``."""
        return sample_seed(self.base_seed, int(self.seed_index[row]))

    def scenario_for(self, scenario: Scenario, row: int) -> Scenario:
        """The validated scenario of run ``row``."""
        return apply_values(scenario, self.parameters, self.values[row])

    def describe(self) -> dict[str, Any]:
        """JSON-able description (for the manifest and summary.json)."""
        return {
            "design": self.design,
            "samples": self.samples,
            "n_runs": self.n_runs,
            "base_seed": self.base_seed,
            "parameters": [
                {"path": p.path, "distribution": str(p.dist), "integer": p.integer, "nominal": p.nominal}
                for p in self.parameters
            ],
        }


def make_plan(parameters: Iterable[Parameter], design: str, samples: int, *, base_seed: int) -> SweepPlan:
    """Build the design matrix (see the module docstring).

    Parameters
    ----------
    parameters : iterable of Parameter
    design : {'random', 'lhs', 'sobol', 'grid', 'oat'}
    samples : int
        Samples (random, lhs), base samples N (sobol), levels per non-grid parameter (grid, oat; ≥ 2 for oat).
    base_seed : int
        Seed of the design and of every sample's seed.

    Raises
    ------
    InputError
        Unknown design, samples < 1, oat with samples < 2, or more than 10⁷ runs.
    """
    from brainrit.checks import choice

    params = tuple(parameters)
    design = choice("--design", design, DESIGNS)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise InputError("--samples", samples, "an integer >= 1")
    samples = int(samples)
    if isinstance(base_seed, bool) or not isinstance(base_seed, int | np.integer) or base_seed < 0:
        raise InputError("seed", base_seed, "an integer >= 0")
    d = len(params)
    if d == 0:
        raise InputError("--vary", [], "at least one parameter")
    rng = np.random.default_rng(np.random.SeedSequence(int(base_seed), spawn_key=(0,)))
    if design in ("random", "lhs"):
        _check_runs(samples)
        if design == "random":
            u = rng.random((samples, d))
        else:
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d, rng=rng).random(samples)
        values = _columns(params, u)
        seed_index = np.arange(samples)
    elif design == "sobol":
        _check_runs(samples * (d + 2))
        from scipy.stats import qmc

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance warning when N is not a power of 2
            u = qmc.Sobol(2 * d, scramble=True, rng=rng).random(samples)
        a, b = u[:, :d], u[:, d:]
        blocks = [a, b]
        for i in range(d):
            ab = a.copy()
            ab[:, i] = b[:, i]
            blocks.append(ab)
        values = _columns(params, np.vstack(blocks))
        seed_index = np.tile(np.arange(samples), d + 2)
    elif design == "grid":
        _check_runs(math.prod(len(p.dist.values) if p.dist.kind == "grid" else samples for p in params))
        levels = [_levels(p, (np.arange(samples) + 0.5) / samples) for p in params]
        n = math.prod(len(v) for v in levels)
        mesh = np.meshgrid(*levels, indexing="ij")
        values = np.column_stack([m.ravel() for m in mesh])
        seed_index = np.arange(n)
    else:  # oat
        if samples < 2:
            raise InputError(
                "--samples", samples, "an integer >= 2 for the oat design (levels per parameter)"
            )
        _check_runs(1 + sum(len(p.dist.values) if p.dist.kind == "grid" else samples for p in params))
        q = np.linspace(0.05, 0.95, samples)
        base = np.array([p.baseline for p in params])
        rows = [base]
        for i, p in enumerate(params):
            for v in _levels(p, q):
                r = base.copy()
                r[i] = v
                rows.append(r)
        _check_runs(len(rows))
        values = np.vstack(rows)
        seed_index = np.arange(len(rows))
    return SweepPlan(params, design, samples, int(base_seed), values, np.asarray(seed_index, dtype=np.int64))


def oat_blocks(dists: Iterable[DistributionSpec], samples: int) -> list[tuple[int, int]]:
    """For an ``oat`` plan: (first row, end row) of each parameter's levels (row 0 is the baseline)."""
    out, start = [], 1
    for dist in dists:
        n = len(dist.values) if dist.kind == "grid" else samples
        out.append((start, start + n))
        start += n
    return out


def _levels(p: Parameter, q: np.ndarray) -> np.ndarray:
    if p.dist.kind == "grid":
        vals = np.asarray(p.dist.values, dtype=float)
        return np.rint(vals) if p.integer else vals
    return p.transform(q)


def _columns(params: tuple[Parameter, ...], u: np.ndarray) -> np.ndarray:
    return np.column_stack([p.transform(u[:, i]) for i, p in enumerate(params)])


def _check_runs(n: int) -> None:
    """Refuse a design of more than :data:`MAX_RUNS` runs before anything is allocated."""
    if n > MAX_RUNS:
        raise InputError(
            "--samples",
            f"{n:.3g} runs",
            f"a design of at most {MAX_RUNS:,} runs",
            "lower --samples or use fewer grid levels",
        )


def validation_message(exc: ValidationError) -> str:
    """One line for a per-sample schema violation: ``radiobiology.rbe_alpha: Input should be > 0``."""
    err = exc.errors(include_url=False)[0]
    loc = ""
    for part in err["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else ("." if loc else "") + str(part)
    return f"{loc or 'scenario'}: {err['msg']} (got {err.get('input')!r})"
