"""Follow-up tracks: the sanction procedures and the recovery, running in parallel.

Each track is a small state machine (its ``step``). ``EVENT_STEPS`` says which procedure
events a track accepts in which step; deadlines drive the steps the law moves on its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from models.case_actions import (
    DecideFollowUps,
    DirectorOutcome,
    FollowUp,
    ProcedureEventKind,
    RecordProcedureEvent,
)
from models.case_messages import LedgerLine
from models.case_state import RECOVERY, CaseState, Track, TrackStatus
from models.debt import DebtKind
from models.local_time import PARIS
from models.policy_snapshot import add_months
from models.types import ActorType, LedgerKind, Qualification, Stage
from workflows.penalty import penalty_cap
from workflows.procedure import recovery
from workflows.procedure.errors import InvalidAction
from workflows.procedure.money import (
    change_decided_amount,
    establish_overpayments,
    post,
    uses_debts,
)
from workflows.procedure.outcome import Outcome
from workflows.procedure.steps import add_deadline, add_task, clear_deadlines, move

E = ProcedureEventKind
PENALTY = FollowUp.FINANCIAL_PENALTY.value
COMPLAINT = FollowUp.CRIMINAL_COMPLAINT.value
PROFESSIONAL_ONLY = {
    FollowUp.CONVENTIONAL_SANCTION,
    FollowUp.DISCIPLINARY_COMPLAINT,
    FollowUp.MSAP,
}

#: the rules version from which the sanction tracks count their deadlines as French law
#: counts them, from the day an event happened (``occurred_on``); earlier cases keep adding
#: the period to the instant the event was recorded
LEGAL_TIME_SANCTIONS_FROM = 4

#: the first step of each track
FIRST_STEP: dict[str, str] = {
    PENALTY: "to_notify",
    COMPLAINT: "to_file",
    FollowUp.CONVENTIONAL_SANCTION.value: "to_decide",
    FollowUp.DISCIPLINARY_COMPLAINT.value: "to_file",
    FollowUp.MSAP.value: "in_force",
    RECOVERY: "to_notify",
}

#: (track, event) -> steps in which the event is accepted
EVENT_STEPS: dict[tuple[str, ProcedureEventKind], frozenset[str]] = {
    (PENALTY, E.GRIEVANCES_NOTIFIED): frozenset({"to_notify"}),
    (PENALTY, E.OBSERVATIONS_RECEIVED): frozenset({"observations"}),
    (PENALTY, E.HEARING_HELD): frozenset({"observations"}),
    (PENALTY, E.DIRECTOR_DECISION): frozenset({"director_decision", "final_decision"}),
    (PENALTY, E.COMMISSION_EXTENDED): frozenset({"commission"}),
    (PENALTY, E.COMMISSION_OPINION): frozenset({"commission"}),
    (PENALTY, E.NATIONAL_OPINION): frozenset({"national_opinion"}),
    (PENALTY, E.APPEAL): frozenset({"ended"}),
    (PENALTY, E.JUDGMENT): frozenset({"appeal"}),
    (COMPLAINT, E.COMPLAINT_FILED): frozenset({"to_file"}),
    (COMPLAINT, E.PROSECUTOR_UPDATE): frozenset({"prosecution", "appeal"}),
    (COMPLAINT, E.JUDGMENT): frozenset({"prosecution", "appeal"}),
    (COMPLAINT, E.APPEAL): frozenset({"ended"}),
    ("conventional_sanction", E.SANCTION_DECIDED): frozenset({"to_decide"}),
    ("disciplinary_complaint", E.COMPLAINT_FILED): frozenset({"to_file"}),
    ("disciplinary_complaint", E.JUDGMENT): frozenset({"filed"}),
    ("msap", E.SANCTION_DECIDED): frozenset({"in_force"}),
    (RECOVERY, E.RECOVERY_ENDED): frozenset({"to_notify"}),
}


def complaint_threshold(state: CaseState, now: datetime) -> tuple[bool, str]:
    """Is the criminal complaint mandatory (fraudulent harm ≥ 8 PMSS of the facts' year)?"""
    threshold = state.policy.in_pmss("threshold.criminal_complaint", now.date(), state.facts_year)
    harm = state.fraudulent_harm
    return harm >= threshold, f"fraudulent harm {harm} EUR vs threshold {threshold} EUR"


def require_complaint_or_waiver(state: CaseState, chosen: list[str], now: datetime) -> None:
    mandatory, figures = complaint_threshold(state, now)
    if mandatory and COMPLAINT not in chosen and state.complaint_waiver is None:
        raise InvalidAction(
            "complaint_mandatory_above_8_pmss",
            f"a criminal complaint is mandatory ({figures}); open the complaint track "
            "or record a manager's justified waiver",
        )


def decide_follow_ups(out: Outcome, cmd: DecideFollowUps, now: datetime) -> str:
    s = out.state
    if not cmd.follow_ups:
        raise InvalidAction("follow_ups_needed", "choose at least one follow-up")
    if len(set(cmd.follow_ups)) != len(cmd.follow_ups):
        raise InvalidAction("follow_ups_repeated", "a follow-up is listed twice")
    if not s.grievances:
        raise InvalidAction("follow_ups_need_grievances", "record the grievances first")
    if s.target.actor_type not in (ActorType.PROFESSIONAL, ActorType.ESTABLISHMENT):
        bad = [f.value for f in cmd.follow_ups if f in PROFESSIONAL_ONLY]
        if bad:
            raise InvalidAction(
                "sanction_needs_professional",
                f"{', '.join(bad)} apply to professionals and establishments only",
            )
    require_complaint_or_waiver(s, [f.value for f in cmd.follow_ups], now)
    s.follow_ups = list(cmd.follow_ups)
    s.repeat_offence = cmd.repeat_offence
    for follow_up in cmd.follow_ups:
        if follow_up is FollowUp.WARNING:
            s.warnings_issued += 1
            add_task(out, kind="warning", title="Send the warning letter (mise en garde)")
            continue
        open_track(out, follow_up.value, now)
    if s.harm_suffered > 0:
        open_track(out, RECOVERY, now)
    restage(out)
    return "follow-ups: " + ", ".join(f.value for f in cmd.follow_ups)


def open_track(out: Outcome, name: str, now: datetime) -> None:
    """Open a track; a recovery that had ended reopens when new amounts become due."""
    s = out.state
    existing = s.tracks.get(name)
    if existing is not None:
        if name == RECOVERY and existing.status is TrackStatus.ENDED:
            existing.status, existing.step, existing.ended_at = TrackStatus.OPEN, "to_notify", None
            existing.outcome = None
            existing.task = add_task(out, kind="recovery", title="Notify the new amount due")
        if name == RECOVERY and uses_debts(out):
            establish_overpayments(out, now)
        return
    s.tracks[name] = Track(name=name, step=FIRST_STEP[name], opened_at=now)
    if name == PENALTY:
        add_task(out, kind="penalty", title="Notify the grievances (penalty procedure)")
    elif name == COMPLAINT:
        add_task(out, kind="complaint", title="File the criminal complaint (civil party)")
    elif name == FollowUp.MSAP.value:
        add_deadline(
            out,
            kind="msap_end",
            due_at=s.policy.deadline("limit.msap_duration", now),
            title="Prior approval (MSAP) ends",
            track=name,
            policy_key="limit.msap_duration",
        )
    elif name == RECOVERY and uses_debts(out):
        recovery.open_recovery(out, now)
    elif name == RECOVERY:
        add_task(out, kind="recovery", title="Notify the overpayment (notification de payer)")
        if s.harm_suffered > 0:
            post(out, LedgerLine(kind=LedgerKind.DUE, amount=s.harm_suffered, track=RECOVERY))
        _arm_prescription_warning(out, now)


def prescription_date(state: CaseState, paid_on: date, qualification: Qualification) -> datetime:
    """When an overpayment paid on ``paid_on`` falls out of reach (3 years, 5 for fraud)."""
    key = "prescription.fraud" if qualification is Qualification.FRAUD else "prescription.standard"
    start = datetime.combine(paid_on, time(0, 0), tzinfo=UTC)
    return state.policy.deadline(key, start)


def _arm_prescription_warning(out: Outcome, now: datetime) -> None:
    """Warn ahead of the first overpayment line to be prescribed, each line by its own rule."""
    s = out.state
    dates = [
        prescription_date(s, line.paid_on, g.qualification)
        for g in s.grievances
        for line in g.lines
    ]
    if not dates:
        return
    prescribed_at = min(dates)
    lead = int(s.policy.value("prescription.warning_lead", now.date()))
    warn_at = max(add_months(prescribed_at, -lead), now)
    add_deadline(
        out,
        kind="prescription",
        due_at=warn_at,
        title=f"Prescription warning: overpayments prescribed from {prescribed_at.date()}",
        track=RECOVERY,
        policy_key="prescription.warning_lead",
    )


def occurred_on(cmd: RecordProcedureEvent, now: datetime) -> date:
    """The day the event happened (for a letter, the day it was received): given, or today in
    Paris; never in the future."""
    return recovery.happened_on(cmd.occurred_on or recovery.today(now), now, "occurred_on")


def sanction_deadline(out: Outcome, key: str, start: date, now: datetime) -> datetime:
    """When the period ``key`` running from ``start`` is over."""
    if out.state.rules_version < LEGAL_TIME_SANCTIONS_FROM:
        return out.state.policy.deadline(key, now)
    return recovery.legal_end(out, key, start)


def end_track(out: Outcome, name: str, now: datetime, outcome: str) -> None:
    track = out.state.tracks[name]
    track.status, track.step, track.ended_at, track.outcome = (
        TrackStatus.ENDED,
        "ended",
        now,
        outcome,
    )
    clear_deadlines(out, now, track=name)


def restage(out: Outcome) -> None:
    """Follow-ups while a sanction track is open; recovery when only recovery remains."""
    s = out.state
    if s.stage not in (Stage.FINDINGS, Stage.FOLLOW_UPS, Stage.RECOVERY):
        return
    sanctions_open = [n for n in s.open_tracks if n != RECOVERY]
    if sanctions_open:
        move(out, Stage.FOLLOW_UPS)
    elif RECOVERY in s.open_tracks:
        move(out, Stage.RECOVERY)
    else:
        move(out, Stage.FOLLOW_UPS if s.stage is Stage.FINDINGS else s.stage)


def record_event(out: Outcome, cmd: RecordProcedureEvent, now: datetime) -> str:
    s = out.state
    name = cmd.track if isinstance(cmd.track, str) else cmd.track.value
    track = s.tracks.get(name)
    if track is None:
        raise InvalidAction("track_not_open", f"the case has no {name} track")
    if name == RECOVERY and uses_debts(out):
        return f"{name}: {recovery.record_event(out, track, cmd, now)}"
    allowed = EVENT_STEPS.get((name, cmd.event))
    if allowed is None or track.step not in allowed:
        raise InvalidAction(
            "event_not_allowed_in_step",
            f"{cmd.event.value} is not expected on the {name} track at step {track.step}",
        )
    track.events.append(cmd.event.value)
    summary = HANDLERS.get(name, _generic)(out, track, cmd, now)
    restage(out)
    return f"{name}: {summary}"


def _penalty(out: Outcome, track: Track, cmd: RecordProcedureEvent, now: datetime) -> str:
    s = out.state
    day = occurred_on(cmd, now)
    if cmd.event is E.GRIEVANCES_NOTIFIED:
        track.step = "observations"
        key = "deadline.observations"
        length = recovery.period(out, key, day)
        add_deadline(
            out,
            kind="observations",
            due_at=sanction_deadline(out, key, day, now),
            title=f"Observations period ends ({length} from receipt on {day})",
            track=PENALTY,
            policy_key=key,
        )
        return f"grievances notified (received on {day}); observations period open"
    if cmd.event in (E.OBSERVATIONS_RECEIVED, E.HEARING_HELD):
        clear_deadlines(out, now, track=PENALTY, kind="observations")
        to_director_decision(out, now, "director_decision", day)
        return f"{cmd.event.value.replace('_', ' ')} on {day}; director to decide"
    if cmd.event is E.DIRECTOR_DECISION:
        return _director_decision(out, track, cmd, now)
    if cmd.event is E.COMMISSION_EXTENDED:
        if track.commission_extended:
            raise InvalidAction("commission_extension_once", "the opinion deadline extends once")
        track.commission_extended = True
        current = next(d for d in s.deadlines if d.track == PENALTY and d.kind == "commission")
        clear_deadlines(out, now, key=current.key)
        key = "deadline.commission_extension"
        if s.rules_version < LEGAL_TIME_SANCTIONS_FROM:
            due = s.policy.deadline(key, current.due_at)
        else:  # the extension runs from the last day of the first period
            due = recovery.legal_end(out, key, current.due_at.astimezone(PARIS).date())
        length = recovery.period(out, key, day)
        add_deadline(
            out,
            kind="commission",
            due_at=due,
            title=f"Commission opinion due (extended by {length})",
            track=PENALTY,
            policy_key=key,
        )
        return f"commission deadline extended by {length}"
    if cmd.event is E.COMMISSION_OPINION:
        clear_deadlines(out, now, track=PENALTY, kind="commission")
        to_director_decision(out, now, "final_decision", day)
        return f"commission opinion given{': ' + cmd.note if cmd.note else ''}"
    if cmd.event is E.NATIONAL_OPINION:
        to_director_decision(out, now, "final_decision", day)
        return f"national director's binding opinion{': ' + cmd.note if cmd.note else ''}"
    if cmd.event is E.APPEAL:
        track.status, track.step = TrackStatus.OPEN, "appeal"
        return "penalty appealed to the social court"
    if cmd.amount is not None:  # the court sets the penalty (0: annulled)
        set_amount_due(out, track, "penalty_amount", cmd.amount, now)
    end_track(out, PENALTY, now, f"judgment: {cmd.note or 'delivered'}")
    return f"judgment on the appeal: penalty {track.penalty_amount} EUR"


def to_director_decision(out: Outcome, now: datetime, step: str, start: date | None = None) -> None:
    """The director's decision falls due, counted from ``start`` (the day the observations,
    hearing or opinion came; by default the day a period ran out)."""
    key = (
        "deadline.director_decision"
        if step == "director_decision"
        else ("deadline.director_final_decision")
    )
    day = start or recovery.today(now)
    out.state.tracks[PENALTY].step = step
    add_deadline(
        out,
        kind=step,
        due_at=sanction_deadline(out, key, day, now),
        title=f"Director's decision due ({recovery.period(out, key, day)})",
        track=PENALTY,
        policy_key=key,
    )


def _director_decision(out: Outcome, track: Track, cmd: RecordProcedureEvent, now: datetime) -> str:
    s = out.state
    if cmd.outcome is None:
        raise InvalidAction("decision_needs_outcome", "a director decision needs an outcome")
    clear_deadlines(out, now, track=PENALTY, kind=track.step)
    if cmd.outcome is DirectorOutcome.DROP:
        end_track(out, PENALTY, now, "dropped")
        return "director dropped the procedure"
    if cmd.outcome is DirectorOutcome.WARNING:
        s.warnings_issued += 1
        end_track(out, PENALTY, now, "warning")
        return "director issued a warning"
    if cmd.outcome is DirectorOutcome.REFER_TO_COMMISSION:
        if track.step != "director_decision":
            raise InvalidAction("commission_already_seized", "the commission has given its opinion")
        track.step = "commission"
        key, day = "deadline.commission_opinion", occurred_on(cmd, now)
        add_deadline(
            out,
            kind="commission",
            due_at=sanction_deadline(out, key, day, now),
            title=f"Penalty commission opinion due ({recovery.period(out, key, day)})",
            track=PENALTY,
            policy_key=key,
        )
        return "referred to the penalty commission"
    fraud = any(g.qualification is Qualification.FRAUD for g in s.grievances)
    if cmd.outcome is DirectorOutcome.REQUEST_NATIONAL_OPINION:
        if track.step != "final_decision" or not fraud:
            raise InvalidAction(
                "national_opinion_after_commission_for_fraud",
                "the national director's opinion is asked, for fraud, after the commission's",
            )
        track.step = "national_opinion"
        return "binding opinion requested from the national director"
    if track.step != "final_decision":
        raise InvalidAction(
            "penalty_needs_commission_opinion", "a penalty comes after the commission's opinion"
        )
    if cmd.amount is None or cmd.amount <= 0:
        raise InvalidAction("penalty_needs_amount", "a penalty decision needs a positive amount")
    if fraud and E.NATIONAL_OPINION.value not in track.events:
        raise InvalidAction(
            "fraud_penalty_needs_national_opinion",
            "for fraud, the national director's binding opinion comes before the penalty",
        )
    cap = penalty_cap(
        s.policy,
        fraud_sums=s.harm_by({Qualification.FRAUD}),
        other_sums=s.harm_by({Qualification.FAULT, Qualification.ABUSE}),
        fraud=fraud,
        repeat_offence=s.repeat_offence,
        on=now.date(),
    )
    if cmd.amount > cap:
        raise InvalidAction(
            "penalty_above_legal_cap", f"penalty {cmd.amount} EUR exceeds the cap of {cap} EUR"
        )
    set_amount_due(out, track, "penalty_amount", cmd.amount, now)
    end_track(out, PENALTY, now, "penalty")
    return f"penalty of {cmd.amount} EUR notified (cap {cap} EUR)"


def set_amount_due(out: Outcome, track: Track, field: str, amount: Decimal, now: datetime) -> None:
    """Set a track's penalty or damages; the ledger (append-only) records the difference, and
    recovery (re)opens when more becomes due."""
    old: Decimal = getattr(track, field) or Decimal("0")
    setattr(track, field, amount)
    if uses_debts(out):
        kind = DebtKind.PENALTY if field == "penalty_amount" else DebtKind.DAMAGES
        change_decided_amount(out, kind, track.name, old, amount, now)
        if amount > old:
            open_track(out, RECOVERY, now)
        return
    legacy = LedgerKind.PENALTY_DUE if field == "penalty_amount" else LedgerKind.DUE
    if amount > old:
        post(out, LedgerLine(kind=legacy, amount=amount - old, track=track.name))
        open_track(out, RECOVERY, now)
    elif amount < old:
        post(out, LedgerLine(kind=LedgerKind.DUE_REDUCED, amount=old - amount, track=track.name))


def _complaint(out: Outcome, track: Track, cmd: RecordProcedureEvent, now: datetime) -> str:
    if cmd.event is E.COMPLAINT_FILED:
        track.step = "prosecution"
        arm_prosecutor_check(out, now, occurred_on(cmd, now))
        return "complaint filed; periodic checks with the prosecutor"
    if cmd.event is E.PROSECUTOR_UPDATE:
        return f"prosecutor update: {cmd.note or ''}"
    if cmd.event is E.APPEAL:
        track.status, track.step = TrackStatus.OPEN, "appeal"
        arm_prosecutor_check(out, now)
        return "judgment appealed"
    if cmd.amount is not None:  # damages awarded, or set again on appeal
        set_amount_due(out, track, "damages_amount", cmd.amount, now)
    end_track(out, COMPLAINT, now, f"judgment: {cmd.note or 'delivered'}")
    return f"judgment{f', damages {cmd.amount} EUR' if cmd.amount is not None else ''}"


def arm_prosecutor_check(out: Outcome, now: datetime, start: date | None = None) -> None:
    key = "deadline.complaint_follow_up"
    add_deadline(
        out,
        kind="prosecutor_check",
        due_at=sanction_deadline(out, key, start or recovery.today(now), now),
        title="Check the complaint's progress with the prosecutor",
        track=COMPLAINT,
        policy_key="deadline.complaint_follow_up",
    )


def _generic(out: Outcome, track: Track, cmd: RecordProcedureEvent, now: datetime) -> str:
    name = track.name
    if cmd.event is E.COMPLAINT_FILED:
        track.step = "filed"
        return "complaint filed with the professional order"
    end_track(out, name, now, cmd.note or cmd.event.value)
    return cmd.event.value.replace("_", " ")


HANDLERS = {PENALTY: _penalty, COMPLAINT: _complaint}
