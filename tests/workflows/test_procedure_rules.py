"""Procedure rules, on the pure functions: complaint threshold, appeals, recovery,
prescription, deadlines before actions, request ids, policy coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models.case_actions import ACTION_TYPES, GrievanceLine
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import RULES_VERSION, CaseState
from models.types import ActorType, LedgerKind, Qualification, Stage
from tests.workflows.test_procedure_table import NOW, POLICY, TODAY, state_in
from workflows.procedure import InvalidAction, decide, open_case
from workflows.procedure.actions import already_applied
from workflows.procedure.deadlines import catch_up
from workflows.procedure.outcome import Outcome

#: the role the workflow read from the registry for these actions
ROLE = "manager"


def act(state: CaseState, action: str, at: object = NOW, **fields: object) -> Outcome:
    cmd = ACTION_TYPES[action](request_id=f"{action}-{state.seq}", actor="alice", **fields)
    return decide(state, cmd, at, ROLE)  # type: ignore[arg-type]


def grievance(
    qualification: str, amount: str, paid_on: date = date(2025, 5, 1)
) -> dict[str, object]:
    return {
        "qualification": qualification,
        "description": "acts never performed",
        "lines": [GrievanceLine(description="x", amount=Decimal(amount), paid_on=paid_on)],
    }


def with_fraud_findings(amount: str, rules_version: int = RULES_VERSION) -> CaseState:
    s = state_in(Stage.INVESTIGATION, rules_version)
    s = act(s, "record_grievance", **grievance("fraud", amount)).state
    return act(s, "conclude_investigation").state


def follow(state: CaseState, *follow_ups: str) -> CaseState:
    return act(state, "decide_follow_ups", follow_ups=list(follow_ups)).state


def event(state: CaseState, track: str, name: str, **fields: object) -> CaseState:
    return act(state, "record_procedure_event", track=track, event=name, **fields).state


def test_dismissing_fraud_above_8_pmss_without_complaint_or_waiver_is_refused() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("fraud", "40000.00")).state
    with pytest.raises(InvalidAction) as refused:
        act(s, "dismiss", reason="not worth it")
    assert refused.value.rule == "complaint_mandatory_above_8_pmss"


def test_a_fraud_penalty_needs_the_national_directors_opinion_first() -> None:
    s = act(
        with_fraud_findings("5000.00"), "decide_follow_ups", follow_ups=["financial_penalty"]
    ).state
    s = event(s, "financial_penalty", "grievances_notified")
    s = event(s, "financial_penalty", "observations_received")
    s = event(s, "financial_penalty", "director_decision", outcome="refer_to_commission")
    s = event(s, "financial_penalty", "commission_opinion")
    with pytest.raises(InvalidAction) as refused:
        event(s, "financial_penalty", "director_decision", outcome="penalty", amount=Decimal("100"))
    assert refused.value.rule == "fraud_penalty_needs_national_opinion"
    assert refused.value.message == (
        "for fraud, the national director's binding opinion comes before the penalty"
    )


@pytest.mark.parametrize("rules_version", [1, 2])
def test_damages_confirmed_on_appeal_replace_the_first_judgment_instead_of_adding(
    rules_version: int,
) -> None:
    s = act(
        with_fraud_findings("40000.00", rules_version),
        "decide_follow_ups",
        follow_ups=["criminal_complaint"],
    ).state
    s = event(s, "criminal_complaint", "complaint_filed")
    s = event(s, "criminal_complaint", "judgment", amount=Decimal("10000.00"))
    s = event(s, "criminal_complaint", "appeal")
    out = act(
        s,
        "record_procedure_event",
        track="criminal_complaint",
        event="judgment",
        amount=Decimal("6000.00"),
    )
    assert out.state.damages_due == Decimal("6000.00")
    assert [(line.kind, line.amount) for line in out.ledger] == [
        (LedgerKind.DUE_REDUCED, Decimal("4000.00"))
    ]


def test_rules_version_1_a_judgment_after_recovery_ended_reopens_recovery() -> None:
    s = act(
        with_fraud_findings("40000.00", rules_version=1),
        "decide_follow_ups",
        follow_ups=["criminal_complaint"],
    ).state
    s = event(s, "recovery", "recovery_ended")
    s = event(s, "criminal_complaint", "complaint_filed")
    s = event(s, "criminal_complaint", "judgment", amount=Decimal("500.00"))
    assert "recovery" in s.open_tracks and s.stage is Stage.RECOVERY
    with pytest.raises(InvalidAction) as refused:
        act(s, "close", reason="done")
    assert refused.value.rule == "tracks_still_open"


def test_damages_awarded_after_the_recovery_was_settled_reopen_recovery() -> None:
    s = act(
        with_fraud_findings("40000.00"), "decide_follow_ups", follow_ups=["criminal_complaint"]
    ).state
    s = act(s, "record_payment", amount=Decimal("40000.00"), paid_on=TODAY).state
    assert s.tracks["recovery"].outcome == "recovered" and s.open_tracks == ["criminal_complaint"]
    s = event(s, "criminal_complaint", "complaint_filed")
    s = event(s, "criminal_complaint", "judgment", amount=Decimal("500.00"))
    assert s.open_tracks == ["recovery"] and s.stage is Stage.RECOVERY
    assert (s.tracks["recovery"].step, s.tracks["recovery"].outcome) == ("to_notify", None)
    assert s.balance.outstanding == Decimal("500.00")
    with pytest.raises(InvalidAction) as refused:
        act(s, "close", reason="done")
    assert refused.value.rule == "tracks_still_open"


def test_rules_version_1_the_prescription_warning_follows_the_first_line_to_fall_out_of_reach() -> (
    None
):
    s = state_in(Stage.INVESTIGATION, rules_version=1)
    s = act(s, "record_grievance", **grievance("error", "100.00", paid_on=date(2023, 9, 10))).state
    s = act(s, "record_grievance", **grievance("fraud", "900.00", paid_on=date(2023, 1, 10))).state
    s = act(s, "conclude_investigation").state
    s = act(s, "decide_follow_ups", follow_ups=["warning"]).state
    warning = next(d for d in s.deadlines if d.kind == "prescription")
    # the error line is prescribed on 2026-09-10 (3 years): warned 6 months before
    assert warning.due_at.date() == date(2026, 3, 10)


def test_each_debt_is_warned_before_it_is_prescribed_by_its_own_qualification() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("error", "100.00", paid_on=date(2023, 9, 10))).state
    s = act(s, "record_grievance", **grievance("fraud", "900.00", paid_on=date(2023, 1, 10))).state
    s = act(s, "conclude_investigation").state
    s = act(s, "decide_follow_ups", follow_ups=["warning"]).state
    # error: 3 years, fraud: 5 years; prescribed at the end of that day in Paris, warned 6
    # months before (the same UTC time: across a DST change it is 00:59 the next day in Paris)
    assert sorted((d.qualification, d.prescribed_on) for d in s.debts.values()) == [
        (Qualification.ERROR, date(2026, 9, 10)),
        (Qualification.FRAUD, date(2028, 1, 10)),
    ]
    assert sorted((d.kind, d.due_at.date()) for d in s.deadlines if "prescri" in d.kind) == [
        ("debt_prescribed", date(2026, 9, 10)),
        ("debt_prescribed", date(2028, 1, 10)),
        ("debt_prescription_warning", date(2026, 3, 10)),
        ("debt_prescription_warning", date(2027, 7, 10)),
    ]


def test_an_action_after_a_due_deadline_is_judged_once_the_deadline_has_applied() -> None:
    s = act(
        with_fraud_findings("5000.00"), "decide_follow_ups", follow_ups=["financial_penalty"]
    ).state
    s = event(s, "financial_penalty", "grievances_notified")
    later = NOW + timedelta(days=40)  # the month for observations is over
    for due in catch_up(s, later):
        s = due.state
    assert s.tracks["financial_penalty"].step == "director_decision"
    with pytest.raises(InvalidAction) as refused:
        act(
            s,
            "record_procedure_event",
            at=later,
            track="financial_penalty",
            event="observations_received",
        )
    assert refused.value.rule == "event_not_allowed_in_step"


def test_a_request_id_reused_for_another_action_is_refused() -> None:
    s = state_in(Stage.TRIAGE)
    cmd = ACTION_TYPES["assign"](request_id="r-1", actor="alice", assignee="bob")
    s = decide(s, cmd, NOW, ROLE).state
    assert already_applied(s, cmd)
    other = ACTION_TYPES["open_investigation"](request_id="r-1", actor="alice")
    with pytest.raises(InvalidAction) as refused:
        already_applied(s, other)
    assert refused.value.rule == "request_id_reused"


def test_facts_older_than_the_policy_records_cannot_open_a_case() -> None:
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P9"),
        period="2016",
        request_id="old",
    )
    with pytest.raises(InvalidAction) as refused:
        open_case(opening, POLICY, "case:professional:P9:2016", NOW)
    assert refused.value.rule == "policy_missing"
    assert refused.value.message == (
        "facts of 2016: no policy record 'pmss' in force on 2016-07-01"
    )
    assert str(refused.value) == f"[policy_missing] {refused.value.message}"


def test_a_case_merges_only_into_a_case_on_the_same_target() -> None:
    s = state_in(Stage.TRIAGE)
    with pytest.raises(InvalidAction) as refused:
        act(s, "merge", into_case_id="case:professional:P10:2024")
    assert refused.value.rule == "merge_needs_same_target"
    assert act(s, "merge", into_case_id="case:professional:P1:2024").state.closed


def test_rules_version_1_posts_penalties_and_damages_as_plain_due_lines() -> None:
    s = act(
        with_fraud_findings("40000.00", rules_version=1),
        "decide_follow_ups",
        follow_ups=["criminal_complaint"],
    ).state
    assert [(e.kind, e.amount, e.track) for e in s.ledger if e.kind is LedgerKind.DUE] == [
        (LedgerKind.DUE, Decimal("40000.00"), "recovery")
    ]
    s = event(s, "criminal_complaint", "complaint_filed")
    out = act(
        s, "record_procedure_event", track="criminal_complaint", event="judgment", amount="900.00"
    )
    assert [(e.kind, e.amount, e.track, e.debt) for e in out.ledger] == [
        (LedgerKind.DUE, Decimal("900.00"), "criminal_complaint", None)
    ]
    s = event(out.state, "criminal_complaint", "appeal")
    same = act(
        s, "record_procedure_event", track="criminal_complaint", event="judgment", amount="900.00"
    )
    assert same.ledger == []
    higher = act(
        s, "record_procedure_event", track="criminal_complaint", event="judgment", amount="1000.00"
    )
    assert [(e.kind, e.amount, e.track) for e in higher.ledger] == [
        (LedgerKind.DUE, Decimal("100.00"), "criminal_complaint")
    ]
    lower = act(
        s, "record_procedure_event", track="criminal_complaint", event="judgment", amount="600.00"
    )
    assert [(e.kind, e.amount, e.track) for e in lower.ledger] == [
        (LedgerKind.DUE_REDUCED, Decimal("300.00"), "criminal_complaint")
    ]


def test_rules_version_1_a_penalty_is_posted_as_penalty_due() -> None:
    s = state_in(Stage.INVESTIGATION, rules_version=1)
    s = act(s, "record_grievance", **grievance("fault", "1000.00")).state
    s = act(s, "conclude_investigation").state
    s = act(s, "decide_follow_ups", follow_ups=["financial_penalty"]).state
    for name, fields in (
        ("grievances_notified", {}),
        ("observations_received", {}),
        ("director_decision", {"outcome": "refer_to_commission"}),
        ("commission_opinion", {}),
    ):
        s = event(s, "financial_penalty", name, **fields)
    out = act(
        s,
        "record_procedure_event",
        track="financial_penalty",
        event="director_decision",
        outcome="penalty",
        amount="700.00",
    )
    assert [(e.kind, e.amount, e.track, e.debt) for e in out.ledger] == [
        (LedgerKind.PENALTY_DUE, Decimal("700.00"), "financial_penalty", None)
    ]
    assert out.state.debts == {}


def test_rules_version_1_a_small_harm_opens_recovery_with_its_amount_due() -> None:
    s = state_in(Stage.INVESTIGATION, rules_version=1)
    s = act(s, "record_grievance", **grievance("fault", "0.50")).state
    s = act(s, "conclude_investigation").state
    out = act(s, "decide_follow_ups", follow_ups=["warning"])
    assert [(e.kind, e.amount, e.track) for e in out.ledger] == [
        (LedgerKind.DUE, Decimal("0.50"), "recovery")
    ]
    assert ("recovery", "Notify the overpayment (notification de payer)") in [
        (t.kind, t.title) for t in out.tasks_opened
    ]
    warning = next(d for d in out.state.deadlines if d.kind == "prescription")
    # paid on 2025-05-01: prescribed on 2028-05-01 at midnight UTC, warned 6 months before
    assert (warning.due_at, warning.track, warning.policy_key) == (
        datetime(2027, 11, 1, tzinfo=UTC),
        "recovery",
        "prescription.warning_lead",
    )


def test_rules_version_1_ending_the_recovery_leaves_the_case_in_recovery_to_be_closed() -> None:
    s = state_in(Stage.RECOVERY, rules_version=1)
    out = act(s, "record_procedure_event", track="recovery", event="recovery_ended")
    assert out.state.stage is Stage.RECOVERY and out.state.open_tracks == []
    assert out.state.debts == {}


def test_rules_version_1_reopening_the_recovery_creates_no_debts() -> None:
    s = act(
        with_fraud_findings("40000.00", rules_version=1),
        "decide_follow_ups",
        follow_ups=["criminal_complaint"],
    ).state
    s = event(s, "recovery", "recovery_ended")
    s = event(s, "criminal_complaint", "complaint_filed")
    out = act(
        s, "record_procedure_event", track="criminal_complaint", event="judgment", amount="5.00"
    )
    assert ("recovery", "Notify the new amount due") in [
        (t.kind, t.title) for t in out.tasks_opened
    ]
    assert out.state.debts == {}


def test_rules_version_1_refuses_the_recovery_actions_of_version_2() -> None:
    s = state_in(Stage.RECOVERY, rules_version=1)
    with pytest.raises(InvalidAction) as refused:
        act(s, "notify_debts", received_on=TODAY)
    assert (refused.value.rule, refused.value.message) == (
        "not_in_this_rules_version",
        "notify_debts needs the recovery procedure of rules version 2; this case follows version 1",
    )
