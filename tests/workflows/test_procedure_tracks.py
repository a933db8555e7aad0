"""Follow-up tracks on the pure rules: the financial-penalty procedure step by step, the
criminal complaint, the professional sanctions, and the choice of follow-ups.

Each step is checked by what it leaves behind: its timeline summary, the step, the tasks and
deadlines it opens or closes, and the ledger lines it posts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState, TrackStatus
from models.local_time import end_of_day
from models.types import ActorType, LedgerKind, Qualification, Stage, TaskStatus
from tests.workflows.test_procedure_rules import act, grievance, with_fraud_findings
from tests.workflows.test_procedure_table import NOW, POLICY, TODAY, state_in, step
from workflows.penalty import penalty_cap
from workflows.procedure import InvalidAction, decide, open_case
from workflows.procedure.legal_time import due_date
from workflows.procedure.outcome import Outcome
from workflows.procedure.tracks import (
    EVENT_STEPS,
    FIRST_STEP,
    complaint_threshold,
    prescription_date,
    restage,
)

PENALTY = "financial_penalty"
COMPLAINT = "criminal_complaint"


def legal_end_of(amount: int, unit: str, start: date = TODAY) -> datetime:
    """Where French law ends a period from ``start``: the end of its last day in Paris."""
    return end_of_day(due_date(start, amount, unit).due)


MONTH_LATER = legal_end_of(1, "months")  # Thursday 2 April 2026
FORTNIGHT_LATER = legal_end_of(15, "days")  # Tuesday 17 March 2026


def on_track(state: CaseState, track: str, name: str, **fields: Any) -> Outcome:
    return act(state, "record_procedure_event", track=track, event=name, **fields)


def refused(state: CaseState, track: str, name: str, **fields: Any) -> InvalidAction:
    with pytest.raises(InvalidAction) as caught:
        on_track(state, track, name, **fields)
    return caught.value


def opened(out: Outcome) -> list[tuple[str, str, object]]:
    return [(t.kind, t.title, t.due_at) for t in out.tasks_opened]


def closed(out: Outcome) -> list[tuple[str, TaskStatus]]:
    return [(t.key, t.status) for t in out.tasks_updated]


def track_deadlines(state: CaseState, track: str) -> list[tuple[str, object, str | None]]:
    return [(d.kind, d.due_at, d.policy_key) for d in state.deadlines if d.track == track]


def penalty_case(amount: str = "5000.00", qualification: str = "fraud") -> CaseState:
    """Findings of ``amount`` EUR, the penalty procedure chosen (recovery opens beside it)."""
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance(qualification, amount)).state
    s = act(s, "conclude_investigation").state
    return act(s, "decide_follow_ups", follow_ups=["financial_penalty"]).state


def at_director_decision(qualification: str = "fraud") -> CaseState:
    s = on_track(penalty_case(qualification=qualification), PENALTY, "grievances_notified").state
    return on_track(s, PENALTY, "observations_received").state


def at_final_decision(qualification: str = "fraud") -> CaseState:
    s = at_director_decision(qualification)
    s = on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state
    return on_track(s, PENALTY, "commission_opinion").state


# --- the financial penalty ----------------------------------------------------------------


def test_choosing_the_penalty_opens_its_track_at_notification_with_a_task() -> None:
    s = with_fraud_findings("5000.00")
    out = act(s, "decide_follow_ups", follow_ups=["financial_penalty"])
    assert out.summary == "follow-ups: financial_penalty"
    assert out.state.follow_ups == ["financial_penalty"]
    assert (out.state.tracks[PENALTY].step, out.state.tracks[PENALTY].opened_at) == (
        "to_notify",
        NOW,
    )
    assert ("penalty", "Notify the grievances (penalty procedure)", None) in opened(out)
    assert out.state.stage is Stage.FOLLOW_UPS


def test_notifying_the_grievances_opens_a_month_for_observations() -> None:
    out = on_track(penalty_case(), PENALTY, "grievances_notified")
    assert out.summary == (
        "financial_penalty: grievances notified (received on 2026-03-02); observations period open"
    )
    assert out.state.tracks[PENALTY].step == "observations"
    assert out.state.tracks[PENALTY].events == ["grievances_notified"]
    title = "Observations period ends (1 month from receipt on 2026-03-02)"
    assert opened(out) == [("observations", title, MONTH_LATER)]
    assert track_deadlines(out.state, PENALTY) == [
        ("observations", MONTH_LATER, "deadline.observations")
    ]


@pytest.mark.parametrize(
    ("event", "said"),
    [("observations_received", "observations received"), ("hearing_held", "hearing held")],
)
def test_observations_or_a_hearing_close_the_period_and_the_director_has_15_days(
    event: str, said: str
) -> None:
    s = on_track(penalty_case(), PENALTY, "grievances_notified").state
    period = next(d.key for d in s.deadlines if d.kind == "observations")
    out = on_track(s, PENALTY, event)
    assert out.summary == f"financial_penalty: {said} on 2026-03-02; director to decide"
    assert out.state.tracks[PENALTY].step == "director_decision"
    assert closed(out) == [(period, TaskStatus.DONE)]
    assert opened(out) == [
        ("director_decision", "Director's decision due (15 days)", FORTNIGHT_LATER)
    ]
    assert track_deadlines(out.state, PENALTY) == [
        ("director_decision", FORTNIGHT_LATER, "deadline.director_decision")
    ]


def test_a_director_decision_needs_an_outcome() -> None:
    caught = refused(at_director_decision(), PENALTY, "director_decision")
    assert (caught.rule, caught.message) == (
        "decision_needs_outcome",
        "a director decision needs an outcome",
    )


def test_the_director_dropping_the_procedure_ends_the_track() -> None:
    s = at_director_decision()
    due = next(d.key for d in s.deadlines if d.kind == "director_decision")
    out = on_track(s, PENALTY, "director_decision", outcome="drop")
    track = out.state.tracks[PENALTY]
    assert out.summary == "financial_penalty: director dropped the procedure"
    assert (track.status, track.step, track.outcome, track.ended_at) == (
        TrackStatus.ENDED,
        "ended",
        "dropped",
        NOW,
    )
    assert closed(out) == [(due, TaskStatus.DONE)]
    assert track_deadlines(out.state, PENALTY) == []
    # only recovery is left: the case moves on to recovery
    assert out.state.stage is Stage.RECOVERY and out.state.warnings_issued == 0


def test_the_director_warning_ends_the_track_and_counts_as_a_warning() -> None:
    out = on_track(at_director_decision(), PENALTY, "director_decision", outcome="warning")
    assert out.summary == "financial_penalty: director issued a warning"
    assert out.state.tracks[PENALTY].outcome == "warning"
    assert out.state.tracks[PENALTY].status is TrackStatus.ENDED
    assert out.state.warnings_issued == 1


def test_referring_to_the_commission_gives_it_a_month_for_its_opinion() -> None:
    out = on_track(
        at_director_decision(), PENALTY, "director_decision", outcome="refer_to_commission"
    )
    assert out.summary == "financial_penalty: referred to the penalty commission"
    assert out.state.tracks[PENALTY].step == "commission"
    assert opened(out) == [("commission", "Penalty commission opinion due (1 month)", MONTH_LATER)]
    assert track_deadlines(out.state, PENALTY) == [
        ("commission", MONTH_LATER, "deadline.commission_opinion")
    ]


def test_a_penalty_comes_only_after_the_commissions_opinion() -> None:
    caught = refused(
        at_director_decision(), PENALTY, "director_decision", outcome="penalty", amount="10.00"
    )
    assert (caught.rule, caught.message) == (
        "penalty_needs_commission_opinion",
        "a penalty comes after the commission's opinion",
    )


def test_the_national_opinion_is_asked_only_after_the_commission() -> None:
    caught = refused(
        at_director_decision(), PENALTY, "director_decision", outcome="request_national_opinion"
    )
    assert (caught.rule, caught.message) == (
        "national_opinion_after_commission_for_fraud",
        "the national director's opinion is asked, for fraud, after the commission's",
    )


def test_the_commission_deadline_extends_once_by_a_month_from_its_due_date() -> None:
    s = at_director_decision()
    s = on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state
    first = next(d for d in s.deadlines if d.kind == "commission")
    out = on_track(s, PENALTY, "commission_extended")
    # from the first period's last day, Thursday 2 April: 2 May is a Saturday, 3 May a Sunday
    extended = legal_end_of(1, "months", start=date(2026, 4, 2))
    assert extended == end_of_day(date(2026, 5, 4))
    assert out.summary == "financial_penalty: commission deadline extended by 1 month"
    assert out.state.tracks[PENALTY].commission_extended
    assert closed(out) == [(first.key, TaskStatus.DONE)]
    assert opened(out) == [("commission", "Commission opinion due (extended by 1 month)", extended)]
    assert track_deadlines(out.state, PENALTY) == [
        ("commission", extended, "deadline.commission_extension")
    ]
    again = refused(out.state, PENALTY, "commission_extended")
    assert (again.rule, again.message) == (
        "commission_extension_once",
        "the opinion deadline extends once",
    )


@pytest.mark.parametrize(("note", "said"), [(None, ""), ("two votes to one", ": two votes to one")])
def test_the_commissions_opinion_gives_the_director_15_days_for_the_final_decision(
    note: str | None, said: str
) -> None:
    s = at_director_decision()
    s = on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state
    due = next(d.key for d in s.deadlines if d.kind == "commission")
    out = on_track(s, PENALTY, "commission_opinion", note=note)
    assert out.summary == f"financial_penalty: commission opinion given{said}"
    assert out.state.tracks[PENALTY].step == "final_decision"
    assert closed(out) == [(due, TaskStatus.DONE)]
    assert track_deadlines(out.state, PENALTY) == [
        ("final_decision", FORTNIGHT_LATER, "deadline.director_final_decision")
    ]


def test_the_commission_is_not_seized_twice() -> None:
    caught = refused(
        at_final_decision(), PENALTY, "director_decision", outcome="refer_to_commission"
    )
    assert (caught.rule, caught.message) == (
        "commission_already_seized",
        "the commission has given its opinion",
    )


def test_for_fraud_the_national_directors_opinion_is_asked_after_the_commission() -> None:
    s = at_final_decision()
    due = next(d.key for d in s.deadlines if d.kind == "final_decision")
    out = on_track(s, PENALTY, "director_decision", outcome="request_national_opinion")
    assert out.summary == "financial_penalty: binding opinion requested from the national director"
    assert out.state.tracks[PENALTY].step == "national_opinion"
    assert closed(out) == [(due, TaskStatus.DONE)]
    assert track_deadlines(out.state, PENALTY) == []
    back = on_track(out.state, PENALTY, "national_opinion", note="agreed")
    assert back.summary == "financial_penalty: national director's binding opinion: agreed"
    assert back.state.tracks[PENALTY].step == "final_decision"
    assert track_deadlines(back.state, PENALTY) == [
        ("final_decision", FORTNIGHT_LATER, "deadline.director_final_decision")
    ]
    quiet = on_track(out.state, PENALTY, "national_opinion")
    assert quiet.summary == "financial_penalty: national director's binding opinion"


def test_without_fraud_no_national_opinion_is_asked() -> None:
    caught = refused(
        at_final_decision("fault"), PENALTY, "director_decision", outcome="request_national_opinion"
    )
    assert caught.rule == "national_opinion_after_commission_for_fraud"


@pytest.mark.parametrize("amount", [None, "0"])
def test_a_penalty_needs_a_positive_amount(amount: str | None) -> None:
    caught = refused(
        at_final_decision("fault"), PENALTY, "director_decision", outcome="penalty", amount=amount
    )
    assert (caught.rule, caught.message) == (
        "penalty_needs_amount",
        "a penalty decision needs a positive amount",
    )


def test_a_penalty_for_fault_is_capped_at_70_percent_of_the_sums_and_posted_as_due() -> None:
    s = at_final_decision("fault")  # 5000 EUR of fault: the cap is 3500 EUR
    above = refused(s, PENALTY, "director_decision", outcome="penalty", amount="3500.01")
    assert (above.rule, above.message) == (
        "penalty_above_legal_cap",
        "penalty 3500.01 EUR exceeds the cap of 3500.00 EUR",
    )
    due = next(d.key for d in s.deadlines if d.kind == "final_decision")
    out = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="3500.00")
    track = out.state.tracks[PENALTY]
    assert out.summary == "financial_penalty: penalty of 3500.00 EUR notified (cap 3500.00 EUR)"
    assert (track.status, track.outcome, track.penalty_amount) == (
        TrackStatus.ENDED,
        "penalty",
        Decimal("3500.00"),
    )
    assert [(line.kind, line.amount, line.track) for line in out.ledger] == [
        (LedgerKind.PENALTY_DUE, Decimal("3500.00"), PENALTY)
    ]
    assert closed(out) == [(due, TaskStatus.DONE)]
    assert out.state.penalties_due == Decimal("3500.00")


def test_a_repeat_offence_doubles_the_penalty_cap() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("fault", "5000.00")).state
    s = act(s, "conclude_investigation").state
    s = act(s, "decide_follow_ups", follow_ups=["financial_penalty"], repeat_offence=True).state
    assert s.repeat_offence
    s = on_track(s, PENALTY, "grievances_notified").state
    s = on_track(s, PENALTY, "hearing_held").state
    s = on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state
    s = on_track(s, PENALTY, "commission_opinion").state
    out = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="7000.00")
    assert out.summary.endswith("(cap 7000.00 EUR)")


def test_a_fraud_penalty_after_the_national_opinion_is_capped_at_300_percent() -> None:
    s = on_track(
        at_final_decision(), PENALTY, "director_decision", outcome="request_national_opinion"
    )
    s = on_track(s.state, PENALTY, "national_opinion")
    out = on_track(s.state, PENALTY, "director_decision", outcome="penalty", amount="15000.00")
    assert out.summary == "financial_penalty: penalty of 15000.00 EUR notified (cap 15000.00 EUR)"


def test_a_penalty_appealed_then_reduced_by_the_court_lowers_what_is_due() -> None:
    s = at_final_decision("fault")
    s = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="3000.00").state
    appealed = on_track(s, PENALTY, "appeal")
    track = appealed.state.tracks[PENALTY]
    assert appealed.summary == "financial_penalty: penalty appealed to the social court"
    assert (track.status, track.step) == (TrackStatus.OPEN, "appeal")
    assert appealed.state.stage is Stage.FOLLOW_UPS
    out = on_track(appealed.state, PENALTY, "judgment", amount="1000.00", note="reduced")
    assert out.summary == "financial_penalty: judgment on the appeal: penalty 1000.00 EUR"
    assert (out.state.tracks[PENALTY].outcome, out.state.tracks[PENALTY].status) == (
        "judgment: reduced",
        TrackStatus.ENDED,
    )
    assert [(line.kind, line.amount) for line in out.ledger] == [
        (LedgerKind.DUE_REDUCED, Decimal("2000.00"))
    ]
    assert out.state.penalties_due == Decimal("1000.00")


def test_a_judgment_without_an_amount_confirms_the_penalty() -> None:
    s = at_final_decision("fault")
    s = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="3000.00").state
    s = on_track(s, PENALTY, "appeal").state
    out = on_track(s, PENALTY, "judgment")
    assert out.summary == "financial_penalty: judgment on the appeal: penalty 3000.00 EUR"
    assert out.state.tracks[PENALTY].outcome == "judgment: delivered"
    assert out.ledger == []


def test_an_event_the_track_does_not_expect_in_its_step_is_refused() -> None:
    caught = refused(penalty_case(), PENALTY, "observations_received")
    assert (caught.rule, caught.message) == (
        "event_not_allowed_in_step",
        "observations_received is not expected on the financial_penalty track at step to_notify",
    )
    assert refused(penalty_case(), PENALTY, "recovery_ended").rule == "event_not_allowed_in_step"


def test_an_event_on_a_track_the_case_does_not_have_is_refused() -> None:
    caught = refused(penalty_case(), COMPLAINT, "complaint_filed")
    assert (caught.rule, caught.message) == (
        "track_not_open",
        "the case has no criminal_complaint track",
    )


def test_each_track_starts_at_its_first_step_and_accepts_only_its_own_events() -> None:
    assert FIRST_STEP == {
        PENALTY: "to_notify",
        COMPLAINT: "to_file",
        "conventional_sanction": "to_decide",
        "disciplinary_complaint": "to_file",
        "msap": "in_force",
        "recovery": "to_notify",
    }
    assert {track for track, _ in EVENT_STEPS} <= set(FIRST_STEP)


# --- the criminal complaint -----------------------------------------------------------------


def complaint_case() -> CaseState:
    return act(
        with_fraud_findings("40000.00"), "decide_follow_ups", follow_ups=["criminal_complaint"]
    ).state


def test_choosing_the_complaint_opens_its_track_with_a_task_to_file_it() -> None:
    out = act(with_fraud_findings("40000.00"), "decide_follow_ups", follow_ups=[COMPLAINT])
    assert out.state.tracks[COMPLAINT].step == "to_file"
    assert ("complaint", "File the criminal complaint (civil party)", None) in opened(out)


def test_filing_the_complaint_arms_a_check_with_the_prosecutor_every_three_months() -> None:
    out = on_track(complaint_case(), COMPLAINT, "complaint_filed")
    check = legal_end_of(3, "months")
    assert out.summary == "criminal_complaint: complaint filed; periodic checks with the prosecutor"
    assert out.state.tracks[COMPLAINT].step == "prosecution"
    assert opened(out) == [
        ("prosecutor_check", "Check the complaint's progress with the prosecutor", check)
    ]
    assert track_deadlines(out.state, COMPLAINT) == [
        ("prosecutor_check", check, "deadline.complaint_follow_up")
    ]


@pytest.mark.parametrize(("note", "said"), [(None, ""), ("hearing set", "hearing set")])
def test_a_prosecutor_update_is_recorded_without_moving_the_track(
    note: str | None, said: str
) -> None:
    s = on_track(complaint_case(), COMPLAINT, "complaint_filed").state
    out = on_track(s, COMPLAINT, "prosecutor_update", note=note)
    assert out.summary == f"criminal_complaint: prosecutor update: {said}"
    assert out.state.tracks[COMPLAINT].step == "prosecution"


def test_a_judgment_with_damages_ends_the_complaint_and_makes_them_due() -> None:
    s = on_track(complaint_case(), COMPLAINT, "complaint_filed").state
    out = on_track(s, COMPLAINT, "judgment", amount="2500.00", note="guilty")
    track = out.state.tracks[COMPLAINT]
    assert out.summary == "criminal_complaint: judgment, damages 2500.00 EUR"
    assert (track.status, track.outcome, track.damages_amount) == (
        TrackStatus.ENDED,
        "judgment: guilty",
        Decimal("2500.00"),
    )
    assert [(line.kind, line.amount) for line in out.ledger] == [
        (LedgerKind.DAMAGES_DUE, Decimal("2500.00"))
    ]
    assert track_deadlines(out.state, COMPLAINT) == []


def test_a_judgment_without_damages_ends_the_complaint_and_nothing_is_due() -> None:
    s = on_track(complaint_case(), COMPLAINT, "complaint_filed").state
    out = on_track(s, COMPLAINT, "judgment")
    assert out.summary == "criminal_complaint: judgment"
    assert out.state.tracks[COMPLAINT].outcome == "judgment: delivered"
    assert out.ledger == []


def test_an_appealed_judgment_reopens_the_complaint_and_its_checks() -> None:
    s = on_track(complaint_case(), COMPLAINT, "complaint_filed").state
    s = on_track(s, COMPLAINT, "judgment", amount="2500.00").state
    out = on_track(s, COMPLAINT, "appeal")
    track = out.state.tracks[COMPLAINT]
    assert out.summary == "criminal_complaint: judgment appealed"
    assert (track.status, track.step) == (TrackStatus.OPEN, "appeal")
    assert [d.kind for d in out.state.deadlines if d.track == COMPLAINT] == ["prosecutor_check"]
    higher = on_track(out.state, COMPLAINT, "judgment", amount="3000.00")
    assert [(line.kind, line.amount) for line in higher.ledger] == [
        (LedgerKind.DAMAGES_DUE, Decimal("500.00"))
    ]
    assert higher.state.damages_due == Decimal("3000.00")


# --- professional sanctions -------------------------------------------------------------------


def sanctions_case(*follow_ups: str) -> CaseState:
    s = state_in(Stage.FINDINGS)
    return act(s, "decide_follow_ups", follow_ups=list(follow_ups)).state


def test_a_conventional_sanction_decided_ends_its_track_with_the_note() -> None:
    s = sanctions_case("conventional_sanction")
    out = on_track(s, "conventional_sanction", "sanction_decided", note="3 months suspension")
    track = out.state.tracks["conventional_sanction"]
    assert out.summary == "conventional_sanction: sanction decided"
    assert (track.status, track.outcome) == (TrackStatus.ENDED, "3 months suspension")
    plain = on_track(s, "conventional_sanction", "sanction_decided")
    assert plain.state.tracks["conventional_sanction"].outcome == "sanction_decided"


def test_a_disciplinary_complaint_is_filed_then_judged() -> None:
    s = sanctions_case("disciplinary_complaint")
    filed = on_track(s, "disciplinary_complaint", "complaint_filed")
    assert filed.summary == "disciplinary_complaint: complaint filed with the professional order"
    assert filed.state.tracks["disciplinary_complaint"].step == "filed"
    judged = on_track(filed.state, "disciplinary_complaint", "judgment", note="reprimand")
    assert judged.summary == "disciplinary_complaint: judgment"
    assert judged.state.tracks["disciplinary_complaint"].outcome == "reprimand"


def test_an_msap_runs_for_six_months_unless_a_sanction_ends_it() -> None:
    out = act(state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=["msap"])
    assert out.state.tracks["msap"].step == "in_force"
    assert track_deadlines(out.state, "msap") == [
        ("msap_end", NOW.replace(month=9), "limit.msap_duration")
    ]
    assert ("msap_end", "Prior approval (MSAP) ends", NOW.replace(month=9)) in opened(out)
    ended = on_track(out.state, "msap", "sanction_decided")
    assert ended.state.tracks["msap"].status is TrackStatus.ENDED
    assert track_deadlines(ended.state, "msap") == []


# --- choosing the follow-ups --------------------------------------------------------------------


def test_follow_ups_must_be_chosen() -> None:
    with pytest.raises(InvalidAction) as caught:
        act(state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=[])
    assert (caught.value.rule, caught.value.message) == (
        "follow_ups_needed",
        "choose at least one follow-up",
    )


def test_a_follow_up_is_not_chosen_twice() -> None:
    with pytest.raises(InvalidAction) as caught:
        act(state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=["warning", "warning"])
    assert (caught.value.rule, caught.value.message) == (
        "follow_ups_repeated",
        "a follow-up is listed twice",
    )


def test_follow_ups_need_grievances() -> None:
    s = step(state_in(Stage.INVESTIGATION), "conclude_investigation")
    with pytest.raises(InvalidAction) as caught:
        act(s, "decide_follow_ups", follow_ups=["warning"])
    assert (caught.value.rule, caught.value.message) == (
        "follow_ups_need_grievances",
        "record the grievances first",
    )


def insured_findings() -> CaseState:
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.INSURED, identifier="I1"),
        period="2025",
        request_id="open",
    )
    s = open_case(opening, POLICY, "case:insured:I1:2025", NOW).state
    s = step(s, "open_investigation")
    s = step(s, "record_grievance", **grievance("fault", "10.00"))
    return step(s, "conclude_investigation")


def test_professional_sanctions_apply_to_professionals_and_establishments_only() -> None:
    with pytest.raises(InvalidAction) as caught:
        act(
            insured_findings(),
            "decide_follow_ups",
            follow_ups=["warning", "conventional_sanction", "msap"],
        )
    assert (caught.value.rule, caught.value.message) == (
        "sanction_needs_professional",
        "conventional_sanction, msap apply to professionals and establishments only",
    )
    ok = act(insured_findings(), "decide_follow_ups", follow_ups=["financial_penalty"])
    assert ok.state.open_tracks == [PENALTY, "recovery"]


def test_an_establishment_may_be_sanctioned() -> None:
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.ESTABLISHMENT, identifier="E1"),
        period="2025",
        request_id="open",
    )
    s = open_case(opening, POLICY, "case:establishment:E1:2025", NOW).state
    s = step(s, "open_investigation")
    s = step(s, "record_grievance", **grievance("fault", "10.00"))
    s = step(s, "conclude_investigation")
    out = act(s, "decide_follow_ups", follow_ups=["disciplinary_complaint"])
    assert "disciplinary_complaint" in out.state.open_tracks


def test_a_warning_is_a_letter_to_send_not_a_track() -> None:
    out = act(state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=["warning"])
    assert out.state.warnings_issued == 1
    assert ("warning", "Send the warning letter (mise en garde)", None) in opened(out)
    assert "warning" not in out.state.tracks


def test_follow_ups_on_errors_without_harm_open_no_recovery_and_stay_in_follow_ups() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("error", "0.00")).state
    s = act(s, "conclude_investigation").state
    out = act(s, "decide_follow_ups", follow_ups=["warning"])
    assert out.state.tracks == {} and out.state.stage is Stage.FOLLOW_UPS


def test_above_8_pmss_of_fraud_the_complaint_is_mandatory_unless_a_manager_waived_it() -> None:
    s = with_fraud_findings("31400.00")  # 8 x 3925 (PMSS 2025, the facts' year)
    mandatory, figures = complaint_threshold(s, NOW)
    assert mandatory
    assert figures == "fraudulent harm 31400.00 EUR vs threshold 31400 EUR"
    with pytest.raises(InvalidAction) as caught:
        act(s, "decide_follow_ups", follow_ups=["financial_penalty"])
    assert caught.value.rule == "complaint_mandatory_above_8_pmss"
    assert caught.value.message == (
        "a criminal complaint is mandatory (fraudulent harm 31400.00 EUR vs threshold "
        "31400 EUR); open the complaint track or record a manager's justified waiver"
    )
    waived = act(s, "waive_complaint", justification="prosecuted by another fund").state
    assert act(waived, "decide_follow_ups", follow_ups=["financial_penalty"]).state.tracks
    below = with_fraud_findings("31399.99")
    assert not complaint_threshold(below, NOW)[0]
    assert act(below, "decide_follow_ups", follow_ups=["financial_penalty"]).state.tracks


def test_the_threshold_counts_only_the_harm_qualified_fraud() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("fault", "40000.00")).state
    s = act(s, "conclude_investigation").state
    assert complaint_threshold(s, NOW) == (
        False,
        "fraudulent harm 0 EUR vs threshold 31400 EUR",
    )


def test_prescription_runs_three_years_from_payment_or_five_for_fraud() -> None:
    s = state_in(Stage.TRIAGE)
    paid = TODAY.replace(year=2024)
    assert prescription_date(s, paid, Qualification.FAULT).date() == paid.replace(year=2027)
    assert prescription_date(s, paid, Qualification.FRAUD).date() == paid.replace(year=2029)


# --- the stage follows the tracks ---------------------------------------------------------------


def test_restaging_leaves_a_case_outside_the_follow_up_stages_alone() -> None:
    out = decide(
        state_in(Stage.INVESTIGATION),
        ACTION_TYPES["assign"](request_id="r", actor="a", assignee="b"),
        NOW,
        "manager",
    )
    restage(out)
    assert out.state.stage is Stage.INVESTIGATION


def test_the_director_warning_adds_to_a_warning_already_sent() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("fault", "5000.00")).state
    s = act(s, "conclude_investigation").state
    out = act(s, "decide_follow_ups", follow_ups=["warning", "financial_penalty"])
    assert out.summary == "follow-ups: warning, financial_penalty"
    assert out.state.open_tracks == [PENALTY, "recovery"] and out.state.warnings_issued == 1
    s = on_track(out.state, PENALTY, "grievances_notified").state
    s = on_track(s, PENALTY, "observations_received").state
    warned = on_track(s, PENALTY, "director_decision", outcome="warning").state
    assert warned.warnings_issued == 2
    assert warned.tracks[PENALTY].ended_at == NOW


def test_the_penalty_track_ends_when_the_penalty_is_decided_or_judged() -> None:
    s = at_final_decision("fault")
    s = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="1.00").state
    assert (s.tracks[PENALTY].ended_at, s.tracks[PENALTY].penalty_amount) == (
        NOW,
        Decimal("1.00"),
    )
    s = on_track(s, PENALTY, "appeal").state
    assert s.tracks[PENALTY].ended_at == NOW  # kept from the decision while appealed
    later = NOW + timedelta(days=200)
    cmd = ACTION_TYPES["record_procedure_event"](
        request_id="j", actor="alice", track=PENALTY, event="judgment"
    )
    judged = decide(s, cmd, later, "manager").state
    assert judged.tracks[PENALTY].ended_at == later


def test_a_small_harm_opens_recovery() -> None:
    s = state_in(Stage.INVESTIGATION)
    s = act(s, "record_grievance", **grievance("fault", "0.50")).state
    s = act(s, "conclude_investigation").state
    out = act(s, "decide_follow_ups", follow_ups=["warning"])
    assert out.state.open_tracks == ["recovery"]
    assert out.state.balance.outstanding == Decimal("0.50")


def test_a_penalty_decided_while_recovering_leaves_the_recovery_where_it_is() -> None:
    s = at_final_decision("fault")
    s = act(s, "notify_debts", received_on=TODAY).state
    before = s.tracks["recovery"].model_copy()
    out = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="100.00")
    after = out.state.tracks["recovery"]
    assert (after.step, after.opened_at, after.task) == (before.step, before.opened_at, before.task)
    assert [t.kind for t in out.tasks_opened] == []
    assert out.state.balance.outstanding == Decimal("5100.00")


@pytest.mark.parametrize("rules_version", [1, 2])
def test_without_determined_sums_a_fraud_penalty_is_capped_at_the_fraud_flat_amount(
    rules_version: int,
) -> None:
    # fraud with no amount determined: 8 PMSS of the decision year (2026: 8 x 4005)
    s = state_in(Stage.INVESTIGATION, rules_version)
    s = act(s, "record_grievance", **grievance("fraud", "0.00")).state
    s = act(s, "conclude_investigation").state
    s = act(s, "decide_follow_ups", follow_ups=["financial_penalty"]).state
    assert s.tracks.keys() == {PENALTY}  # nothing suffered: no recovery yet
    s = on_track(s, PENALTY, "grievances_notified").state
    s = on_track(s, PENALTY, "observations_received").state
    s = on_track(s, PENALTY, "director_decision", outcome="refer_to_commission").state
    s = on_track(s, PENALTY, "commission_opinion").state
    s = on_track(s, PENALTY, "director_decision", outcome="request_national_opinion").state
    s = on_track(s, PENALTY, "national_opinion").state
    out = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="32040.00")
    assert out.summary.endswith("(cap 32040.00 EUR)")
    # the penalty is the first amount due: recovery opens for it
    recovery = out.state.tracks["recovery"]
    assert (recovery.status, recovery.opened_at) == (TrackStatus.OPEN, NOW)
    posted = [(e.kind, e.amount) for e in out.ledger]
    assert (LedgerKind.PENALTY_DUE, Decimal("32040.00")) in posted
    if rules_version == 1:  # nothing suffered: nothing else is due
        assert posted == [(LedgerKind.PENALTY_DUE, Decimal("32040.00"))]


def test_a_judgment_confirming_the_penalty_does_not_reopen_a_settled_recovery() -> None:
    s = at_final_decision("fault")
    s = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="3000.00").state
    s = act(s, "record_payment", amount="8000.00", paid_on=TODAY).state
    assert s.tracks["recovery"].status is TrackStatus.ENDED
    s = on_track(s, PENALTY, "appeal").state
    out = on_track(s, PENALTY, "judgment", amount="3000.00")
    assert out.ledger == [] and out.state.tracks["recovery"].status is TrackStatus.ENDED


def test_sums_at_stake_are_never_negative() -> None:
    for fraud_sums, other_sums in ((Decimal("-0.01"), Decimal("0")), (Decimal("0"), Decimal("-1"))):
        with pytest.raises(ValueError, match=r"^sums at stake cannot be negative$"):
            penalty_cap(
                POLICY,
                fraud_sums=fraud_sums,
                other_sums=other_sums,
                fraud=False,
                repeat_offence=False,
                on=TODAY,
            )


def test_the_observations_month_runs_from_the_receipt_entered_three_days_after_it() -> None:
    received = TODAY - timedelta(days=3)  # Friday 27 February, typed on Monday 2 March
    out = on_track(penalty_case(), PENALTY, "grievances_notified", occurred_on=received)
    assert "received on 2026-02-27" in out.summary
    assert track_deadlines(out.state, PENALTY) == [
        ("observations", end_of_day(date(2026, 3, 27)), "deadline.observations")
    ]


def test_a_procedure_event_dated_in_the_future_is_refused() -> None:
    caught = refused(
        penalty_case(), PENALTY, "grievances_notified", occurred_on=TODAY + timedelta(days=1)
    )
    assert (caught.rule, caught.message) == (
        "date_in_the_future",
        "occurred_on 2026-03-03 is after today",
    )


def test_a_case_opened_under_rules_3_keeps_adding_the_period_to_the_moment_recorded() -> None:
    s = penalty_case().model_copy(update={"rules_version": 3})
    out = on_track(s, PENALTY, "grievances_notified", occurred_on=TODAY - timedelta(days=3))
    assert track_deadlines(out.state, PENALTY) == [
        ("observations", NOW.replace(month=4), "deadline.observations")
    ]


def test_the_director_has_15_days_from_the_day_the_observations_arrived() -> None:
    s = on_track(penalty_case(), PENALTY, "grievances_notified").state
    arrived = TODAY - timedelta(days=1)  # Sunday 1 March: they came in the letter box
    out = on_track(s, PENALTY, "observations_received", occurred_on=arrived)
    assert track_deadlines(out.state, PENALTY) == [
        ("director_decision", legal_end_of(15, "days", start=arrived), "deadline.director_decision")
    ]
