"""Typed stage results and the context that carries them through the pipeline.

A stage is a plain function ``run(ctx) -> <Stage>Result``: it reads the scenario and the typed results
of earlier stages from the context (``ctx.require(KineticsResult)``, attributes, never string keys) and
returns its own frozen result, never modifying earlier ones. A stage that cannot run (an upstream stage
did not run, the scenario has no arm for it, the stage was not requested) is a :class:`StageOutcome`
with status ``"not run"`` and the reason, which the report and results.json show. Stages return data
only: figures are drawn by :mod:`brainrit.report` from these results.

JSON. Every field of a result is in ``to_json()`` (the ``data`` mapping of results.json) unless it is
declared with :func:`memory_field` (arrays, phantoms, solver objects later stages or the report need).

Examples
--------
>>> from typing import ClassVar
>>> from brainrit.pipeline.core import StageResult, memory_field, stage_result
>>> @stage_result
... class ToyResult(StageResult):
...     key: ClassVar[str] = "toy"
...     title: ClassVar[str] = "Toy stage"
...     dose_Gy: float
...     grid: object = memory_field(default=None)
>>> ToyResult(dose_Gy=2.0, grid=[1, 2]).to_json()
{'dose_Gy': 2.0}
>>> StageOutcome("toy", "Toy stage", "needs the kinetics stage, which did not run").status
'not run'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

import numpy as np

from brainrit.errors import BrainritError
from brainrit.scenario.schema import Scenario

__all__ = [
    "Context",
    "StageNotRun",
    "StageOutcome",
    "StageResult",
    "Table",
    "memory_field",
    "stage_result",
    "to_jsonable",
]

Status = Literal["ok", "not run"]
R = TypeVar("R", bound="StageResult")


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples, dataclasses and non-finite floats (→ None) to JSON values.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.float64(1.5), "b": np.array([1, 2]), "c": float("nan")})
    {'a': 1.5, 'b': [1, 2], 'c': None}
    """
    if isinstance(value, StageResult):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def memory_field(**kwargs: Any) -> Any:
    """A result field kept in memory only (not in ``to_json()``, not compared, not in the repr).

    Examples
    --------
    >>> memory_field(default=None).metadata["json"]
    False
    """
    return field(metadata={"json": False}, repr=False, compare=False, **kwargs)


def _cell(value: Any) -> str:
    import html

    if isinstance(value, float) and not isinstance(value, bool):
        return "–" if not math.isfinite(value) else f"{value:.4g}"
    return html.escape("–" if value is None else str(value))


def _html_table(t: Table) -> str:
    import html

    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>" for r in t.rows)
    return f"<table><caption>{html.escape(t.title)}</caption><tr>{head}</tr>{body}</table>"


def _html_stage(key: str, title: str, status: str, message: str, tables: Any, notes: Any) -> str:
    import html

    parts = [f"<h4>{html.escape(title)} <small>({html.escape(key)}: {html.escape(status)})</small></h4>"]
    if message:
        parts.append(f"<p>{html.escape(message)}</p>")
    parts += [_html_table(t) for t in tables]
    if notes:
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    return "".join(parts)


@dataclass(frozen=True)
class Table:
    """A table for the report and summary: column names (with units) and rows of plain values.

    Examples
    --------
    >>> Table("t", "Doses", ("region", "dose (Gy)"), (("brain", 1.5),)).as_records()
    [{'region': 'brain', 'dose (Gy)': 1.5}]
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str = ""

    def as_records(self) -> list[dict[str, Any]]:
        """Rows as a list of ``{column: value}`` dicts (for JSON)."""
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_dataframe(self) -> Any:
        """The table as a :class:`pandas.DataFrame` (columns with their units; needs pandas).

        Examples
        --------
        >>> t = Table("t", "Doses", ("region", "dose (Gy)"), (("brain", 1.5),))
        >>> t.to_dataframe()["dose (Gy)"].tolist()
        [1.5]
        """
        try:
            import pandas as pd
        except ModuleNotFoundError:  # pragma: no cover - pandas comes with the notebook extra
            raise BrainritError("Table.to_dataframe needs pandas: pip install 'brainrit[notebook]'") from None
        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def _repr_html_(self) -> str:
        """HTML table for Jupyter (values to 4 significant digits)."""
        return _html_table(self)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field, memory_field))
def stage_result(cls: type[R]) -> type[R]:
    """Class decorator of a stage result: a frozen, keyword-only dataclass that keeps the short ``repr``
    of :class:`StageResult` (a plain ``@dataclass`` would generate one printing every curve and table).

    Examples
    --------
    >>> @stage_result
    ... class ToyResult(StageResult):
    ...     key: ClassVar[str] = "toy"
    ...     title: ClassVar[str] = "Toy stage"
    ...     dose_Gy: float
    ...     region: str = "brain"
    >>> ToyResult(dose_Gy=2.5)
    ToyResult(toy: ok; dose_Gy=2.5, region='brain')
    """
    return dataclass(frozen=True, kw_only=True, repr=False)(cls)


@dataclass(frozen=True, kw_only=True, repr=False)
class StageResult:
    """Base of every stage's typed result (status ``"ok"``).

    Subclasses set the class variables ``key`` and ``title`` and declare their own fields (units in the
    names); ``tables`` and ``notes`` go to the report and to results.json beside ``to_json()``.

    Examples
    --------
    >>> from brainrit.pipeline.stage_dosimetry import DosimetryResult
    >>> DosimetryResult.key, DosimetryResult.status
    ('dosimetry', 'ok')
    """

    key: ClassVar[str]
    title: ClassVar[str]
    status: ClassVar[Status] = "ok"
    message: ClassVar[str] = ""

    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        """The stage's tables and notes as HTML, for Jupyter."""
        return _html_stage(self.key, self.title, self.status, "", self.tables, self.notes)

    elapsed_s: float = field(default=0.0, compare=False)

    @classmethod
    def data_keys(cls) -> tuple[str, ...]:
        """The keys ``to_json()`` may hold: the documented layout of the stage's ``data`` in results.json."""
        skip = {"tables", "notes", "elapsed_s"}
        return tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in skip and f.metadata.get("json", True)
        )

    def to_json(self) -> dict[str, Any]:
        """The ``data`` mapping of results.json: every field except tables, notes, timing and
        :func:`memory_field` ones, converted with :func:`to_jsonable`."""
        return {k: to_jsonable(getattr(self, k)) for k in self.data_keys()}

    def __repr__(self) -> str:
        """Key, status and the first six scalar fields (floats to 4 significant digits)."""
        scalars = [
            (k, v)
            for k in self.data_keys()
            if isinstance(v := getattr(self, k), bool | int | float | str | np.generic) or v is None
        ]

        def show(v: Any) -> str:
            return f"{float(v):.4g}" if isinstance(v, float | np.floating) else repr(v)

        shown = ", ".join(f"{k}={show(v)}" for k, v in scalars[:6])
        more = len(self.data_keys()) - min(len(scalars), 6)
        tail = f", … +{more} fields" if more else ""
        return f"{type(self).__name__}({self.key}: {self.status}; {shown}{tail})"


@dataclass(frozen=True)
class StageOutcome:
    """A stage that produced no result: status ``"not run"`` and the reason (shown in the report).

    Examples
    --------
    >>> o = StageOutcome("ebrt", "External-beam arms", "the scenario has no external-beam arm")
    >>> o.status, o.message, o.to_json()
    ('not run', 'the scenario has no external-beam arm', {})
    """

    key: str
    title: str
    reason: str
    elapsed_s: float = field(default=0.0, compare=False, repr=False)
    status: ClassVar[Status] = "not run"
    tables: ClassVar[tuple[Table, ...]] = ()
    notes: ClassVar[tuple[str, ...]] = ()

    @property
    def message(self) -> str:
        """The reason the stage did not run."""
        return self.reason

    def to_json(self) -> dict[str, Any]:
        """No data: an empty mapping."""
        return {}

    def _repr_html_(self) -> str:
        """Title and the reason it did not run, for Jupyter."""
        return _html_stage(self.key, self.title, self.status, self.reason, (), ())


class StageNotRun(BrainritError):
    """Raised by :meth:`Context.require` when an upstream stage did not run; the runner records the
    stage as :class:`StageOutcome` ``"not run"`` with this message.

    Examples
    --------
    >>> str(StageNotRun("needs the kinetics stage, which did not run"))
    'needs the kinetics stage, which did not run'
    """


@dataclass
class Context:
    """The scenario, the seed and the results of the stages run so far (by stage key).

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> from brainrit.pipeline.stage_kinetics import KineticsStageResult
    >>> ctx = Context(builtin_scenario("mouse-vcam1-pb212"), seed=1)
    >>> ctx.get(KineticsStageResult) is None
    True
    """

    scenario: Scenario
    seed: int
    results: dict[str, StageResult | StageOutcome] = field(default_factory=dict)

    def get(self, cls: type[R]) -> R | None:
        """The result of the stage that produces ``cls`` if it ran, else None (caller handles it)."""
        r = self.results.get(cls.key)
        return r if isinstance(r, cls) else None

    def require(self, cls: type[R]) -> R:
        """The result of the stage that produces ``cls``; :class:`StageNotRun` if it did not run."""
        r = self.get(cls)
        if r is None:
            prior = self.results.get(cls.key)
            why = f" ({prior.message})" if isinstance(prior, StageOutcome) and prior.message else ""
            raise StageNotRun(f"needs the {cls.key} stage, which did not run{why}")
        return r
