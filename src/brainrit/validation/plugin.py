"""pytest plugin that records validation cases for ``brainrit validate``.

Loaded by ``brainrit validate`` with ``-p brainrit.validation.plugin``; it changes nothing in an ordinary
``pytest`` run unless ``--brainrit-validation-json PATH`` is given. For every test it records:

* the outcome (passed / failed / error / skipped) and the duration;
* the test docstring: its first line (the quantity checked) and any ``Source:`` / ``Tolerance:`` text,
  with the module docstring as the source when the test names none;
* every ``numpy.testing.assert_allclose`` call (its worst element) and every scalar ``pytest.approx``
  comparison made by the test (brainrit's value, the reference, the
  difference and the tolerance, with the source line of the assertion as the quantity); container
  comparisons (arrays, lists, dicts) are summarised by their worst element;
* every explicit :func:`record_validation` call.

The convention for test authors, without rewriting a test: write the source and the tolerance in the
docstring (``Source: Author Year, Journal, Table N. Tolerance: 1 %.``) and compare with ``pytest.approx``.
To name a quantity and its reference explicitly, request the fixture::

    pytest_plugins = ["brainrit.validation.plugin"]  # at the top of the test module

    def test_eqd2(record_validation):
        value = eqd2(30.0, 10, 10.0)
        record_validation("EQD2 of 30 Gy/10 fx (α/β 10)", value, 32.5, tolerance=5e-3,
                          source="Joiner & van der Kogel 2018, §8.1", unit="Gy")
        assert abs(value - 32.5) <= 5e-3

``record_validation`` returns whether the value is within the tolerance (absolute, or relative when
``relative=True``) and never fails the test by itself: the test's own assertions decide.

Examples
--------
>>> from brainrit.validation.plugin import parse_docstring
>>> d = parse_docstring("EQD2 of 30 Gy/10 fx.\\n\\nSource: Joiner 2018, Table 1. Tolerance: 0.5 %.")
>>> d["summary"], d["source"], d["tolerance"]
('EQD2 of 30 Gy/10 fx.', 'Joiner 2018, Table 1.', '0.5 %.')
"""

from __future__ import annotations

import inspect
import json
import linecache
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

__all__ = ["make_check", "parse_docstring", "record_validation"]

_KEY = "brainrit_validation"
_MAX_CHECKS = 40
_OPTION = "--brainrit-validation-json"

_SOURCE_RE = re.compile(
    r"\b(?:Sources?|References?):\s*(.+?)(?=\n\s*\n|\bTolerances?:|\Z)", re.DOTALL | re.IGNORECASE
)
_TOL_RE = re.compile(r"\bTolerances?:\s*(.+?)(?=\n\s*\n|\bSources?:|\Z)", re.DOTALL | re.IGNORECASE)
_TOL_SHORT_RE = re.compile(r"\btol(?:erance)?s?\b\.?\s*([^;\n]+)", re.IGNORECASE)


def _squash(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_docstring(doc: str | None) -> dict[str, str]:
    """Summary (first paragraph), source and tolerance written in a test docstring.

    Parameters
    ----------
    doc : str or None
        The docstring (``None`` gives empty strings).

    Returns
    -------
    dict
        ``summary``, ``source`` and ``tolerance`` (empty when not written). The source is the text after
        ``Source:`` (or ``Reference:``) up to a blank line or ``Tolerance:``; the tolerance the text after
        ``Tolerance:``, else the rest of the first line after ``tol``/``tolerance``.

    Examples
    --------
    >>> parse_docstring("§8.2: 20 Gy/5 fx → BED 28.00; tol 5e-3 (2 decimals printed).")["tolerance"]
    '5e-3 (2 decimals printed).'
    >>> parse_docstring(None)
    {'summary': '', 'source': '', 'tolerance': ''}
    """
    if not doc:
        return {"summary": "", "source": "", "tolerance": ""}
    doc = inspect.cleandoc(doc)
    summary = " ".join(doc.strip().split("\n\n", 1)[0].split())  # the first paragraph, on one line
    m = _SOURCE_RE.search(doc)
    source = _squash(m.group(1)) if m else ""
    m = _TOL_RE.search(doc)
    if m:
        tolerance = _squash(m.group(1))
    else:
        m = _TOL_SHORT_RE.search(summary)
        tolerance = _squash(m.group(1)) if m else ""
    return {"summary": _squash(summary, 300), "source": source, "tolerance": tolerance}


def _num(x: Any) -> float | str | None:
    """A JSON-safe number (or a short text for anything else)."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return _squash(repr(x), 80)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return f


def make_check(
    quantity: str,
    value: Any,
    reference: Any,
    tolerance: Any = None,
    *,
    source: str = "",
    unit: str = "",
    relative: bool = False,
    origin: str = "record",
) -> dict[str, Any]:
    """One validation check as a JSON-ready dict (what :func:`record_validation` stores).

    Parameters
    ----------
    quantity : str
        What is compared, e.g. ``"CSDA range of 5.3 MeV α in water"``.
    value, reference : float
        brainrit's value and the reference value (same unit).
    tolerance : float, optional
        Allowed ``|value - reference|`` (absolute), or allowed ``|value/reference - 1|`` with
        ``relative=True``; ``None`` when the check has no numeric tolerance.
    source : str
        Citation of the reference (author, year, journal, table).
    unit : str
        Unit of value and reference.
    relative : bool
        Whether ``tolerance`` is relative.
    origin : str
        ``"record"`` (explicit call) or ``"approx"`` (captured ``pytest.approx`` comparison).

    Returns
    -------
    dict
        ``quantity, value, reference, difference, relative_difference, tolerance, relative, source,
        unit, passed, origin``.

    Examples
    --------
    >>> c = make_check("EQD2", 32.5, 32.5, 5e-3, unit="Gy")
    >>> c["difference"], c["passed"]
    (0.0, True)
    >>> make_check("range", 40.5, 40.0, 0.01, relative=True)["passed"]
    False
    """
    v, r = _num(value), _num(reference)
    diff = rel = None
    passed = None
    if isinstance(v, float) and isinstance(r, float):
        diff = v - r
        rel = diff / r if r != 0 else None
        if tolerance is not None:
            tol = float(tolerance)
            err = abs(rel) if relative and rel is not None else abs(diff)
            passed = bool(err <= tol)
    return {
        "quantity": _squash(str(quantity), 300),
        "value": v,
        "reference": r,
        "difference": diff,
        "relative_difference": rel,
        "tolerance": _num(tolerance),
        "relative": bool(relative),
        "source": _squash(str(source), 400),
        "unit": str(unit),
        "passed": passed,
        "origin": origin,
    }


@pytest.fixture
def record_validation(request: pytest.FixtureRequest):
    """Fixture: ``record_validation(quantity, value, reference, tolerance=None, *, source="", unit="",
    relative=False) -> bool`` stores one check for the validation report and returns whether it is within
    tolerance (the test's own assertions still decide pass or fail)."""

    def _record(
        quantity: str,
        value: Any,
        reference: Any,
        tolerance: Any = None,
        *,
        source: str = "",
        unit: str = "",
        relative: bool = False,
    ) -> bool:
        check = make_check(quantity, value, reference, tolerance, source=source, unit=unit, relative=relative)
        request.node.user_properties.append((_KEY, check))
        return bool(check["passed"]) if check["passed"] is not None else True

    return _record


# ----------------------------------------------------------------------------------------------------------
# capture of pytest.approx comparisons (only while brainrit validate runs)
# ----------------------------------------------------------------------------------------------------------
class _Capture:
    item: Any = None
    depth = 0
    inner: list[dict[str, Any]] | None = None
    originals: dict[str, Any] | None = None


def _assert_line(item: Any) -> str:
    path = str(getattr(item, "path", ""))
    frame = sys._getframe(2)
    fallback = ""
    while frame is not None:
        fname = frame.f_code.co_filename
        if fname == path:
            return linecache.getline(fname, frame.f_lineno).strip()
        if not fallback and "_pytest" not in fname and "pluggy" not in fname and fname != __file__:
            fallback = linecache.getline(fname, frame.f_lineno).strip()
        frame = frame.f_back
    return fallback


def _scalar_check(approx: Any, actual: Any, ok: bool, quantity: str) -> dict[str, Any]:
    try:
        tol = float(approx.tolerance)
    except Exception:
        tol = None
    check = make_check(quantity, actual, approx.expected, tol, origin="approx")
    check["passed"] = bool(ok)
    return check


def _approx_classes() -> tuple[type, type]:
    """(scalar class, base class) of pytest.approx objects, whatever the pytest version."""
    scalar_cls = type(pytest.approx(1.0))
    base_cls = next(c for c in scalar_cls.__mro__[1:] if "__eq__" in vars(c))
    return scalar_cls, base_cls


def _install_capture() -> None:
    scalar_cls, base_cls = _approx_classes()
    scalar_eq = scalar_cls.__eq__
    base_eq = base_cls.__eq__
    _Capture.originals = {"scalar": scalar_eq, "base": base_eq}

    def _store(check: dict[str, Any]) -> None:
        item = _Capture.item
        if item is None:
            return
        props = item.user_properties
        n = sum(1 for k, _ in props if k == _KEY)
        if n < _MAX_CHECKS:
            props.append((_KEY, check))
        elif n == _MAX_CHECKS:
            props.append((_KEY, {"quantity": f"(more than {_MAX_CHECKS} comparisons: rest not listed)"}))

    def scalar(self: Any, actual: Any) -> bool:
        ok = scalar_eq(self, actual)
        if _Capture.item is not None:
            try:
                if _Capture.depth > 0:
                    if _Capture.inner is not None:
                        _Capture.inner.append(_scalar_check(self, actual, ok, ""))
                else:
                    _store(_scalar_check(self, actual, ok, _assert_line(_Capture.item)))
            except Exception:  # recording must never change a test's result
                pass
        return ok

    def base(self: Any, actual: Any) -> bool:
        if _Capture.item is None or _Capture.depth > 0:
            return base_eq(self, actual)
        _Capture.depth += 1
        _Capture.inner = []
        try:
            ok = base_eq(self, actual)
        finally:
            _Capture.depth -= 1
            inner, _Capture.inner = _Capture.inner, None
        try:
            _store(_worst(inner or [], ok, _assert_line(_Capture.item)))
        except Exception:
            pass
        return ok

    scalar_cls.__eq__ = scalar  # type: ignore[method-assign]
    base_cls.__eq__ = base  # type: ignore[method-assign]

    import numpy.testing

    allclose_orig = numpy.testing.assert_allclose
    _Capture.originals["allclose"] = allclose_orig

    def allclose(actual: Any, desired: Any, rtol: float = 1e-7, atol: float = 0.0, *args: Any, **kw: Any):
        ok = False
        try:
            allclose_orig(actual, desired, rtol, atol, *args, **kw)
            ok = True
        finally:
            if _Capture.item is not None and _Capture.depth == 0:
                try:
                    _store(_allclose_check(actual, desired, rtol, atol, ok, _assert_line(_Capture.item)))
                except Exception:
                    pass

    numpy.testing.assert_allclose = allclose


def _worst(inner: list[dict[str, Any]], ok: bool, quantity: str) -> dict[str, Any]:
    def badness(c: dict[str, Any]) -> float:
        d, t = c.get("difference"), c.get("tolerance")
        if not isinstance(d, float):
            return math.inf if c.get("passed") is False else -1.0
        if isinstance(t, float) and t > 0:
            return abs(d) / t
        return abs(d)

    if not inner:
        check = make_check(quantity, None, None, origin="approx")
        check["passed"] = bool(ok)
        return check
    worst = max(inner, key=badness)
    check = dict(worst)
    check["quantity"] = _squash(f"{quantity} [worst of {len(inner)} elements]", 300)
    check["passed"] = bool(ok)
    return check


def _allclose_check(
    actual: Any, desired: Any, rtol: float, atol: float, ok: bool, line: str
) -> dict[str, Any]:
    """The worst element of a ``numpy.testing.assert_allclose`` comparison as one check."""
    import numpy as np

    a, d = np.broadcast_arrays(np.asarray(actual, dtype=float), np.asarray(desired, dtype=float))
    a, d = a.ravel(), d.ravel()
    tol = float(atol) + float(rtol) * np.abs(d)
    diff = np.abs(a - d)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(tol > 0, diff / np.where(tol > 0, tol, 1.0), np.where(diff > 0, np.inf, 0.0))
    score = np.nan_to_num(score, nan=np.inf)
    w = int(np.argmax(score)) if score.size else 0
    quantity = f"{line} [worst of {a.size} elements]" if a.size > 1 else line
    if not a.size:
        check = make_check(quantity, None, None, origin="allclose")
    else:
        check = make_check(quantity, a[w], d[w], tol[w], origin="allclose")
    check["passed"] = bool(ok)
    return check


def _uninstall_capture() -> None:
    if _Capture.originals is None:
        return
    scalar_cls, base_cls = _approx_classes()
    scalar_cls.__eq__ = _Capture.originals["scalar"]  # type: ignore[method-assign]
    base_cls.__eq__ = _Capture.originals["base"]  # type: ignore[method-assign]
    if "allclose" in _Capture.originals:
        import numpy.testing

        numpy.testing.assert_allclose = _Capture.originals["allclose"]
    _Capture.originals = None


# ----------------------------------------------------------------------------------------------------------
# hooks
# ----------------------------------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--brainrit-validation-json PATH``."""
    parser.addoption(
        _OPTION,
        dest="brainrit_validation_json",
        default=None,
        help="brainrit validate: write the validation cases of this run as JSON to PATH.",
    )


def _json_path(config: pytest.Config) -> str | None:
    try:
        return config.getoption("brainrit_validation_json")
    except (ValueError, AttributeError):
        return None


class _Collector:
    """Gathers one record per test (and per collection error) and writes them as JSON at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cases: dict[str, dict[str, Any]] = {}
        self.started = time.time()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        _Capture.item = item
        try:
            yield
        finally:
            _Capture.item = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        case = self.cases.get(item.nodeid)
        if case is None:
            case = self._new_case(item)
            self.cases[item.nodeid] = case
        if report.when == "call" or report.outcome != "passed":
            case["duration_s"] = case.get("duration_s", 0.0) + float(report.duration)
            if report.outcome == "failed":
                case["outcome"] = "failed" if report.when == "call" else "error"
                case["message"] = _squash(_crash_message(report), 600)
            elif report.outcome == "skipped" and case["outcome"] != "failed":
                case["outcome"] = "skipped"
                case["message"] = _squash(_crash_message(report), 300)
            elif report.when == "call" and case["outcome"] == "pending":
                case["outcome"] = "passed"
        if report.when == "teardown":
            case["checks"] = [v for k, v in item.user_properties if k == _KEY]
            if case["outcome"] == "pending":
                case["outcome"] = "error"

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.cases[report.nodeid or "<collection>"] = {
                "nodeid": report.nodeid,
                "file": str(report.fspath),
                "name": "collection",
                "outcome": "error",
                "message": _squash(_crash_message(report), 600),
                "summary": "the test file could not be collected (import error or syntax error)",
                "source": "",
                "tolerance": "",
                "module_doc": "",
                "checks": [],
                "duration_s": 0.0,
            }

    def _new_case(self, item: pytest.Item) -> dict[str, Any]:
        fn = getattr(item, "obj", None)
        doc = parse_docstring(getattr(fn, "__doc__", None))
        mod = getattr(item, "module", None)
        mod_doc = inspect.cleandoc(getattr(mod, "__doc__", None) or "")
        mod_parsed = parse_docstring(mod_doc)
        return {
            "nodeid": item.nodeid,
            "file": str(item.path),
            "name": item.name,
            "outcome": "pending",
            "message": "",
            "summary": doc["summary"],
            "source": doc["source"],
            "tolerance": doc["tolerance"],
            "module_doc": mod_parsed["source"] or _squash(mod_doc.split("\n\n")[0], 400),
            "checks": [],
            "duration_s": 0.0,
        }

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        data = {
            "format": "brainrit-validation-raw/1",
            "exit_status": int(exitstatus),
            "elapsed_s": time.time() - self.started,
            "rootdir": str(session.config.rootpath),
            "cases": list(self.cases.values()),
        }
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        from brainrit.fileio import atomic_write_text

        atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False))


def _crash_message(report: Any) -> str:
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    if isinstance(getattr(report, "longrepr", None), tuple):
        return str(report.longrepr[2])
    return str(getattr(report, "longreprtext", "") or "")


def pytest_configure(config: pytest.Config) -> None:
    """Register the collector and the ``pytest.approx`` capture when a JSON path is given."""
    path = _json_path(config)
    if path and not config.pluginmanager.has_plugin("brainrit-validation-collector"):
        config.pluginmanager.register(_Collector(path), "brainrit-validation-collector")
        _install_capture()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Restore ``pytest.approx``."""
    _uninstall_capture()
