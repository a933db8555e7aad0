"""A refused action names the rule it breaks, and leaves Postgres and the workflow unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.types import LedgerKind
from tests.workflows.case_driver import CaseDriver
from vigie.services.errors import InvalidActionError


async def assert_refused_without_trace(
    case: CaseDriver, rule: str, action: str, **fields: object
) -> None:
    db_before, state_before = case.snapshot(), await case.state()
    with pytest.raises(InvalidActionError) as refused:
        await case.do(action, **fields)
    assert refused.value.rule == rule
    assert case.snapshot() == db_before
    assert await case.state() == state_before


async def test_closing_a_case_while_a_track_is_open_is_refused(case: CaseDriver) -> None:
    await case.do("open_investigation")
    await case.do(
        "record_grievance",
        qualification="abuse",
        description="overbilling",
        lines=await case.recent_lines("700.00"),
    )
    await case.do("conclude_investigation")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    await assert_refused_without_trace(case, "tracks_still_open", "close", reason="done")


async def test_a_grievance_without_amount_lines_is_refused(case: CaseDriver) -> None:
    await case.do("open_investigation")
    await assert_refused_without_trace(
        case,
        "grievance_needs_amount_lines",
        "record_grievance",
        qualification="fraud",
        description="fictitious patients",
        lines=[],
    )


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("assign", {"assignee": "bob"}),
        ("open_investigation", {}),
        ("take_protective_measure", {"kind": "payment_suspension", "estimated_avoided": "10.00"}),
        ("close", {"reason": "again"}),
    ],
)
async def test_any_action_on_a_closed_case_is_refused(
    case: CaseDriver, action: str, fields: dict[str, object]
) -> None:
    await case.do("dismiss", reason="no irregularity")
    await assert_refused_without_trace(case, "case_closed", action, **fields)


async def test_the_same_action_sent_twice_with_one_request_id_is_applied_once(
    case: CaseDriver,
) -> None:
    await case.do("open_investigation")
    audits = case.audit_count()
    fields = {"kind": "payment_suspension", "estimated_avoided": Decimal("4300.00")}
    first = await case.do("take_protective_measure", request_id="measure-42", **fields)
    again = await case.do("take_protective_measure", request_id="measure-42", **fields)
    assert first == again and len(again.measures) == 1
    assert case.audit_count() == audits + 1
    avoided = [e.amount for e in case.ledger() if e.kind is LedgerKind.HARM_AVOIDED]
    assert avoided == [Decimal("4300.00")]


async def test_retrying_the_action_that_closed_a_case_returns_the_closed_state_once(
    case: CaseDriver,
) -> None:
    closed = await case.do("dismiss", request_id="dismiss-1", reason="no irregularity")
    audits = case.audit_count()
    again = await case.do("dismiss", request_id="dismiss-1", reason="no irregularity")
    assert again == closed and case.audit_count() == audits
