"""Entry point of the `vigie` command."""

from __future__ import annotations

import os
import sys

import typer

from vigie.cli import (
    cases,
    claims,
    detect,
    detect_run,  # noqa: F401  (adds `run` to the detect app)
    services,
    synth,
)

app = typer.Typer(help="Vigie: fraud-control case management.", no_args_is_help=True)
app.command()(services.up)
app.command()(services.status)
app.command()(services.migrate)
app.command()(services.worker)
app.command()(services.demo)
app.add_typer(cases.cases_app, name="cases")
app.add_typer(cases.case_app, name="case")
app.add_typer(cases.users_app, name="users")
app.add_typer(claims.claims_app, name="claims")
app.add_typer(detect.app, name="detect")  # detect_run adds `run` to it
app.add_typer(synth.app, name="synth")


def main() -> None:
    """Run the app, then exit with ``os._exit``: the Temporal SDK can otherwise abort at
    interpreter shutdown (PyGILState_Release), see ARCHITECTURE.md."""
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
