"""The report opens in headless Chromium with no script or console errors and every figure drawn.

A broken figure fails the test: each ``<img>`` of the report must be present, decode as an image of a
sensible size and not be blank (a white or single-colour rectangle), both when decoded here (Pillow) and in
the browser. The page carries a tiny self-check script that records, on load, how many figures decoded and
how many errors were thrown (``data-*`` attributes on <body>); Chromium's ``--dump-dom`` returns the DOM after
scripts ran, and its console log (``--enable-logging=stderr``) must hold no error. A screenshot at 1,400 px
width is saved under ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from brainrit.cli import main
from brainrit.scenario import builtin_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH_PX = 1400

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (.ci/run installs it)"),
]

IMG = re.compile(r"<img\b[^>]*>", re.I)


def figures(html: str) -> list[tuple[str, bytes]]:
    """``(alt text, PNG bytes)`` of every embedded figure of a report page.

    >>> figures("<p><img alt='x' src='data:image/png;base64,iVBORw=='></p>")
    [('x', b'\\x89PNG')]
    """
    out = []
    for tag in IMG.findall(html):
        alt = re.search(r"alt=['\"]([^'\"]*)", tag)
        src = re.search(r"src=['\"]data:image/png;base64,([^'\"]+)", tag)
        out.append((alt.group(1) if alt else "", base64.b64decode(src.group(1)) if src else b""))
    return out


def blank_reason(png: bytes) -> str | None:
    """Why an image is unusable (does not decode, too small, blank), or ``None`` when it is fine.

    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (640, 480), "white").save(buf, format="PNG")
    >>> blank_reason(buf.getvalue()), blank_reason(b"not a png")
    ('blank (0.00% of the pixels differ from the background)', 'does not decode')
    """
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(png))
        img.load()
    except (UnidentifiedImageError, OSError):
        return "does not decode"
    if img.width < 200 or img.height < 100:
        return f"only {img.width} x {img.height} px"
    grey = np.asarray(img.convert("L"), dtype=float)
    background = np.median(grey)
    ink = np.mean(np.abs(grey - background) > 30)  # share of pixels that differ clearly from the background
    if ink < 0.005:
        return f"blank ({ink:.2%} of the pixels differ from the background)"
    return None


def _run_report(name: str, tmp_path: Path) -> Path:
    src = tmp_path / f"{name}.toml"
    src.write_text(builtin_text(name), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out), "-q"]) == 0
    return out / "report.html"


def _chromium(tmp_path: Path, tag: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / tag}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("name", ["mouse-vcam1-pb212", "human-early-bm"])
def test_report_renders_in_chromium(name, tmp_path):
    report = _run_report(name, tmp_path)
    html = report.read_text(encoding="utf-8")

    figs = figures(html)
    assert len(figs) >= 4, "the report lost its figures"
    broken = {alt or f"figure {k}": why for k, (alt, png) in enumerate(figs) if (why := blank_reason(png))}
    assert not broken, broken
    assert all(alt.strip() for alt, _ in figs), "every figure needs an alt text"

    url = report.as_uri()
    dom = _chromium(
        tmp_path, "dom", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", url
    )
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attrs = dict(re.findall(r'data-([a-z-]+)="(\d+)"', body.group(0)))
    assert int(attrs["figures"]) == len(figs)
    assert attrs["figures-rendered"] == attrs["figures"], "a figure did not decode in the browser"
    assert attrs["errors"] == "0"
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    errors = [ln for ln in console if "error" in ln.lower() or "Uncaught" in ln]
    assert not errors, "\n".join(errors)

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{name}.png"
    _chromium(tmp_path, "shot", f"--window-size={WIDTH_PX},4000", f"--screenshot={shot}", url)
    assert shot.exists() and blank_reason(shot.read_bytes()) is None
