"""Entry point of the `vigie` command."""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime

import typer

from vigie.cli import (
    act,  # noqa: F401  (adds `act` and `fields` to the case app)
    cases,
    claims,
    deadline,
    detect,
    detect_run,  # noqa: F401  (adds `run` to the detect app)
    letters,
    payments,
    report,
    retention,
    services,
    synth,
    tasks,
    users,
)
from vigie.services.errors import VigieError
from vigie.settings import Settings

app = typer.Typer(
    help="Vigie: fraud-control case management.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # main() turns an unexpected error into one line
)
app.command()(services.up)
app.command()(services.status)
app.command()(services.migrate)
app.command()(services.worker)
app.command()(services.demo)
app.add_typer(cases.cases_app, name="cases")
app.add_typer(cases.case_app, name="case")
app.add_typer(users.users_app, name="users")
app.command("tasks")(tasks.tasks_command)
app.command("deadline")(deadline.deadline_command)
app.add_typer(payments.payments_app, name="payments")
app.add_typer(letters.letters_app, name="letters")
app.add_typer(letters.letter_app, name="letter")
app.add_typer(report.report_app, name="report")
app.add_typer(retention.retention_app, name="retention")
app.add_typer(claims.claims_app, name="claims")
app.add_typer(detect.app, name="detect")  # detect_run adds `run` to it
app.add_typer(synth.app, name="synth")


def unexpected(exc: Exception) -> str:
    """One line for an error no command expected; the traceback goes to a file in the log
    directory, named in the line."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    what = f"unexpected {type(exc).__name__}: {first}"
    try:
        log_dir = Settings().log_dir  # read now: the error may come from a bad setting
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "cli-errors.log"
        with path.open("a", encoding="utf-8") as out:
            out.write(f"--- {datetime.now(UTC).isoformat()} vigie {' '.join(sys.argv[1:])}\n")
            out.write("".join(traceback.format_exception(exc)))
    except (OSError, ValueError):  # no writable log dir, or the settings themselves are bad
        return what
    return f"{what} (details in {path})"


def main() -> None:
    """Run the app, then exit with ``os._exit``: the Temporal SDK can otherwise abort at
    interpreter shutdown (PyGILState_Release), see docs/decisions.md."""
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except VigieError as exc:  # a known refusal (a setting, a rule): its one line, its code
        code = exc.exit_code
        sys.stderr.write(f"error: {exc}\n")
    except Exception as exc:  # noqa: BLE001  (the last resort: no traceback reaches a user)
        code = 1
        sys.stderr.write(f"error: {unexpected(exc)}\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
