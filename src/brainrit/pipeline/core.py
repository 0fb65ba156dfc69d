"""Stage results and the context that carries them through the pipeline.

A stage is a plain function ``stage(ctx) -> StageResult``: it reads the scenario and earlier stages'
results from the context and returns its own, never modifying earlier ones. A stage whose capability
has not landed in this version returns :func:`not_available` — shown as such in the report, never faked.

Examples
--------
>>> from brainrit.pipeline.core import StageResult, not_available
>>> not_available("disease", "Disease course").status
'not available'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from brainrit.scenario.schema import Scenario

__all__ = ["Context", "Figure", "StageResult", "Table", "not_available"]

Status = Literal["ok", "not available", "failed"]


@dataclass(frozen=True)
class Figure:
    """A rendered figure: title, caption and PNG bytes (embedded base64 in the report)."""

    key: str
    title: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class Table:
    """A table for the report and summary: column names (with units) and rows of plain values."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str = ""

    def as_records(self) -> list[dict[str, Any]]:
        """Rows as a list of ``{column: value}`` dicts (for JSON)."""
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@dataclass(frozen=True)
class StageResult:
    """What one stage produced.

    ``data`` holds JSON-serialisable values (floats, strings, lists, dicts) that go to results.json;
    ``objects`` holds in-memory values later stages need (arrays, dataclasses) and is not serialised.
    """

    key: str
    title: str
    status: Status = "ok"
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()
    objects: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    elapsed_s: float = 0.0


def not_available(key: str, title: str, why: str = "not available in this version") -> StageResult:
    """The result of a stage whose capability has not landed yet."""
    return StageResult(key=key, title=title, status="not available", message=why)


@dataclass
class Context:
    """The scenario, the seed, whether to draw figures, and the results of the stages run so far.

    Stages must skip figure rendering when ``figures`` is False (sweeps run thousands of samples).
    """

    scenario: Scenario
    seed: int
    figures: bool = True
    results: dict[str, StageResult] = field(default_factory=dict)

    def get(self, key: str) -> StageResult | None:
        """The result of an earlier stage if it ran and succeeded, else None."""
        r = self.results.get(key)
        return r if r is not None and r.status == "ok" else None
