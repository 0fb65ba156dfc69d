"""The console script starts, prints its version and help."""

from __future__ import annotations

import subprocess
import sys

from brainrit import __version__
from brainrit.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"brainrit {__version__}"


def test_help_runs_in_subprocess():
    proc = subprocess.run(
        [sys.executable, "-c", "from brainrit.cli import main; raise SystemExit(main(['--help']))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "brainrit" in proc.stdout


def test_unknown_command_exits_2(capsys):
    assert main(["no-such-command"]) == 2


def test_exit_code_of_typer_exit_is_returned():
    import typer

    from brainrit.cli import app

    @app.command("_exit3", hidden=True)
    def _exit3() -> None:
        raise typer.Exit(3)

    assert main(["_exit3"]) == 3
