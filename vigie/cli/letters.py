"""`vigie letters` (issue, list, send, receipt) and `vigie letter show`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine
from temporalio.client import Client

from models.letter import LetterKind
from models.local_time import PARIS
from vigie.cli.connections import database, temporal_client
from vigie.cli.identity import acting_user
from vigie.cli.output import console, fail
from vigie.letters import service
from vigie.letters.fund import Fund
from vigie.letters.render import render_pdf
from vigie.services.errors import VigieError
from vigie.settings import get_settings

letters_app = typer.Typer(
    help="Procedure letters: issue, list, send, record the receipt.", no_args_is_help=True
)
letter_app = typer.Typer(help="One letter: show it, as text, HTML or PDF.", no_args_is_help=True)
T = TypeVar("T")
KINDS = ", ".join(k.value for k in LetterKind)


def _today() -> date:
    return datetime.now(PARIS).date()


def _acting(work: Callable[[Client, Engine, str], Awaitable[T]]) -> T:
    """Run ``work`` as the acting user, with Temporal and the database."""
    settings = get_settings()

    async def run() -> T:
        with database(settings) as engine:
            actor = acting_user(engine)
            client = await temporal_client(settings)
            return await work(client, engine, actor)

    try:
        return asyncio.run(run())
    except VigieError as exc:
        raise fail(exc) from None


@letters_app.command("issue")
def issue_command(
    case_id: str = typer.Argument(...),
    kind: LetterKind = typer.Argument(..., help=KINDS),
) -> None:
    """Compose a letter from the case and the policy; refused, naming them, if a mandatory
    mention is missing; otherwise stored for good and recorded on the case."""
    fund = Fund.from_settings(get_settings())
    record = _acting(
        lambda client, _engine, actor: service.issue(client, case_id, kind, actor, fund, _today())
    )
    console.print(
        f"issued {record.id}: {record.kind.value}, {len(record.mentions)} mentions, "
        f"sha256 {record.content_hash[:16]}…, template {record.template_version}"
    )


@letters_app.command("send")
def send_command(
    letter_id: str = typer.Argument(...),
    on: datetime = typer.Option(
        None, "--on", formats=["%Y-%m-%d"], help="the day it was posted (default: today)"
    ),
) -> None:
    """Record the posting; without a receipt, the letter is presumed received after the
    policy's delay (letter.presumed_receipt)."""
    day = on.date() if on else _today()
    summary = _acting(
        lambda client, engine, actor: service.send(client, engine, letter_id, day, actor)
    )
    console.print(escape(summary))


@letters_app.command("receipt")
def receipt_command(
    letter_id: str = typer.Argument(...),
    on: datetime = typer.Option(
        ..., "--on", formats=["%Y-%m-%d"], help="the day the addressee received it"
    ),
) -> None:
    """Record the acknowledgement of receipt: the letter's deadline runs from that day."""
    summary = _acting(
        lambda client, engine, actor: service.receive(client, engine, letter_id, on.date(), actor)
    )
    console.print(escape(summary))


@letters_app.command("list")
def list_command(
    case_id: str | None = typer.Argument(None, help="one case (default: all)"),
) -> None:
    """Letters issued, with when they were sent and received."""
    with database(get_settings()) as engine:
        letters = service.list_letters(engine, case_id)
    table = Table(title=f"{len(letters)} letter(s)")
    for header in ("id", "case", "kind", "issued", "by", "sent", "received", "sha256"):
        table.add_column(header, overflow="fold")
    for x in letters:
        received = x.received_on.isoformat() if x.received_on else "-"
        table.add_row(
            x.id,
            x.case_id,
            x.kind.value,
            x.issued_on.isoformat(),
            x.issued_by,
            x.sent_on.isoformat() if x.sent_on else "-",
            f"{received} (presumed)" if x.receipt_presumed else received,
            x.content_hash[:12],
        )
    console.print(table)


@letter_app.command("show")
def show_command(
    letter_id: str = typer.Argument(...),
    pdf: Path | None = typer.Option(None, "--pdf", help="write the PDF/A to this file"),
    html: Path | None = typer.Option(None, "--html", help="write the HTML to this file"),
) -> None:
    """A stored letter, checked against its hash: its mentions, or its PDF/A or HTML."""
    try:
        with database(get_settings()) as engine:
            letter, content = service.verified_html(engine, letter_id)
            if pdf:
                pdf.write_bytes(render_pdf(content))
    except VigieError as exc:
        raise fail(exc) from None
    if html:
        html.write_text(content, encoding="utf-8")
    console.print(
        f"{letter.id}: {letter.kind.value} on {escape(letter.case_id)}, dated "
        f"{letter.issued_on}, issued by {letter.issued_by} "
        f"(recorded {letter.issued_at.astimezone(PARIS):%Y-%m-%d %H:%M}), "
        f"sha256 {letter.content_hash} (verified), template {letter.template_version}, "
        f"policy v{letter.policy_version}"
    )
    for key, value in letter.mentions.items():
        console.print(f"  {key}: {escape(str(value))}", highlight=False)
    for path in (pdf, html):
        if path:
            console.print(f"written: {path} ({path.stat().st_size} bytes)")
