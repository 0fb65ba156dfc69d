"""The ``brainrit`` command.

Each sub-command lives in its own module in this package and registers itself on :data:`app`.
Errors raised on purpose (:class:`brainrit.errors.BrainritError`) print one line and exit with code 2;
nothing else is caught, so genuine bugs still show their traceback.

Shell completion (typer's): ``brainrit --install-completion`` installs it for the current shell (bash, zsh,
fish, PowerShell); ``brainrit --show-completion`` prints the script to install by hand. Every command that
prints results takes ``--json`` (machine-readable output on stdout).
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from brainrit import __version__
from brainrit.errors import BrainritError

app = typer.Typer(
    name="brainrit",
    help="Plan and evaluate α-emitter radioimmunotherapy (²¹²Pb-anti-VCAM-1) of brain metastases "
    "and compare it with whole-brain and stereotactic radiotherapy.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"brainrit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """brainrit command-line interface."""


def _register() -> None:
    # Sub-command modules import only light modules at import time (heavy ones inside the command).
    from brainrit.cli import commands  # noqa: F401


def command() -> Any:
    """The click command behind :data:`app`, with every sub-command registered.

    On/off flags get an empty metavar: typer would otherwise print a ``<bool>`` type after ``--force``
    in the help, as if the option took a value.
    """
    import typer.main

    _register()
    cmd = typer.main.get_command(app)

    def help_option(original: Any) -> Any:
        def get_help_option(ctx: Any) -> Any:
            opt = original(ctx)
            if opt is not None and opt.metavar is None:
                opt.metavar = ""
            return opt

        return get_help_option

    def walk(c: Any) -> None:
        for p in getattr(c, "params", ()):
            if getattr(p, "is_flag", False) and p.metavar is None:
                p.metavar = ""
        c.get_help_option = help_option(c.get_help_option)
        for sub in (getattr(c, "commands", None) or {}).values():
            walk(sub)

    walk(cmd)
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        rc = command().main(args=argv, prog_name="brainrit", standalone_mode=False)
    except BrainritError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:
        # Usage errors (unknown command or option): typer vendors click, so match by behaviour.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            return 2
        raise
    # With standalone_mode=False, click returns the code of typer.Exit(n) instead of raising it.
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def console() -> None:
    """Console-script wrapper: exits with :func:`main`'s code."""
    sys.exit(main())
