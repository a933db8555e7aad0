"""Cases driven through every action kind, with the deadlines each one arms, clears or cancels.

Besides what they assert, these tests are the replay fixtures of actions no other test
history holds (``test_replay`` requires every action kind in some recorded history): keep
each opening exactly one case, so that ``VIGIE_CAPTURE_HISTORIES=1`` records it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus

from models.types import Stage, TaskStatus
from tests.workflows.case_driver import CaseDriver
from tests.workflows.test_deadlines_timeskip import MARGIN, expiries, only, sleep_until, task


async def test_a_case_taken_through_every_action_closes_with_no_deadline_left(
    case: CaseDriver,
) -> None:
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    state = await case.do(
        "take_protective_measure", kind="payment_suspension", estimated_avoided="650.00"
    )
    measure = state.measures[0].key
    state = await case.do("open_investigation")
    assert not state.deadlines  # the triage deadline is cleared
    due = state.timeline[-1].at + timedelta(days=10)
    state = await case.do(
        "add_investigation_action", kind="document_request", due_at=due, description="invoices"
    )
    action = only(state.deadlines, "action")
    await case.do("complete_investigation_action", key=action.key, result="invoices received")
    assert task(case, action.key).status is TaskStatus.DONE
    state = await case.do("lift_protective_measure", key=measure)
    assert state.measures[0].lifted_at is not None
    await case.do(
        "record_grievance",
        qualification="fraud",
        description="acts billed for patients in hospital",
        lines=await case.recent_lines("20000.00", "12000.00"),  # above 8 PMSS (31,400 EUR)
    )
    await case.do("conclude_investigation")
    await case.do("waive_complaint", actor="marc", justification="the prosecutor is already seized")
    state = await case.do("decide_follow_ups", follow_ups=["warning", "msap"])
    assert state.open_tracks == ["msap", "recovery"]
    msap = only(state.deadlines, "msap_end")

    state = await sleep_until(case, msap.due_at + MARGIN)
    assert state.tracks["msap"].outcome == "expired" and state.open_tracks == ["recovery"]
    assert [r.details["kind"] for r in expiries(case)] == ["msap_end"]

    await case.do("notify_debts", received_on=await case.today())
    state = await case.do("record_payment", amount="32000.00", paid_on=await case.today())
    assert state.tracks["recovery"].outcome == "recovered"
    assert not state.deadlines  # the payment period and prescription timers ended with it
    state = await case.do("close", reason="prior approval served, overpayment recovered")
    assert state.stage is Stage.CLOSED and not state.deadlines
    dated = [t for t in case.tasks() if t.due_at is not None]
    assert {t.kind for t in dated} == {
        "triage",
        "action",
        "msap_end",
        "payment_period",
        "debt_prescription_warning",
        "debt_prescribed",
    }
    assert all(t.status is TaskStatus.DONE for t in dated)
    assert case.case_row().stage is Stage.CLOSED
    handle = case.env.client.get_workflow_handle(case.case_id)
    assert await handle.result() == "prior approval served, overpayment recovered"


async def test_a_merge_at_triage_cancels_the_triage_deadline(case: CaseDriver) -> None:
    state = await case.state()
    triage = only(state.deadlines, "triage")
    other = f"case:{state.target.key}:2024"  # the same target, another period
    state = await case.do("merge", into_case_id=other)
    assert (state.stage, state.merged_into) == (Stage.CLOSED, other)
    assert not state.deadlines
    cancelled = task(case, triage.key)
    assert (cancelled.status, cancelled.completed_at) == (TaskStatus.CANCELLED, state.closed_at)
    row = case.case_row()
    assert (row.stage, row.close_reason) == (Stage.CLOSED, f"merged into {other}")
    handle = case.env.client.get_workflow_handle(case.case_id)
    assert await handle.result() == f"merged into {other}"


async def test_a_dismissal_during_the_investigation_cancels_the_pending_action_deadline(
    case: CaseDriver,
) -> None:
    await case.do("assign", assignee="bruno", supervisor="marc", actor="marc")
    state = await case.do("open_investigation", actor="bruno")
    due = state.timeline[-1].at + timedelta(days=5)
    state = await case.do("add_investigation_action", kind="hearing", due_at=due, actor="bruno")
    action = only(state.deadlines, "action")
    state = await case.do("dismiss", reason="billing error, corrected", actor="bruno")
    assert state.stage is Stage.CLOSED and not state.deadlines
    handle = case.env.client.get_workflow_handle(case.case_id)
    assert await handle.result() == "billing error, corrected"
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    cancelled = task(case, action.key)
    assert (cancelled.status, cancelled.escalated_to) == (TaskStatus.CANCELLED, None)
    assert not expiries(case)  # the workflow ended: the deadline never fires
