"""The documentation builds and reads offline: MathJax is bundled, and option names keep their two hyphens."""

from __future__ import annotations

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "docs" / "conf.py"


def test_mathjax_is_bundled_and_smartquotes_off():
    conf = runpy.run_path(str(CONF))
    assert "sphinx-mathjax-offline" in conf["extensions"]  # serves _static/mathjax, no CDN
    assert conf.get("mathjax_path") is None or "://" not in conf["mathjax_path"]
    assert conf["smartquotes"] is False  # `--force` must not become an en dash


def test_docs_extra_declares_the_offline_mathjax():
    text = (CONF.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert "sphinx-mathjax-offline" in text
