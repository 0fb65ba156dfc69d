"""brainrit.sweep.engine and the report outputs, on an in-process Dask cluster with cheap evaluators.

The real pipeline on worker processes is exercised in tests/e2e/test_sweep_dask.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from brainrit.errors import BrainritError, InputError, OutputError
from brainrit.scenario import builtin_scenario, builtin_text
from brainrit.sweep.analysis import sobol_indices, write_reports
from brainrit.sweep.design import make_plan, parse_parameters
from brainrit.sweep.engine import connect, flatten, part_path, read_results, run_sweep, select_columns

ISHIGAMI_VARY = [
    "radiobiology.rbe_alpha=uniform(1, 7.283185307179586)",
    "radiobiology.z0_Gy=uniform(1, 7.283185307179586)",
    "radiobiology.repair_half_time_brain_h=uniform(1, 7.283185307179586)",
]


@dataclass(frozen=True)
class Ishigami:
    """Outcome = Ishigami function of three radiobiology fields shifted to [-π, π]."""

    fail_above: float = math.inf

    def __call__(self, sc, seed):
        r = sc.radiobiology
        x1, x2, x3 = (v - 1 - math.pi for v in (r.rbe_alpha, r.z0_Gy, r.repair_half_time_brain_h))
        if x1 > self.fail_above:
            raise RuntimeError("model diverged")
        y = math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)
        return {"ishigami.y": y, "ishigami.seed_mod": float(seed % 97), "other.flag": True}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cl,
        Client(cl, set_as_default=False) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def sc():
    return builtin_scenario("mouse-vcam1-pb212")


def test_flatten_and_select():
    flat = flatten(
        {"s": {"a": 1, "b": {"c": np.float64(2.5), "t": "text"}, "l": [1, 2], "n": None, "f": False}}
    )
    assert flat == {"s.a": 1.0, "s.b.c": 2.5, "s.n": pytest.approx(math.nan, nan_ok=True), "s.f": 0.0}
    assert select_columns(["s.b", "s.a"], flat) == ["s.b.c", "s.a"]
    with pytest.raises(InputError, match=r"did you mean 's\.a'"):
        select_columns(["s.aa"], flat)
    assert select_columns(["s.zz", "s.a"], flat, strict=False) == ["s.a"]


def test_ishigami_sobol_sweep_end_to_end(client, sc, tmp_path):
    params = parse_parameters(sc, ISHIGAMI_VARY)
    plan = make_plan(params, "sobol", 256, base_seed=7)
    out = tmp_path / "ish"
    run = run_sweep(sc, plan, out, client=client, evaluate=Ishigami(), outcomes=["ishigami"], chunk_size=100)
    assert run.n_runs == 256 * 5 and run.n_chunks == 13 and run.columns == ("ishigami.y", "ishigami.seed_mod")
    manifest, table = read_results(out)
    assert table.column("sample").to_pylist() == list(range(plan.n_runs))
    # seeds derive from the index: Sobol' blocks share row j's seed
    seeds = np.asarray(table.column("seed").to_pylist())
    assert np.array_equal(seeds[:256], seeds[256:512]) and seeds[0] == plan.seed(0)
    summary = write_reports(out)
    y = table.column("ishigami.y").to_numpy()
    direct = sobol_indices(y, 256, 3, seed=7)
    sens = summary["outcomes"]["ishigami.y"]["sensitivity"]
    assert [sens[p.path]["S1"] for p in params] == pytest.approx(direct["S1"].tolist())
    assert sens["radiobiology.rbe_alpha"]["ST"] == pytest.approx(0.558, abs=0.12)
    assert summary["complete"] and summary["status"] == {"ok": 1280, "invalid": 0, "failed": 0}
    assert summary["outcomes"]["ishigami.y"]["percentiles"]["n"] == 512  # blocks A and B
    for name in ("summary.json", "percentiles.csv", "sweep_report.html", "tornado.png", "sweep.json"):
        assert (out / name).is_file()
    assert not list(out.rglob(".*tmp*"))
    assert json.loads((out / "summary.json").read_text())["sensitivity_method"].startswith("Saltelli 2010")
    assert manifest["plan"]["design"] == "sobol"


def test_invalid_and_failed_samples_are_kept_and_counted(client, sc, tmp_path):
    params = parse_parameters(
        sc, ["radiobiology.rbe_alpha=normal(1.5, 3)", "radiobiology.z0_Gy=uniform(1, 2)"]
    )
    plan = make_plan(params, "random", 40, base_seed=3)
    out = tmp_path / "bad"
    run_sweep(sc, plan, out, client=client, evaluate=Ishigami(fail_above=1.0), outcomes=["ishigami.y"])
    _, table = read_results(out)
    status = np.asarray(table.column("status").to_pylist())
    neg = plan.values[:, 0] < 1.0  # rbe_alpha must be >= 1 (scenario schema)
    assert np.all(status[neg] == "invalid")
    assert set(status[~neg]) <= {"ok", "failed"} and "failed" in status
    y = table.column("ishigami.y").to_numpy()
    assert np.all(np.isnan(y[status != "ok"])) and np.all(np.isfinite(y[status == "ok"]))
    err = table.column("error").to_pylist()
    assert "rbe_alpha" in err[int(np.flatnonzero(neg)[0])]
    assert "RuntimeError: model diverged" in err[int(np.flatnonzero(status == "failed")[0])]
    summary = write_reports(out)
    assert summary["status"]["invalid"] == int(neg.sum()) and summary["errors"]
    assert summary["outcomes"]["ishigami.y"]["sensitivity"]["radiobiology.rbe_alpha"]["ST"] is None


def test_oat_sweep_tornado(client, sc, tmp_path):
    params = parse_parameters(sc, ISHIGAMI_VARY[:2])
    plan = make_plan(params, "oat", 3, base_seed=0)
    out = tmp_path / "oat"
    run_sweep(sc, plan, out, client=client, evaluate=Ishigami(), outcomes=["ishigami.y"])
    summary = write_reports(out, primary="ishigami.y")
    bars = summary["outcomes"]["ishigami.y"]["tornado"]
    assert bars["radiobiology.z0_Gy"]["x_low"] == pytest.approx(1 + 0.05 * 2 * math.pi)
    assert summary["outcomes"]["ishigami.y"]["sensitivity"] is None
    assert "design points" in summary["percentiles_describe"]
    with pytest.raises(InputError, match="--primary"):
        write_reports(out, primary="ishigami.z")


def test_output_folder_rules(client, sc, tmp_path):
    plan = make_plan(parse_parameters(sc, ISHIGAMI_VARY), "lhs", 6, base_seed=1)
    kw = {"client": client, "evaluate": Ishigami(), "outcomes": ["ishigami.y"]}
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    with pytest.raises(OutputError, match="not empty and holds no sweep"):
        run_sweep(sc, plan, tmp_path / "full", **kw)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        run_sweep(sc, plan, tmp_path / "file", **kw)
    with pytest.raises(OutputError, match="parent folder"):
        run_sweep(sc, plan, tmp_path / "no" / "such", **kw)
    run_sweep(sc, plan, tmp_path / "s", **kw)
    with pytest.raises(OutputError, match="already holds a sweep; add --resume"):
        run_sweep(sc, plan, tmp_path / "s", **kw)
    other = make_plan(parse_parameters(sc, ISHIGAMI_VARY), "lhs", 6, base_seed=2)
    with pytest.raises(OutputError, match="holds a different sweep"):
        run_sweep(sc, other, tmp_path / "s", resume=True, **kw)
    with pytest.raises(InputError, match="--chunk-size"):
        run_sweep(sc, plan, tmp_path / "c", chunk_size=0, **kw)
    with pytest.raises(OutputError, match="holds no sweep"):
        read_results(tmp_path / "full")


def test_resume_recomputes_a_damaged_part_only(client, sc, tmp_path):
    plan = make_plan(parse_parameters(sc, ISHIGAMI_VARY), "lhs", 12, base_seed=1)
    kw = {"client": client, "evaluate": Ishigami(), "outcomes": ["ishigami.y"], "chunk_size": 3}
    run_sweep(sc, plan, tmp_path / "d", **kw)
    _, before = read_results(tmp_path / "d")
    part_path(tmp_path / "d", 2).write_bytes(b"PAR1 truncated")
    part_path(tmp_path / "d", 3).unlink()
    again = run_sweep(sc, plan, tmp_path / "d", resume=True, **kw)
    assert again.computed_chunks == (2, 3) or sorted(again.computed_chunks) == [2, 3]
    assert sorted(again.skipped_chunks) == [0, 1]
    _, after = read_results(tmp_path / "d")
    assert after.equals(before)


def test_unknown_outcome_and_bad_workers(client, sc, tmp_path):
    plan = make_plan(parse_parameters(sc, ISHIGAMI_VARY), "lhs", 4, base_seed=1)
    with pytest.raises(InputError, match=r"did you mean 'ishigami\.y'"):
        run_sweep(sc, plan, tmp_path / "o", client=client, evaluate=Ishigami(), outcomes=["ishigami.why"])
    with pytest.raises(InputError, match="none was produced; run the stages they come from"):
        run_sweep(sc, plan, tmp_path / "o2", client=client, evaluate=lambda s, seed: {"a.b": 1.0})
    with pytest.raises(InputError, match="--workers"):
        connect(workers=0)


def test_chunk_failure_on_cluster_is_a_brainrit_error(client, sc, tmp_path):
    plan = make_plan(parse_parameters(sc, ISHIGAMI_VARY), "lhs", 4, base_seed=1)

    @dataclass(frozen=True)
    class Pilot:
        """Numbers in the pilot (main thread); text on the workers, which the chunk cannot store."""

        def __call__(self, s, seed):
            import threading

            return {"a.b": 1.0 if threading.current_thread() is threading.main_thread() else "text"}

    with pytest.raises(BrainritError, match=r"chunk 0 failed on the cluster .*rerun with --resume"):
        run_sweep(sc, plan, tmp_path / "f", client=client, evaluate=Pilot(), outcomes=["a.b"], chunk_size=4)


def test_cli_errors_exit_2_with_one_line(tmp_path, capsys):
    from brainrit.cli import main

    toml = tmp_path / "s.toml"
    toml.write_text(builtin_text("mouse-vcam1-pb212"), encoding="utf-8")
    base = ["sweep", str(toml), "--out", str(tmp_path / "o")]
    assert main([*base, "--vary", "radiobiology.rbe_alfa=uniform(3,7)"]) == 2
    assert "did you mean 'radiobiology.rbe_alpha'" in capsys.readouterr().err
    assert main([*base, "--vary", "radiobiology.rbe_alpha=normal(5,0)"]) == 2
    assert "sd must be > 0" in capsys.readouterr().err
    assert main([*base, "--vary", "radiobiology.rbe_alpha=uniform(3,7)", "--design", "sobel"]) == 2
    assert "did you mean 'sobol'" in capsys.readouterr().err
    assert main(base) == 2
    assert "at least one PATH=DIST" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_baseline_that_does_not_validate_fails_before_running(client, sc, tmp_path):
    # the scenario gives activity_MBq; also setting activity_MBq_per_kg breaks "exactly one of"
    plan = make_plan(
        parse_parameters(sc, ["administration.activity_MBq_per_kg=uniform(10, 20)"]), "lhs", 4, base_seed=1
    )
    with pytest.raises(InputError, match=r"at the baseline values: administration: .*exactly one of"):
        run_sweep(sc, plan, tmp_path / "b", client=client, evaluate=Ishigami(), outcomes=["ishigami.y"])
    assert not (tmp_path / "b").exists()
