"""Run the validation cases of ``tests/validation/`` and keep the latest report.

``brainrit validate`` runs pytest in a subprocess with :mod:`brainrit.validation.plugin`, which writes one
record per test (outcome, docstring source and tolerance, captured comparisons) as JSON;
:func:`run_validation` turns it into a :class:`ValidationReport`.

Where the latest report is kept (read by :func:`summary_line` and by the docs build):
``$BRAINRIT_CACHE_DIR/validation-latest.json`` if that variable is set, else
``$XDG_CACHE_HOME/brainrit/validation-latest.json``, else ``~/.cache/brainrit/validation-latest.json``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brainrit.errors import BrainritError, InputError

__all__ = [
    "MODULE_ORDER",
    "Case",
    "ValidationReport",
    "find_tests_dir",
    "latest_report_path",
    "load_report",
    "module_of",
    "run_validation",
    "summary_line",
]

#: brainrit modules in data-flow order; a validation file ``test_<prefix>*.py`` belongs to the module
#: whose prefix it starts with (longest prefix wins).
MODULE_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nuclides", ("nuclides", "decay_data", "decay")),
    ("physics", ("physics",)),
    ("kinetics", ("kinetics",)),
    ("dosimetry.cellular", ("cellular",)),
    ("dosimetry.vascular", ("vascular",)),
    ("dosimetry.microdosimetry", ("microdosimetry",)),
    ("dosimetry.voxel", ("voxel", "dvh")),
    ("radiobiology", ("radiobiology",)),
    ("ebrt", ("ebrt",)),
    ("phantoms", ("phantoms",)),
    ("disease", ("disease",)),
    ("scenario", ("scenario",)),
    ("pipeline", ("pipeline",)),
    ("report", ("report",)),
    ("sweep", ("sweep",)),
)

_SOURCE_HINT = (
    "the validation cases ship with the source checkout, not with the installed package: get them with "
    "`git clone` of the brainrit repository (or unpack the source distribution) and run "
    "`brainrit validate --tests <checkout>/tests/validation`"
)


def module_of(path: str | Path) -> str:
    """brainrit module that a validation file belongs to, from its name.

    Parameters
    ----------
    path : str or Path
        Path of a ``test_<module>...py`` file.

    Returns
    -------
    str
        Dotted module name relative to ``brainrit`` (e.g. ``"dosimetry.voxel"``), or the file's stem
        without ``test_`` when no module matches.

    Examples
    --------
    >>> module_of("tests/validation/test_decay_data_chains.py")
    'nuclides'
    >>> module_of("test_vascular_reference.py"), module_of("test_other.py")
    ('dosimetry.vascular', 'other')
    """
    stem = Path(path).stem
    stem = stem[5:] if stem.startswith("test_") else stem
    best, best_len = None, -1
    for module, prefixes in MODULE_ORDER:
        for p in prefixes:
            if stem.startswith(p) and len(p) > best_len:
                best, best_len = module, len(p)
    return best if best is not None else stem


@dataclass(frozen=True)
class Case:
    """One validation case (one pytest test, or one parametrisation of it).

    Attributes
    ----------
    nodeid, module, name : str
        pytest node id, brainrit module (see :func:`module_of`) and test name.
    outcome : str
        ``passed``, ``failed``, ``error`` or ``skipped``.
    summary, source, tolerance : str
        First docstring line, the cited source and the tolerance as written in the test (the module
        docstring's source when the test names none).
    checks : tuple of dict
        Numeric comparisons (quantity, value, reference, difference, tolerance, source, unit, passed).
    message : str
        Failure message, if any.
    duration_s : float
        Run time, s.

    Examples
    --------
    >>> c = Case.from_raw({"nodeid": "tests/validation/test_physics_alpha_reference.py::test_range",
    ...                    "name": "test_range", "outcome": "passed", "module_doc": "ASTAR, ICRU 49"})
    >>> c.module, c.source, c.passed
    ('physics', 'ASTAR, ICRU 49', True)
    """

    nodeid: str
    module: str
    name: str
    outcome: str
    summary: str = ""
    source: str = ""
    tolerance: str = ""
    checks: tuple[dict[str, Any], ...] = ()
    message: str = ""
    duration_s: float = 0.0

    @property
    def passed(self) -> bool:
        """True when the test passed (a skip is not a pass)."""
        return self.outcome == "passed"

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Case:
        """Build from the plugin's (or :meth:`ValidationReport.to_dict`'s) record of one test."""
        source = raw.get("source") or ""
        module_doc = raw.get("module_doc") or ""
        if not source and module_doc:
            source = module_doc
        return cls(
            nodeid=str(raw.get("nodeid", "")),
            module=str(
                raw.get("module") or module_of(raw.get("file") or raw.get("nodeid", "x").split("::")[0])
            ),
            name=str(raw.get("name", "")),
            outcome=str(raw.get("outcome", "error")),
            summary=str(raw.get("summary", "")),
            source=str(source),
            tolerance=str(raw.get("tolerance", "")),
            checks=tuple(dict(c) for c in raw.get("checks", ())),
            message=str(raw.get("message", "")),
            duration_s=float(raw.get("duration_s", 0.0) or 0.0),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "nodeid": self.nodeid,
            "module": self.module,
            "name": self.name,
            "outcome": self.outcome,
            "summary": self.summary,
            "source": self.source,
            "tolerance": self.tolerance,
            "checks": [dict(c) for c in self.checks],
            "message": self.message,
            "duration_s": self.duration_s,
        }


@dataclass(frozen=True)
class ValidationReport:
    """Result of a validation run.

    Examples
    --------
    >>> r = ValidationReport(cases=(Case("t.py::a", "radiobiology", "a", "passed"),
    ...                             Case("t.py::b", "radiobiology", "b", "failed")))
    >>> r.n_passed, r.n_failed, r.ok
    (1, 1, False)
    >>> list(r.by_module())
    ['radiobiology']
    """

    cases: tuple[Case, ...]
    created_utc: str = ""
    brainrit_version: str = ""
    tests_dir: str = ""
    elapsed_s: float = 0.0
    pytest_exit_status: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_passed(self) -> int:
        """Number of passed cases."""
        return sum(c.outcome == "passed" for c in self.cases)

    @property
    def n_failed(self) -> int:
        """Number of failed or erroring cases."""
        return sum(c.outcome in ("failed", "error") for c in self.cases)

    @property
    def n_skipped(self) -> int:
        """Number of skipped cases."""
        return sum(c.outcome == "skipped" for c in self.cases)

    @property
    def ok(self) -> bool:
        """True when at least one case ran and none failed or errored (skips are listed, not failures)."""
        return bool(self.cases) and self.n_failed == 0

    def by_module(self) -> dict[str, list[Case]]:
        """Cases grouped by module, modules in data-flow order then alphabetical."""
        order = {m: i for i, (m, _) in enumerate(MODULE_ORDER)}
        groups: dict[str, list[Case]] = {}
        for c in self.cases:
            groups.setdefault(c.module, []).append(c)
        return dict(sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the format of ``validation.json``)."""
        return {
            "format": "brainrit-validation/1",
            "created_utc": self.created_utc,
            "brainrit_version": self.brainrit_version,
            "tests_dir": self.tests_dir,
            "elapsed_s": self.elapsed_s,
            "pytest_exit_status": self.pytest_exit_status,
            "counts": {
                "cases": len(self.cases),
                "passed": self.n_passed,
                "failed": self.n_failed,
                "skipped": self.n_skipped,
            },
            "cases": [c.to_dict() for c in self.cases],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """Inverse of :meth:`to_dict`."""
        return cls(
            cases=tuple(Case.from_raw(c) for c in data.get("cases", ())),
            created_utc=str(data.get("created_utc", "")),
            brainrit_version=str(data.get("brainrit_version", "")),
            tests_dir=str(data.get("tests_dir", "")),
            elapsed_s=float(data.get("elapsed_s", 0.0) or 0.0),
            pytest_exit_status=int(data.get("pytest_exit_status", 0) or 0),
        )


def find_tests_dir(tests: str | Path | None = None) -> Path:
    """Folder of the validation cases.

    Parameters
    ----------
    tests : str or Path, optional
        Explicit folder; default ``tests/validation`` of the source checkout that brainrit runs from
        (``<checkout>/src/brainrit`` → ``<checkout>/tests/validation``).

    Returns
    -------
    Path
        The folder (absolute).

    Raises
    ------
    InputError
        ``tests`` is given but is not a folder.
    BrainritError
        No folder given and brainrit is not running from a source checkout (installed wheel).

    Examples
    --------
    >>> find_tests_dir().name
    'validation'
    """
    if tests is not None:
        p = Path(tests).expanduser().absolute()
        if not p.is_dir():
            raise InputError(
                "--tests", str(tests), "an existing folder of validation tests", hint=_SOURCE_HINT
            )
        return p
    import brainrit

    root = Path(brainrit.__file__).resolve().parents[2]
    p = root / "tests" / "validation"
    if not p.is_dir():
        raise BrainritError(f"no validation cases found at {p}: {_SOURCE_HINT}")
    return p


def _project_root(tests_dir: Path) -> Path:
    for parent in (tests_dir, *tests_dir.parents):
        if (parent / "pyproject.toml").is_file():
            return parent
    return tests_dir


def latest_report_path() -> Path:
    """Where the latest validation report (JSON) is kept.

    ``$BRAINRIT_CACHE_DIR/validation-latest.json`` if set, else
    ``$XDG_CACHE_HOME/brainrit/validation-latest.json``, else ``~/.cache/brainrit/validation-latest.json``.

    Examples
    --------
    >>> latest_report_path().name
    'validation-latest.json'
    """
    env = os.environ.get("BRAINRIT_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "validation-latest.json"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "brainrit" / "validation-latest.json"


def load_report(path: str | Path | None = None) -> ValidationReport | None:
    """Read a ``validation.json`` (default: :func:`latest_report_path`); ``None`` if absent or unreadable.

    Examples
    --------
    >>> load_report("/nonexistent/validation.json") is None
    True
    """
    p = Path(path) if path is not None else latest_report_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return ValidationReport.from_dict(data)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def run_validation(
    tests: str | Path | None = None,
    *,
    keyword: str | None = None,
    quiet: bool = True,
    timeout_s: float | None = None,
) -> ValidationReport:
    """Run the validation cases with pytest (in a subprocess) and collect them.

    Parameters
    ----------
    tests : str or Path, optional
        Folder of validation tests (default: :func:`find_tests_dir`).
    keyword : str, optional
        pytest ``-k`` expression to run a subset.
    quiet : bool
        Hide pytest's progress output.
    timeout_s : float, optional
        Give up after this many seconds.

    Returns
    -------
    ValidationReport

    Raises
    ------
    BrainritError
        No tests folder, pytest missing, or pytest could not run the cases.

    Examples
    --------
    >>> run_validation("/nonexistent/validation")
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: --tests: must be an existing folder of validation tests, got ...
    """
    from brainrit import __version__

    tests_dir = find_tests_dir(tests)
    try:
        import pytest  # noqa: F401
    except ModuleNotFoundError as exc:  # pragma: no cover - pytest is a dev dependency
        raise BrainritError("brainrit validate needs pytest: pip install 'brainrit[dev]'") from exc
    started = _dt.datetime.now(_dt.UTC)
    with tempfile.TemporaryDirectory(prefix="brainrit-validate-") as tmp:
        raw_path = Path(tmp) / "raw.json"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            str(tests_dir),
            "-p",
            "brainrit.validation.plugin",
            f"--brainrit-validation-json={raw_path}",
            "-p",
            "no:cacheprovider",
            "-q",
            "--no-header",
            "--continue-on-collection-errors",
        ]
        if keyword:
            cmd += ["-k", keyword]
        out = subprocess.DEVNULL if quiet else None
        try:
            proc = subprocess.run(
                cmd, cwd=_project_root(tests_dir), stdout=out, stderr=out, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BrainritError(
                f"validation run exceeded {timeout_s} s; rerun with a longer timeout"
            ) from exc
        if not raw_path.is_file():
            raise BrainritError(
                f"pytest could not run the validation cases in {tests_dir} (exit status {proc.returncode}); "
                f"run `python -m pytest {tests_dir}` to see why"
            )
        raw = json.loads(raw_path.read_text(encoding="utf-8"))
    cases = []
    for rc in raw.get("cases", []):
        rc = dict(rc)
        f = rc.get("file") or ""
        rc["module"] = module_of(f) if f else "collection"
        cases.append(Case.from_raw(rc))
    cases.sort(key=lambda c: c.nodeid)
    return ValidationReport(
        cases=tuple(cases),
        created_utc=started.strftime("%Y-%m-%d %H:%M UTC"),
        brainrit_version=__version__,
        tests_dir=str(tests_dir),
        elapsed_s=float(raw.get("elapsed_s", 0.0)),
        pytest_exit_status=int(raw.get("exit_status", proc.returncode)),
    )


def summary_line(path: str | Path | None = None) -> str:
    """One sentence on the latest validation report, for the report's "validation status" section.

    Cheap: reads the JSON kept by the last ``brainrit validate`` (see :func:`latest_report_path`); never
    runs the tests.

    Parameters
    ----------
    path : str or Path, optional
        Report to read instead of the latest one.

    Examples
    --------
    >>> summary_line("/nonexistent/validation.json").startswith("No validation report")
    True
    """
    from brainrit import __version__

    p = Path(path) if path is not None else latest_report_path()
    report = load_report(p)
    if report is None:
        return (
            f"No validation report found (looked for {p}). Run `brainrit validate` from a source checkout "
            "to run the published-reference and exact-identity cases of tests/validation/ and keep a report."
        )
    n = len(report.cases)
    modules = len(report.by_module())
    text = (
        f"Validation ({report.created_utc}, brainrit {report.brainrit_version}): "
        f"{report.n_passed} of {n} cases passed across {modules} modules"
    )
    if report.n_failed:
        failed = [c.nodeid for c in report.cases if c.outcome in ("failed", "error")]
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        text += f"; {report.n_failed} FAILED ({shown})"
    if report.n_skipped:
        text += f"; {report.n_skipped} skipped"
    text += "."
    if report.brainrit_version and report.brainrit_version != __version__:
        text += (
            f" This report is for brainrit {report.brainrit_version}, not {__version__}: "
            "rerun `brainrit validate`."
        )
    return text
