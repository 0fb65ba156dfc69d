"""The terminal summary prints stage messages and names literally (rich markup is not interpreted)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from brainrit.cli.run import _print_summary
from brainrit.pipeline.core import StageOutcome


def test_square_brackets_in_messages_are_printed(capsys):
    outcome = StageOutcome("patient_images", "Patient images", "the scenario has no [images] section")
    _print_summary(SimpleNamespace(stages={"patient_images": outcome}), Path("out[1]"))
    text = " ".join(capsys.readouterr().out.split())
    assert "no [images] section" in text
    assert "out[1]" in text
