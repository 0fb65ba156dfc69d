"""Report figures: a consistent matplotlib style, PNG bytes for embedding, and the figures of every stage.

Stages return data only; this module draws each stage's figures from its typed result
(``report/figures_<stage>.py`` hold the drawing code; ``_drawers()`` maps result classes to them).
To give a new stage figures, add a ``figures_<stage>.py`` with ``draw(result, scenario)`` and one line in
``_drawers()``.

Examples
--------
>>> from brainrit.report.figures import new_figure, to_png
>>> fig, ax = new_figure()
>>> _ = ax.plot([0, 1], [0, 1])
>>> to_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["STYLE", "Figure", "has_figures", "new_figure", "stage_figures", "to_png"]


@dataclass(frozen=True)
class Figure:
    """A rendered figure: key, title, PNG bytes (embedded base64 in the report) and caption.

    Examples
    --------
    >>> Figure("f", "A figure", b"\\x89PNG").title
    'A figure'
    """

    key: str
    title: str
    png: bytes
    caption: str = ""


#: Text sizes (pt) of report figures: legible at 1,400 px and in print (the figures are drawn 8.5 in wide at
#: 120 dpi, about the width of the report's column).
STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.titlesize": 13,
}


def new_figure(ncols: int = 1, *, width_in: float = 8.5, height_in: float = 4.4) -> tuple[Any, Any]:
    """A new matplotlib figure (Agg backend, no display needed) in the report style, and its axes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)

    width = width_in if ncols == 1 else min(width_in * 0.65 * ncols, 11.0)  # shrunk to the page beyond
    fig, ax = plt.subplots(1, ncols, figsize=(width, height_in), layout="constrained")
    return fig, ax


def to_png(fig: Any, dpi: int = 120) -> bytes:
    """Render ``fig`` to PNG bytes and close it.

    Text that contains a ``$`` (a user-given arm or lesion name, e.g. ``$\\foo{$``) is drawn literally,
    not parsed as mathtext; matplotlib's own mathtext (the ``10⁵`` tick labels of log axes) still renders.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.set_yscale("log"); _ = ax.plot([1, 2], [10, 1e5]); _ = ax.set_title("arm $\\\\foo{$")
    >>> to_png(fig)[:4] == b"\\x89PNG"
    True
    """
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if "$" in text.get_text():
            text.set_parse_math(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def _drawers() -> dict[type, Callable[[Any, Any], tuple[Figure, ...]]]:
    """Result class → function drawing its figures (imported here, as matplotlib is only needed here)."""
    from brainrit.pipeline import stage_comparison as cmp
    from brainrit.pipeline import stage_dosimetry as dos
    from brainrit.pipeline import stage_ebrt as ebrt
    from brainrit.pipeline import stage_images as images
    from brainrit.pipeline import stage_kinetics as kin
    from brainrit.pipeline import stage_micro as micro
    from brainrit.pipeline import stage_radionuclide as nuc
    from brainrit.pipeline import stage_rit_map as ritmap
    from brainrit.pipeline import stage_rit_outcomes as rit
    from brainrit.pipeline import stage_window as win
    from brainrit.report import (
        figures_comparison,
        figures_dosimetry,
        figures_ebrt,
        figures_images,
        figures_kinetics,
        figures_micro,
        figures_radionuclide,
        figures_rit_map,
        figures_rit_outcomes,
        figures_window,
    )

    return {
        nuc.RadionuclideResult: figures_radionuclide.draw,
        kin.KineticsStageResult: figures_kinetics.draw,
        dos.DosimetryResult: figures_dosimetry.draw,
        micro.MicroResult: figures_micro.draw,
        rit.RitOutcomesResult: figures_rit_outcomes.draw,
        ebrt.EbrtResult: figures_ebrt.draw,
        images.PatientImagesResult: figures_images.draw,
        ritmap.RitDoseMapResult: figures_rit_map.draw,
        cmp.ComparisonResult: figures_comparison.draw,
        win.TherapeuticWindowResult: figures_window.draw,
    }


def has_figures(result: Any) -> bool:
    """Whether :func:`stage_figures` draws anything for this stage result (a stage that did not run, or
    one without figures, draws none).

    Examples
    --------
    >>> from brainrit.pipeline.core import StageOutcome
    >>> has_figures(StageOutcome("ebrt", "External-beam arms", "no arm"))
    False
    """
    return type(result) in _drawers()


def stage_figures(result: Any, scenario: Any) -> tuple[Figure, ...]:
    """The figures of one stage result (none for a stage that did not run or has no figures).

    Parameters
    ----------
    result : StageResult or StageOutcome
        A stage's result from :func:`brainrit.pipeline.run_scenario`.
    scenario : Scenario
        The scenario it was run with (some figures label scenario parameters).

    Returns
    -------
    tuple of Figure

    Examples
    --------
    >>> from brainrit.pipeline.core import StageOutcome
    >>> stage_figures(StageOutcome("ebrt", "External-beam arms", "no arm"), None)
    ()
    """
    draw = _drawers().get(type(result))
    return draw(result, scenario) if draw is not None else ()
