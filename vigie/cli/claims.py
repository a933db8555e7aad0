"""`vigie claims import FILE`: load claims into Postgres, all or nothing, with progress."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from activities.claims_import import import_claims
from detection.schema import ClaimsFormatError
from vigie.cli.connections import current_user, database
from vigie.cli.output import console, err_console
from vigie.settings import get_settings

claims_app = typer.Typer(help="Claims data.", no_args_is_help=True)
SHOWN_ERRORS = 20


def show_refusal(exc: ClaimsFormatError) -> None:
    """One line for one error (a file-level one: not UTF-8, imported already); else a count
    then the first errors, one a line."""
    if exc.total == 1 and exc.errors:
        err_console.print(
            f"[red]refused[/]: {escape(str(exc.errors[0]))}; nothing was loaded", soft_wrap=True
        )
        return
    err_console.print(f"[red]refused[/]: {exc.total} error(s); nothing was loaded")
    for err in exc.errors[:SHOWN_ERRORS]:
        err_console.print(f"  {escape(str(err))}", soft_wrap=True)
    if exc.total > SHOWN_ERRORS:
        err_console.print(f"  ... and {exc.total - SHOWN_ERRORS} more")


@claims_app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="claims CSV or Parquet"),
) -> None:
    """Validate FILE and load it with COPY in one transaction; nothing is loaded on error."""
    settings = get_settings()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # a progress bar only on a terminal: piped, it would leave blank lines around the output
    terminal = err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        try:
            with database(settings) as engine:
                summary = import_claims(engine, file, current_user(), report)
        except ClaimsFormatError as exc:
            bar.stop()
            show_refusal(exc)
            raise typer.Exit(2) from None
    console.print(
        f"imported {summary.rows} claims (import #{summary.import_id}), service dates "
        f"{summary.first_service_date} to {summary.last_service_date}, "
        f"months {', '.join(summary.months)}"
    )
