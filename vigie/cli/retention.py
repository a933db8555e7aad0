"""`vigie retention`: closed cases past the retention period, and their purge."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from vigie.cli.connections import database
from vigie.cli.identity import acting_user
from vigie.cli.output import console, err_console, fail
from vigie.services.errors import VigieError
from vigie.services.retention import due_for_purge, purge_due
from vigie.settings import get_settings

retention_app = typer.Typer(
    help="Retention of personal data: what is due for purge, and the purge.",
    no_args_is_help=True,
)


@retention_app.command("due")
def due_command() -> None:
    """Closed cases past the retention period, whose personal data the next purge removes."""
    with database(get_settings()) as engine:
        months, cases = due_for_purge(engine, datetime.now(UTC))
    table = Table(title=f"{len(cases)} case(s) closed more than {months} months ago")
    for header in ("case", "closed"):
        table.add_column(header)
    for case in cases:
        table.add_row(case.id, f"{case.closed_at:%Y-%m-%d}")
    console.print(table)


@retention_app.command("purge")
def purge_command() -> None:
    """Purge now what the daily schedule would (names and free text; figures kept)."""
    try:
        with database(get_settings()) as engine:
            actor = acting_user(engine)
            report = purge_due(
                engine,
                datetime.now(UTC),
                actor=actor,
                progress=lambda done, total: err_console.print(f"  {done}/{total} cases purged"),
            )
    except VigieError as exc:
        raise fail(exc) from None
    console.print(f"{len(report.cases)} case(s) purged; rows rewritten: {report.rows}")
