"""The fraud-case procedure end to end: real workflows, time-skipping, real Postgres."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from models.case_run import CaseRunOptions
from models.case_state import CaseState
from models.types import LedgerKind, Stage, TaskStatus
from tests.workflows.case_driver import CaseDriver, lines
from tests.workflows.conftest import CaseFactory
from vigie.services.errors import InvalidActionError
from vigie.services.users import set_active, upsert_user


async def to_findings(
    d: CaseDriver, *amounts: str, qualification: str = "fault", paid_on: date | None = None
) -> None:
    await d.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await d.do("open_investigation")
    await d.do(
        "record_grievance",
        qualification=qualification,
        description="acts billed but not performed",
        lines=lines(*amounts, paid_on=paid_on) if paid_on else await d.recent_lines(*amounts),
    )
    await d.do("conclude_investigation")


async def test_a_dismissal_at_triage_closes_the_case_with_its_reason(case: CaseDriver) -> None:
    state = await case.do("dismiss", reason="explained by a replacement nurse")
    assert state.stage is Stage.CLOSED
    row = case.case_row()
    assert row.stage is Stage.CLOSED and row.close_reason == "explained by a replacement nurse"
    assert all(t.status is TaskStatus.CANCELLED for t in case.tasks())


async def test_a_warning_only_case_recovers_the_overpayment_and_closes(case: CaseDriver) -> None:
    await to_findings(case, "1200.00")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    assert state.warnings_issued == 1
    assert state.open_tracks == ["recovery"] and state.stage is Stage.RECOVERY
    await case.do("notify_debts", received_on=await case.today())
    state = await case.do("record_payment", amount="1200.00", paid_on=await case.today())
    assert state.open_tracks == [] and state.tracks["recovery"].outcome == "recovered"
    state = await case.do("close", reason="recovered after warning")
    assert state.stage is Stage.CLOSED and state.close_outcome == "recovered"
    row = case.case_row()
    assert (row.harm_suffered, row.amount_due, row.amount_recovered) == (
        Decimal("1200.00"),
        Decimal("1200.00"),
        Decimal("1200.00"),
    )


async def test_a_penalty_procedure_where_the_commission_answers(case: CaseDriver) -> None:
    await to_findings(case, "5000.00", qualification="fraud")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    state = await case.do(
        "record_procedure_event", track="financial_penalty", event="grievances_notified"
    )
    assert state.tracks["financial_penalty"].step == "observations"

    state = await case.sleep_past("observations")  # no observations within the legal month
    assert state.tracks["financial_penalty"].step == "director_decision"

    await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="refer_to_commission",
    )
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="commission_opinion",
        note="penalty of 6,000 EUR proposed",
    )
    assert state.tracks["financial_penalty"].step == "final_decision"

    # fraud: the director asks the national director for a binding opinion first
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="request_national_opinion",
    )
    assert state.tracks["financial_penalty"].step == "national_opinion"
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="national_opinion",
        note="favourable to a penalty",
    )
    assert state.tracks["financial_penalty"].step == "final_decision"

    with pytest.raises(InvalidActionError) as refused:
        await case.do(
            "record_procedure_event",
            track="financial_penalty",
            event="director_decision",
            outcome="penalty",
            amount=Decimal("15000.01"),
        )
    assert refused.value.rule == "penalty_above_legal_cap"

    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="penalty",
        amount=Decimal("6000.00"),
    )
    assert state.tracks["financial_penalty"].outcome == "penalty"
    assert state.stage is Stage.RECOVERY
    penalties = [e for e in case.ledger() if e.kind is LedgerKind.PENALTY_DUE]
    assert [e.amount for e in penalties] == [Decimal("6000.00")]
    assert case.case_row().amount_due == Decimal("11000.00")


async def test_a_silent_commission_counts_as_an_opinion_given(case: CaseDriver) -> None:
    await to_findings(case, "3000.00")
    await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    await case.do("record_procedure_event", track="financial_penalty", event="grievances_notified")
    await case.do(
        "record_procedure_event", track="financial_penalty", event="observations_received"
    )
    await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="refer_to_commission",
    )
    state = await case.sleep_past("commission")
    assert state.tracks["financial_penalty"].step == "final_decision"
    assert "commission silent" in state.timeline[-1].summary
    assert any(a.action == "deadline_expired" for a in case.audit_rows())


async def test_a_criminal_complaint_is_forced_above_8_pmss(case: CaseDriver) -> None:
    # 8 x PMSS 2025 (3,925 EUR) = 31,400 EUR of fraudulent harm
    await to_findings(case, "20000.00", "11400.00", qualification="fraud")
    with pytest.raises(InvalidActionError) as refused:
        await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    assert refused.value.rule == "complaint_mandatory_above_8_pmss"
    state = await case.do("decide_follow_ups", follow_ups=["criminal_complaint"])
    assert "criminal_complaint" in state.open_tracks


async def test_a_managers_justified_waiver_lifts_the_mandatory_complaint(case: CaseDriver) -> None:
    await to_findings(case, "40000.00", qualification="fraud")
    with pytest.raises(InvalidActionError) as refused:
        await case.do("waive_complaint", justification="prosecutor already seized by the police")
    assert refused.value.rule == "waiver_needs_manager"
    await case.do(
        "waive_complaint", actor="marc", justification="prosecutor already seized by the police"
    )
    state = await case.do("decide_follow_ups", follow_ups=["financial_penalty"])
    assert state.complaint_waiver is not None and "financial_penalty" in state.open_tracks


async def test_a_payload_claiming_the_manager_role_changes_nothing(case: CaseDriver) -> None:
    """A caller that writes its own role into the payload (here straight through the
    Temporal client, past every client-side check) is refused and nothing is written; the
    registered manager's waiver then works: the role only ever comes from the registry."""
    await to_findings(case, "40000.00", qualification="fraud")
    before = case.snapshot()
    handle = case.env.client.get_workflow_handle(case.case_id)
    claim = {
        "request_id": "claims-manager",
        "actor": "alice",
        "role": "manager",
        "justification": "prosecutor already seized by the police",
    }
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("waive_complaint", claim, result_type=CaseState)
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.details[0] == "role_is_not_accepted"
    await case.settle()
    assert case.snapshot() == before
    assert (await case.state()).complaint_waiver is None


async def test_an_unregistered_user_cannot_act(case: CaseDriver) -> None:
    before = case.snapshot()
    with pytest.raises(InvalidActionError) as refused:
        await case.do("open_investigation", actor="nobody")
    assert refused.value.rule == "unknown_actor"
    assert "vigie users add" in str(refused.value)
    assert case.snapshot() == before


async def test_a_deactivated_user_cannot_act_any_more(case: CaseDriver) -> None:
    upsert_user(case.engine, "leaver", "Left the unit", "manager")
    await case.do("assign", actor="leaver", assignee="alice")
    set_active(case.engine, "leaver", active=False)
    before = case.snapshot()
    with pytest.raises(InvalidActionError) as refused:
        await case.do("open_investigation", actor="leaver")
    assert refused.value.rule == "unknown_actor"
    assert "deactivated" in str(refused.value)
    assert case.snapshot() == before


async def test_a_request_id_reused_with_another_payload_is_refused_and_writes_nothing(
    case: CaseDriver,
) -> None:
    due = (await case.state()).opened_at + timedelta(days=30)
    await case.do("open_investigation")
    first = await case.do("add_investigation_action", request_id="r-1", kind="hearing", due_at=due)
    before = case.snapshot()
    with pytest.raises(InvalidActionError) as refused:
        await case.do(
            "add_investigation_action", request_id="r-1", kind="on_site_check", due_at=due
        )
    assert refused.value.rule == "request_id_reused"
    assert case.snapshot() == before
    # the same request sent again is still a safe retry
    again = await case.do("add_investigation_action", request_id="r-1", kind="hearing", due_at=due)
    assert again.seq == first.seq


async def test_two_tracks_run_in_parallel_and_the_case_closes_when_both_end(
    case: CaseDriver,
) -> None:
    await to_findings(case, "2500.00")
    state = await case.do(
        "decide_follow_ups", follow_ups=["financial_penalty", "criminal_complaint"]
    )
    assert state.open_tracks == ["criminal_complaint", "financial_penalty", "recovery"]

    await case.do("record_procedure_event", track="criminal_complaint", event="complaint_filed")
    await case.do("record_procedure_event", track="financial_penalty", event="grievances_notified")
    await case.do("record_procedure_event", track="financial_penalty", event="hearing_held")
    state = await case.do(
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="drop",
    )
    assert state.open_tracks == ["criminal_complaint", "recovery"]
    assert state.stage is Stage.FOLLOW_UPS

    state = await case.do(
        "record_procedure_event",
        track="criminal_complaint",
        event="judgment",
        amount=Decimal("800.00"),
        note="guilty; damages awarded",
    )
    assert state.stage is Stage.RECOVERY
    assert state.balance.outstanding == Decimal("3300.00")
    await case.do("notify_debts", received_on=await case.today())
    await case.do("record_payment", amount="3300.00", paid_on=await case.today())
    state = await case.do("close", reason="judgment executed, overpayment recovered")
    assert state.stage is Stage.CLOSED
    assert case.case_row().amount_due == Decimal("3300.00")
    assert case.case_row().amount_recovered == Decimal("3300.00")


async def test_a_case_that_lives_over_a_year_continues_as_new_with_its_whole_state(
    new_case: CaseFactory, time_env: WorkflowEnvironment
) -> None:
    case = await new_case(options=CaseRunOptions(max_history_events=60))
    today = (await case.state()).opened_at.date()
    await to_findings(case, "900.00", paid_on=today)  # prescription far beyond 15 months
    await case.do("decide_follow_ups", follow_ups=["criminal_complaint"])
    await case.do("record_procedure_event", track="criminal_complaint", event="complaint_filed")
    before = await case.state()
    for _ in range(5):  # 15 months of quarterly checks with the prosecutor
        await case.sleep_past("prosecutor_check")
    state = await case.state()
    runs = await time_env.client.get_workflow_handle(case.case_id).query("run_count")
    assert runs >= 2
    assert state.seq == before.seq + 5
    assert state.grievances == before.grievances and state.tracks.keys() == before.tracks.keys()
    assert sum(t.kind == "prosecutor_call" for t in case.tasks()) == 5

    await case.do("record_procedure_event", track="criminal_complaint", event="judgment")
    await case.do("notify_debts", received_on=await case.today())
    await case.do("record_payment", amount="900.00", paid_on=await case.today())
    await case.do("close", reason="judgment delivered")
    result = await time_env.client.get_workflow_handle(case.case_id).result()
    assert result == "judgment delivered"


async def test_a_late_investigation_action_escalates_to_the_supervisor(case: CaseDriver) -> None:
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    now = (await case.state()).timeline[-1].at
    state = await case.do(
        "add_investigation_action",
        kind="patient_survey",
        due_at=now + timedelta(days=10),
        description="survey 30 patients",
    )
    key = state.investigation[0].key
    state = await case.sleep(days=11)
    assert state.investigation[0].escalated and key in state.escalations
    task = next(t for t in case.tasks() if t.key == key)
    assert (task.status, task.escalated_to) == (TaskStatus.OPEN, "marc")

    state = await case.do("complete_investigation_action", key=key, result="12 acts never done")
    task = next(t for t in case.tasks() if t.key == key)
    assert task.status is TaskStatus.DONE and task.result == "12 acts never done"
