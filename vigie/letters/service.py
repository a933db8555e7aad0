"""Issue, send, receive, list and show letters.

Issuing composes the mentions from the case as the workflow holds it, refuses a letter with
any mandatory mention missing, renders it, and sends the ``issue_letter`` action: the
projection stores the letter with the audit row of its issue, in one transaction, and
Postgres refuses any later change. Sending and receipt are case actions too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from temporalio.client import Client

from models import AuditEntry, Letter
from models.letter import LetterKind, LetterPublic, LetterRecord, content_hash
from models.letter_actions import IssueLetter, RecordLetterReceipt, SendLetter
from vigie.letters.compose import compose
from vigie.letters.fund import Fund
from vigie.letters.render import render_html, render_pdf, template_version
from vigie.services.case_access import refuse_if_purged
from vigie.services.case_commands import act, current_state
from vigie.services.errors import InvalidActionError, NotFoundError, VigieError
from workflows.procedure.deadlines import catch_up
from workflows.procedure.errors import InvalidAction
from workflows.procedure.letters import require_due

LETTER_ACTIONS = ("send_letter", "record_letter_receipt")


class LetterAlteredError(VigieError):
    """A stored letter no longer matches its content hash (it was tampered with)."""

    http_status = 500
    exit_code = 1


def new_letter_id(on: date) -> str:
    return f"L{on:%Y%m%d}-{uuid.uuid4().hex[:8]}"


async def issue(
    client: Client, case_id: str, kind: LetterKind, actor: str, fund: Fund, on: date
) -> LetterRecord:
    """Compose, check and render a ``kind`` letter for the case, dated ``on`` (today, or
    the day it was signed when entered late); record its issue."""
    state = await current_state(client, case_id)
    # the deadlines already due, as the workflow applies them before judging the issue
    for due in catch_up(state, datetime.now(UTC)):
        state = due.state
    try:
        require_due(state, kind)  # not at its step: say so before checking its mentions
    except InvalidAction as exc:
        raise InvalidActionError(exc.rule, exc.message) from None
    mentions = compose(kind, state, fund, on)
    html = render_html(kind, mentions)  # refuses a letter missing a mandatory mention
    record = LetterRecord(
        id=new_letter_id(on),
        kind=kind,
        issued_on=on,
        content_hash=content_hash(html),
        html=html,
        template_version=template_version(kind),
        policy_version=str(state.policy.version),
        mentions=mentions,
    )
    cmd = IssueLetter(request_id=f"letter:{record.id}", actor=actor, letter=record)
    await act(client, case_id, cmd)
    return record


def stored(engine: Engine, letter_id: str) -> Letter:
    with Session(engine) as session:
        letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFoundError(f"no letter {letter_id}")
    return letter


async def send(client: Client, engine: Engine, letter_id: str, sent_on: date, actor: str) -> str:
    cmd = SendLetter(
        request_id=f"send:{letter_id}", actor=actor, letter_id=letter_id, sent_on=sent_on
    )
    return await _on_its_case(client, engine, cmd)


async def receive(
    client: Client, engine: Engine, letter_id: str, received_on: date, actor: str
) -> str:
    cmd = RecordLetterReceipt(
        request_id=f"receipt:{letter_id}", actor=actor, letter_id=letter_id, received_on=received_on
    )
    return await _on_its_case(client, engine, cmd)


async def _on_its_case(
    client: Client, engine: Engine, cmd: SendLetter | RecordLetterReceipt
) -> str:
    """Send a letter action to the letter's case; what the case said of it."""
    state = await act(client, stored(engine, cmd.letter_id).case_id, cmd)
    return state.timeline[-1].summary


@dataclass
class Delivery:
    sent_on: date | None = None
    received_on: date | None = None
    presumed: bool = False


def _deliveries(session: Session, case_ids: set[str]) -> dict[str, Delivery]:
    """Sending and receipt of each letter, read from the audit log (the letter row never
    changes)."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.details)  # type: ignore[call-overload]
        .where(col(AuditEntry.case_id).in_(case_ids))
        .where(col(AuditEntry.action).in_([*LETTER_ACTIONS, "deadline_expired"]))
        .order_by(col(AuditEntry.seq))
    ).all()
    out: dict[str, Delivery] = {}
    for action, details in rows:
        command: dict[str, Any] = details.get("command") or {}
        if action == "send_letter":
            out.setdefault(command["letter_id"], Delivery()).sent_on = date.fromisoformat(
                command["sent_on"]
            )
        elif action == "record_letter_receipt":
            out.setdefault(command["letter_id"], Delivery()).received_on = date.fromisoformat(
                command["received_on"]
            )
        elif details.get("kind") == "letter_receipt" and "letter_id" in details:
            delivery = out.setdefault(details["letter_id"], Delivery())
            delivery.received_on = date.fromisoformat(details["received_on"])
            delivery.presumed = True
    return out


def list_letters(
    engine: Engine, case_id: str | None = None, limit: int = 200
) -> list[LetterPublic]:
    with Session(engine) as session:
        query = select(Letter).order_by(col(Letter.issued_at), col(Letter.id)).limit(limit)
        if case_id:
            query = query.where(col(Letter.case_id) == case_id)
        letters = list(session.execute(query).scalars().all())
        deliveries = _deliveries(session, {x.case_id for x in letters}) if letters else {}
    result = []
    for letter in letters:
        d = deliveries.get(letter.id, Delivery())
        result.append(
            LetterPublic(
                **letter.model_dump(exclude={"html", "mentions"}),
                sent_on=d.sent_on,
                received_on=d.received_on,
                receipt_presumed=d.presumed,
            )
        )
    return result


def verified_html(engine: Engine, letter_id: str) -> tuple[Letter, str]:
    """The stored letter and its HTML, checked against the hash its issue recorded."""
    letter = stored(engine, letter_id)
    refuse_if_purged(engine, letter.case_id)  # past retention its content is a tombstone
    if content_hash(letter.html) != letter.content_hash:
        raise LetterAlteredError(
            f"letter {letter_id}: its content no longer matches its hash {letter.content_hash}"
        )
    return letter, letter.html


def pdf(engine: Engine, letter_id: str) -> bytes:
    _, html = verified_html(engine, letter_id)
    return render_pdf(html)
