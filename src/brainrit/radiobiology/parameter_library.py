"""Cited radiobiology parameter library (``brainrit/data/radiobiology_parameters.toml``).

Each named set groups parameters of one model; every parameter carries its value, unit, source and the
reference-file tag (V verified, K literature value to verify, D derived). Overrides (e.g. from a scenario)
replace values and are marked with tag ``"user"``.

Examples
--------
>>> ps = parameters("brain_necrosis_lkb")
>>> ps["td50_Gy"], ps.entries["td50_Gy"].tag
(60.0, 'V')
>>> parameters("brain_necrosis_lkb", td50_Gy=55.0)["td50_Gy"]
55.0
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from brainrit.checks import choice, close_matches
from brainrit.errors import DataError, InputError

__all__ = ["Parameter", "ParameterSet", "list_parameter_sets", "parameters"]

_FILE = "radiobiology_parameters.toml"
TAGS = ("V", "K", "D", "user")


@dataclass(frozen=True)
class Parameter:
    """One cited parameter: ``value`` is a float or a tuple of floats.

    Examples
    --------
    >>> p = parameters("lq_brain_metastasis").entries["alpha_per_Gy"]
    >>> p.value, p.unit, p.tag
    (0.3, '1/Gy', 'K')
    """

    value: float | tuple[float, ...]
    unit: str
    source: str
    tag: str


@dataclass(frozen=True)
class ParameterSet(Mapping[str, Any]):
    """A named, frozen set of cited parameters; ``ps[key]`` and ``ps.key`` give the value.

    Examples
    --------
    >>> ps = parameters("lq_brain_metastasis")
    >>> ps.name, ps["alpha_per_Gy"], ps.alpha_beta_Gy
    ('lq_brain_metastasis', 0.3, 10.0)
    """

    name: str
    description: str
    domain: str
    entries: Mapping[str, Parameter] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.entries[key].value
        except KeyError:
            raise InputError(f"{self.name} parameter", key, "one of " + ", ".join(self.entries)) from None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_") or key in ("name", "description", "domain", "entries"):
            raise AttributeError(key)
        if key in self.entries:
            return self.entries[key].value
        raise AttributeError(f"parameter set {self.name!r} has no parameter {key!r}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}``."""
        return {k: p.value for k, p in self.entries.items()}


def _value(field_name: str, raw: Any) -> float | tuple[float, ...]:
    if isinstance(raw, bool):
        raise InputError(field_name, raw, "a finite number or a list of finite numbers")
    if isinstance(raw, list | tuple):
        return tuple(_value(f"{field_name}[{i}]", x) for i, x in enumerate(raw))  # type: ignore[misc]
    try:
        x = float(raw)
    except (TypeError, ValueError):
        raise InputError(field_name, raw, "a finite number or a list of finite numbers") from None
    if not math.isfinite(x):
        raise InputError(field_name, raw, "a finite number or a list of finite numbers")
    return x


@functools.lru_cache(maxsize=1)
def _library() -> Mapping[str, ParameterSet]:
    path = files("brainrit") / "data" / _FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read packaged {_FILE}: {exc}") from exc
    out: dict[str, ParameterSet] = {}
    for name, body in raw.items():
        entries: dict[str, Parameter] = {}
        for key, p in body.get("params", {}).items():
            missing = {"value", "unit", "source", "tag"} - set(p)
            if missing or p["tag"] not in TAGS[:3]:
                raise DataError(f"{_FILE}: [{name}.params.{key}] needs value, unit, source and tag V/K/D")
            entries[key] = Parameter(_value(key, p["value"]), str(p["unit"]), str(p["source"]), str(p["tag"]))
        out[name] = ParameterSet(
            name=name,
            description=str(body.get("description", "")),
            domain=str(body.get("domain", "")),
            entries=MappingProxyType(entries),
        )
    return MappingProxyType(out)


def list_parameter_sets() -> tuple[str, ...]:
    """Names of the parameter sets in the library.

    Examples
    --------
    >>> "brain_necrosis_lkb" in list_parameter_sets()
    True
    """
    return tuple(_library())


def parameters(name: str, **overrides: Any) -> ParameterSet:
    """The cited parameter set ``name``, optionally with values overridden.

    Parameters
    ----------
    name : str
        Set name (case-insensitive), e.g. ``"brain_necrosis_lkb"``, ``"tcp_webb_nahum_generic"``.
    **overrides
        New values for existing parameters; recorded with source ``"user override"`` and tag ``"user"``.

    Returns
    -------
    ParameterSet

    Examples
    --------
    >>> parameters("tcp_webb_nahum_generic").as_dict()
    {'alpha_mean_per_Gy': 0.35, 'alpha_sd_per_Gy': 0.08, 'clonogen_density_per_cm3': 10000000.0}
    >>> parameters("brain_necrosis_lkbx")
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: name: must be one of ...
    """
    lib = _library()
    if not isinstance(name, str):
        raise InputError("name", name, "a parameter-set name (str)")
    key = choice("name", name, lib) if name not in lib else name
    base = lib[key]
    if not overrides:
        return base
    entries = dict(base.entries)
    for k, v in overrides.items():
        if k not in entries:
            near = close_matches(k, entries)
            raise InputError(
                f"{key} override",
                k,
                "one of " + ", ".join(entries),
                ("did you mean " + " or ".join(repr(m) for m in near) + "?") if near else None,
            )
        old = entries[k]
        note = f"user override (library: {old.value} from {old.source})"
        entries[k] = Parameter(_value(k, v), old.unit, note, "user")
    return ParameterSet(base.name, base.description, base.domain, MappingProxyType(entries))
