"""Matplotlib helpers for report figures: a consistent style and PNG bytes for embedding.

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
from typing import Any

__all__ = ["new_figure", "to_png"]


def new_figure(ncols: int = 1, *, width_in: float = 6.4, height_in: float = 3.8) -> tuple[Any, Any]:
    """A new matplotlib figure (Agg backend, no display needed) and its axes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(
        1, ncols, figsize=(width_in * (1 if ncols == 1 else 0.75 * ncols), height_in), layout="constrained"
    )
    return fig, ax


def to_png(fig: Any, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes and close it.

    Text that contains a ``$`` (a user-given arm or lesion name, e.g. ``$\\foo{$``) is drawn literally,
    not parsed as mathtext; matplotlib's own mathtext (the ``10⁵`` tick labels of log axes) still renders.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.set_yscale("log"); _ = ax.plot([1, 2], [10, 1e5]); _ = ax.set_title("arm $\\foo{$")
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
