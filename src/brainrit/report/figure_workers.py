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


@dataclass(frozen=True)
class _Child:
    """A forked child drawing the figures of ``keys`` (stage keys)."""

    proc: Any
    conn: Any
    keys: tuple[str, ...]


def _child(conn: Any, results: list[Any], scenario: Any) -> None:
    """In the forked child: draw, send the pickled ``{key: figures}`` (or nothing on failure), exit."""
    try:
        drawn = {r.key: stage_figures(r, scenario) for r in results}
        payload = pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent draws these stages itself, and sees the error there if it is real
        payload = b""
    try:
        conn.send_bytes(payload)
    finally:
        conn.close()


class FigureWorkers:
    """Draws stage figures in forked child processes as stages finish (see the module docstring).

    While the pipeline runs, a free child slot takes every stage waiting to be drawn (stages finish in
    bursts, and the parent, busy computing, can hand out work only when a stage ends); in :meth:`collect`
    the parent shares the rest with the children, one stage at a time.

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
        self._results: dict[str, Any] = {}  # submitted stage results, in pipeline order
        self._figures: dict[str, tuple[Figure, ...]] = {}  # drawn
        self._children: list[_Child] = []
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
        self._results[result.key] = result
        if not has_figures(result):
            self._figures[result.key] = ()
        self._poll()
        self._launch(batch=True)

    def collect(self) -> dict[str, tuple[Figure, ...]]:
        """Every submitted stage's figures, ``{stage key: figures}``: draws in the parent what no child has
        taken, then waits for the children.

        Work is shared: before the parent draws a waiting stage, children that are done are collected and
        their slots given to the oldest waiting stages; the parent draws the newest.
        """
        while True:
            self._poll()
            self._launch(batch=False)
            waiting = self._waiting()
            if not waiting:
                break
            self._figures[waiting[-1]] = stage_figures(self._results[waiting[-1]], self.scenario)
        while self._children:
            self._finish(self._children[0])
        return {key: self._figures[key] for key in self._results}

    def close(self) -> None:
        """Stop and reap every child still running (after an error or an interrupt)."""
        for child in self._children:
            if child.proc.is_alive():
                child.proc.kill()
            child.proc.join()
            child.conn.close()
        self._children.clear()

    def _waiting(self) -> list[str]:
        """Stages neither drawn nor given to a child, in pipeline order."""
        taken = {k for c in self._children for k in c.keys}
        return [k for k in self._results if k not in self._figures and k not in taken]

    def _launch(self, *, batch: bool) -> None:
        while len(self._children) < self.workers:
            waiting = self._waiting()
            if not waiting:
                return
            free = self.workers - len(self._children)
            keys = tuple(waiting[: -(-len(waiting) // free)] if batch else waiting[:1])
            receive, send = self._ctx.Pipe(duplex=False)
            results = [self._results[k] for k in keys]
            proc = self._ctx.Process(target=_child, args=(send, results, self.scenario), daemon=True)
            try:
                proc.start()
            except OSError:  # no process to spare: the parent draws them in collect()
                receive.close()
                send.close()
                return
            send.close()
            self._children.append(_Child(proc, receive, keys))

    def _poll(self) -> None:
        """Collect the children that are done, so that their slots are free."""
        for child in [c for c in self._children if c.conn.poll()]:
            self._finish(child)

    def _finish(self, child: _Child) -> None:
        """Receive a child's figures (drawing them here if the child failed) and reap it."""
        try:
            payload = child.conn.recv_bytes()
        except (EOFError, OSError):
            payload = b""
        child.proc.join()
        child.conn.close()
        self._children.remove(child)
        drawn = pickle.loads(payload) if payload else {}
        for key in child.keys:
            self._figures[key] = (
                drawn[key] if key in drawn else stage_figures(self._results[key], self.scenario)
            )
