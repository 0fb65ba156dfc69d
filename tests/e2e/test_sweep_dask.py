"""brainrit.sweep against a real Dask scheduler and worker processes on 127.0.0.1.

Shows: every sample completes; a worker killed mid-run loses no sample (each sample exactly once in the
Parquet parts); an interrupted sweep resumes without recomputing finished chunks; results are identical
with 1 and 2 workers (and to a plain serial loop); an unreachable scheduler is a clear error within its
timeout; the ``brainrit sweep`` command runs on an existing cluster given by address.

The cheap stage subset (radionuclide → kinetics → dosimetry → rit_outcomes, no figures) costs ≈0.1 s per
sample after a worker's first sample (≈3 s of imports).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from brainrit.errors import BrainritError
from brainrit.scenario import builtin_scenario
from brainrit.sweep.design import make_plan, parse_parameters
from brainrit.sweep.engine import PipelineEvaluator, read_results, run_sweep

distributed = pytest.importorskip("distributed")

STAGES = ("radionuclide", "kinetics", "dosimetry", "rit_outcomes")
OUTCOMES = ("rit_outcomes.p_plus", "rit_outcomes.brain_eqd2_Gy", "kinetics.metastasis_to_brain_ratio")
VARY = [
    "radiobiology.rbe_alpha=uniform(3,7)",
    "radiopharmaceutical.daughter_release_fraction=truncnormal(0.36,0.03,0,1)",
    "administration.activity_MBq=lognormal(0.7,0.2)",
]


def _warm() -> int:
    """Import brainrit and run one sample on a worker (so timing-sensitive tests start warm)."""
    sc = builtin_scenario("mouse-vcam1-pb212")
    PipelineEvaluator(STAGES)(sc, 1)
    return os.getpid()


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    cl = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    client = Client(cl, set_as_default=False, timeout="30s")
    try:
        client.wait_for_workers(2, timeout=30)
        client.run(_warm)
        yield cl, client
    finally:
        client.close()
        cl.close(timeout=20)


@pytest.fixture(scope="module")
def scenario():
    return builtin_scenario("mouse-vcam1-pb212")


@pytest.fixture(scope="module")
def plan(scenario):
    return make_plan(parse_parameters(scenario, VARY), "lhs", 16, base_seed=11)


@pytest.fixture(scope="module")
def reference(cluster, scenario, plan, tmp_path_factory):
    """The sweep on the two worker processes."""
    _, client = cluster
    out = tmp_path_factory.mktemp("ref") / "sweep"
    run = run_sweep(scenario, plan, out, client=client, stages=STAGES, outcomes=OUTCOMES, chunk_size=2)
    _, table = read_results(out)
    return run, table


def _frame(table) -> dict[str, np.ndarray]:
    return {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}


def test_all_samples_complete_on_two_worker_processes(reference, plan):
    run, table = reference
    assert run.workers == 2
    assert run.n_chunks == 8 and sorted(run.computed_chunks) == list(range(8))
    f = _frame(table)
    assert f["sample"].tolist() == list(range(plan.n_runs))
    assert set(f["status"]) == {"ok"}
    assert np.all(np.isfinite(f["rit_outcomes.brain_eqd2_Gy"]))
    assert np.array_equal(f["param:radiobiology.rbe_alpha"], plan.values[:, 0])
    assert len(list((run.out_dir / "parts").glob("part-*.parquet"))) == 8
    assert not list(run.out_dir.rglob(".*tmp*"))


def test_same_results_with_one_worker_and_serially(reference, scenario, plan, tmp_path):
    from distributed import Client, LocalCluster

    _, table2 = reference
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cl,
        Client(cl, set_as_default=False) as client,
    ):
        run = run_sweep(
            scenario, plan, tmp_path / "one", client=client, stages=STAGES, outcomes=OUTCOMES, chunk_size=5
        )
    assert run.workers == 1
    _, table1 = read_results(tmp_path / "one")
    f1, f2 = _frame(table1), _frame(table2)
    for col in (*OUTCOMES, "seed", "sample"):
        assert np.array_equal(f1[col], f2[col]), col  # bit-identical, different chunking and workers
    # and equal to a plain loop without Dask
    ev = PipelineEvaluator(STAGES)
    for i in (0, 7, 15):
        direct = ev(plan.scenario_for(scenario, i), plan.seed(i))
        assert direct["rit_outcomes.p_plus"] == f2["rit_outcomes.p_plus"][i]


def test_killed_worker_loses_no_sample(cluster, reference, scenario, tmp_path):
    """SIGKILL one worker process after the first chunk lands; the scheduler re-runs its tasks elsewhere."""
    _, client = cluster
    plan = make_plan(parse_parameters(scenario, VARY), "lhs", 24, base_seed=5)
    killed: list[int] = []

    def kill_one(chunk: int, done: int, total: int) -> None:
        if not killed:
            assert done < total  # tasks are still running when the worker dies
            pids = client.run(os.getpid)
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    run = run_sweep(
        scenario,
        plan,
        tmp_path / "k",
        client=client,
        stages=STAGES,
        outcomes=OUTCOMES,
        chunk_size=2,
        on_chunk=kill_one,
    )
    assert killed
    _, table = read_results(tmp_path / "k")
    f = _frame(table)
    assert f["sample"].tolist() == list(range(24))  # every sample exactly once
    assert set(f["status"]) == {"ok"}
    assert sorted(run.computed_chunks) == list(range(12))
    # the results do not depend on which worker ran them: recompute two serially
    ev = PipelineEvaluator(STAGES)
    for i in (3, 20):
        assert (
            ev(plan.scenario_for(scenario, i), plan.seed(i))["rit_outcomes.p_plus"]
            == f["rit_outcomes.p_plus"][i]
        )
    client.wait_for_workers(2, timeout=30)  # the nanny restarts the killed worker
    assert killed[0] not in client.run(os.getpid).values()


@dataclass(frozen=True)
class CountingEvaluator:
    """The pipeline evaluator that also writes one file per evaluated sample (counts across processes)."""

    folder: str

    def __call__(self, scenario, seed):
        Path(self.folder, f"{seed}-{time.monotonic_ns()}").touch()
        return PipelineEvaluator(STAGES)(scenario, seed)


class Interrupt(Exception):
    pass


def test_interrupted_sweep_resumes_without_recomputing(cluster, scenario, plan, tmp_path):
    _, client = cluster
    calls = tmp_path / "calls"
    calls.mkdir()
    ev = CountingEvaluator(str(calls))
    out = tmp_path / "r"

    def stop_after_3(chunk: int, done: int, total: int) -> None:
        if done == 3:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_sweep(
            scenario,
            plan,
            out,
            client=client,
            evaluate=ev,
            outcomes=OUTCOMES,
            chunk_size=2,
            on_chunk=stop_after_3,
            max_in_flight=2,
        )
    first = {p.name: p.stat().st_mtime_ns for p in (out / "parts").glob("part-*.parquet")}
    assert len(first) == 3
    seen: list[int] = []
    run = run_sweep(
        scenario,
        plan,
        out,
        client=client,
        evaluate=ev,
        outcomes=OUTCOMES,
        resume=True,
        on_chunk=lambda c, d, t: seen.append(c),
    )
    done_first = sorted(int(n[5:11]) for n in first)
    assert sorted(run.skipped_chunks) == done_first
    assert sorted(seen) == sorted(set(range(8)) - set(done_first))  # only the missing chunks ran
    assert {
        p.name: p.stat().st_mtime_ns for p in (out / "parts").glob("part-*.parquet") if p.name in first
    } == first
    _, table = read_results(out)
    assert table.column("sample").to_pylist() == list(range(16))
    # a third call finds everything done and computes nothing
    again = run_sweep(scenario, plan, out, client=client, evaluate=ev, outcomes=OUTCOMES, resume=True)
    assert again.computed_chunks == () and len(again.skipped_chunks) == 8
    # evaluations: pilot + the chunks in flight when interrupted (≤ 2 extra) + the rest, never all twice
    n_calls = len(list(calls.iterdir()))
    assert n_calls <= 1 + 16 + 2 * 2


def test_unreachable_scheduler_is_a_clear_error(scenario, plan, tmp_path):
    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(
        BrainritError, match=r"--scheduler: cannot reach a Dask scheduler at 'tcp://127\.0\.0\.1"
    ):
        run_sweep(
            scenario,
            plan,
            tmp_path / "u",
            scheduler=f"tcp://127.0.0.1:{port}",
            connect_timeout_s=2,
            evaluate=lambda sc, seed: {"x": 1.0},
            outcomes=["x"],
        )
    assert time.monotonic() - t0 < 20


def test_cli_on_existing_cluster_by_address(cluster, tmp_path):
    from brainrit.cli import main
    from brainrit.scenario import builtin_text

    cl, _ = cluster
    toml = tmp_path / "s.toml"
    toml.write_text(
        builtin_text("mouse-vcam1-pb212")
        + '\n[sweep]\ndesign = "sobol"\nsamples = 4\n'
        + '[sweep.vary]\n"radiobiology.rbe_alpha" = "uniform(3, 7)"\n',
        encoding="utf-8",
    )
    out = tmp_path / "cli"
    args = [
        "sweep",
        str(toml),
        "--vary",
        "radiopharmaceutical.daughter_release_fraction=uniform(0.2,0.5)",
        "--stages",
        ",".join(STAGES),
        "--scheduler",
        cl.scheduler_address,
        "--out",
        str(out),
        "-q",
        "--outcome",
        "rit_outcomes.brain_eqd2_Gy",
        "--outcome",
        "dosimetry.dose_Gy.brain",
    ]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_done"] == 4 * (2 + 2) and summary["complete"]
    assert set(summary["outcomes"]) == {
        "rit_outcomes.brain_eqd2_Gy",
        "dosimetry.dose_Gy.brain.alpha",
        "dosimetry.dose_Gy.brain.electron",
    }
    sens = summary["outcomes"]["rit_outcomes.brain_eqd2_Gy"]["sensitivity"]
    assert set(sens) == {"radiobiology.rbe_alpha", "radiopharmaceutical.daughter_release_fraction"}
    html = (out / "sweep_report.html").read_text()
    assert "data:image/png;base64," in html and "Parameter sweep" in html
    assert (out / "percentiles.csv").read_text().startswith("outcome,n,mean,sd")
    # rerunning into the same folder without --resume is refused; with --resume nothing is recomputed
    assert main(args) == 2
    assert main([*args, "--resume"]) == 0
