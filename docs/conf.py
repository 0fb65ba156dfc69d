"""Sphinx configuration of the brainrit documentation (built by ``make docs`` with warnings as errors).

Pages under ``_generated/`` are written at build time by ``_ext/brainrit_docgen.py``: the scenario file
reference (from the pydantic schema), the command-line reference (from the typer app), one API page per
public module (autodoc) and the latest validation report. Nothing here needs the network: MathJax is
bundled by sphinx-mathjax-offline (no CDN), so equations render in a browser that is offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import brainrit  # noqa: E402

project = "brainrit"
author = "brainrit developers"
copyright = "brainrit developers"
release = brainrit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # bundles MathJax 3 into _static/mathjax: equations render with no network
    "myst_parser",
    "brainrit_docgen",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "includes", "Thumbs.db", ".DS_Store", "README.md"]
templates_path: list[str] = []

myst_enable_extensions = ["dollarmath", "colon_fence"]

autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autoclass_content = "class"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True

# Type names in signatures and numpy docstrings ("array_like", "float, optional") are not cross-reference
# targets; without intersphinx (no network) nitpicky mode would flag every one of them.
nitpicky = False
# "ref.python": numpy-style type fields ("array, shape (n,)") are cross-referenced word by word; a word such
# as "shape" matches attributes of several classes, which Sphinx reports as ambiguous. The links are
# cosmetic; everything else stays an error.
suppress_warnings = ["ref.python"]

html_theme = "alabaster"
html_title = f"brainrit {release}"
html_static_path: list[str] = []
html_theme_options = {"description": "α-emitter RIT of brain metastases vs WBRT/SRS", "page_width": "1200px"}
mathjax3_config = {"tex": {"macros": {}}}
# Option names such as --force must stay two hyphens, not an en dash, and quotes stay straight for copying.
smartquotes = False
