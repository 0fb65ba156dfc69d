"""Read a scenario file (TOML) into a validated :class:`~brainrit.scenario.schema.Scenario`.

Every problem becomes one :class:`~brainrit.errors.ScenarioError` line that names the place in the
file — ``arms[1].dose_Gy: must be > 0, got -3 (line 42)`` — with a did-you-mean for unknown keys.

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
from brainrit.scenario.schema import Scenario

__all__ = ["load", "loads"]


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
        Missing or unreadable file, malformed TOML, unknown key, wrong type or value.
    """
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"scenario: file not found: {str(p)!r}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"scenario: cannot read {str(p)!r}: {exc}") from None
    scenario = loads(text, source=str(p))
    csv = scenario.kinetics.biodistribution_csv
    if csv is not None:
        csv_path = Path(csv) if Path(csv).is_absolute() else (p.parent / csv)
        if not csv_path.is_file():
            where = _line_suffix(text, ["kinetics", "biodistribution_csv"])
            raise ScenarioError(f"kinetics.biodistribution_csv: file not found: {str(csv_path)!r}{where}")
        kin = scenario.kinetics.model_copy(update={"biodistribution_csv": str(csv_path.resolve())})
        scenario = scenario.model_copy(update={"kinetics": kin})
    if scenario.images is not None:  # image paths relative to the scenario file
        scenario = scenario.model_copy(update={"images": scenario.images.resolved(p.parent)})
    return scenario


def loads(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML text (see :func:`load`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: malformed TOML: {exc}") from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_first_error(exc, data, text)) from None
    _check_nuclide(scenario, text)
    return scenario


def _check_nuclide(scenario: Scenario, text: str) -> None:
    """Resolve the nuclide name early so a typo is reported against the file, not deep in a stage."""
    try:
        from brainrit.nuclides import parse_name
    except ModuleNotFoundError:  # pragma: no cover - nuclides always ships
        return
    from brainrit.errors import BrainritError

    try:
        parse_name(scenario.radiopharmaceutical.nuclide)
    except BrainritError as exc:
        loc = ["radiopharmaceutical", "nuclide"]
        raise ScenarioError(f"radiopharmaceutical.{exc}{_line_suffix(text, loc)}") from None


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


def _first_error(exc: ValidationError, data: dict, text: str) -> str:
    err = exc.errors(include_url=False)[0]
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
        return f"{where}: {msg}, got {value!r}{line}"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "literal_error":
        msg = "must be " + msg.removeprefix("Input should be ")
        return f"{where}: {msg}, got {value!r}{line}"
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
