"""Read a scenario file (TOML) into a validated :class:`~brainrit.scenario.schema.Scenario`.

Every problem becomes one line that names the place in the file — ``arms[1].dose_Gy: must be > 0,
got -3 (line 42)`` — with a did-you-mean for unknown keys. All problems of a file are reported at once
in one :class:`~brainrit.errors.ScenarioError` (one line each, no arrays, no tracebacks), including
the resource limits of :mod:`brainrit.scenario.limits` (what a request would cost in memory), which
are checked before anything is allocated.

Examples
--------
>>> from brainrit.scenario.loader import loads
>>> text = '''
... [study]
... name = "demo"
... species = "mouse"
... [administration]
... activity_MBq = -3
... '''
>>> loads(text)
Traceback (most recent call last):
...
brainrit.errors.ScenarioError: administration.activity_MBq: must be > 0, got -3 (line 6)
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from brainrit.checks import close_matches
from brainrit.errors import ScenarioError
from brainrit.scenario.limits import resource_problems
from brainrit.scenario.schema import Scenario

__all__ = ["MAX_SCENARIO_BYTES", "load", "loads"]

#: Largest scenario file read, bytes (scenario files are a few kB).
MAX_SCENARIO_BYTES = 1_000_000
#: A kinetic-parameter override may be at most this multiple of the reference value: beyond it no
#: physiology applies and the stiff ODE solver fails.
MAX_PARAMETER_FACTOR = 1000.0


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or pathlib.Path
        TOML file. Relative paths inside it (``kinetics.biodistribution_csv``) are resolved
        against the file's folder.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        Missing, unreadable or non-UTF-8 file, malformed TOML, unknown key, wrong type or value,
        a request over a resource limit, or a kinetic model the run would reject (unknown target
        or parameter): all problems at once, one line each.
    """
    p = Path(path)
    try:
        if not p.is_file():
            raise ScenarioError(f"scenario: file not found: {str(p)!r}")
        size = p.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"scenario: {str(p)!r} is {size} bytes; a scenario file must be at most "
                f"{MAX_SCENARIO_BYTES} bytes"
            )
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"scenario: {str(p)!r} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ScenarioError(f"scenario: cannot read {str(p)!r}: {exc.strerror or exc}") from None
    scenario = loads(text, source=str(p))
    problems = _preflight(scenario, text)
    if problems:
        raise ScenarioError(_join(str(p), problems))
    csv = scenario.kinetics.biodistribution_csv
    if csv is not None:
        csv_path = Path(csv) if Path(csv).is_absolute() else (p.parent / csv)
        if not csv_path.is_file():
            where = _line_suffix(text, ["kinetics", "biodistribution_csv"])
            raise ScenarioError(f"kinetics.biodistribution_csv: file not found: {str(csv_path)!r}{where}")
        _check_csv(csv_path, text)
        kin = scenario.kinetics.model_copy(update={"biodistribution_csv": str(csv_path.resolve())})
        scenario = scenario.model_copy(update={"kinetics": kin})
    if scenario.images is not None:  # image paths relative to the scenario file
        scenario = scenario.model_copy(update={"images": scenario.images.resolved(p.parent)})
    return scenario


def loads(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML text (see :func:`load`); every problem of the text in one error."""
    if len(text) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{source}: scenario text must be at most {MAX_SCENARIO_BYTES} characters")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: malformed TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: malformed TOML: arrays or tables nested too deeply") from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_join(source, _all_errors(exc, data, text))) from None
    except RecursionError:
        raise ScenarioError(f"{source}: values nested too deeply") from None
    problems = _check_nuclide(scenario, text)
    problems += [f"{msg}{_line_suffix(text, loc)}" for loc, msg in resource_problems(scenario)]
    if problems:
        raise ScenarioError(_join(source, problems))
    return scenario


def _preflight(scenario: Scenario, text: str) -> list[str]:
    """Build the scenario's kinetic model (cached data, as the run will) and name its errors by field.

    Catches, when the file is read, what the kinetics stage would reject seconds into a run: an
    unknown target or kinetic parameter, a parameter value out of range, a chain without data.
    """
    from brainrit.errors import BrainritError, InputError
    from brainrit.kinetics import default_model

    rp = scenario.radiopharmaceutical
    mass = scenario.administration.body_mass_kg
    overrides = scenario.kinetics.parameters
    try:
        reference = default_model(
            scenario.study.species,
            nuclide=rp.nuclide,
            target=rp.target,
            release_fraction=rp.daughter_release_fraction,
            body_mass_g=mass * 1000.0 if mass else None,
        )
        reference.with_overrides(**overrides)
    except InputError as exc:
        field, loc = _scenario_field(exc, scenario)
        detail = str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
        return [f"{field}: {detail}{_line_suffix(text, loc)}"]
    except BrainritError as exc:
        return [f"radiopharmaceutical.nuclide: {exc}{_line_suffix(text, ['radiopharmaceutical', 'nuclide'])}"]
    problems = []
    for key, value in overrides.items():
        ref = reference.params[key.replace("__", ".")]
        if ref > 0 and value > MAX_PARAMETER_FACTOR * ref:
            problems.append(
                f"kinetics.parameters.{key}: must be <= {MAX_PARAMETER_FACTOR:g} x the reference value "
                f"{ref:.4g}, got {value:g}{_line_suffix(text, ['kinetics', 'parameters', key])}"
            )
    return problems


def _check_csv(csv_path: Path, text: str) -> None:
    """Read the biodistribution CSV now, so that its problems name the scenario field and the file."""
    from brainrit.errors import BrainritError
    from brainrit.kinetics.fitting import read_biodistribution_csv

    try:
        read_biodistribution_csv(csv_path)
    except BrainritError as exc:
        where = _line_suffix(text, ["kinetics", "biodistribution_csv"])
        raise ScenarioError(f"kinetics.biodistribution_csv: {str(csv_path)!r}: {exc}{where}") from None


def _scenario_field(exc: Any, scenario: Scenario) -> tuple[str, list[Any]]:
    """The scenario field behind a kinetics :class:`~brainrit.errors.InputError`."""
    field = str(exc.field)
    if field == "override":
        key = str(exc.value)
        return f"kinetics.parameters.{key}", ["kinetics", "parameters", key]
    if field in scenario.kinetics.parameters:
        return f"kinetics.parameters.{field}", ["kinetics", "parameters", field]
    if field in ("target", "nuclide"):
        return f"radiopharmaceutical.{field}", ["radiopharmaceutical", field]
    if field == "release_fraction":
        return "radiopharmaceutical.daughter_release_fraction", ["radiopharmaceutical"]
    if field == "body_mass_g":
        return "administration.body_mass_kg", ["administration", "body_mass_kg"]
    return f"kinetics ({field})", ["kinetics"]


def _join(source: str, problems: list[str]) -> str:
    """One problem: its line; several: a count, then one line each."""
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems in {source}:\n" + "\n".join(f"  {p}" for p in problems)


def _check_nuclide(scenario: Scenario, text: str) -> list[str]:
    """Resolve the nuclide name early so a typo is reported against the file, not deep in a stage."""
    from brainrit.errors import BrainritError
    from brainrit.nuclides import parse_name

    try:
        parse_name(scenario.radiopharmaceutical.nuclide)
    except BrainritError as exc:
        loc = ["radiopharmaceutical", "nuclide"]
        return [f"radiopharmaceutical.{exc}{_line_suffix(text, loc)}"]
    return []


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "scenario"


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # Discriminated unions add the tag ("wbrt") to the location; validators add nothing useful.
    arm_tags = {"wbrt", "ha-wbrt", "srs", "fsrs", "wbrt+srs", "rit"}
    return tuple(p for p in loc if not (isinstance(p, str) and p in arm_tags))


def _model_at(loc: tuple[Any, ...], data: Any) -> type[BaseModel] | None:
    """The pydantic model class that owns the last key of ``loc`` (for did-you-mean)."""
    from brainrit.scenario import schema

    model: Any = Scenario
    node: Any = data
    for part in loc[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else {}
            continue
        field = model.model_fields.get(part) if model else None
        node = node.get(part, {}) if isinstance(node, dict) else {}
        if field is None:
            return None
        ann = field.annotation
        if part == "arms":  # a discriminated union: resolved from the arm's type below
            model = None
            continue
        model = _unwrap_model(ann)
        if part == "lesions":
            model = schema.LesionSection
    if model is None and len(loc) >= 2 and loc[0] == "arms" and isinstance(loc[1], int):
        arm = data.get("arms", [])
        tag = arm[loc[1]].get("type") if loc[1] < len(arm) and isinstance(arm[loc[1]], dict) else None
        model = {
            "wbrt": schema.WBRTArm,
            "ha-wbrt": schema.HAWBRTArm,
            "srs": schema.SRSArm,
            "fsrs": schema.FSRSArm,
            "wbrt+srs": schema.WBRTSRSArm,
            "rit": schema.RITArm,
        }.get(tag)
    return model


def _unwrap_model(ann: Any) -> type[BaseModel] | None:
    """The model class of an annotation, looking inside ``Model | None``."""
    import typing

    candidates = typing.get_args(ann) or (ann,)
    for c in candidates:
        if isinstance(c, type) and issubclass(c, BaseModel):
            return c
    return None


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, cut to ``limit`` characters (no multi-line arrays in messages)."""
    text = ("true" if value else "false") if isinstance(value, bool) else " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _all_errors(exc: ValidationError, data: dict, text: str) -> list[str]:
    """One line per pydantic error, in file order, without duplicates."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        line = _format_error(err, data, text)
        if line not in lines:
            lines.append(line)
    return lines


def _format_error(err: Any, data: dict, text: str) -> str:
    loc = _clean_loc(tuple(err["loc"]))
    where = _format_loc(loc)
    kind = err["type"]
    value = err.get("input")
    line = _line_suffix(text, [p for p in loc if isinstance(p, str | int)])
    if kind == "extra_forbidden":
        model = _model_at(loc, data)
        hint = ""
        if model is not None:
            near = close_matches(str(loc[-1]), model.model_fields)
            if near:
                hint = " (did you mean " + " or ".join(repr(n) for n in near) + "?)"
            allowed = ", ".join(sorted(model.model_fields))
            return f"{where}: unknown key{hint}; allowed keys: {allowed}{line}"
        return f"{where}: unknown key{line}"
    if kind == "missing":
        return f"{where}: required field is missing{line}"
    if kind == "union_tag_invalid":
        tag = value.get("type") if isinstance(value, dict) else value
        allowed = "'wbrt', 'ha-wbrt', 'srs', 'fsrs', 'wbrt+srs', 'rit'"
        return f"{where}.type: must be one of {allowed}, got {tag!r}{line}"
    if kind == "union_tag_not_found":
        return (
            f"{where}.type: required field is missing (one of wbrt, ha-wbrt, srs, fsrs, wbrt+srs, rit){line}"
        )
    msg = err["msg"]
    msg = re.sub(r"^Value error, ", "", msg)
    if kind.startswith(("greater_than", "less_than")):
        msg = "must be " + msg.removeprefix("Input should be ")
        for words, sym in (
            ("greater than or equal to", ">="),
            ("less than or equal to", "<="),
            ("greater than", ">"),
            ("less than", "<"),
        ):
            msg = msg.replace(words, sym)
        return f"{where}: {msg}, got {_short(value)}{line}"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "literal_error":
        msg = "must be " + msg.removeprefix("Input should be ")
        if kind == "float_type":
            msg = "must be a number (a TOML integer or float, not a string or boolean)"
        elif kind == "int_type":
            msg = "must be a whole number (a TOML integer, not a float, string or boolean)"
        elif kind == "bool_type":
            msg = "must be true or false"
        return f"{where}: {msg}, got {_short(value)}{line}"
    if kind == "finite_number":
        return f"{where}: must be a finite number, got {_short(value)}{line}"
    if kind in ("too_long", "too_short", "string_too_long", "string_too_short"):
        for words in (
            "List should have",
            "String should have",
            "Dictionary should have",
            "Value should have",
        ):
            msg = msg.replace(words, "must have")
        return f"{where}: {msg}{line}"
    return f"{where}: {msg}{line}"


def _line_suffix(text: str, loc: list[Any]) -> str:
    n = _find_line(text, loc)
    return f" (line {n})" if n else ""


def _find_line(text: str, loc: list[Any]) -> int | None:
    """Best-effort line number of ``loc`` in TOML text (tables, arrays of tables, keys)."""
    lines = text.splitlines()
    start, stop = 0, len(lines)
    i = 0
    found: int | None = None
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(nxt, int):  # array of tables: [[part]] number nxt
            hdr = re.compile(rf"^\s*\[\[\s*{re.escape(str(part))}\s*\]\]")
            hits = [k for k in range(start, stop) if hdr.match(lines[k])]
            if not hits:  # an inline array: `part = [...]`
                key = re.compile(rf"^\s*{re.escape(str(part))}\s*=")
                hit = next((k for k in range(start, stop) if key.match(lines[k])), None)
                return hit + 1 if hit is not None else found
            if nxt >= len(hits):
                return found
            start = hits[nxt]
            stop = next(
                (k for k in range(start + 1, len(lines)) if lines[k].lstrip().startswith("[")), len(lines)
            )
            found = start + 1
            i += 2
            continue
        hdr = re.compile(rf"^\s*\[\s*{re.escape(str(part))}\s*\]")
        table = next((k for k in range(start, stop) if hdr.match(lines[k])), None)
        if table is not None and i < len(loc) - 1:
            start = table
            stop = next(
                (k for k in range(start + 1, len(lines)) if lines[k].lstrip().startswith("[")), len(lines)
            )
            found = table + 1
            i += 1
            continue
        key = re.compile(rf"^\s*{re.escape(str(part))}\s*=")
        hit = next((k for k in range(start, stop) if key.match(lines[k])), None)
        if hit is not None:
            return hit + 1
        if table is not None:
            return table + 1
        return found
    return found
