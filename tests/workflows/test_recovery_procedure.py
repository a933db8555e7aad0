"""The recovery procedure (rules version 2) end to end on the time-skipping server: each
path a debt takes, from its notification to the end of the recovery and the closing of the
case, asserted in the workflow's state and in Postgres (ledger rows, case row, tasks).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_state import CaseState, Deadline, TrackStatus
from models.debt import PlanStatus
from models.local_time import end_of_day
from models.policy_snapshot import add_months
from models.types import ActorType, LedgerKind, Stage, TaskStatus, WriteOffReason
from tests.workflows.case_driver import CaseDriver, new_target
from tests.workflows.conftest import CaseFactory
from tests.workflows.test_case_lifecycle import to_findings
from vigie.services.errors import InvalidActionError
from workflows.procedure.legal_time import due_date

MARGIN = timedelta(minutes=1)
MONEY = (LedgerKind.HARM_SUFFERED, LedgerKind.HARM_AVOIDED)


# --- helpers ---------------------------------------------------------------------------------
def months_after(day: date, months: int) -> date:
    return add_months(datetime.combine(day, time(0, 0), tzinfo=UTC), months).date()


def deadline(state: CaseState, kind: str) -> Deadline:
    [found] = [d for d in state.deadlines if d.kind == kind]
    return found


async def sleep_until(case: CaseDriver, moment: datetime) -> CaseState:
    ahead = moment - await case.env.get_current_time()
    assert ahead > timedelta(0), f"{moment} is already past"
    return await case.sleep(seconds=ahead.total_seconds())


def rows(case: CaseDriver) -> list[tuple[LedgerKind, Decimal]]:
    """The case's money entries in Postgres (not the harm measures), in posting order."""
    entries = sorted(case.ledger(), key=lambda e: (e.seq, e.line))
    return [(e.kind, e.amount) for e in entries if e.kind not in MONEY]


def figures(case: CaseDriver) -> tuple[Decimal, Decimal, Decimal]:
    """(amount_due, amount_recovered, amount_written_off) on the case row."""
    row = case.case_row()
    return row.amount_due, row.amount_recovered, row.amount_written_off


def open_tasks(case: CaseDriver) -> dict[str, str]:
    return {t.key: t.title for t in case.tasks() if t.status is TaskStatus.OPEN}


def task_status(case: CaseDriver, key: str) -> TaskStatus:
    return next(t.status for t in case.tasks() if t.key == key)


def expired(case: CaseDriver) -> list[str]:
    """The kinds of the deadlines that expired, in order (their audit rows)."""
    return [a.details["kind"] for a in case.audit_rows() if a.action == "deadline_expired"]


async def refused(case: CaseDriver, rule: str, action: str, **fields: Any) -> None:
    """``action`` is refused by ``rule`` and Postgres holds exactly what it held before."""
    before = case.snapshot()
    state = await case.state()
    with pytest.raises(InvalidActionError) as refusal:
        await case.do(action, **fields)
    assert refusal.value.rule == rule, refusal.value
    await case.settle()
    assert case.snapshot() == before
    assert (await case.state()).seq == state.seq


async def in_recovery(case: CaseDriver, *amounts: str, paid_on: date | None = None) -> CaseState:
    await to_findings(case, *amounts, paid_on=paid_on)
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    assert state.stage is Stage.RECOVERY and state.tracks["recovery"].step == "to_notify"
    return state


# --- (a) ---------------------------------------------------------------------------------------
async def test_an_unpaid_debt_goes_from_notification_to_enforcement_and_an_offset_settles_it(
    case: CaseDriver,
) -> None:
    """Professional: 2 months to pay, formal notice, a month, contrainte, 15 days without
    opposition, enforcement; the offset settles the debt, the recovery ends, the case closes."""
    state = await in_recovery(case, "1000.00", "800.00")
    [debt] = state.debts.values()
    state = await case.do("notify_debts", received_on=await case.today())
    assert state.tracks["recovery"].step == "payment_period"

    state = await sleep_until(case, deadline(state, "payment_period").due_at + MARGIN)
    recovery = state.tracks["recovery"]
    assert recovery.step == "formal_notice_due" and recovery.task is not None
    assert open_tasks(case)[recovery.task] == "Issue the formal notice: 1800.00 EUR unpaid"

    state = await case.do("issue_formal_notice", received_on=await case.today())
    assert task_status(case, recovery.task) is TaskStatus.DONE
    state = await sleep_until(case, deadline(state, "formal_notice").due_at + MARGIN)
    assert state.tracks["recovery"].step == "contrainte_due"

    state = await case.do("issue_contrainte", received_on=await case.today())
    opposition = deadline(state, "contrainte_opposition")
    state = await sleep_until(case, opposition.due_at - MARGIN)
    assert state.tracks["recovery"].step == "contrainte"  # still open to opposition
    state = await sleep_until(case, opposition.due_at + MARGIN)
    recovery = state.tracks["recovery"]
    assert recovery.step == "enforcement" and recovery.task is not None
    assert open_tasks(case)[recovery.task] == (
        "Enforce the recovery of 1800.00 EUR (contrainte not opposed): offset or garnishment"
    )
    assert expired(case) == ["payment_period", "formal_notice", "contrainte_opposition"]
    assert figures(case) == (Decimal("1800.00"), Decimal("0"), Decimal("0"))

    enforce = recovery.task
    offset_on = await case.today()
    state = await case.do("record_payment", amount="1800.00", paid_on=offset_on, method="offset")
    recovery = state.tracks["recovery"]
    assert (recovery.status, recovery.outcome) == (TrackStatus.ENDED, "recovered")
    assert state.balance.outstanding == 0
    assert not [d for d in state.deadlines if d.track == "recovery"]
    assert task_status(case, enforce) is TaskStatus.DONE
    assert figures(case) == (Decimal("1800.00"), Decimal("1800.00"), Decimal("0"))

    state = await case.do("close", reason="recovered by offset after the contrainte")
    assert state.stage is Stage.CLOSED and state.close_outcome == "recovered"
    assert rows(case) == [
        (LedgerKind.DUE, Decimal("1800.00")),
        (LedgerKind.OFFSET, Decimal("1800.00")),
    ]
    [offset] = [e for e in case.ledger() if e.kind is LedgerKind.OFFSET]
    assert (offset.debt, offset.debtor, offset.effective_on, offset.note) == (
        debt.key,
        state.target.key,
        offset_on,
        "offset",
    )
    row = case.case_row()
    assert row.stage is Stage.CLOSED
    assert (row.amount_due, row.amount_recovered, row.amount_written_off) == (
        Decimal("1800.00"),
        Decimal("1800.00"),
        Decimal("0"),
    )
    assert not open_tasks(case)


# --- (b) ---------------------------------------------------------------------------------------
async def test_a_cra_appeal_met_with_two_months_of_silence_is_rejected(case: CaseDriver) -> None:
    """The CRA's silence for 2 months from the appeal's receipt is a rejection: the
    recovery goes on to the formal notice, and nothing is reduced."""
    await in_recovery(case, "1000.00")
    await case.do("notify_debts", received_on=await case.today())
    await case.sleep(days=10)
    received = await case.today()
    state = await case.do("record_cra_appeal", received_on=received)
    recovery = state.tracks["recovery"]
    assert recovery.step == "cra_appeal" and recovery.task is not None
    assert (
        open_tasks(case)[recovery.task] == "Prepare the file for the amicable appeals board (CRA)"
    )
    silence = deadline(state, "cra_silence")
    assert silence.due_at == end_of_day(due_date(received, 2, "months").due)  # v3: legal time
    assert not [d for d in state.deadlines if d.kind == "payment_period"]  # the appeal replaced it

    state = await sleep_until(case, silence.due_at - MARGIN)
    assert state.tracks["recovery"].step == "cra_appeal"
    state = await sleep_until(case, silence.due_at + MARGIN)
    after = state.tracks["recovery"]
    assert after.step == "formal_notice_due"
    assert state.timeline[-1].summary == "CRA silent for 2 months: the appeal is rejected"
    assert task_status(case, recovery.task) is TaskStatus.DONE
    assert task_status(case, silence.key) is TaskStatus.DONE
    assert after.task is not None
    assert open_tasks(case)[after.task] == "Issue the formal notice (mise en demeure)"
    assert expired(case) == ["cra_silence"]
    assert state.balance.outstanding == Decimal("1000.00")
    assert rows(case) == [(LedgerKind.DUE, Decimal("1000.00"))]
    assert figures(case) == (Decimal("1000.00"), Decimal("0"), Decimal("0"))
    await refused(case, "not_allowed_in_recovery_step", "record_cra_decision", decision="upheld")


# --- (c) and (d): an insured person's instalment plan ------------------------------------------
async def test_an_insured_persons_instalment_plan_paid_before_each_due_date_ends_recovered(
    new_case: CaseFactory,
) -> None:
    case = await new_case(target=new_target(ActorType.INSURED))
    await in_recovery(case, "900.00")
    state = await case.do("notify_debts", received_on=await case.today())
    assert state.tracks["recovery"].step == "correction_period"

    granted = await case.today()
    first_due = granted + timedelta(days=20)
    state = await case.do("grant_instalment_plan", instalments=3, first_due_on=first_due)
    assert state.tracks["recovery"].step == "instalment_plan"
    assert not [d for d in state.deadlines if d.kind == "insured_correction"]
    assert state.plan is not None
    due_dates = [first_due, months_after(first_due, 1), months_after(first_due, 2)]
    assert [(i.due_on, i.amount) for i in state.plan.instalments] == [
        (day, Decimal("300.00")) for day in due_dates
    ]

    payments = []
    for number, due_on in enumerate(due_dates, start=1):
        check = deadline(state, "instalment_due")
        assert check.due_at == end_of_day(due_on)
        await sleep_until(case, end_of_day(due_on) - timedelta(days=3))
        paid_on = await case.today()
        payments.append(paid_on)
        state = await case.do("record_payment", amount="300.00", paid_on=paid_on)
        if number < 3:
            state = await sleep_until(case, check.due_at + MARGIN)
            assert state.timeline[-1].summary == (
                f"instalment {number} honoured ({300 * number}.00 of {300 * number}.00 EUR paid)"
            )
            assert state.plan is not None and state.plan.next_index == number
            assert task_status(case, check.key) is TaskStatus.DONE

    recovery = state.tracks["recovery"]
    assert (recovery.status, recovery.outcome) == (TrackStatus.ENDED, "recovered")
    assert state.plan is not None and state.plan.status is PlanStatus.HONOURED
    assert not [d for d in state.deadlines if d.track == "recovery"]
    assert expired(case).count("instalment_due") == 2
    state = await case.do("close", reason="instalment plan honoured")
    assert state.close_outcome == "recovered"

    assert (
        rows(case)
        == [(LedgerKind.DUE, Decimal("900.00"))] + [(LedgerKind.PAYMENT, Decimal("300.00"))] * 3
    )
    entries = sorted(case.ledger(), key=lambda e: (e.seq, e.line))
    assert [e.effective_on for e in entries if e.kind is LedgerKind.PAYMENT] == payments
    assert figures(case) == (Decimal("900.00"), Decimal("900.00"), Decimal("0"))
    assert case.case_row().stage is Stage.CLOSED


async def test_a_missed_instalment_defaults_the_plan_into_enforcement_of_the_balance(
    new_case: CaseFactory,
) -> None:
    case = await new_case(target=new_target(ActorType.INSURED))
    await in_recovery(case, "1200.00")
    await case.do("notify_debts", received_on=await case.today())
    first_due = await case.today() + timedelta(days=15)
    state = await case.do("grant_instalment_plan", instalments=4, first_due_on=first_due)
    check = deadline(state, "instalment_due")
    await case.sleep(days=2)
    await case.do("record_payment", amount="100.00", paid_on=await case.today())  # 300 due

    state = await sleep_until(case, check.due_at - MARGIN)
    assert state.plan is not None and state.plan.status is PlanStatus.ACTIVE
    state = await sleep_until(case, check.due_at + MARGIN)
    assert state.timeline[-1].summary == (
        "instalment 1 missed (100.00 of 300.00 EUR paid): plan in default"
    )
    assert state.plan is not None and state.plan.status is PlanStatus.DEFAULTED
    recovery = state.tracks["recovery"]
    assert recovery.step == "enforcement" and recovery.status is TrackStatus.OPEN
    assert not [d for d in state.deadlines if d.kind.startswith("instalment_")]
    assert recovery.task is not None
    enforce = next(t for t in case.tasks() if t.key == recovery.task)
    assert (enforce.status, enforce.kind, enforce.assignee) == (
        TaskStatus.OPEN,
        "recovery",
        "alice",
    )
    assert enforce.title == (
        "Enforce the recovery of 1100.00 EUR (plan in default at instalment 1): "
        "offset or garnishment"
    )
    assert state.balance.outstanding == Decimal("1100.00")
    assert figures(case) == (Decimal("1200.00"), Decimal("100.00"), Decimal("0"))
    assert rows(case) == [
        (LedgerKind.DUE, Decimal("1200.00")),
        (LedgerKind.PAYMENT, Decimal("100.00")),
    ]
    await refused(case, "not_allowed_in_recovery_step", "cancel_instalment_plan", reason="late")
    await refused(case, "tracks_still_open", "close", reason="plan defaulted")


# --- (e) ---------------------------------------------------------------------------------------
async def wait_for_expiry(case: CaseDriver, kind: str) -> None:
    """A deadline already due when it was set fires right after: wait for its audit row."""
    for _ in range(200):
        if kind in expired(case):
            await case.settle()
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{kind} never expired")


async def test_a_debt_about_to_be_prescribed_is_flagged_then_written_off_once_prescribed(
    case: CaseDriver,
) -> None:
    """Acts paid 3 years minus 5 days ago: the prescription warning (6 months before) is
    already due when the recovery opens and goes to the supervisor; the write-off for
    prescription is refused until the prescription date, then a manager writes it off."""
    falls = await case.today() + timedelta(days=5)
    paid_on = months_after(falls, -36)
    state = await in_recovery(case, "640.00", paid_on=paid_on)
    [debt] = state.debts.values()
    assert debt.prescribed_on == months_after(paid_on, 36) == falls
    warning_key, prescribed_key = debt.timers

    await wait_for_expiry(case, "debt_prescription_warning")
    state = await case.state()
    assert warning_key in state.escalations
    warning = next(t for t in case.tasks() if t.key == warning_key)
    assert (warning.status, warning.escalated_to) == (TaskStatus.OPEN, "marc")
    assert warning.title == f"{debt.key} is prescribed on {falls}: recover it or write it off"

    await case.do("notify_debts", received_on=await case.today())
    await refused(
        case,
        "write_off_needs_manager",
        "write_off",
        debt=debt.key,
        write_off_reason="insolvency",
        reason="the debtor is insolvent",
    )
    await refused(
        case,
        "not_prescribed_yet",
        "write_off",
        debt=debt.key,
        write_off_reason="prescription",
        actor="marc",
    )

    state = await sleep_until(case, end_of_day(falls) + MARGIN)
    assert expired(case)[-1] == "debt_prescribed"
    assert prescribed_key in state.escalations
    assert next(t for t in case.tasks() if t.key == prescribed_key).escalated_to == "marc"
    assert figures(case) == (Decimal("640.00"), Decimal("0"), Decimal("0"))

    state = await case.do("write_off", debt=debt.key, write_off_reason="prescription", actor="marc")
    recovery = state.tracks["recovery"]
    assert (recovery.status, recovery.outcome) == (TrackStatus.ENDED, "written_off")
    assert state.balance.written_off == Decimal("640.00") and state.balance.outstanding == 0
    assert {task_status(case, key) for key in debt.timers} == {TaskStatus.DONE}
    assert not state.escalations
    [entry] = [e for e in case.ledger() if e.kind is LedgerKind.WRITTEN_OFF]
    assert (entry.amount, entry.debt, entry.reason) == (
        Decimal("640.00"),
        debt.key,
        WriteOffReason.PRESCRIPTION,
    )
    assert figures(case) == (Decimal("640.00"), Decimal("0"), Decimal("640.00"))

    state = await case.do("close", reason="prescribed")
    assert state.close_outcome == "written_off"
    row = case.case_row()
    assert (row.stage, row.amount_written_off, row.amount_recovered) == (
        Stage.CLOSED,
        Decimal("640.00"),
        Decimal("0"),
    )


# --- (f) and (g) -------------------------------------------------------------------------------
async def test_a_payment_above_what_is_outstanding_is_refused_and_writes_nothing(
    case: CaseDriver,
) -> None:
    await in_recovery(case, "1000.00")
    await case.do("notify_debts", received_on=await case.today())
    today = await case.today()
    await refused(case, "exceeds_outstanding", "record_payment", amount="1000.01", paid_on=today)
    state = await case.do("record_payment", amount="600.00", paid_on=today)
    [debt] = state.debts.values()
    await refused(
        case, "exceeds_outstanding", "record_payment", amount="400.01", paid_on=today, debt=debt.key
    )
    await refused(
        case,
        "exceeds_outstanding",
        "record_payment",
        amount="400.01",
        paid_on=today,
        method="offset",
    )
    state = await case.state()
    assert state.balance.outstanding == Decimal("400.00")
    assert state.tracks["recovery"].status is TrackStatus.OPEN
    assert rows(case) == [
        (LedgerKind.DUE, Decimal("1000.00")),
        (LedgerKind.PAYMENT, Decimal("600.00")),
    ]
    assert figures(case) == (Decimal("1000.00"), Decimal("600.00"), Decimal("0"))


async def test_a_reversed_payment_restores_what_is_outstanding(case: CaseDriver) -> None:
    """A partial payment reversed: the debt owes it again. The last payment reversed after
    the recovery ended: the recovery reopens at enforcement, with its task."""
    await in_recovery(case, "1000.00")
    await case.do("notify_debts", received_on=await case.today())
    today = await case.today()
    state = await case.do("record_payment", amount="400.00", paid_on=today, method="cheque")
    assert state.balance.outstanding == Decimal("600.00")
    cheque = state.ledger[-1]
    assert cheque.kind is LedgerKind.PAYMENT and cheque.ref is not None

    state = await case.do("reverse_entry", entry=cheque.ref, reason="cheque bounced")
    assert state.balance.outstanding == Decimal("1000.00") and state.balance.recovered == 0
    assert state.tracks["recovery"].step == "payment_period"  # the procedure goes on
    assert figures(case) == (Decimal("1000.00"), Decimal("0"), Decimal("0"))
    await refused(case, "entry_already_reversed", "reverse_entry", entry=cheque.ref, reason="again")
    due = next(e for e in state.ledger if e.kind is LedgerKind.DUE)
    assert due.ref is not None
    await refused(case, "entry_not_reversible", "reverse_entry", entry=due.ref, reason="wrong")

    state = await case.do("record_payment", amount="1000.00", paid_on=today)
    assert state.tracks["recovery"].outcome == "recovered"
    transfer = state.ledger[-1]
    assert transfer.ref is not None
    state = await case.do("reverse_entry", entry=transfer.ref, reason="paid by someone else")
    recovery = state.tracks["recovery"]
    assert (recovery.status, recovery.step, recovery.outcome) == (
        TrackStatus.OPEN,
        "enforcement",
        None,
    )
    assert state.balance.outstanding == Decimal("1000.00")
    assert recovery.task is not None
    assert open_tasks(case)[recovery.task] == (
        f"Enforce the recovery of 1000.00 EUR (payment {transfer.ref} reversed): "
        "offset or garnishment"
    )
    await refused(case, "tracks_still_open", "close", reason="too early")

    entries = sorted(case.ledger(), key=lambda e: (e.seq, e.line))
    assert [(e.kind, e.amount, e.reverses) for e in entries if e.kind not in MONEY] == [
        (LedgerKind.DUE, Decimal("1000.00"), None),
        (LedgerKind.PAYMENT, Decimal("400.00"), None),
        (LedgerKind.REVERSAL, Decimal("400.00"), cheque.ref),
        (LedgerKind.PAYMENT, Decimal("1000.00"), None),
        (LedgerKind.REVERSAL, Decimal("1000.00"), transfer.ref),
    ]
    assert [f"{e.seq}.{e.line}" for e in entries] == [e.ref for e in entries]
    assert figures(case) == (Decimal("1000.00"), Decimal("0"), Decimal("0"))
