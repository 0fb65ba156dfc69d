"""Draw the report's figures while the pipeline is still computing: one forked process per finished stage.

Drawing is about a third of ``brainrit demo`` (13 matplotlib figures, ≈ 3 s on a 2-core machine) and the
pipeline leaves the second core mostly idle, so the command line hands each stage's result, as soon as the
stage has run, to a child process that draws its figures while the next stages compute. A child is made
with ``fork``: it inherits the stage result (dose grids of hundreds of MB that would cost more to pickle
than to draw) and sends back only the PNG bytes. At the end the parent draws what no child has taken and
collects the rest.

The figures are the same bytes as when drawn in the parent (the child runs the same drawing code on the
same objects; ``tests/unit/test_figure_workers.py`` compares the two reports). Where ``fork`` is not the
platform's safe default (macOS, Windows), with one core, or with ``BRAINRIT_FIGURE_WORKERS=0``, nothing is
forked and every figure is drawn in the parent; a child that fails for any reason is replaced by drawing its
figures in the parent, so a failure here can cost time but never a figure.

Examples
--------
>>> from brainrit.pipeline import run_scenario
>>> from brainrit.scenario import builtin_scenario
>>> sc = builtin_scenario("mouse-vcam1-pb212")
>>> with FigureWorkers(sc) as workers:
...     r = run_scenario(sc, stages=["radionuclide"], on_result=workers.submit)
...     figures = workers.collect()
>>> [f.key for f in figures["radionuclide"]]
['chain']
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from dataclasses import dataclass
from typing import Any

from brainrit.report.figures import Figure, has_figures, stage_figures

__all__ = ["FigureWorkers", "default_workers"]

#: Environment variable: the most child processes drawing at once (0: draw everything in the parent).
WORKERS_ENV = "BRAINRIT_FIGURE_WORKERS"


def default_workers() -> int:
    """Children drawing at once: one per core beyond the one the pipeline uses, at most 3; 0 where ``fork``
    is not the platform's safe default (only Linux), or as ``BRAINRIT_FIGURE_WORKERS`` says.

    Examples
    --------
    >>> 0 <= default_workers() <= 3
    True
    """
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        return _count(WORKERS_ENV, env)
    if not sys.platform.startswith("linux"):
        return 0
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _count(field: str, value: Any) -> int:
    """A whole number of processes >= 0 (InputError naming ``field`` otherwise)."""
    from brainrit.checks import whole_numbers

    return int(whole_numbers(field, value, minimum=0))


@dataclass
class _Job:
    """One stage's figures: a running child (``proc``/``conn``), or waiting for a free slot."""

    result: Any
    proc: Any = None
    conn: Any = None
    figures: tuple[Figure, ...] | None = None


def _child(conn: Any, result: Any, scenario: Any) -> None:
    """In the forked child: draw, send the pickled figures (or nothing on failure), exit."""
    try:
        payload = pickle.dumps(stage_figures(result, scenario), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent draws this stage itself, and sees the error there if it is real
        payload = b""
    try:
        conn.send_bytes(payload)
    finally:
        conn.close()


class FigureWorkers:
    """Draws stage figures in forked child processes as stages finish (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario being run (figures label some of its parameters).
    workers : int, optional
        The most children drawing at once; default :func:`default_workers`. 0 draws everything in the
        parent, in :meth:`collect`.

    Examples
    --------
    >>> from brainrit.scenario import builtin_scenario
    >>> with FigureWorkers(builtin_scenario("mouse-vcam1-pb212"), workers=0) as w:
    ...     w.collect()
    {}
    """

    def __init__(self, scenario: Any, *, workers: int | None = None) -> None:
        self.scenario = scenario
        self.workers = default_workers() if workers is None else _count("workers", workers)
        self._jobs: dict[str, _Job] = {}
        self._ctx = multiprocessing.get_context("fork") if self.workers else None
        if self.workers:
            # Import matplotlib and the drawing modules once, here, so that every child inherits them.
            from brainrit.report.figures import new_figure, to_png

            to_png(new_figure()[0])

    def __enter__(self) -> FigureWorkers:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def submit(self, result: Any) -> None:
        """Hand a finished stage's result over for drawing (``run_scenario(on_result=...)``)."""
        self._jobs[result.key] = _Job(result, figures=None if has_figures(result) else ())
        self._poll()
        self._launch()

    def collect(self) -> dict[str, tuple[Figure, ...]]:
        """Every submitted stage's figures, ``{stage key: figures}``: draws in the parent what no child has
        taken, then waits for the children.

        Work is shared: before the parent draws a waiting stage, children that are done are collected and
        their slots given to the next waiting stages, so no core idles while figures remain to draw.
        """
        while True:
            self._poll()
            self._launch()
            waiting = [j for j in self._jobs.values() if j.proc is None and j.figures is None]
            if not waiting:
                break
            waiting[-1].figures = stage_figures(waiting[-1].result, self.scenario)  # the newest: children
            # took the older ones, in pipeline order
        for job in self._jobs.values():
            if job.figures is None:
                self._finish(job)
        return {key: job.figures for key, job in self._jobs.items() if job.figures is not None}

    def close(self) -> None:
        """Stop and reap every child still running (after an error or an interrupt)."""
        for job in self._jobs.values():
            if job.proc is not None:
                if job.proc.is_alive():
                    job.proc.kill()
                job.proc.join()
                job.conn.close()
                job.proc = job.conn = None

    def _running(self) -> int:
        return sum(1 for j in self._jobs.values() if j.proc is not None)

    def _launch(self) -> None:
        for job in self._jobs.values():
            if self._running() >= self.workers:
                return
            if job.proc is None and job.figures is None:
                receive, send = self._ctx.Pipe(duplex=False)
                proc = self._ctx.Process(target=_child, args=(send, job.result, self.scenario), daemon=True)
                try:
                    proc.start()
                except OSError:  # no process to spare: the parent draws it in collect()
                    receive.close()
                    send.close()
                    return
                send.close()
                job.proc, job.conn = proc, receive

    def _poll(self) -> None:
        """Collect the children that are done, so that their slots are free."""
        for job in self._jobs.values():
            if job.proc is not None and job.conn.poll():
                self._finish(job)

    def _finish(self, job: _Job) -> None:
        """Receive a child's figures (drawing them here if the child failed) and reap it."""
        try:
            payload = job.conn.recv_bytes()
        except (EOFError, OSError):
            payload = b""
        job.proc.join()
        job.conn.close()
        job.proc = job.conn = None
        job.figures = pickle.loads(payload) if payload else stage_figures(job.result, self.scenario)
