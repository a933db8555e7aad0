"""Each investigator or manager action on the pure rules: what it records (timeline, tasks,
deadlines, ledger, audit details), and the rule that refuses it when it cannot apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState
from models.types import ActorType, LedgerKind, Stage, TaskStatus
from tests.workflows.test_procedure_rules import act, grievance
from tests.workflows.test_procedure_table import NOW, POLICY, SAMPLES, TODAY, state_in, step
from workflows.procedure import InvalidAction, decide, open_case, refuse_claimed_role
from workflows.procedure.actions import already_applied
from workflows.procedure.deadlines import catch_up
from workflows.procedure.outcome import Outcome

IN_NINE_DAYS = NOW + timedelta(days=9)


def refused(state: CaseState, action: str, role: str | None = "manager", **fields: Any) -> Any:
    cmd = ACTION_TYPES[action](request_id=f"{action}-x", actor="alice", **fields)
    with pytest.raises(InvalidAction) as caught:
        decide(state, cmd, NOW, role)
    return caught.value


def rule_and_message(error: InvalidAction) -> tuple[str, str]:
    return error.rule, error.message


def opening(**fields: Any) -> OpenCaseInput:
    return OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open-1",
        **fields,
    )


# --- opening ------------------------------------------------------------------------------


def test_an_alert_opens_a_case_in_triage_with_a_30_day_triage_deadline() -> None:
    out = open_case(
        opening(source="detection", score=0.876, explanation="outlier", actor="detector"),
        POLICY,
        "case:professional:P1:2025",
        NOW,
    )
    s = out.state
    assert (out.action, out.actor, out.request_id, out.reason) == (
        "open",
        "detector",
        "open-1",
        "outlier",
    )
    assert (out.from_stage, out.to_stage, s.stage) == (Stage.ALERT, Stage.TRIAGE, Stage.TRIAGE)
    assert out.summary == "alert from detection (score 0.88)"
    assert (s.case_id, s.period, s.source, s.opened_at, s.seq) == (
        "case:professional:P1:2025",
        "2025",
        "detection",
        NOW,
        1,
    )
    assert s.applied_requests == {"open-1": 1}
    assert [(t.kind, t.title, t.due_at) for t in out.tasks_opened] == [
        (
            "triage",
            "Triage the alert: open an investigation, dismiss or merge",
            NOW + timedelta(days=30),
        )
    ]
    assert [(d.kind, d.due_at, d.policy_key) for d in s.deadlines] == [
        ("triage", NOW + timedelta(days=30), "deadline.triage")
    ]
    assert out.opening is not None and out.opening.score == 0.876
    assert out.details["policy_version"] == POLICY.version
    assert out.details["opening"]["source"] == "detection"


def test_an_alert_without_a_score_says_where_it_came_from() -> None:
    out = open_case(opening(), POLICY, "case:professional:P1:2025", NOW)
    assert out.summary == "alert from manual"


def test_the_triage_deadline_runs_from_when_the_alert_was_received() -> None:
    received = NOW - timedelta(days=10)
    out = open_case(opening(received_at=received), POLICY, "case:professional:P1:2025", NOW)
    assert out.state.deadlines[0].due_at == received + timedelta(days=30)
    assert out.state.opened_at == NOW


def test_an_alert_received_in_the_future_is_refused() -> None:
    later = NOW + timedelta(minutes=1)
    with pytest.raises(InvalidAction) as caught:
        open_case(opening(received_at=later), POLICY, "case:professional:P1:2025", NOW)
    assert rule_and_message(caught.value) == (
        "received_in_the_future",
        f"the alert cannot be received after today ({later})",
    )
    assert open_case(opening(received_at=NOW), POLICY, "c", NOW).state.deadlines


# --- what every action records ------------------------------------------------------------


def test_an_action_records_its_command_role_and_fingerprint_in_the_audit_details() -> None:
    s = state_in(Stage.TRIAGE)
    cmd = ACTION_TYPES["assign"](request_id="r-7", actor="marc", assignee="bob", reason="load")
    out = decide(s, cmd, NOW, "manager")
    assert out.details == {"command": cmd.model_dump(mode="json"), "role": "manager"}
    assert (out.actor, out.role, out.reason, out.request_id) == ("marc", "manager", "load", "r-7")
    assert out.state.request_digests["r-7"] == cmd.digest()
    assert out.state.applied_requests["r-7"] == out.state.seq == s.seq + 1
    entry = out.state.timeline[-1]
    assert (entry.seq, entry.at, entry.actor, entry.action, entry.summary) == (
        s.seq + 1,
        NOW,
        "marc",
        "assign",
        "assigned to bob",
    )


def test_the_validators_early_check_records_no_role() -> None:
    cmd = ACTION_TYPES["assign"](request_id="r-7", actor="marc", assignee="bob")
    out = decide(state_in(Stage.TRIAGE), cmd, NOW, None)
    assert "role" not in out.details and out.role is None


def test_nobody_acts_as_the_system() -> None:
    error = refused(state_in(Stage.TRIAGE), "assign", role="system", assignee="bob")
    assert rule_and_message(error) == (
        "system_role_reserved",
        "only the workflow itself acts as system",
    )


def test_a_payload_claiming_a_role_is_refused() -> None:
    claiming = ACTION_TYPES["assign"].model_validate(
        {"request_id": "r", "actor": "a", "assignee": "b", "role": "manager"}
    )
    with pytest.raises(InvalidAction) as caught:
        refuse_claimed_role(claiming)
    assert rule_and_message(caught.value) == (
        "role_is_not_accepted",
        "an action cannot carry a role: the role comes from the user registry",
    )
    refuse_claimed_role(ACTION_TYPES["assign"](request_id="r", actor="a", assignee="b"))


def test_a_missing_policy_record_refuses_the_action_by_name() -> None:
    s = state_in(Stage.TRIAGE)
    s = s.model_copy(update={"policy": POLICY.model_copy(update={"records": []})})
    error = refused(s, "dismiss", reason="no case")
    assert error.rule == "policy_missing"
    assert "threshold.criminal_complaint" in error.message


def test_a_retry_with_the_same_request_and_payload_is_recognised() -> None:
    s = state_in(Stage.TRIAGE)
    cmd = ACTION_TYPES["assign"](request_id="r-1", actor="alice", assignee="bob")
    assert not already_applied(s, cmd)
    s = decide(s, cmd, NOW, "manager").state
    assert already_applied(s, cmd)


def test_a_request_id_reused_with_another_payload_is_refused() -> None:
    s = state_in(Stage.TRIAGE)
    cmd = ACTION_TYPES["assign"](request_id="r-1", actor="alice", assignee="bob")
    s = decide(s, cmd, NOW, "manager").state
    other = ACTION_TYPES["assign"](request_id="r-1", actor="alice", assignee="carol")
    with pytest.raises(InvalidAction) as caught:
        already_applied(s, other)
    assert rule_and_message(caught.value) == (
        "request_id_reused",
        f"request id r-1 was already used for another request (#{s.seq} assign); "
        "send this one with a new request id",
    )


def test_a_request_recorded_before_fingerprints_existed_is_recognised_by_its_action() -> None:
    s = state_in(Stage.TRIAGE)
    cmd = ACTION_TYPES["assign"](request_id="r-1", actor="alice", assignee="bob")
    s = decide(s, cmd, NOW, "manager").state
    s = s.model_copy(update={"request_digests": {}})
    assert already_applied(s, cmd)


# --- triage -------------------------------------------------------------------------------


def test_assigning_keeps_the_supervisor_when_none_is_named() -> None:
    s = step(state_in(Stage.TRIAGE), "assign", assignee="alice", supervisor="marc")
    out = act(s, "assign", assignee="bob")
    assert (out.state.assignee, out.state.supervisor) == ("bob", "marc")
    assert out.summary == "assigned to bob"


def test_tasks_go_to_the_assignee() -> None:
    s = step(state_in(Stage.INVESTIGATION), "assign", assignee="alice")
    out = act(s, "add_investigation_action", kind="hearing", due_at=IN_NINE_DAYS)
    assert out.tasks_opened[0].assignee == "alice"


def test_opening_the_investigation_closes_the_triage_task() -> None:
    s = state_in(Stage.TRIAGE)
    triage = s.deadlines[0].key
    out = act(s, "open_investigation")
    assert out.summary == "investigation opened"
    assert [(u.key, u.status, u.at) for u in out.tasks_updated] == [(triage, TaskStatus.DONE, NOW)]
    assert out.state.deadlines == []


def test_a_dismissal_needs_a_reason() -> None:
    assert rule_and_message(refused(state_in(Stage.TRIAGE), "dismiss")) == (
        "dismissal_needs_reason",
        "a dismissal (classement) needs a reason",
    )


def test_a_dismissal_closes_the_case_and_cancels_every_open_deadline() -> None:
    s = step(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        kind="hearing",
        due_at=IN_NINE_DAYS,
    )
    pending = s.deadlines[0].key
    out = act(s, "dismiss", reason="no irregularity")
    assert out.summary == "dismissed: no irregularity"
    assert [(u.key, u.status) for u in out.tasks_updated] == [(pending, TaskStatus.CANCELLED)]
    assert (out.state.close_reason, out.state.closed_at, out.state.stage) == (
        "no irregularity",
        NOW,
        Stage.CLOSED,
    )


def test_a_case_is_not_merged_into_itself() -> None:
    error = refused(state_in(Stage.TRIAGE), "merge", into_case_id="case:professional:P1:2025")
    assert rule_and_message(error) == ("merge_into_itself", "a case cannot be merged into itself")


def test_a_merge_into_another_target_names_the_target() -> None:
    error = refused(state_in(Stage.TRIAGE), "merge", into_case_id="case:professional:P10:2024")
    assert error.message == "case:professional:P10:2024 is not a case on target professional:P1"


def test_a_merge_closes_the_case_into_the_other() -> None:
    out = act(state_in(Stage.TRIAGE), "merge", into_case_id="case:professional:P1:2024")
    assert out.summary == "merged into case:professional:P1:2024"
    assert out.state.close_reason == "merged into case:professional:P1:2024"
    assert [u.status for u in out.tasks_updated] == [TaskStatus.CANCELLED]


# --- investigation ------------------------------------------------------------------------


def test_an_investigation_action_is_due_in_the_future() -> None:
    for due in (NOW, NOW - timedelta(seconds=1)):
        error = refused(
            state_in(Stage.INVESTIGATION), "add_investigation_action", kind="hearing", due_at=due
        )
        assert rule_and_message(error) == (
            "due_date_in_the_past",
            "an investigation action is due in the future",
        )


def test_an_investigation_action_opens_a_deadline_and_a_task_named_by_its_kind() -> None:
    out = act(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        kind="patient_survey",
        due_at=IN_NINE_DAYS,
        description="12 patients",
    )
    key = out.state.investigation[0].key
    assert out.summary == f"patient_survey {key} due {IN_NINE_DAYS.date().isoformat()}"
    assert out.details["key"] == key
    assert [(t.key, t.kind, t.title, t.due_at) for t in out.tasks_opened] == [
        (key, "action", "patient survey: 12 patients", IN_NINE_DAYS)
    ]
    step_ = out.state.investigation[0]
    assert (step_.kind.value, step_.due_at, step_.description, step_.done) == (
        "patient_survey",
        IN_NINE_DAYS,
        "12 patients",
        False,
    )
    annex = act(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        kind="document_request",
        due_at=IN_NINE_DAYS,
        description="annex X",
    )
    assert annex.tasks_opened[0].title == "document request: annex X"
    plain = act(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        kind="on_site_check",
        due_at=IN_NINE_DAYS,
    )
    assert plain.tasks_opened[0].title == "on site check"


def with_steps(n: int) -> CaseState:
    s = state_in(Stage.INVESTIGATION)
    for _ in range(n):
        s = step(s, "add_investigation_action", **SAMPLES["add_investigation_action"])
    return s


def test_completing_an_investigation_action_records_its_result_on_its_task() -> None:
    s = with_steps(2)
    first, second = (x.key for x in s.investigation)
    out = act(s, "complete_investigation_action", key=second, result="three patients deny")
    assert out.summary == f"{second} completed: three patients deny"
    assert [(u.key, u.status, u.result) for u in out.tasks_updated] == [
        (second, TaskStatus.DONE, "three patients deny")
    ]
    assert [(x.done, x.result) for x in out.state.investigation] == [
        (False, None),
        (True, "three patients deny"),
    ]
    assert [d.key for d in out.state.deadlines] == [first]


def test_an_unknown_investigation_action_cannot_be_completed() -> None:
    error = refused(with_steps(1), "complete_investigation_action", key="action-99", result="x")
    assert rule_and_message(error) == (
        "unknown_investigation_action",
        "no investigation action action-99",
    )


def test_an_investigation_action_is_completed_once() -> None:
    s = with_steps(1)
    key = s.investigation[0].key
    s = step(s, "complete_investigation_action", key=key, result="first")
    error = refused(s, "complete_investigation_action", key=key, result="second")
    assert rule_and_message(error) == ("action_already_completed", f"{key} is already completed")


def test_the_investigation_concludes_only_once_every_action_is_done() -> None:
    s = with_steps(2)
    keys = [x.key for x in s.investigation]
    error = refused(s, "conclude_investigation")
    assert rule_and_message(error) == (
        "investigation_actions_pending",
        f"complete or drop the pending actions first: {keys[0]}, {keys[1]}",
    )


def test_the_findings_sum_up_the_harm_suffered_and_avoided() -> None:
    s = step(state_in(Stage.INVESTIGATION), "record_grievance", **grievance("fault", "120.50"))
    s = step(s, "take_protective_measure", kind="payment_suspension", estimated_avoided="80.00")
    out = act(s, "conclude_investigation")
    assert out.summary == "findings: 120.50 EUR suffered, 80.00 avoided"


def test_a_grievance_needs_an_amount_line() -> None:
    error = refused(
        state_in(Stage.INVESTIGATION),
        "record_grievance",
        qualification="fault",
        description="x",
        lines=[],
    )
    assert rule_and_message(error) == (
        "grievance_needs_amount_lines",
        "a grievance needs at least one undue-amount line",
    )


def test_a_grievance_posts_each_line_as_harm_suffered() -> None:
    lines = [
        {"description": "acts", "amount": "100.00", "paid_on": TODAY},
        {"description": "fees", "amount": "20.00", "paid_on": TODAY},
    ]
    out = act(
        state_in(Stage.INVESTIGATION),
        "record_grievance",
        qualification="abuse",
        description="overbilling",
        lines=lines,
    )
    assert out.summary == "grievance (abuse) of 120.00 EUR"
    assert [(e.kind, e.amount, e.qualification, e.note, e.effective_on) for e in out.ledger] == [
        (LedgerKind.HARM_SUFFERED, Decimal("100.00"), "abuse", "acts", TODAY),
        (LedgerKind.HARM_SUFFERED, Decimal("20.00"), "abuse", "fees", TODAY),
    ]
    g = out.state.grievances[0]
    assert (g.key, g.qualification, g.description, g.total) == (
        f"grievance-{out.state.counter}",
        "abuse",
        "overbilling",
        Decimal("120.00"),
    )


# --- protective measures ------------------------------------------------------------------


def test_a_protective_measure_posts_the_harm_it_avoids() -> None:
    out = act(
        state_in(Stage.TRIAGE),
        "take_protective_measure",
        kind="urgent_delisting",
        estimated_avoided="300.00",
    )
    assert out.summary == "urgent_delisting taken (300.00 EUR avoided)"
    assert [(e.kind, e.amount, e.note) for e in out.ledger] == [
        (LedgerKind.HARM_AVOIDED, Decimal("300.00"), "urgent_delisting")
    ]
    m = out.state.measures[0]
    assert (m.key, m.taken_at, m.lifted_at) == (f"measure-{out.state.counter}", NOW, None)


def test_a_measure_is_lifted_once_and_only_if_it_exists() -> None:
    s = step(
        state_in(Stage.TRIAGE),
        "take_protective_measure",
        kind="prior_approval",
        estimated_avoided="1.00",
    )
    key = s.measures[0].key
    out = act(s, "lift_protective_measure", key=key)
    assert out.summary == "prior_approval lifted"
    for state, k in ((out.state, key), (s, "measure-99")):
        error = refused(state, "lift_protective_measure", key=k)
        assert rule_and_message(error) == ("unknown_or_lifted_measure", f"no measure {k} in force")


# --- findings -----------------------------------------------------------------------------


def test_only_a_manager_waives_the_complaint_and_the_waiver_names_who() -> None:
    s = state_in(Stage.FINDINGS)
    error = refused(s, "waive_complaint", role="investigator", **SAMPLES["waive_complaint"])
    assert rule_and_message(error) == (
        "waiver_needs_manager",
        "only a manager may waive the complaint",
    )
    out = act(s, "waive_complaint", **SAMPLES["waive_complaint"])
    assert out.summary == "criminal complaint waived by alice"
    assert out.state.complaint_waiver == "alice: already prosecuted elsewhere"
    # the validator's early check (role not read yet) leaves the rule to the handler
    cmd = ACTION_TYPES["waive_complaint"](
        request_id="w", actor="alice", **SAMPLES["waive_complaint"]
    )
    assert decide(s, cmd, NOW, None).state.complaint_waiver is not None


# --- closing ------------------------------------------------------------------------------


def test_closing_needs_a_reason() -> None:
    assert rule_and_message(refused(state_in(Stage.FINDINGS), "close")) == (
        "close_needs_reason",
        "closing a case needs a reason",
    )


def test_closing_with_open_tracks_names_them() -> None:
    error = refused(state_in(Stage.FOLLOW_UPS), "close", reason="done")
    assert rule_and_message(error) == (
        "tracks_still_open",
        "these tracks have not ended: financial_penalty, recovery",
    )


def test_closing_above_8_pmss_of_fraud_needs_the_complaint_or_a_waiver() -> None:
    s = step(state_in(Stage.FINDINGS), "record_grievance", **grievance("fraud", "40000.00"))
    assert refused(s, "close", reason="done").rule == "complaint_mandatory_above_8_pmss"
    s = step(s, "waive_complaint", **SAMPLES["waive_complaint"])
    assert act(s, "close", reason="done").state.closed


def test_a_case_whose_recovery_was_transferred_closes_as_transferred() -> None:
    s = step(
        state_in(Stage.RECOVERY),
        "record_procedure_event",
        track="recovery",
        event="recovery_transferred",
    )
    out = act(s, "close", reason="done")
    assert out.summary == "closed: done"
    assert out.state.close_outcome == "transferred"
    assert out.state.balance.outstanding == Decimal("10.00")


def test_a_case_closes_with_its_recovery_outcome() -> None:
    s = state_in(Stage.RECOVERY)
    debt = next(iter(s.debts))
    s = step(s, "record_payment", amount="4.00", paid_on=TODAY)
    s = step(s, "write_off", debt=debt, write_off_reason="remission", reason="hardship")
    out = act(s, "close", reason="done")
    assert out.state.close_outcome == "partly_recovered_written_off"


def test_rules_version_1_closes_without_a_recovery_outcome() -> None:
    s = step(
        state_in(Stage.RECOVERY, rules_version=1),
        "record_procedure_event",
        track="recovery",
        event="recovery_ended",
    )
    out = act(s, "close", reason="done")
    assert out.state.closed and out.state.close_outcome is None


def test_a_closed_case_refuses_everything_and_keeps_its_closing() -> None:
    s = act(state_in(Stage.FINDINGS), "close", reason="nothing due").state
    assert (s.close_outcome, s.closed_at, s.close_reason) == ("nothing_due", NOW, "nothing due")
    error = refused(s, "assign", assignee="bob")
    assert rule_and_message(error) == ("case_closed", "the case is closed; assign is not possible")


def test_times_are_kept_as_given() -> None:
    at = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    out = decide(
        state_in(Stage.TRIAGE),
        ACTION_TYPES["assign"](request_id="r", actor="a", assignee="b"),
        at,
        "manager",
    )
    assert out.state.timeline[-1].at == at
    assert isinstance(out, Outcome)


def test_the_audit_details_keep_the_command_as_json() -> None:
    cmd = ACTION_TYPES["take_protective_measure"](
        request_id="m", actor="alice", kind="payment_suspension", estimated_avoided="5.00"
    )
    out = decide(state_in(Stage.TRIAGE), cmd, NOW, "manager")
    assert out.details["command"]["estimated_avoided"] == "5.00"
    opened = open_case(
        opening(estimated_stake="900.00", typology="ghost_billing"), POLICY, "c", NOW
    )
    assert opened.details["opening"]["estimated_stake"] == "900.00"
    assert opened.state.typology == "ghost_billing"


def test_deadline_and_task_keys_are_their_kind_and_a_case_counter() -> None:
    s = state_in(Stage.TRIAGE)
    assert [(d.key, d.task_key) for d in s.deadlines] == [("triage-1", "triage-1")]
    s = step(state_in(Stage.FINDINGS), "assign", assignee="alice")
    out = act(s, "decide_follow_ups", follow_ups=["warning", "financial_penalty"])
    keys = {t.kind: (t.key, t.assignee) for t in out.tasks_opened}
    counter = s.counter
    assert keys["warning"] == (f"warning-{counter + 1}", "alice")
    assert keys["penalty"] == (f"penalty-{counter + 2}", "alice")


def escalated_actions(n: int) -> CaseState:
    s = with_steps(n)
    for due in catch_up(s, IN_NINE_DAYS):
        s = due.state
    assert s.escalations == [x.key for x in s.investigation]
    return s


def test_completing_an_escalated_action_closes_only_its_own_task() -> None:
    s = escalated_actions(2)
    first, second = (x.key for x in s.investigation)
    out = act(s, "complete_investigation_action", key=first, result="done late")
    assert [(u.key, u.status, u.result) for u in out.tasks_updated] == [
        (first, TaskStatus.DONE, "done late")
    ]
    assert out.state.escalations == [second]


def test_a_dismissal_cancels_the_tasks_of_escalated_actions_too() -> None:
    s = escalated_actions(1)
    key = s.investigation[0].key
    out = act(s, "dismiss", reason="no irregularity")
    assert [(u.key, u.status) for u in out.tasks_updated] == [(key, TaskStatus.CANCELLED)]
    assert out.state.escalations == []


def test_opening_the_investigation_closes_an_escalated_triage_task() -> None:
    s = state_in(Stage.TRIAGE)
    for due in catch_up(s, NOW + timedelta(days=31)):
        s = due.state
    assert s.escalations == ["triage-1"] and s.deadlines == []
    out = act(s, "open_investigation")
    assert [(u.key, u.status) for u in out.tasks_updated] == [("triage-1", TaskStatus.DONE)]
    assert out.state.escalations == []
