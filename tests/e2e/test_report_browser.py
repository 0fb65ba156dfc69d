"""The report opens in headless Chromium with no script errors and every figure decoded.

The page carries a tiny self-check script that records, on load, how many figures decoded and how
many errors were thrown (``data-*`` attributes on <body>); Chromium's ``--dump-dom`` returns the DOM
after scripts ran. A screenshot is saved under ``test-artifacts/`` as a test artefact.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

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
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (.ci/run installs it)"
)


def test_report_renders_in_chromium(tmp_path):
    src = tmp_path / "s.toml"
    src.write_text(builtin_text("mouse-vcam1-pb212"))
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out), "-q"]) == 0
    url = (out / "report.html").as_uri()
    dom = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'ud1'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attrs = dict(re.findall(r'data-([a-z-]+)="(\d+)"', body.group(0)))
    assert int(attrs["figures"]) >= 4
    assert attrs["figures-rendered"] == attrs["figures"]
    assert attrs["errors"] == "0"
    assert "Uncaught" not in dom.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-mouse-vcam1-pb212.png"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'ud2'}",
            "--window-size=1200,3000",
            f"--screenshot={shot}",
            url,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
