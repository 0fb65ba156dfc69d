"""Run the validation cases of ``tests/validation/`` and keep the latest report.

``brainrit validate`` runs pytest in a subprocess with :mod:`brainrit.validation.plugin`, which writes one
record per test (outcome, docstring source and tolerance, captured comparisons) as JSON;
:func:`run_validation` turns it into a :class:`ValidationReport`.

Validation status is tied to the code. :func:`code_fingerprint` is a SHA-256 over the installed package
(every source and data file of ``brainrit``) and the validation test files; every report stores the
fingerprint of the code it ran (``code_sha256``) and is kept under a name derived from it:
``<cache>/validation-<first 16 hex digits>.json``, with ``<cache>`` = ``$BRAINRIT_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/brainrit``, else ``~/.cache/brainrit``. :func:`summary_line` (the run report's
"validation status") reads only the report whose fingerprint equals that of the code now running: a
report made by another checkout, another version or before a source or test file changed is never shown
as this code's result; the status then reads "not validated for this version of the code".
"""

from __future__ import annotations

import datetime as _dt
import hashlib
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
    "code_fingerprint",
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
    code_sha256: str = ""
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
            "code_sha256": self.code_sha256,
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
            code_sha256=str(data.get("code_sha256", "") or ""),
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


_HASHED_SUFFIXES = frozenset({".py", ".toml", ".csv", ".json", ".j2", ".html", ".css", ".txt", ".npz"})


def _hash_tree(h: Any, root: Path, label: str) -> int:
    n = 0
    for f in sorted(root.rglob("*")):
        if not f.is_file() or "__pycache__" in f.parts or f.suffix not in _HASHED_SUFFIXES:
            continue
        h.update(f"{label}/{f.relative_to(root).as_posix()}\0".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
        n += 1
    return n


def code_fingerprint(tests: str | Path | None = None) -> str:
    """SHA-256 of the code a validation result belongs to: the package and its validation tests.

    Hashes the relative path and content of every source and data file of the imported ``brainrit``
    package and of the validation test folder (``tests``, default :func:`find_tests_dir`; an installed
    package without the tests is hashed alone). Any edit to a source, data or validation file changes
    it; rebuilding or moving the checkout does not.

    Parameters
    ----------
    tests : str or Path, optional
        Folder of the validation tests.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> fp = code_fingerprint()
    >>> len(fp), fp == code_fingerprint()
    (64, True)
    """
    import brainrit

    h = hashlib.sha256()
    _hash_tree(h, Path(brainrit.__file__).resolve().parent, "brainrit")
    try:
        tests_dir: Path | None = find_tests_dir(tests)
    except BrainritError:
        tests_dir = None  # an installed package without its tests: the package alone
    if tests_dir is not None:
        _hash_tree(h, tests_dir, "tests")
    return h.hexdigest()


def latest_report_path(fingerprint: str | None = None) -> Path:
    """Where the validation report (JSON) of the code with ``fingerprint`` is kept.

    ``<cache>/validation-<fingerprint[:16]>.json`` with ``<cache>`` = ``$BRAINRIT_CACHE_DIR`` if set,
    else ``$XDG_CACHE_HOME/brainrit``, else ``~/.cache/brainrit``.

    Parameters
    ----------
    fingerprint : str, optional
        :func:`code_fingerprint` of the code (default: the code now running).

    Examples
    --------
    >>> latest_report_path("0123456789abcdef" * 4).name
    'validation-0123456789abcdef.json'
    """
    fp = fingerprint or code_fingerprint()
    name = f"validation-{fp[:16]}.json"
    env = os.environ.get("BRAINRIT_CACHE_DIR")
    if env:
        return Path(env).expanduser() / name
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "brainrit" / name


def load_report(path: str | Path | None = None) -> ValidationReport | None:
    """Read a ``validation.json`` (default: the report of the running code, :func:`latest_report_path`).

    Returns ``None`` if the file is absent or unreadable.

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
    fingerprint = code_fingerprint(tests_dir)  # of the code as it was when the run started
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
        code_sha256=fingerprint,
    )


def summary_line(path: str | Path | None = None, *, tests: str | Path | None = None) -> str:
    """One sentence on the validation status of the code now running, for the run report.

    Cheap: reads the report kept by ``brainrit validate`` for this code's :func:`code_fingerprint`;
    never runs the tests. A report made for other code (another checkout or version, or before a source,
    data or validation file changed) is not this code's result: the sentence then says the code is not
    validated.

    Parameters
    ----------
    path : str or Path, optional
        Report to read instead of the one kept for this code (still checked against the fingerprint).
    tests : str or Path, optional
        Validation test folder that is part of the fingerprint (default: :func:`find_tests_dir`).

    Examples
    --------
    >>> summary_line("/nonexistent/validation.json").startswith("Not validated for this version")
    True
    """
    fp = code_fingerprint(tests)
    p = Path(path) if path is not None else latest_report_path(fp)
    report = load_report(p)
    short = fp[:12]
    if report is None or report.code_sha256 != fp:
        why = (
            f"no `brainrit validate` report exists for it (looked for {p})"
            if report is None
            else (
                f"the report at {p} ({report.created_utc}, brainrit {report.brainrit_version}) was made for "
                f"other code ({(report.code_sha256 or 'no fingerprint')[:12]})"
            )
        )
        return (
            f"Not validated for this version of the code (fingerprint {short} of the package and its "
            f"validation tests): {why}. Run `brainrit validate` from the source checkout to run the "
            "published-reference and exact-identity cases of tests/validation/ for this code."
        )
    n = len(report.cases)
    modules = len(report.by_module())
    text = (
        f"Validated for this code (fingerprint {short}; {report.created_utc}, brainrit "
        f"{report.brainrit_version}): {report.n_passed} of {n} cases passed across {modules} modules"
    )
    if report.n_failed:
        failed = [c.nodeid for c in report.cases if c.outcome in ("failed", "error")]
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        text += f"; {report.n_failed} FAILED ({shown})"
    if report.n_skipped:
        text += f"; {report.n_skipped} skipped"
    return text + "."
