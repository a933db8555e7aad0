"""Legal deadlines that expire on the time-skipping server: each fires once, when due, with
its effect both in the workflow's state and in the Postgres projection (audit row, tasks).

Each test sleeps to just before its deadline (nothing happens), then just past it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import worker as vigie_worker
from models import AuditEntry, Task
from models.case_state import CaseState, Deadline, TrackStatus
from models.local_time import PARIS, end_of_day
from models.policy_snapshot import add_months
from models.types import LedgerKind, Qualification, Stage, TaskStatus, WriteOffReason
from tests.conftest import running_worker
from tests.workflows.case_driver import CaseDriver, lines
from tests.workflows.test_case_lifecycle import to_findings
from vigie.policy.loader import read_snapshot
from vigie.services.errors import InvalidActionError
from vigie.settings import get_settings
from workflows.procedure.deadlines import DEADLINE_ACTION, due_deadlines
from workflows.procedure.fold import fold
from workflows.procedure.legal_time import due_date
from workflows.procedure.steps import escalation_target

MARGIN = timedelta(minutes=1)


async def sleep_until(case: CaseDriver, moment: datetime) -> CaseState:
    """Skip the shared test clock to ``moment``, then read the settled case."""
    ahead = moment - await case.env.get_current_time()
    assert ahead > timedelta(0), f"{moment} is already past"
    return await case.sleep(seconds=ahead.total_seconds())


def months_after(day: date, months: int) -> date:
    return add_months(datetime.combine(day, time(0, 0), tzinfo=UTC), months).date()


def only(deadlines: list[Deadline], kind: str) -> Deadline:
    matching = [d for d in deadlines if d.kind == kind]
    assert len(matching) == 1, matching
    return matching[0]


def task(case: CaseDriver, key: str) -> Task:
    return next(t for t in case.tasks() if t.key == key)


def expiries(case: CaseDriver) -> list[AuditEntry]:
    return [a for a in case.audit_rows() if a.action == DEADLINE_ACTION]


def assert_expiry_row(row: AuditEntry, deadline: Deadline) -> None:
    """The audit row a deadline's expiry writes: by the system, naming the deadline."""
    assert row.actor == "system" and row.request_id is None
    assert row.details["deadline"] == deadline.key
    assert row.details["kind"] == deadline.kind
    assert datetime.fromisoformat(row.details["due_at"]) == deadline.due_at
    assert row.at >= deadline.due_at


async def test_the_msap_period_expiring_ends_the_msap_track(case: CaseDriver) -> None:
    await to_findings(case, "1800.00")
    state = await case.do("decide_follow_ups", follow_ups=["msap"])
    decided_at = state.timeline[-1].at
    msap = only(state.deadlines, "msap_end")
    assert (msap.track, msap.policy_key) == ("msap", "limit.msap_duration")
    assert msap.due_at == add_months(decided_at, 6)  # records.toml: 6 months
    assert task(case, msap.key).due_at == msap.due_at

    state = await sleep_until(case, msap.due_at - MARGIN)
    assert state.tracks["msap"].status is TrackStatus.OPEN and not expiries(case)

    state = await sleep_until(case, msap.due_at + MARGIN)
    track = state.tracks["msap"]
    assert (track.status, track.step, track.outcome) == (TrackStatus.ENDED, "ended", "expired")
    assert track.ended_at is not None and track.ended_at >= msap.due_at
    assert msap.key not in {d.key for d in state.deadlines}
    assert state.open_tracks == ["recovery"] and state.stage is Stage.RECOVERY
    assert state.timeline[-1].summary == "prior approval (MSAP) period ended"

    [row] = expiries(case)
    assert_expiry_row(row, msap)
    assert (row.from_stage, row.to_stage) == (Stage.FOLLOW_UPS, Stage.RECOVERY)
    done = task(case, msap.key)
    assert (done.status, done.completed_at) == (TaskStatus.DONE, row.at)
    case_row = case.case_row()
    assert (case_row.stage, case_row.open_tracks) == (Stage.RECOVERY, "recovery")


@pytest.mark.parametrize("supervisor", ["marc", None], ids=["supervisor", "no_supervisor"])
async def test_an_alert_left_in_triage_past_the_triage_deadline_escalates(
    case: CaseDriver, supervisor: str | None
) -> None:
    state = await case.do("assign", assignee="bruno", supervisor=supervisor, actor="marc")
    triage = only(state.deadlines, "triage")
    assert triage.due_at == state.opened_at + timedelta(days=30)  # deadline.triage: 30 days

    state = await sleep_until(case, triage.due_at - MARGIN)
    assert not state.escalations and task(case, triage.key).escalated_to is None

    state = await sleep_until(case, triage.due_at + MARGIN)
    who = escalation_target(state)
    assert who == (supervisor or "manager")
    assert state.stage is Stage.TRIAGE and state.escalations == [triage.key]
    assert not state.deadlines  # fired once: nothing left to wake up for
    assert state.timeline[-1].summary == f"triage overdue: escalated to {who}"

    [row] = expiries(case)
    assert_expiry_row(row, triage)
    assert row.from_stage is row.to_stage is Stage.TRIAGE
    escalated = task(case, triage.key)
    assert (escalated.status, escalated.escalated_to) == (TaskStatus.OPEN, who)
    assert escalated.completed_at is None

    # the escalation changes nothing else: the alert can still be triaged
    state = await case.do("open_investigation", actor="bruno")
    assert state.stage is Stage.INVESTIGATION


async def test_an_escalated_triage_task_is_done_once_the_alert_is_triaged(
    case: CaseDriver,
) -> None:
    state = await case.do("assign", assignee="bruno", supervisor="marc", actor="marc")
    triage = only(state.deadlines, "triage")
    await sleep_until(case, triage.due_at + MARGIN)
    assert task(case, triage.key).escalated_to == "marc"
    await case.do("open_investigation", actor="bruno")
    assert task(case, triage.key).status is TaskStatus.DONE


async def test_a_prescription_warning_fires_six_months_before_a_debt_is_prescribed(
    case: CaseDriver,
) -> None:
    """Prescription runs from each line's ``paid_on``, by its qualification's rule, and each
    grievance becomes a debt with its own timers: a fraud line paid a year earlier (5 years)
    falls out of reach after a newer fault line (3 years)."""
    opened = (await case.state()).opened_at
    fault_paid = (add_months(opened, -30) + timedelta(days=10)).date()  # prescribed in ~6 m
    fraud_paid = date(fault_paid.year - 1, fault_paid.month, 1)
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    for qualification, paid_on in (("fraud", fraud_paid), ("fault", fault_paid)):
        await case.do(
            "record_grievance",
            qualification=qualification,
            description=f"{qualification}: acts billed, never performed",
            lines=lines("400.00", paid_on=paid_on),
        )
    await case.do("conclude_investigation")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    assert state.open_tracks == ["recovery"]

    fraud_debt, fault_debt = sorted(state.debts.values(), key=lambda d: d.key)
    assert (fraud_debt.qualification, fault_debt.qualification) == (
        Qualification.FRAUD,
        Qualification.FAULT,
    )
    assert fault_debt.prescribed_on == months_after(fault_paid, 36)  # prescription.standard
    assert fraud_debt.prescribed_on == months_after(fraud_paid, 60)  # prescription.fraud
    assert fault_debt.prescribed_on < fraud_debt.prescribed_on
    timers = {d.key: d for d in state.deadlines}
    warning, prescribed = (timers[k] for k in fault_debt.timers)
    assert (warning.kind, prescribed.kind) == ("debt_prescription_warning", "debt_prescribed")
    falls = end_of_day(fault_debt.prescribed_on)
    six_months_before = add_months(datetime.combine(fault_debt.prescribed_on, time(12), UTC), -6)
    warn = end_of_day(six_months_before.date())  # counted on dates, in Paris
    assert (warning.due_at, prescribed.due_at) == (warn, falls)
    assert warning.policy_key == "prescription.warning_lead"
    assert min(state.deadlines, key=lambda d: d.due_at) == warning
    assert str(fault_debt.prescribed_on) in task(case, warning.key).title

    state = await sleep_until(case, warning.due_at - MARGIN)
    assert not expiries(case)

    state = await sleep_until(case, warning.due_at + MARGIN)
    assert state.timeline[-1].summary == "prescription approaching: escalated to marc"
    assert warning.key not in {d.key for d in state.deadlines}
    assert prescribed.key in {d.key for d in state.deadlines}
    [row] = expiries(case)
    assert_expiry_row(row, warning)
    warned = task(case, warning.key)
    assert (warned.status, warned.escalated_to) == (TaskStatus.OPEN, "marc")

    # the debt falls out of reach: escalated again, and only then can it be written off
    with pytest.raises(InvalidActionError) as refused:
        await case.do(
            "write_off", debt=fault_debt.key, write_off_reason="prescription", actor="marc"
        )
    assert refused.value.rule == "not_prescribed_yet"
    state = await sleep_until(case, prescribed.due_at + MARGIN)
    assert state.timeline[-1].summary == "prescription reached: escalated to marc"
    assert [r.details["kind"] for r in expiries(case)] == [warning.kind, prescribed.kind]
    assert task(case, prescribed.key).escalated_to == "marc"
    state = await case.do(
        "write_off", debt=fault_debt.key, write_off_reason="prescription", actor="marc"
    )
    assert state.debt_balances[fault_debt.key].outstanding == 0
    assert state.debt_balances[fraud_debt.key].outstanding == Decimal("400.00")
    assert set(fraud_debt.timers) <= {d.key for d in state.deadlines}  # the other debt's run on
    written = [e for e in case.ledger() if e.kind is LedgerKind.WRITTEN_OFF]
    assert [(e.debt, e.amount, e.reason) for e in written] == [
        (fault_debt.key, Decimal("400.00"), WriteOffReason.PRESCRIPTION)
    ]


async def test_a_commission_extended_then_silent_counts_as_an_opinion_given_after_the_extension(
    case: CaseDriver,
) -> None:
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    await case.do("record_procedure_event", track="financial_penalty", event="grievances_notified")
    await case.do(
        "record_procedure_event", track="financial_penalty", event="observations_received"
    )
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="refer_to_commission",
    )
    first = only(state.deadlines, "commission")
    referred_on = await case.today()
    assert first.due_at == end_of_day(due_date(referred_on, 1, "months").due)

    state = await case.do(
        "record_procedure_event", track="financial_penalty", event="commission_extended"
    )
    extended = only(state.deadlines, "commission")
    assert extended.key != first.key
    # from the first period's last day, once
    first_day = first.due_at.astimezone(PARIS).date()
    assert extended.due_at == end_of_day(due_date(first_day, 1, "months").due)
    assert state.tracks["financial_penalty"].commission_extended
    assert task(case, first.key).status is TaskStatus.DONE
    with pytest.raises(InvalidActionError) as refused:
        await case.do(
            "record_procedure_event", track="financial_penalty", event="commission_extended"
        )
    assert refused.value.rule == "commission_extension_once"

    # the first month passes: the commission is still within its extended period
    state = await sleep_until(case, first.due_at + MARGIN)
    assert state.tracks["financial_penalty"].step == "commission" and not expiries(case)
    state = await sleep_until(case, extended.due_at - MARGIN)
    assert state.tracks["financial_penalty"].step == "commission" and not expiries(case)

    state = await sleep_until(case, extended.due_at + MARGIN)
    assert state.tracks["financial_penalty"].step == "final_decision"
    assert state.timeline[-1].summary.startswith("commission silent")
    [row] = expiries(case)
    assert_expiry_row(row, extended)
    assert task(case, extended.key).status is TaskStatus.DONE
    director = only(state.deadlines, "final_decision")
    silent_on = row.at.astimezone(PARIS).date()
    assert director.due_at == end_of_day(due_date(silent_on, 15, "days").due)
    assert task(case, director.key).status is TaskStatus.OPEN


async def test_two_deadlines_due_at_the_same_instant_both_fire_in_a_stable_order(
    case: CaseDriver, engine: Engine
) -> None:
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    due = (await case.state()).timeline[-1].at + timedelta(days=5)
    await case.do("add_investigation_action", kind="hearing", due_at=due)
    state = await case.do("add_investigation_action", kind="on_site_check", due_at=due)
    both = [d for d in state.deadlines if d.kind == "action"]
    assert len(both) == 2 and {d.due_at for d in both} == {due}
    order = [d.key for d in due_deadlines(both, due)]  # the rule: by (due_at, key)
    before = state.seq

    state = await sleep_until(case, due - MARGIN)
    assert state.seq == before
    state = await sleep_until(case, due + MARGIN)

    rows = expiries(case)
    assert [r.details["deadline"] for r in rows] == order
    assert [r.seq for r in rows] == [before + 1, before + 2]  # one audit row each
    assert rows[0].at == rows[1].at  # applied together, at the same instant
    assert state.escalations == order
    assert [e.summary for e in state.timeline[-2:]] == ["action overdue: escalated to marc"] * 2
    assert all(step.escalated for step in state.investigation)
    for key in order:
        t = task(case, key)
        assert (t.status, t.escalated_to) == (TaskStatus.OPEN, "marc")
    # the order is the one the audit log replays: folding it gives the workflow's state
    audit = [(a.seq, a.at, a.action, a.details) for a in case.audit_rows()]
    assert fold(audit, case.case_id, read_snapshot(engine)) == state


@asynccontextmanager
async def uncached_worker(client: Client, engine: Engine, task_queue: str) -> AsyncIterator[None]:
    """The Vigie worker without its workflow cache. A cached workflow's next task goes to
    that worker's sticky queue; a real server moves it to the shared queue once the worker
    is gone, but the time-skipping server never does (its clock stands still while a task
    waits). Without a cache, every task goes to the shared queue: the next worker gets it."""
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with Worker(
            client,
            task_queue=task_queue,
            workflows=list(vigie_worker.WORKFLOWS),
            activities=vigie_worker.activities_for(engine, get_settings().pseudonym_key),
            activity_executor=executor,
            max_cached_workflows=0,
        ):
            yield


async def timer_fired(env: WorkflowEnvironment, case_id: str, timeout: float = 10.0) -> None:
    handle = env.client.get_workflow_handle(case_id)
    for _ in range(int(timeout / 0.05)):
        history = await handle.fetch_history()
        if any(e.event_type == EventType.EVENT_TYPE_TIMER_FIRED for e in history.events):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no timer fired on {case_id}")


async def test_a_deadline_that_fell_while_the_worker_was_down_fires_when_it_comes_back(
    time_env: WorkflowEnvironment, engine: Engine
) -> None:
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    case = CaseDriver(time_env, engine, task_queue)
    sleeping: asyncio.Task[None] | None = None
    try:
        async with uncached_worker(time_env.client, engine, task_queue):
            await case.open()
            await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
            await case.do("open_investigation")
            due = (await case.state()).timeline[-1].at + timedelta(days=2)
            state = await case.do("add_investigation_action", kind="hearing", due_at=due)
            action, action_seq = only(state.deadlines, "action"), state.seq
        before = case.snapshot()

        # the worker is down: the timer fires, its task waits (the test clock stops there)
        sleeping = asyncio.create_task(time_env.sleep(timedelta(days=3)))
        await timer_fired(time_env, case.case_id)
        await asyncio.sleep(0.5)
        assert not sleeping.done()
        assert case.snapshot() == before  # nothing happened without a worker
        assert await time_env.get_current_time() >= due

        async with running_worker(time_env.client, engine, task_queue):
            await sleeping
            await case.settle()
            state = await case.state()
        assert state.escalations == [action.key] and state.investigation[0].escalated
        assert state.timeline[-1].summary == "action overdue: escalated to marc"
        [row] = expiries(case)
        assert_expiry_row(row, action)
        assert row.seq == state.seq == action_seq + 1
        escalated = task(case, action.key)
        assert (escalated.status, escalated.escalated_to) == (TaskStatus.OPEN, "marc")
    finally:
        if sleeping is not None and not sleeping.done():
            sleeping.cancel()
        if case.case_id:
            await time_env.client.get_workflow_handle(case.case_id).terminate("test over")


async def test_the_observations_period_runs_from_a_receipt_entered_three_days_after_the_fact(
    case: CaseDriver,
) -> None:
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    received = await case.today()  # the professional signs for the letter
    await case.sleep(days=3)  # the acknowledgement of receipt reaches the fund three days later
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="grievances_notified",
        occurred_on=received.isoformat(),
    )
    period = only(state.deadlines, "observations")
    assert period.due_at == end_of_day(due_date(received, 1, "months").due)
    assert state.timeline[-1].summary.endswith(
        f"grievances notified (received on {received}); observations period open"
    )

    state = await sleep_until(case, period.due_at - MARGIN)
    assert state.tracks["financial_penalty"].step == "observations" and not expiries(case)
    state = await sleep_until(case, period.due_at + MARGIN)
    assert state.tracks["financial_penalty"].step == "director_decision"
    [row] = expiries(case)
    assert_expiry_row(row, period)


async def test_observations_received_at_23_00_paris_time_on_the_last_day_are_on_time(
    case: CaseDriver,
) -> None:
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    state = await case.do(
        "record_procedure_event", track="financial_penalty", event="grievances_notified"
    )
    period = only(state.deadlines, "observations")
    state = await sleep_until(case, period.due_at - timedelta(minutes=59, seconds=59))
    now = (await case.env.get_current_time()).astimezone(PARIS)
    assert (now.date(), now.hour) == (period.due_at.astimezone(PARIS).date(), 23)
    state = await case.do(
        "record_procedure_event", track="financial_penalty", event="observations_received"
    )
    assert state.tracks["financial_penalty"].step == "director_decision"
    assert not expiries(case)
