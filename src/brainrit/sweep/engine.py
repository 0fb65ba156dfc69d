"""Run a sweep on dask.distributed and stream the outcomes to Parquet as chunks finish.

How it works
------------
* The samples of a :class:`~brainrit.sweep.design.SweepPlan` are grouped into chunks of ``chunk_size``
  consecutive rows; each chunk is one Dask task that re-validates each sample's scenario, runs the
  pipeline with the sample's own seed and returns the outcome columns.
* The client writes each finished chunk to ``OUT/parts/part-NNNNNN.parquet`` (temporary name, then
  rename), so a file that exists is complete. Only a bounded number of tasks is in flight at a time.
* ``OUT/sweep.json`` (the manifest) records the scenario, the design, the seed, the chunking and the
  outcome columns with a hash of them. With ``resume=True`` the chunks whose file exists and matches the
  hash are skipped; the others are computed. Nothing finished is recomputed or lost.
* A task lost with its worker is re-run by the scheduler on another worker; since only the client
  writes files, each sample appears exactly once.
* Cluster: an existing scheduler by address, or a ``LocalCluster`` on 127.0.0.1 with one thread per
  worker in separate processes. The pipeline stages are Python-level code that holds the GIL
  (pydantic validation, ODE right-hand sides, small numpy arrays), so threads would queue on the GIL;
  processes give real parallelism on a 2-core laptop at the cost of importing brainrit once per worker.
* Security: Dask sends tasks and results between client, scheduler and workers with pickle, so a
  scheduler or worker can run arbitrary code in this process and read the scenario. Connect only to a
  scheduler you (or your institution) run, on a network you trust; the default local cluster listens
  on 127.0.0.1 only.

A sample whose values the schema rejects (e.g. a negative dose drawn from a wide normal) or whose
pipeline raises is kept with ``status`` ``invalid`` or ``failed``, its ``error`` message and NaN
outcomes; the summary counts them.

Examples
--------
>>> from brainrit.sweep.engine import flatten, select_columns
>>> flat = flatten({"rit_outcomes": {"p_plus": 0.5, "optimum": {"activity_MBq": 2.0}, "curve": [1, 2]}})
>>> flat
{'rit_outcomes.p_plus': 0.5, 'rit_outcomes.optimum.activity_MBq': 2.0}
>>> select_columns(["rit_outcomes.optimum"], flat)
['rit_outcomes.optimum.activity_MBq']
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from brainrit.checks import close_matches
from brainrit.errors import BrainritError, InputError, OutputError
from brainrit.fileio import atomic_write, atomic_write_bytes
from brainrit.scenario.schema import Scenario
from brainrit.sweep.design import Parameter, SweepPlan

__all__ = [
    "DEFAULT_OUTCOMES",
    "MANIFEST",
    "PipelineEvaluator",
    "SweepRun",
    "connect",
    "flatten",
    "read_results",
    "run_sweep",
    "select_columns",
]

MANIFEST = "sweep.json"
PARTS = "parts"
MANIFEST_VERSION = 1
#: Outcomes collected when none are named: exact columns or prefixes (every scalar below them).
#: Entries whose stage did not produce them (e.g. ``comparison`` before that stage lands) are dropped.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "rit_outcomes.tcp_all_lesions",
    "rit_outcomes.ntcp_brain_necrosis",
    "rit_outcomes.p_plus",
    "rit_outcomes.brain_eqd2_Gy",
    "rit_outcomes.optimum.activity_MBq",
    "kinetics.metastasis_to_brain_ratio",
    "dosimetry.dose_Gy",
    "comparison",
)
PARAM_PREFIX = "param:"
Evaluate = Callable[[Scenario, int], Mapping[str, float]]


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves of nested dicts as ``{"a.b.c": float}`` (bool → 0/1, None → NaN; no lists, text)."""
    out: dict[str, float] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        elif isinstance(value, bool | np.bool_):
            out[name] = float(value)
        elif isinstance(value, int | float | np.integer | np.floating):
            out[name] = float(value)
        elif value is None:
            out[name] = math.nan
    return out


@dataclass(frozen=True)
class PipelineEvaluator:
    """Run the pipeline for one sample and return every numeric outcome, flattened ``stage.path``.

    Parameters
    ----------
    stages : tuple of str, optional
        Stage subset (``run_scenario(stages=...)``); None runs every stage.
    """

    stages: tuple[str, ...] | None = None

    def __call__(self, scenario: Scenario, seed: int) -> dict[str, float]:
        from brainrit.pipeline.runner import run_scenario

        result = run_scenario(scenario, seed=seed, stages=self.stages, figures=False)
        data = {k: st.to_json() for k, st in result.stages.items() if st.status == "ok"}
        return flatten(data)


def select_columns(
    requested: Iterable[str], available: Mapping[str, float], *, strict: bool = True
) -> list[str]:
    """Expand outcome names (exact columns or prefixes) against the columns a pilot run produced.

    Raises
    ------
    InputError
        (``strict``) a name that matches nothing, with a did-you-mean.
    """
    keys = list(available)
    out: list[str] = []
    for name in requested:
        hits = [k for k in keys if k == name or k.startswith(name + ".")]
        if not hits:
            if not strict:
                continue
            near = close_matches(name, keys)
            hint = ("did you mean " + " or ".join(repr(n) for n in near) + "?") if near else None
            raise InputError(
                "--outcome", name, "a numeric outcome stage.path produced by the stages run", hint
            )
        out.extend(h for h in hits if h not in out)
    return out


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes
    ----------
    out_dir : Path
    n_runs, n_chunks : int
    computed_chunks, skipped_chunks : tuple of int
        Chunks computed in this call, and chunks found complete on disk (resume).
    columns : tuple of str
        Outcome columns.
    elapsed_s : float
        Wall time of this call, s.
    workers : int
        Workers of the cluster when the sweep started.
    """

    out_dir: Path
    n_runs: int
    n_chunks: int
    chunk_size: int
    computed_chunks: tuple[int, ...]
    skipped_chunks: tuple[int, ...]
    columns: tuple[str, ...]
    elapsed_s: float
    workers: int
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def samples_per_s(self) -> float:
        """Computed samples per second of wall time in this call."""
        n = sum(_chunk_rows(c, self.chunk_size, self.n_runs).size for c in self.computed_chunks)
        return n / self.elapsed_s if self.elapsed_s > 0 else math.nan


def default_chunk_size(n_runs: int) -> int:
    """Samples per task: about 64 tasks, at most 32 samples (≈3 s at 0.1 s/sample), independent of workers."""
    return int(min(32, max(1, math.ceil(n_runs / 64))))


def _chunk_rows(chunk: int, chunk_size: int, n_runs: int) -> np.ndarray:
    return np.arange(chunk * chunk_size, min((chunk + 1) * chunk_size, n_runs))


def run_chunk(
    scenario: Scenario,
    parameters: tuple[Parameter, ...],
    rows: np.ndarray,
    values: np.ndarray,
    seeds: Sequence[int],
    columns: Sequence[str],
    evaluate: Evaluate,
) -> dict[str, list[Any]]:
    """Evaluate the samples of one chunk (runs on a Dask worker); returns column lists.

    Each sample's scenario is re-validated; a schema violation gives status ``invalid``, an error in the
    pipeline status ``failed``, both with NaN outcomes and the message in ``error``.
    """
    from pydantic import ValidationError

    from brainrit.sweep.design import apply_values, validation_message

    out: dict[str, list[Any]] = {"sample": [], "seed": [], "status": [], "error": []}
    for p in parameters:
        out[PARAM_PREFIX + p.path] = []
    for c in columns:
        out[c] = []
    for row, vals, seed in zip(rows, values, seeds, strict=True):
        status, error, result = "ok", "", {}
        try:
            sc = apply_values(scenario, parameters, vals)
        except ValidationError as exc:
            status, error = "invalid", validation_message(exc)
        else:
            try:
                result = evaluate(sc, int(seed))
            except Exception as exc:  # one bad sample must not sink a 10⁴-sample sweep; it is reported
                status, error = "failed", f"{type(exc).__name__}: {exc}"
        out["sample"].append(int(row))
        out["seed"].append(int(seed))
        out["status"].append(status)
        out["error"].append(error)
        for p, v in zip(parameters, vals, strict=True):
            out[PARAM_PREFIX + p.path].append(float(v))
        for c in columns:
            v = result.get(c, math.nan)
            out[c].append(float(v) if v is not None else math.nan)
    return out


# ----------------------------------------------------------------------------------------- cluster


def connect(
    scheduler: str | None = None,
    *,
    workers: int | None = None,
    processes: bool = True,
    timeout_s: float = 10.0,
) -> tuple[Any, Any]:
    """A Dask client: to ``scheduler`` if given, else to a new LocalCluster on 127.0.0.1.

    Returns
    -------
    (client, cluster) : the client and the cluster it owns (None for an existing scheduler).

    Raises
    ------
    BrainritError
        The scheduler does not answer within ``timeout_s``.
    """
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{float(timeout_s)}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise BrainritError(
                f"--scheduler: cannot reach a Dask scheduler at {scheduler!r} within {timeout_s:g} s "
                f"({type(exc).__name__}); start one with `dask scheduler` or leave --scheduler out "
                "to run on this machine"
            ) from None
        return client, None
    n = workers if workers is not None else (os.cpu_count() or 1)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError("--workers", workers, "an integer >= 1")
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=processes,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return client, cluster


# ------------------------------------------------------------------------------------ manifest, IO


def _sweep_hash(manifest: Mapping[str, Any]) -> str:
    keys = ("scenario", "plan", "chunk_size", "columns", "stages", "evaluate")
    text = json.dumps({k: manifest[k] for k in keys}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Write JSON via a temporary file and rename."""
    atomic_write_bytes(
        path, (json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n").encode()
    )


def part_path(out_dir: Path, chunk: int) -> Path:
    """Parquet file of ``chunk``."""
    return out_dir / PARTS / f"part-{chunk:06d}.parquet"


def _schema(parameters: Sequence[Parameter], columns: Sequence[str], sweep_hash: str) -> Any:
    import pyarrow as pa

    fields = [
        pa.field("sample", pa.int64()),
        pa.field("seed", pa.int64()),
        pa.field("status", pa.string()),
        pa.field("error", pa.string()),
    ]
    fields += [pa.field(PARAM_PREFIX + p.path, pa.float64()) for p in parameters]
    fields += [pa.field(c, pa.float64()) for c in columns]
    return pa.schema(fields, metadata={b"brainrit.sweep_hash": sweep_hash.encode()})


def _write_part(path: Path, table_data: Mapping[str, list[Any]], schema: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pydict(dict(table_data), schema=schema)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def _part_complete(path: Path, n_rows: int, sweep_hash: str) -> bool:
    if not path.is_file():
        return False
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        stored = (pq.read_schema(path).metadata or {}).get(b"brainrit.sweep_hash", b"").decode()
    except Exception:  # unreadable: recompute it
        return False
    return meta.num_rows == n_rows and stored == sweep_hash


def read_results(out_dir: str | Path) -> tuple[dict[str, Any], Any]:
    """The manifest and every finished sample of the sweep in ``out_dir`` (a pyarrow Table sorted by sample).

    Raises
    ------
    OutputError
        No sweep manifest in ``out_dir``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    mpath = out / MANIFEST
    if not mpath.is_file():
        raise OutputError(f"out: {str(out)!r} holds no sweep ({MANIFEST} missing)")
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    files = sorted((out / PARTS).glob("part-*.parquet"))
    schema = None
    tables = []
    for f in files:
        t = pq.read_table(f)
        schema = schema or t.schema
        tables.append(t)
    if not tables:
        return manifest, None
    table = pa.concat_tables(tables)
    table = table.sort_by("sample")
    return manifest, table


# ------------------------------------------------------------------------------------------- run


def run_sweep(
    scenario: Scenario,
    plan: SweepPlan,
    out_dir: str | Path,
    *,
    outcomes: Sequence[str] | None = None,
    stages: Sequence[str] | None = None,
    chunk_size: int | None = None,
    resume: bool = False,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    connect_timeout_s: float = 10.0,
    progress: bool = False,
    on_chunk: Callable[[int, int, int], None] | None = None,
    evaluate: Evaluate | None = None,
    max_in_flight: int | None = None,
) -> SweepRun:
    """Run every sample of ``plan`` and write one Parquet file per chunk into ``out_dir/parts``.

    Parameters
    ----------
    scenario : Scenario
        The base scenario; each sample sets the plan's parameters on a copy and re-validates it.
    plan : SweepPlan
        From :func:`brainrit.sweep.design.make_plan`.
    out_dir : path
        Output folder: created if missing; must be empty unless ``resume``.
    outcomes : sequence of str, optional
        Outcome columns or prefixes (``rit_outcomes.p_plus``, ``dosimetry.dose_Gy``); default
        :data:`DEFAULT_OUTCOMES`. Resolved on a pilot run of the base scenario (on this machine).
    stages : sequence of str, optional
        Pipeline stages per sample (default: all).
    chunk_size : int, optional
        Samples per task (default :func:`default_chunk_size`; kept from the manifest on resume).
    resume : bool
        Continue the sweep in ``out_dir``: chunks already written are skipped.
    client : distributed.Client, optional
        Use this client (the caller owns it). Otherwise ``scheduler`` or a new LocalCluster.
    scheduler : str, optional
        Address of an existing scheduler.
    workers : int, optional
        Workers of the local cluster (default: CPU count).
    processes : bool
        Local workers as processes (default; see the module docstring) or threads.
    connect_timeout_s : float
        How long to wait for ``scheduler``, s.
    progress : bool
        Rich progress bar on stderr.
    on_chunk : callable, optional
        ``on_chunk(chunk, done, total)`` after each chunk is written; an exception stops the sweep
        (finished chunks stay on disk).
    evaluate : callable, optional
        ``evaluate(scenario, seed) -> {column: value}``; default :class:`PipelineEvaluator`.
    max_in_flight : int, optional
        Tasks submitted at once (default 4 per worker, at least 8).

    Returns
    -------
    SweepRun

    Raises
    ------
    OutputError
        ``out_dir`` is not empty (without ``resume``) or holds a different sweep.
    InputError
        Unknown outcome, bad chunk size.
    BrainritError
        Unreachable scheduler, or a chunk that failed on the cluster (rerun with ``resume``).
    """
    t0 = time.perf_counter()
    out = Path(out_dir).expanduser().absolute()
    stages_t = tuple(stages) if stages is not None else None
    evaluate = evaluate or PipelineEvaluator(stages_t)
    old = _existing_manifest(out, resume)
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1
    ):
        raise InputError("--chunk-size", chunk_size, "an integer >= 1")
    if old is not None:
        columns = list(old["columns"])
        chunk = chunk_size or int(old["chunk_size"])
    else:
        _check_baseline(scenario, plan)
        pilot = dict(evaluate(scenario, plan.seed(0)))
        requested = list(outcomes) if outcomes else list(DEFAULT_OUTCOMES)
        columns = select_columns(requested, pilot, strict=bool(outcomes))
        if not columns:
            needed = sorted({r.split(".")[0] for r in requested})
            raise InputError(
                "--outcome",
                requested,
                "outcomes produced by the stages run",
                f"none was produced; run the stages they come from ({', '.join(needed)}) "
                "and those they depend on",
            )
        chunk = chunk_size or default_chunk_size(plan.n_runs)
    manifest = {
        "version": MANIFEST_VERSION,
        "scenario": scenario.model_dump(mode="json", exclude={"sweep"}),  # run settings may change
        "plan": {**plan.describe(), "values_sha256": hashlib.sha256(plan.values.tobytes()).hexdigest()},
        "chunk_size": chunk,
        "columns": columns,
        "stages": list(stages_t) if stages_t is not None else None,
        "evaluate": repr(evaluate) if not isinstance(evaluate, PipelineEvaluator) else "pipeline",
        "n_runs": plan.n_runs,
    }
    from brainrit import __version__

    manifest["hash"] = _sweep_hash(manifest)
    manifest["brainrit_version"] = __version__
    if old is not None and old.get("hash") != manifest["hash"]:
        raise OutputError(
            f"out: {str(out)!r} holds a different sweep (scenario, design, seed, chunk size, stages or "
            "outcomes changed); choose another --out or rerun with the same inputs"
        )
    (out / PARTS).mkdir(parents=True, exist_ok=True)
    if old is None:
        write_json(out / MANIFEST, manifest)
    n_chunks = math.ceil(plan.n_runs / chunk)
    schema = _schema(plan.parameters, columns, manifest["hash"])
    todo, skipped = [], []
    for c in range(n_chunks):
        n_rows = _chunk_rows(c, chunk, plan.n_runs).size
        (skipped if _part_complete(part_path(out, c), n_rows, manifest["hash"]) else todo).append(c)
    computed: list[int] = []
    owned_cluster = None
    own_client = client is None
    n_workers = 0
    if todo:
        if own_client:
            client, owned_cluster = connect(
                scheduler, workers=workers, processes=processes, timeout_s=connect_timeout_s
            )
        try:
            n_workers = len(client.nthreads())
            computed = _drive(
                client,
                scenario,
                plan,
                out,
                todo,
                skipped,
                chunk,
                columns,
                schema,
                evaluate,
                progress=progress,
                on_chunk=on_chunk,
                max_in_flight=max_in_flight or max(8, 4 * max(n_workers, 1)),
            )
        finally:
            if own_client:
                client.close()
                if owned_cluster is not None:
                    owned_cluster.close()
    return SweepRun(
        out,
        plan.n_runs,
        n_chunks,
        chunk,
        tuple(computed),
        tuple(skipped),
        tuple(columns),
        time.perf_counter() - t0,
        n_workers,
        manifest,
    )


def _check_baseline(scenario: Scenario, plan: SweepPlan) -> None:
    """Fail early when even the baseline values (scenario value or median) do not validate."""
    from pydantic import ValidationError

    from brainrit.sweep.design import apply_values, validation_message

    try:
        apply_values(scenario, plan.parameters, [p.baseline for p in plan.parameters])
    except ValidationError as exc:
        raise InputError(
            "--vary",
            ", ".join(plan.paths),
            "fields whose values the scenario accepts",
            f"at the baseline values: {validation_message(exc)}",
        ) from None


def _existing_manifest(out: Path, resume: bool) -> dict[str, Any] | None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"out: {str(out)!r} exists and is not a folder")
    if not out.exists():
        if not out.parent.is_dir():
            raise OutputError(f"out: parent folder {str(out.parent)!r} does not exist")
        return None
    mpath = out / MANIFEST
    if mpath.is_file():
        if not resume:
            raise OutputError(
                f"out: {str(out)!r} already holds a sweep; add --resume to continue it "
                "or choose another --out"
            )
        try:
            return json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise OutputError(f"out: cannot read {str(mpath)!r}: {exc}") from None
    if any(out.iterdir()):
        raise OutputError(f"out: folder {str(out)!r} is not empty and holds no sweep; choose another --out")
    return None


def _drive(
    client: Any,
    scenario: Scenario,
    plan: SweepPlan,
    out: Path,
    todo: list[int],
    skipped: list[int],
    chunk: int,
    columns: list[str],
    schema: Any,
    evaluate: Evaluate,
    *,
    progress: bool,
    on_chunk: Callable[[int, int, int], None] | None,
    max_in_flight: int,
) -> list[int]:
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    pending = list(reversed(todo))
    total_chunks = len(todo) + len(skipped)
    done_chunks = len(skipped)
    computed: list[int] = []
    futures: dict[Any, int] = {}

    def submit(c: int) -> Any:
        rows = _chunk_rows(c, chunk, plan.n_runs)
        seeds = [plan.seed(int(r)) for r in rows]
        fut = client.submit(
            run_chunk,
            scenario,
            plan.parameters,
            rows,
            plan.values[rows],
            seeds,
            columns,
            evaluate,
            key=f"brainrit-sweep-{token}-{c}",
            pure=False,
            retries=1,
        )
        futures[fut] = c
        return fut

    bar = _Bar(progress, plan.n_runs, sum(_chunk_rows(c, chunk, plan.n_runs).size for c in skipped))
    first = [submit(pending.pop()) for _ in range(min(max_in_flight, len(pending)))]
    ac = as_completed(first, loop=client.loop)
    try:
        with bar:
            for fut in ac:
                c = futures.pop(fut)
                try:
                    data = fut.result()
                except Exception as exc:
                    raise BrainritError(
                        f"sweep: chunk {c} failed on the cluster ({type(exc).__name__}: {exc}); finished "
                        "chunks are kept, rerun with --resume"
                    ) from None
                _write_part(part_path(out, c), data, schema)
                computed.append(c)
                done_chunks += 1
                bar.advance(len(data["sample"]))
                if pending:
                    ac.add(submit(pending.pop()))
                if on_chunk is not None:
                    on_chunk(c, done_chunks, total_chunks)
    finally:
        if futures:
            client.cancel(list(futures))
    return computed


class _Bar:
    """Rich progress over samples (stderr); no-op when disabled."""

    def __init__(self, enabled: bool, total: int, done: int) -> None:
        self.enabled, self.total, self.done = enabled, total, done
        self._p: Any = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._p = Progress(
                TextColumn("[bold]sweep"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._p.__enter__()
            self._task = self._p.add_task("sweep", total=self.total, completed=self.done)
        return self

    def advance(self, n: int) -> None:
        if self._p is not None:
            self._p.advance(self._task, n)

    def __exit__(self, *exc: Any) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)
