"""Benchmark: the two commands a new user times first, as a user runs them (a fresh process each).

* ``brainrit demo`` end to end (every stage of ``human-early-bm``, 13 figures, report, results) warm — after
  one pilot run, so numba's on-disk cache and the byte-code are in place, as on any second run. Baseline in
  the same run: the same command with ``BRAINRIT_FIGURE_WORKERS=0`` (every figure drawn after the pipeline,
  in one process). Target of issue #21: ≤ 8 s on a 2-core machine.
* ``brainrit --help``. Baseline: starting the interpreter alone (``python -c pass``). Target: ≤ 0.5 s.

Both commands must succeed and the two demo reports must have the same figures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

BRAINRIT = [sys.executable, "-c", "from brainrit.cli import console; console()"]


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - t0


def _figures(report: Path) -> list[str]:
    return re.findall(r"base64,([A-Za-z0-9+/=]{64})", report.read_text(encoding="utf-8"))


def test_bench_demo_command(benchmark, tmp_path):
    demo = [*BRAINRIT, "demo", "--quiet", "--force", "--out"]
    _timed([*demo, str(tmp_path / "pilot")])  # numba cache, byte-code, data files: a second run's start
    times: list[float] = []

    def run():
        times.append(_timed([*demo, str(tmp_path / "overlap")]))

    benchmark.pedantic(run, rounds=1, iterations=1)
    t_serial = _timed([*demo, str(tmp_path / "serial")], {"BRAINRIT_FIGURE_WORKERS": "0"})
    assert _figures(tmp_path / "overlap" / "report.html") == _figures(tmp_path / "serial" / "report.html")
    benchmark.extra_info.update(
        {
            "demo_s": times[-1],
            "baseline": "the same command with BRAINRIT_FIGURE_WORKERS=0 (figures drawn after the pipeline)",
            "demo_serial_figures_s": t_serial,
            "speedup_vs_serial_figures": t_serial / times[-1],
            "target_s": 8.0,
            "cpu_count": os.cpu_count(),
        }
    )


def test_bench_help_command(benchmark):
    times: list[float] = []

    def run():
        times.append(_timed([*BRAINRIT, "--help"]))

    benchmark.pedantic(run, rounds=5, iterations=1)
    t_python = min(_timed([sys.executable, "-c", "pass"]) for _ in range(5))
    benchmark.extra_info.update(
        {
            "help_s": min(times),
            "baseline": "python -c pass (interpreter start alone)",
            "python_start_s": t_python,
            "ratio_to_interpreter_start": min(times) / t_python,
            "target_s": 0.5,
        }
    )
