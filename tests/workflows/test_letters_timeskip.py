"""Letters on the time-skipping server: issued through the letters service (mentions checked,
stored once), sent, and received; the receipt, recorded days later with the day it
happened, starts the deadline; without a receipt, the presumed one does."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models import Letter
from models.case_messages import TargetRef
from models.letter import LetterKind, content_hash
from models.local_time import end_of_day
from models.types import ActorType
from tests.workflows.case_driver import CaseDriver
from tests.workflows.conftest import CaseFactory
from tests.workflows.test_case_lifecycle import to_findings
from vigie.letters import service
from vigie.letters.fund import Fund
from vigie.settings import Settings
from workflows.procedure.legal_time import due_date

FUND = Fund.from_settings(Settings())


async def named_case(new_case: CaseFactory) -> CaseDriver:
    target = TargetRef(
        actor_type=ActorType.PROFESSIONAL,
        identifier=f"LT{uuid.uuid4().hex[:10]}",
        profession="nurse",
        region="bretagne",
        display_name="Dr Jeanne Martin",
    )
    return await new_case(target=target)


def stored(engine: Engine, letter_id: str) -> Letter:
    with Session(engine) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        return letter


async def test_the_observations_month_runs_from_the_receipt_of_the_grievances_letter(
    new_case: CaseFactory, engine: Engine
) -> None:
    case = await named_case(new_case)
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    today = await case.today()
    letter = await service.issue(
        case.env.client, case.case_id, LetterKind.GRIEVANCES, case.actor, FUND, today
    )
    await service.send(case.env.client, engine, letter.id, today, case.actor)
    await case.sleep(days=5)  # the acknowledgement comes back and is typed in five days later
    received = today + timedelta(days=2)
    said = await service.receive(case.env.client, engine, letter.id, received, case.actor)
    assert said.startswith(f"letter {letter.id} received on {received}")
    await case.settle()
    state = await case.state()

    period = next(d for d in state.deadlines if d.kind == "observations")
    assert period.due_at == end_of_day(due_date(received, 1, "months").due)
    assert state.letters[letter.id].received_on == received
    assert not any(d.kind == "letter_receipt" for d in state.deadlines)

    # stored once, with the audit row of its issue, as issued
    row = stored(engine, letter.id)
    assert (row.case_id, row.kind, row.issued_on) == (case.case_id, LetterKind.GRIEVANCES, today)
    assert row.content_hash == content_hash(row.html) == letter.content_hash
    audit = next(a for a in case.audit_rows() if a.seq == row.seq)
    assert audit.action == "issue_letter"
    assert audit.details["command"]["letter"]["content_hash"] == letter.content_hash


async def test_an_issued_letter_cannot_be_changed_or_deleted(
    new_case: CaseFactory, engine: Engine
) -> None:
    case = await named_case(new_case)
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    letter = await service.issue(
        case.env.client, case.case_id, LetterKind.GRIEVANCES, case.actor, FUND, await case.today()
    )
    for statement in (
        "UPDATE letter SET html = 'nothing to pay' WHERE id = :id",
        "DELETE FROM letter WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="letter is append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement), {"id": letter.id})
    assert stored(engine, letter.id).html == letter.html
    # and were the table's guard lifted, reading it back would say so
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE letter DISABLE TRIGGER letter_append_only"))
        conn.execute(
            text("UPDATE letter SET html = 'nothing to pay' WHERE id = :id"), {"id": letter.id}
        )
        conn.execute(text("ALTER TABLE letter ENABLE TRIGGER letter_append_only"))
    with pytest.raises(service.LetterAlteredError, match="no longer matches its hash"):
        service.verified_html(engine, letter.id)


async def test_a_payment_notice_without_a_receipt_is_presumed_received_two_days_after_posting(
    new_case: CaseFactory, engine: Engine
) -> None:
    case = await named_case(new_case)
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    today = await case.today()
    letter = await service.issue(
        case.env.client, case.case_id, LetterKind.PAYMENT_NOTICE, case.actor, FUND, today
    )
    await service.send(case.env.client, engine, letter.id, today, case.actor)
    state = await case.sleep_past("letter_receipt")

    presumed = due_date(today, 2, "days").due
    assert state.letters[letter.id].received_on == presumed
    assert state.letters[letter.id].receipt_presumed
    assert {d.notified_on for d in state.debts.values()} == {presumed}
    assert state.tracks["recovery"].step == "payment_period"
    period = next(d for d in state.deadlines if d.kind == "payment_period")
    assert period.due_at == end_of_day(due_date(presumed, 2, "months").due)
    expired = [a for a in case.audit_rows() if a.action == "deadline_expired"]
    assert expired[-1].details["letter_id"] == letter.id
    [listed] = service.list_letters(engine, case.case_id)
    assert (listed.received_on, listed.receipt_presumed) == (presumed, True)
