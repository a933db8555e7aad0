"""Deadlines on the pure rules: what each kind of expiry does, and the order they apply in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.case_state import CaseState, Deadline, TrackStatus
from models.policy_snapshot import PolicySnapshot
from models.types import Stage, TaskStatus
from tests.workflows.test_procedure_rules import act, grievance
from tests.workflows.test_procedure_table import NOW, POLICY, SAMPLES, state_in, step
from tests.workflows.test_procedure_tracks import at_director_decision, on_track, penalty_case
from workflows.procedure import InvalidAction, on_deadline
from workflows.procedure.deadlines import DEADLINE_ACTION, catch_up, due_deadlines
from workflows.procedure.outcome import Outcome

PENALTY = "financial_penalty"


def deadline_of(state: CaseState, kind: str) -> Deadline:
    return next(d for d in state.deadlines if d.kind == kind)


def expire(state: CaseState, kind: str) -> Outcome:
    """The first deadline of ``kind`` fires at its due time."""
    d = deadline_of(state, kind)
    return on_deadline(state, d.key, d.due_at)


def updates(out: Outcome) -> list[tuple[str, TaskStatus, str | None]]:
    return [(u.key, u.status, u.escalated_to) for u in out.tasks_updated]


def test_an_unknown_deadline_is_refused() -> None:
    with pytest.raises(InvalidAction) as refused:
        on_deadline(state_in(Stage.TRIAGE), "triage-99", NOW)
    assert (refused.value.rule, refused.value.message) == (
        "unknown_deadline",
        "no deadline triage-99",
    )


def test_an_expiry_is_a_system_step_that_removes_its_deadline_and_records_it() -> None:
    s = state_in(Stage.TRIAGE)
    triage = deadline_of(s, "triage")
    out = on_deadline(s, triage.key, triage.due_at)
    assert (out.action, out.actor, out.role) == (DEADLINE_ACTION, "system", None)
    assert out.details == {
        "deadline": triage.key,
        "kind": "triage",
        "due_at": triage.due_at.isoformat(),
    }
    assert triage not in out.state.deadlines
    assert out.state.seq == s.seq + 1
    assert out.state.timeline[-1].at == triage.due_at
    assert triage in s.deadlines, "on_deadline must never mutate its input"


def test_an_alert_left_in_triage_escalates_to_the_manager_without_a_supervisor() -> None:
    s = state_in(Stage.TRIAGE)
    key = deadline_of(s, "triage").key
    out = expire(s, "triage")
    assert out.summary == "triage overdue: escalated to manager"
    assert out.state.escalations == [key]
    assert updates(out) == [(key, TaskStatus.OPEN, "manager")]
    assert out.state.stage is Stage.TRIAGE


def test_an_alert_left_in_triage_escalates_to_the_supervisor_when_there_is_one() -> None:
    s = step(state_in(Stage.TRIAGE), "assign", assignee="alice", supervisor="marc")
    out = expire(s, "triage")
    assert out.summary == "triage overdue: escalated to marc"
    assert updates(out)[0][2] == "marc"


def test_a_triage_deadline_passing_after_triage_escalates_nothing() -> None:
    s = state_in(Stage.INVESTIGATION)
    late = Deadline(key="triage-99", kind="triage", due_at=NOW, task_key="triage-99")
    s = s.model_copy(update={"deadlines": [late]})
    out = on_deadline(s, "triage-99", NOW)
    assert out.summary == "triage deadline passed after triage"
    assert out.state.escalations == [] and out.tasks_updated == []


def test_a_late_investigation_action_is_escalated_and_can_still_be_completed() -> None:
    s = step(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        **SAMPLES["add_investigation_action"],
    )
    key = s.investigation[0].key
    out = expire(s, "action")
    assert out.summary == "action overdue: escalated to manager"
    assert out.state.investigation[0].escalated
    assert not out.state.investigation[0].done
    done = act(out.state, "complete_investigation_action", key=key, result="late but done")
    # its deadline has fired: the completion closes the escalated task itself
    assert [(u.key, u.status, u.result) for u in done.tasks_updated] == [
        (key, TaskStatus.DONE, "late but done")
    ]


def test_an_unknown_kind_of_deadline_escalates() -> None:
    s = state_in(Stage.TRIAGE)
    odd = Deadline(key="odd-1", kind="odd_check", due_at=NOW)
    out = on_deadline(s.model_copy(update={"deadlines": [odd]}), "odd-1", NOW)
    assert out.summary == "odd check overdue: escalated to manager"
    assert out.state.escalations == ["odd-1"]
    assert out.tasks_updated == []  # no task to reopen


def test_the_end_of_the_observations_period_gives_the_director_15_days() -> None:
    s = on_track(penalty_case(), PENALTY, "grievances_notified").state
    period = deadline_of(s, "observations")
    out = expire(s, "observations")
    assert out.summary == "observations period over; the director must decide within 15 days"
    assert out.state.tracks[PENALTY].step == "director_decision"
    assert updates(out) == [(period.key, TaskStatus.DONE, None)]
    decision = deadline_of(out.state, "director_decision")
    assert decision.due_at == period.due_at + timedelta(days=15)
    assert decision.policy_key == "deadline.director_decision"


def at_commission() -> CaseState:
    s = at_director_decision()
    return on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state


def test_the_commissions_silence_counts_as_its_opinion() -> None:
    s = at_commission()
    silent = deadline_of(s, "commission")
    out = expire(s, "commission")
    assert out.summary == "commission silent: its opinion is deemed given; the director decides"
    assert out.state.tracks[PENALTY].step == "final_decision"
    assert updates(out) == [(silent.key, TaskStatus.DONE, None)]
    final = deadline_of(out.state, "final_decision")
    assert (final.due_at, final.policy_key) == (
        silent.due_at + timedelta(days=15),
        "deadline.director_final_decision",
    )


def test_where_silence_is_no_opinion_the_late_commission_is_escalated() -> None:
    records = [
        r.model_copy(update={"value": 0}) if r.key == "rule.commission_silence_is_opinion" else r
        for r in POLICY.records
    ]
    s = at_commission()
    s = s.model_copy(update={"policy": PolicySnapshot(version=99, records=records)})
    silent = deadline_of(s, "commission")
    out = expire(s, "commission")
    assert out.summary == "commission overdue: escalated to manager"
    assert out.state.tracks[PENALTY].step == "commission"
    assert out.state.escalations == [silent.key]
    # the task's last word: still open, with the manager
    assert updates(out)[-1] == (silent.key, TaskStatus.OPEN, "manager")


def test_the_prosecutor_check_asks_for_news_and_comes_back_three_months_later() -> None:
    s = act(state_in(Stage.FINDINGS), "record_grievance", **grievance("fraud", "40000.00")).state
    s = act(s, "decide_follow_ups", follow_ups=["criminal_complaint"]).state
    s = on_track(s, "criminal_complaint", "complaint_filed").state
    check = deadline_of(s, "prosecutor_check")
    out = expire(s, "prosecutor_check")
    assert out.summary == "periodic check with the prosecutor due"
    assert updates(out) == [(check.key, TaskStatus.DONE, None)]
    assert [(t.kind, t.title) for t in out.tasks_opened] == [
        ("prosecutor_call", "Ask the prosecutor where the complaint stands"),
        ("prosecutor_check", "Check the complaint's progress with the prosecutor"),
    ]
    again = deadline_of(out.state, "prosecutor_check")
    assert again.due_at == check.due_at.replace(month=check.due_at.month + 3)


def test_the_msap_period_ending_ends_its_track() -> None:
    s = act(state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=["msap"]).state
    end = deadline_of(s, "msap_end")
    out = expire(s, "msap_end")
    track = out.state.tracks["msap"]
    assert out.summary == "prior approval (MSAP) period ended"
    assert (track.status, track.outcome, track.ended_at) == (
        TrackStatus.ENDED,
        "expired",
        end.due_at,
    )
    assert updates(out) == [(end.key, TaskStatus.DONE, None)]
    # the recovery is left alone: the case moves on to recovery
    assert out.state.stage is Stage.RECOVERY


def test_only_due_deadlines_apply_earliest_first_and_those_due_together_in_creation_order() -> None:
    late = Deadline(key="b-3", kind="x", due_at=NOW + timedelta(seconds=1))
    first = Deadline(key="z-1", kind="x", due_at=NOW - timedelta(days=1))
    second = Deadline(key="y-2", kind="x", due_at=NOW)
    third = Deadline(key="a-4", kind="x", due_at=NOW)
    assert due_deadlines([late, second, first, third], NOW) == [first, second, third]


def test_catching_up_applies_every_due_deadline_in_order_and_nothing_else() -> None:
    s = step(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        **SAMPLES["add_investigation_action"],
    )
    s = step(s, "add_investigation_action", kind="hearing", due_at=NOW + timedelta(days=3))
    later = NOW + timedelta(days=9)
    outcomes = catch_up(s, later)
    assert [o.details["deadline"] for o in outcomes] == [
        s.investigation[1].key,
        s.investigation[0].key,
    ]
    assert [o.state.seq for o in outcomes] == [s.seq + 1, s.seq + 2]
    assert outcomes[-1].state.escalations == [s.investigation[1].key, s.investigation[0].key]
    assert catch_up(s, NOW) == []
