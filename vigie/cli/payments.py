"""`vigie payments`: import a payments file, list and assign the payments left unmatched."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from vigie.cli.connections import database, temporal_client
from vigie.cli.identity import acting_user
from vigie.cli.output import console, err_console, fail, format_amount
from vigie.services.errors import VigieError
from vigie.services.payment_file import PaymentFileError
from vigie.services.payments import (
    PaymentsReport,
    assign_payment,
    import_payments,
    unmatched_payments,
)
from vigie.settings import get_settings

payments_app = typer.Typer(
    help="Payments received: import, unmatched, assign.", no_args_is_help=True
)


@payments_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV: payment_ref, paid_on, amount, debt_ref/debtor"),
) -> None:
    """Import a payments file: validated whole (nothing loaded on any error), each payment
    matched to its debt and recorded on its case; the others go to `payments unmatched`."""
    settings = get_settings()

    async def run() -> PaymentsReport:
        with database(settings) as engine:
            actor = acting_user(engine)
            client = await temporal_client(settings)
            return await import_payments(
                client, engine, file, actor, progress=lambda done, total: _progress(done, total)
            )

    try:
        report = asyncio.run(run())
    except PaymentFileError as exc:
        for error in exc.errors:
            err_console.print(f"[red]{escape(str(error))}[/]")
        err_console.print(f"{len(exc.errors)} problem(s) in {file.name}: nothing was loaded")
        raise typer.Exit(2) from None
    except VigieError as exc:
        raise fail(exc) from None
    total = sum((amount for _, _, amount in report.matched), Decimal(0))
    console.print(
        f"import #{report.import_id}: {report.rows} payment(s), {len(report.matched)} recorded "
        f"({format_amount(total)} EUR), {len(report.unmatched)} in suspense"
    )
    for line, reason in report.unmatched:
        console.print(f"  line {line}: {escape(reason)}")


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        err_console.print(f"  {done}/{total} payments applied", highlight=False)


@payments_app.command("unmatched")
def unmatched_command(
    all_: bool = typer.Option(False, "--all", help="include those already assigned"),
) -> None:
    """Payments kept in suspense: no debt, several possible cases, or refused by the case."""
    with database(get_settings()) as engine:
        rows = unmatched_payments(engine, include_resolved=all_)
    table = Table(title=f"{len(rows)} unmatched payment(s)")
    for header in ("#", "import", "line", "ref", "paid on", "EUR", "debtor / debt", "why"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            str(r.import_id),
            str(r.line),
            r.payment_ref,
            r.paid_on.isoformat(),
            format_amount(r.amount),
            r.debt_ref or r.debtor or "-",
            escape(r.reason if not r.resolved_case_id else f"assigned to {r.resolved_case_id}"),
        )
    console.print(table)


@payments_app.command("assign")
def assign_command(
    suspense_id: int = typer.Argument(..., help="the # of `vigie payments unmatched`"),
    case_id: str = typer.Argument(...),
    debt: str | None = typer.Option(None, "--debt", help="e.g. debt-3 (default: oldest first)"),
) -> None:
    """Record an unmatched payment on the case a person chose."""
    settings = get_settings()

    async def run() -> None:
        with database(settings) as engine:
            actor = acting_user(engine)
            client = await temporal_client(settings)
            await assign_payment(client, engine, suspense_id, case_id, debt, actor)

    try:
        asyncio.run(run())
    except VigieError as exc:
        raise fail(exc) from None
    console.print(f"payment #{suspense_id} recorded on {case_id}")
