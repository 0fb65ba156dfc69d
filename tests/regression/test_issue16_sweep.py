"""Regression tests of issue 16, finding 9 (and the grid part of 4): sweep settings and exit status."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from brainrit.cli import main
from brainrit.errors import InputError
from brainrit.scenario import builtin_scenario, builtin_text
from brainrit.sweep.design import make_plan, parse_parameters


@pytest.fixture
def scenario_file(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(builtin_text("mouse-vcam1-pb212"))
    return p


@pytest.mark.parametrize("option", ["--workers", "--chunk-size", "--samples"])
def test_finding_9_zero_settings_are_errors(scenario_file, tmp_path, capsys, option):
    args = [
        "sweep",
        str(scenario_file),
        "--out",
        str(tmp_path / "o"),
        "--vary",
        "radiobiology.rbe_alpha=uniform(3,7)",
    ]
    assert main([*args, option, "0"]) == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_finding_4_grid_design_checked_before_allocation():
    sc = builtin_scenario("mouse-vcam1-pb212")
    params = parse_parameters(
        sc, ["radiobiology.rbe_alpha=uniform(3,7)", "radiobiology.z0_Gy=uniform(0.2,1)"]
    )
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"--samples: must be a design of at most"):
        make_plan(params, "grid", 10**9, base_seed=1)
    with pytest.raises(InputError, match=r"--samples: must be a design of at most"):
        make_plan(params, "oat", 10**9, base_seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50e6 and time.perf_counter() - start < 2.0


def test_finding_9_scheduler_trust_is_documented(capsys):
    main(["sweep", "--help"])
    assert "pickle" in capsys.readouterr().out


def test_finding_9_failed_samples_exit_nonzero_with_count_and_estimate(scenario_file, tmp_path, capsys):
    out = tmp_path / "o"
    rc = main(
        ["sweep", str(scenario_file), "--out", str(out), "--vary", "radiobiology.rbe_alpha=uniform(0.1,0.5)",
         "--samples", "2", "--design", "random", "--workers", "1", "--chunk-size", "1",
         "--stages", "radionuclide,kinetics,dosimetry,rit_outcomes",
         "--outcome", "rit_outcomes.tcp_all_lesions"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 1
    assert "2 of 2 samples did not give results (2 invalid, 0 failed" in err
    assert "about" in err and "to go" in err  # estimate printed after the first chunk
    assert (out / "summary.json").is_file()
