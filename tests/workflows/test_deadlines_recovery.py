"""The recovery procedure's deadlines (rules version 2) on the time-skipping server: each
period runs from the day its letter was received, ends at the end of its last day (Paris),
and moves the recovery track on by itself; every action of the procedure is exercised.

Each test opens exactly one case: ``VIGIE_CAPTURE_HISTORIES=1`` records it for replay.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

from models.debt import Debt, PlanStatus
from models.local_time import end_of_day
from models.types import ActorType, LedgerKind, Stage, TaskStatus
from tests.workflows.case_driver import CaseDriver, lines, new_target
from tests.workflows.conftest import CaseFactory
from tests.workflows.test_case_lifecycle import to_findings
from tests.workflows.test_deadlines_timeskip import (
    MARGIN,
    assert_expiry_row,
    expiries,
    months_after,
    only,
    sleep_until,
    task,
)
from workflows.procedure.legal_time import due_date


def legal_end(start: date, *, months: int = 0, days: int = 0) -> date:
    """The last day as French law counts it (docs/legal-time.md: to the same-numbered day,
    then past a weekend or public holiday)."""
    due = due_date(start, months, "months") if months else due_date(start, days, "days")
    return due.due


def entries(case: CaseDriver) -> list[tuple[LedgerKind, Decimal, str | None]]:
    """The case's money entries (not the harm measures), in the order they were posted."""
    rows = sorted(case.ledger(), key=lambda e: (e.seq, e.line))
    return [
        (e.kind, e.amount, e.reverses)
        for e in rows
        if e.kind not in (LedgerKind.HARM_SUFFERED, LedgerKind.HARM_AVOIDED)
    ]


async def test_an_unpaid_debt_goes_through_formal_notice_and_contrainte_to_enforcement(
    case: CaseDriver,
) -> None:
    await to_findings(case, "2400.00")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    [debt] = state.debts.values()
    assert state.tracks["recovery"].step == "to_notify"

    received = await case.today()
    state = await case.do("notify_debts", received_on=received)
    assert state.tracks["recovery"].step == "payment_period"
    period = only(state.deadlines, "payment_period")
    assert period.due_at == end_of_day(legal_end(received, months=2))  # deadline.payment_notice
    assert state.debts[debt.key].notified_on == received
    state = await sleep_until(case, period.due_at - MARGIN)
    assert state.tracks["recovery"].step == "payment_period"
    state = await sleep_until(case, period.due_at + MARGIN)
    assert state.tracks["recovery"].step == "formal_notice_due"
    assert state.timeline[-1].summary == (
        "payment period over, 2400.00 EUR unpaid: formal notice to issue"
    )

    received = await case.today()
    state = await case.do("record_cra_appeal", received_on=received)
    assert state.tracks["recovery"].step == "cra_appeal"
    silence = only(state.deadlines, "cra_silence")
    assert silence.due_at == end_of_day(legal_end(received, months=2))  # deadline.cra_silence
    state = await sleep_until(case, silence.due_at + MARGIN)
    assert state.tracks["recovery"].step == "formal_notice_due"
    assert state.timeline[-1].summary == "CRA silent for 2 months: the appeal is rejected"

    received = await case.today()
    state = await case.do("issue_formal_notice", received_on=received)
    notice = only(state.deadlines, "formal_notice")
    assert notice.due_at == end_of_day(legal_end(received, months=1))  # deadline.formal_notice
    state = await sleep_until(case, notice.due_at + MARGIN)
    assert state.tracks["recovery"].step == "contrainte_due"

    received = await case.today()
    state = await case.do("issue_contrainte", received_on=received)
    opposition = only(state.deadlines, "contrainte_opposition")
    assert opposition.due_at == end_of_day(legal_end(received, days=15))
    state = await sleep_until(case, opposition.due_at - MARGIN)
    assert state.tracks["recovery"].step == "contrainte"
    state = await sleep_until(case, opposition.due_at + MARGIN)
    recovery = state.tracks["recovery"]
    assert recovery.step == "enforcement" and recovery.task is not None
    assert "Enforce the recovery of 2400.00 EUR" in task(case, recovery.task).title

    rows = expiries(case)
    assert [r.details["kind"] for r in rows] == [
        "payment_period",
        "cra_silence",
        "formal_notice",
        "contrainte_opposition",
    ]
    for row, deadline in zip(rows, (period, silence, notice, opposition), strict=True):
        assert_expiry_row(row, deadline)

    state = await case.do(
        "record_payment", amount="2400.00", paid_on=await case.today(), method="offset"
    )
    assert state.tracks["recovery"].outcome == "recovered" and not state.deadlines
    assert task(case, recovery.task).status is TaskStatus.DONE
    state = await case.do("close", reason="recovered by offset after the contrainte")
    assert state.stage is Stage.CLOSED
    assert entries(case) == [
        (LedgerKind.DUE, Decimal("2400.00"), None),
        (LedgerKind.OFFSET, Decimal("2400.00"), None),
    ]
    figures = case.case_row()
    assert (figures.amount_due, figures.amount_recovered) == (
        Decimal("2400.00"),
        Decimal("2400.00"),
    )


async def test_a_reduced_debt_upheld_in_court_is_enforced_and_a_bounced_payment_reversed(
    case: CaseDriver,
) -> None:
    await to_findings(case, "3000.00")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    [debt] = state.debts.values()
    await case.do("notify_debts", received_on=await case.today())
    state = await case.do("record_cra_appeal", received_on=await case.today())
    silence = only(state.deadlines, "cra_silence")
    state = await case.do(
        "record_cra_decision", decision="partly_upheld", debt=debt.key, reduced_by="500.00"
    )
    assert state.tracks["recovery"].step == "formal_notice_due"
    assert silence.key not in {d.key for d in state.deadlines}
    assert task(case, silence.key).status is TaskStatus.DONE  # answered before its silence
    assert state.balance.outstanding == Decimal("2500.00")

    state = await case.do("issue_formal_notice", received_on=await case.today())
    state = await sleep_until(case, only(state.deadlines, "formal_notice").due_at + MARGIN)
    state = await case.do("issue_contrainte", received_on=await case.today())
    opposition = only(state.deadlines, "contrainte_opposition")
    state = await case.do("record_opposition", received_on=await case.today())
    assert state.tracks["recovery"].step == "opposition"
    assert not [d for d in state.deadlines if d.kind == "contrainte_opposition"]
    assert task(case, opposition.key).status is TaskStatus.DONE
    state = await case.do("record_opposition_judgment", decision="rejected")
    assert state.tracks["recovery"].step == "enforcement"

    state = await case.do(
        "record_payment",
        amount="2500.00",
        paid_on=await case.today(),
        method="cheque",
        reference="CHQ-0042",
    )
    assert state.tracks["recovery"].outcome == "recovered"
    cheque = next(e for e in state.ledger if e.kind is LedgerKind.PAYMENT)
    state = await case.do("reverse_entry", entry=cheque.ref, reason="cheque bounced")
    assert state.tracks["recovery"].status.value == "open"
    assert state.tracks["recovery"].step == "enforcement"
    assert state.balance.outstanding == Decimal("2500.00")
    state = await case.do("record_payment", amount="2500.00", paid_on=await case.today())
    assert state.tracks["recovery"].outcome == "recovered"
    await case.do("close", reason="recovered after the opposition was rejected")

    assert entries(case) == [
        (LedgerKind.DUE, Decimal("3000.00"), None),
        (LedgerKind.DUE_REDUCED, Decimal("500.00"), None),
        (LedgerKind.PAYMENT, Decimal("2500.00"), None),
        (LedgerKind.REVERSAL, Decimal("2500.00"), cheque.ref),
        (LedgerKind.PAYMENT, Decimal("2500.00"), None),
    ]
    assert [r.details["kind"] for r in expiries(case)] == ["formal_notice"]
    figures = case.case_row()
    assert (figures.amount_due, figures.amount_recovered) == (
        Decimal("2500.00"),
        Decimal("2500.00"),
    )


async def test_an_insured_persons_instalment_plan_is_reminded_then_defaults_into_enforcement(
    new_case: CaseFactory,
) -> None:
    case = await new_case(target=new_target(ActorType.INSURED))
    await to_findings(case, "1200.00")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    received = await case.today()
    state = await case.do("notify_debts", received_on=received)
    assert state.tracks["recovery"].step == "correction_period"
    correction = only(state.deadlines, "insured_correction")
    assert correction.due_at == end_of_day(legal_end(received, days=20))
    state = await sleep_until(case, correction.due_at + MARGIN)
    assert state.tracks["recovery"].step == "enforcement"

    # a first plan, cancelled at once: back to enforcement, its timers gone
    first_due = await case.today() + timedelta(days=10)
    state = await case.do("grant_instalment_plan", instalments=3, first_due_on=first_due)
    assert state.tracks["recovery"].step == "instalment_plan"
    assert {d.kind for d in state.deadlines} >= {"instalment_reminder", "instalment_due"}
    state = await case.do("cancel_instalment_plan", reason="the debtor asked for two instalments")
    assert state.tracks["recovery"].step == "enforcement"
    assert state.plan is not None and state.plan.status is PlanStatus.CANCELLED
    assert not {d.kind for d in state.deadlines} & {"instalment_reminder", "instalment_due"}

    state = await case.do("grant_instalment_plan", instalments=2, first_due_on=first_due)
    assert state.plan is not None
    assert [(i.due_on, i.amount) for i in state.plan.instalments] == [
        (first_due, Decimal("600.00")),
        (months_after(first_due, 1), Decimal("600.00")),
    ]
    reminder = only(state.deadlines, "instalment_reminder")
    due = only(state.deadlines, "instalment_due")
    assert due.due_at == end_of_day(first_due)
    assert reminder.due_at == end_of_day(first_due - timedelta(days=7)) - timedelta(hours=12)

    state = await sleep_until(case, reminder.due_at + MARGIN)
    assert state.timeline[-1].summary == f"reminder due for the instalment of {first_due}"
    assert any(t.title.startswith("Remind the debtor: instalment of 600.00") for t in case.tasks())
    await case.do("record_payment", amount="600.00", paid_on=await case.today())
    state = await sleep_until(case, due.due_at + MARGIN)
    assert state.timeline[-1].summary == "instalment 1 honoured (600.00 of 600.00 EUR paid)"
    assert state.plan is not None and state.plan.next_index == 1

    second = only(state.deadlines, "instalment_due")  # nothing paid for the second
    state = await sleep_until(case, second.due_at + MARGIN)
    assert state.timeline[-1].summary == (
        "instalment 2 missed (600.00 of 1200.00 EUR paid): plan in default"
    )
    assert state.plan is not None and state.plan.status is PlanStatus.DEFAULTED
    assert state.tracks["recovery"].step == "enforcement"
    assert [r.details["kind"] for r in expiries(case)] == [
        "insured_correction",
        "instalment_reminder",
        "instalment_due",
        "instalment_reminder",
        "instalment_due",
    ]
    state = await case.do(
        "record_payment", amount="600.00", paid_on=await case.today(), method="offset"
    )
    assert state.tracks["recovery"].outcome == "recovered"
    assert case.case_row().amount_recovered == Decimal("1200.00")


async def test_a_recovery_period_that_runs_out_closes_its_task(case: CaseDriver) -> None:
    await to_findings(case, "800.00")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    state = await case.do("notify_debts", received_on=await case.today())
    period = only(state.deadlines, "payment_period")
    await sleep_until(case, period.due_at + MARGIN)
    assert task(case, period.key).status is TaskStatus.DONE


async def open_a_case_with_a_prescribed_debt(case: CaseDriver) -> Debt:
    """Findings on a line paid four years ago: its debt is already prescribed when the
    recovery opens, so its two prescription timers are due at once and fire right after."""
    opened = (await case.state()).opened_at.date()
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    await case.do(
        "record_grievance",
        qualification="fault",
        description="acts billed four years ago",
        lines=lines("300.00", paid_on=date(opened.year - 4, opened.month, 1)),
    )
    await case.do("conclude_investigation")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    [debt] = state.debts.values()
    for _ in range(100):
        if len(expiries(case)) == 2:
            break
        await asyncio.sleep(0.05)
    await case.settle()
    return debt


async def test_writing_a_prescribed_debt_off_closes_its_prescription_tasks(
    case: CaseDriver,
) -> None:
    debt = await open_a_case_with_a_prescribed_debt(case)
    assert sorted(r.details["kind"] for r in expiries(case)) == [
        "debt_prescribed",
        "debt_prescription_warning",
    ]
    await case.do("write_off", debt=debt.key, write_off_reason="prescription", actor="marc")
    assert {task(case, key).status for key in debt.timers} == {TaskStatus.DONE}


async def test_deadlines_due_together_fire_in_the_order_they_were_set(case: CaseDriver) -> None:
    debt = await open_a_case_with_a_prescribed_debt(case)
    assert [r.details["deadline"] for r in expiries(case)] == debt.timers
