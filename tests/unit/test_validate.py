"""brainrit validate: the plugin, the report and the command, end to end on a tiny temporary tests folder."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import brainrit
from brainrit.cli import main
from brainrit.errors import BrainritError, InputError
from brainrit.validation import (
    Case,
    ValidationReport,
    code_fingerprint,
    find_tests_dir,
    latest_report_path,
    load_report,
    module_of,
    render_markdown,
    summary_line,
    write_report,
)
from brainrit.validation.plugin import make_check, parse_docstring
from brainrit.validation.render import check_rows

PASSING = {
    "test_radiobiology_mini.py": '''
        """Mini radiobiology cases. Source: Joiner & van der Kogel 2018, Basic Clinical Radiobiology."""
        import pytest

        def bed(d, n, ab):
            return d * (1 + d / n / ab)

        def test_bed_wbrt():
            """BED of 30 Gy/10 fx at α/β 10 is 39 Gy; tol 5e-3."""
            assert bed(30.0, 10, 10.0) == pytest.approx(39.0, abs=5e-3)

        @pytest.mark.parametrize("ab", [2.0, 10.0])
        def test_bed_array(ab):
            """Array comparison. Tolerance: 1e-9 relative."""
            import numpy as np
            assert np.array([bed(30.0, 10, ab)] * 3) == pytest.approx([30 * (1 + 3 / ab)] * 3, rel=1e-9)
            np.testing.assert_allclose([bed(30.0, 10, ab), 1.0], [30 * (1 + 3 / ab), 1.0], rtol=1e-6)
    ''',
    "test_physics_mini.py": '''
        pytest_plugins = ["brainrit.validation.plugin"]

        def test_range(record_validation):
            """CSDA range of a 5 MeV alpha in water."""
            ok = record_validation("CSDA range, 5 MeV α", 36.2, 36.0, 0.01, relative=True,
                                   source="ICRU Report 49 (1993), ASTAR", unit="µm")
            assert ok
    ''',
}

FAILING = {
    "test_voxel_mini.py": '''
        import pytest

        def test_wrong():
            """A wrong value. Source: nowhere. Tolerance: exact."""
            assert 1.0 == pytest.approx(2.0)
    ''',
    "test_kinetics_broken.py": "import not_a_module_anywhere_xyz\n",
    "test_ebrt_setup.py": '''
        import pytest

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture broke")

        def test_needs_fixture(broken):
            """Setup error."""

        def test_skipped():
            """Skipped. Source: none."""
            pytest.skip("not applicable here")
    ''',
}


def _write(tmp: Path, files: dict[str, str]) -> Path:
    d = tmp / "validation"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINRIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_validate_passing_end_to_end(tmp_path, cache, capsys):
    tests = _write(tmp_path, PASSING)
    out = tmp_path / "report"
    assert main(["validate", "--tests", str(tests), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "4 of 4 validation cases passed" in printed and "brainrit.radiobiology" in printed
    data = json.loads((out / "validation.json").read_text())
    cases = {c["name"]: c for c in data["cases"]}
    assert set(cases) == {"test_bed_wbrt", "test_bed_array[2.0]", "test_bed_array[10.0]", "test_range"}
    wbrt = cases["test_bed_wbrt"]
    assert wbrt["module"] == "radiobiology"
    assert wbrt["tolerance"] == "5e-3."
    assert wbrt["source"].startswith("Joiner & van der Kogel 2018")  # from the module docstring
    (check,) = wbrt["checks"]
    assert check["value"] == pytest.approx(39.0) and check["reference"] == 39.0
    assert check["tolerance"] == pytest.approx(5e-3) and check["passed"] is True
    assert "bed(30.0, 10, 10.0)" in check["quantity"]
    arr = cases["test_bed_array[2.0]"]["checks"][0]
    assert "worst of 3 elements" in arr["quantity"] and arr["reference"] == pytest.approx(75.0)
    close = cases["test_bed_array[2.0]"]["checks"][1]
    assert close["origin"] == "allclose" and "worst of 2 elements" in close["quantity"]
    assert close["tolerance"] == pytest.approx(75e-6) and close["passed"] is True
    rng = cases["test_range"]
    assert rng["module"] == "physics" and rng["checks"][0]["source"].startswith("ICRU Report 49")
    assert rng["checks"][0]["relative"] is True
    md = (out / "validation.md").read_text()
    assert "## brainrit.physics — 1/1 passed" in md and "ICRU Report 49" in md
    html = (out / "validation.html").read_text()
    assert "brainrit.radiobiology" in html and "<script" not in html
    # the report is kept under the fingerprint of the code it ran, for summary_line
    fp = code_fingerprint(tests)
    assert data["code_sha256"] == fp
    assert (cache / f"validation-{fp[:16]}.json").is_file()
    line = summary_line(tests=tests)
    assert line.startswith("Validated for this code") and "4 of 4 cases passed across 2 modules" in line
    # the quantity is the docstring's description, not the assertion code (kept as "check")
    rows = check_rows(Case.from_raw(wbrt))
    assert rows[0]["quantity"].startswith("BED of 30 Gy/10 fx") and "bed(30.0" in rows[0]["check"]
    assert "bed(30.0" not in md
    # another checkout's (or an edited test's) code is not validated by this report
    (tests / "test_physics_mini.py").write_text((tests / "test_physics_mini.py").read_text() + "\n# edit\n")
    assert code_fingerprint(tests) != fp
    assert summary_line(tests=tests).startswith("Not validated for this version of the code")


def test_validate_failing_exit_code(tmp_path, cache):
    tests = _write(tmp_path, FAILING)
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--tests", str(tests), "--out", str(out), "-q"])
    assert exc.value.code == 1
    report = load_report(out / "validation.json")
    assert report is not None and report.n_failed == 3 and report.n_skipped == 1 and not report.ok
    outcomes = {c.name: c.outcome for c in report.cases}
    assert outcomes == {
        "test_wrong": "failed",
        "collection": "error",
        "test_needs_fixture": "error",
        "test_skipped": "skipped",
    }
    assert {c.module for c in report.cases} == {"dosimetry.voxel", "kinetics", "ebrt"}
    setup = next(c for c in report.cases if c.name == "test_needs_fixture")
    assert "fixture broke" in setup.message
    wrong = next(c for c in report.cases if c.module == "dosimetry.voxel")
    assert wrong.checks[0]["passed"] is False and wrong.checks[0]["difference"] == pytest.approx(-1.0)
    assert "FAIL" in (out / "validation.md").read_text()
    line = summary_line(tests=tests)
    assert "FAILED" in line and "test_voxel_mini.py::test_wrong" in line


def test_validate_missing_tests_folder(tmp_path, capsys):
    assert main(["validate", "--tests", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "--tests" in capsys.readouterr().err
    with pytest.raises(InputError, match="source checkout"):
        find_tests_dir(tmp_path / "nope")


def test_installed_wheel_without_tests(tmp_path, monkeypatch):
    fake = tmp_path / "site-packages" / "brainrit" / "__init__.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("")
    monkeypatch.setattr(brainrit, "__file__", str(fake))
    with pytest.raises(BrainritError, match="git clone"):
        find_tests_dir()


def test_checkout_tests_found():
    assert find_tests_dir().parts[-2:] == ("tests", "validation")


def test_summary_line_without_report(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINRIT_CACHE_DIR", str(tmp_path))
    kept = tmp_path / f"validation-{code_fingerprint()[:16]}.json"
    assert latest_report_path() == kept
    assert "brainrit validate" in summary_line()
    kept.write_text("{not json")
    assert load_report() is None and summary_line().startswith("Not validated for this version")


def test_xdg_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("BRAINRIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert latest_report_path("ab" * 32) == tmp_path / "brainrit" / f"validation-{'ab' * 8}.json"


def test_summary_line_other_code(tmp_path):
    """A report made for other code (no or another fingerprint) never counts as this code's validation."""
    for fp in ("", "f" * 64):
        r = ValidationReport(
            cases=(Case("a.py::t", "physics", "t", "passed"),), brainrit_version="0.0.0", code_sha256=fp
        )
        write_report(r, tmp_path, keep_latest=False)
        line = summary_line(tmp_path / "validation.json")
        assert line.startswith("Not validated for this version") and "other code" in line, line
    r = ValidationReport(cases=(Case("a.py::t", "physics", "t", "skipped"),), code_sha256=code_fingerprint())
    write_report(r, tmp_path, keep_latest=False)
    line = summary_line(tmp_path / "validation.json")
    assert line.startswith("Validated for this code") and "1 skipped" in line


def test_report_roundtrip_and_markdown_escaping(tmp_path):
    c = Case(
        "t.py::a|b",
        "radiobiology",
        "a",
        "passed",
        summary="x * y | z",
        checks=(make_check("q_[1]", 1.0, 1.0, 0.1, unit="Gy"),),
    )
    r = ValidationReport(cases=(c,), created_utc="now", brainrit_version=brainrit.__version__)
    assert ValidationReport.from_dict(r.to_dict()) == r
    md = render_markdown(r, heading_level=2)
    assert md.startswith("## brainrit validation report") and "### brainrit.radiobiology" in md
    assert "a\\|b" in md and "q\\_\\[1\\]" in md


def test_module_of_and_parsing():
    assert module_of("test_cellular_vs_monte_carlo.py") == "dosimetry.cellular"
    assert module_of("test_microdosimetry_validation.py") == "dosimetry.microdosimetry"
    d = parse_docstring(
        """Alpha range.

        Source: ICRU 49 (1993),
        table 2. Tolerance: 0.5 %.
        """
    )
    assert d == {"summary": "Alpha range.", "source": "ICRU 49 (1993), table 2.", "tolerance": "0.5 %."}
    assert parse_docstring("nothing here") == {"summary": "nothing here", "source": "", "tolerance": ""}
    assert make_check("x", 1.0, 0.0, 2.0, relative=True)["relative_difference"] is None
    assert make_check("x", "abc", 1.0, 1.0)["passed"] is None
    assert make_check("x", float("nan"), 1.0)["value"] == "nan"
