"""The ``[sweep]`` section of a scenario file and the ``PATH=DIST`` distribution syntax.

A sweep varies named scenario fields (``radiobiology.rbe_alpha``, ``arms[1].dose_Gy``,
``kinetics.parameters.k_on``) over distributions and runs the pipeline once per sample
(:mod:`brainrit.sweep`). This module only parses and checks the text; sampling lives in
:mod:`brainrit.sweep.design`, and whether a path exists is checked there against the scenario.

Distribution syntax (numbers may use ``e`` notation)::

    uniform(low, high)                   low < high
    loguniform(low, high)                0 < low < high
    normal(mean, sd)                     sd > 0
    lognormal(median, sigma)             median > 0, sigma > 0 (SD of ln X)
    truncnormal(mean, sd, low, high)     normal restricted to [low, high]
    trunclognormal(median, sigma, low, high)
    grid(v1, v2, ...)                    discrete values (full factorial in a grid design)

``normal(mean, sd, low, high)`` and ``lognormal(median, sigma, low, high)`` are accepted as the
truncated forms.

In TOML, dotted paths must be quoted::

    [sweep]
    design = "lhs"
    samples = 200
    [sweep.vary]
    "radiobiology.rbe_alpha" = "uniform(3, 7)"
    "radiopharmaceutical.daughter_release_fraction" = "truncnormal(0.36, 0.03, 0, 1)"

Examples
--------
>>> from brainrit.scenario.sweep_schema import parse_distribution, SweepSection
>>> parse_distribution("normal(0.36, 0.03)")
DistributionSpec(kind='normal', params=(0.36, 0.03), low=None, high=None, values=())
>>> parse_distribution("normal(0.36, 0)")
Traceback (most recent call last):
...
ValueError: normal(0.36, 0): sd must be > 0, got 0
>>> SweepSection.model_validate({"vary": {"radiobiology.rbe_alpha": "uniform(3,7)"}}).design
'lhs'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

__all__ = ["DESIGNS", "DISTRIBUTIONS", "DistributionSpec", "SweepSection", "parse_distribution", "parse_vary"]

DESIGNS = ("random", "lhs", "sobol", "grid", "oat")
DISTRIBUTIONS = ("uniform", "loguniform", "normal", "lognormal", "truncnormal", "trunclognormal", "grid")
_SYNTAX = (
    "uniform(low, high), loguniform(low, high), normal(mean, sd), lognormal(median, sigma), "
    "truncnormal(mean, sd, low, high), trunclognormal(median, sigma, low, high) or grid(v1, v2, ...)"
)
_CALL = re.compile(r"^\s*([A-Za-z_]+)\s*\((.*)\)\s*$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_\-+]*(\[\d+\])?)*$")


@dataclass(frozen=True)
class DistributionSpec:
    """A parsed distribution: its kind, its parameters, optional bounds (truncated kinds), grid values.

    ``kind`` is one of ``uniform``, ``loguniform``, ``normal``, ``lognormal``, ``truncnormal``,
    ``trunclognormal``, ``grid``. ``params`` are (low, high), (mean, sd) or (median, sigma).
    """

    kind: str
    params: tuple[float, ...]
    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] = ()

    def __str__(self) -> str:
        if self.kind == "grid":
            args = self.values
        elif self.low is not None:
            args = (*self.params, self.low, self.high)
        else:
            args = self.params
        return f"{self.kind}({', '.join(f'{a:g}' for a in args)})"


def parse_distribution(text: str) -> DistributionSpec:
    """Parse a distribution such as ``uniform(3, 7)`` (see the module docstring for the syntax).

    Parameters
    ----------
    text : str
        The distribution text.

    Returns
    -------
    DistributionSpec

    Raises
    ------
    ValueError
        Bad syntax, unknown kind, wrong number of arguments or an impossible parameter
        (sd ≤ 0, low ≥ high, median ≤ 0); the message quotes the text and says what is allowed.

    Examples
    --------
    >>> parse_distribution("lognormal(1e5, 0.5)").params
    (100000.0, 0.5)
    >>> parse_distribution("grid(20, 30, 40)").values
    (20.0, 30.0, 40.0)
    >>> parse_distribution("uniform(7, 3)")
    Traceback (most recent call last):
    ...
    ValueError: uniform(7, 3): low must be < high, got low=7, high=3
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r}: must be a string like 'uniform(3, 7)'")
    m = _CALL.match(text)
    if m is None:
        raise ValueError(f"{text!r}: not a distribution; allowed: {_SYNTAX}")
    kind = m.group(1).lower()
    raw = [a.strip() for a in m.group(2).split(",")] if m.group(2).strip() else []
    if kind not in DISTRIBUTIONS:
        import difflib

        near = difflib.get_close_matches(kind, DISTRIBUTIONS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(f"{text}: unknown distribution {kind!r}{hint}; allowed: {_SYNTAX}")
    args: list[float] = []
    for a in raw:
        try:
            x = float(a)
        except ValueError:
            raise ValueError(f"{text}: argument {a!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"{text}: argument {a!r} must be finite")
        args.append(x)
    text = text.strip()
    if kind == "grid":
        if not args:
            raise ValueError(f"{text}: grid needs at least one value")
        if len(set(args)) != len(args):
            raise ValueError(f"{text}: grid values must be distinct")
        return DistributionSpec("grid", (), values=tuple(args))
    if kind in ("normal", "lognormal") and len(args) == 4:
        kind = "trunc" + kind
    want = 4 if kind.startswith("trunc") else 2
    if len(args) != want:
        names = {
            "uniform": "(low, high)",
            "loguniform": "(low, high)",
            "normal": "(mean, sd)",
            "lognormal": "(median, sigma)",
            "truncnormal": "(mean, sd, low, high)",
            "trunclognormal": "(median, sigma, low, high)",
        }[kind]
        raise ValueError(f"{text}: {kind} takes {want} numbers {names}, got {len(args)}")
    if kind in ("uniform", "loguniform"):
        low, high = args
        if not low < high:
            raise ValueError(f"{text}: low must be < high, got low={low:g}, high={high:g}")
        if kind == "loguniform" and low <= 0:
            raise ValueError(f"{text}: low must be > 0 for loguniform, got {low:g}")
        return DistributionSpec(kind, (low, high))
    centre, spread = args[0], args[1]
    base = kind.removeprefix("trunc")
    what = "sd" if base == "normal" else "sigma"
    if spread <= 0:
        raise ValueError(f"{text}: {what} must be > 0, got {spread:g}")
    if base == "lognormal" and centre <= 0:
        raise ValueError(f"{text}: median must be > 0, got {centre:g}")
    if kind.startswith("trunc"):
        low, high = args[2], args[3]
        if not low < high:
            raise ValueError(f"{text}: low must be < high, got low={low:g}, high={high:g}")
        if base == "lognormal" and high <= 0:
            raise ValueError(f"{text}: high must be > 0 for a lognormal, got {high:g}")
        return DistributionSpec(kind, (centre, spread), low=low, high=high)
    return DistributionSpec(kind, (centre, spread))


def parse_vary(item: str) -> tuple[str, DistributionSpec]:
    """Split and parse ``PATH=DIST`` (the ``--vary`` option).

    Examples
    --------
    >>> path, dist = parse_vary("arms[1].dose_Gy=grid(20,30,40)")
    >>> path, dist.values
    ('arms[1].dose_Gy', (20.0, 30.0, 40.0))
    """
    if not isinstance(item, str) or "=" not in item:
        raise ValueError(f"{item!r}: must be PATH=DIST, e.g. radiobiology.rbe_alpha=uniform(3,7)")
    path, _, dist = item.partition("=")
    return check_path_syntax(path.strip()), parse_distribution(dist)


def check_path_syntax(path: str) -> str:
    """Return ``path`` if it looks like ``section.field`` or ``arms[1].dose_Gy``; raise ValueError."""
    if not _PATH.match(path) or "." not in path:
        raise ValueError(f"{path!r}: not a field path; write section.field or list[index].field")
    return path


class SweepSection(BaseModel):
    """Parameter sweep, uncertainty or virtual-population settings (``brainrit sweep``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    vary: dict[str, str] = Field(
        default_factory=dict,
        description='Fields to vary: PATH = DIST, e.g. "radiobiology.rbe_alpha" = "uniform(3, 7)".',
    )
    design: Literal["random", "lhs", "sobol", "grid", "oat"] = Field(
        "lhs",
        description="random (Monte Carlo), lhs (Latin hypercube; McKay 1979), sobol (Saltelli 2010 "
        "A/B/AB design, N(d+2) runs), grid (full factorial), oat (one at a time).",
    )
    samples: Annotated[int, Strict()] = Field(
        64,
        ge=1,
        le=10_000_000,
        description="Samples (random, lhs); base samples N (sobol: N(d+2) runs); levels per "
        "non-grid parameter (grid, oat).",
    )
    seed: Annotated[int, Strict()] | None = Field(
        None, ge=0, le=2**63 - 1, description="Base seed of the sweep (default: study.seed)."
    )
    chunk_size: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=100_000, description="Samples per Dask task (default: chosen from the sample count)."
    )
    stages: list[str] | None = Field(
        None, description="Pipeline stages to run per sample (default: every stage the outcomes need)."
    )
    outcomes: list[str] | None = Field(
        None,
        description="Outcome columns stage.path (e.g. rit_outcomes.p_plus; a prefix selects every "
        "scalar below it); default: the brainrit.sweep default list.",
    )
    workers: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=1024, description="Local Dask workers (default: CPU count)."
    )
    scheduler: str | None = Field(
        None, description="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: local)."
    )

    @field_validator("vary")
    @classmethod
    def _check_vary(cls, v: dict[str, str]) -> dict[str, str]:
        for path, dist in v.items():
            check_path_syntax(path)
            parse_distribution(dist)
        return v
