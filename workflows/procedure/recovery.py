"""The recovery procedure (rules version 2): debts notified, paid, contested, enforced,
spread over instalments or written off, until nothing is outstanding.

Professionals and establishments: notification (2 months to pay) → optional appeal to the
CRA (its silence for 2 months is a rejection) → formal notice (1 month) → contrainte (15
days to oppose) → enforcement by offset or garnishment. Insured persons: notification →
20 days to ask for a correction → offset against benefits, or an instalment plan. Payments
are accepted at every step; the track ends by itself when every debt is settled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from models.balances import reversed_refs
from models.case_actions import ProcedureEventKind, RecordProcedureEvent
from models.case_messages import LedgerLine, TaskUpdate
from models.case_state import RECOVERY, Deadline, Track, TrackStatus
from models.debt import Debt, Instalment, InstalmentPlan, PlanStatus
from models.local_time import PARIS, end_of_day
from models.policy_snapshot import add_months
from models.recovery_actions import (
    AppealDecision,
    GrantInstalmentPlan,
    IssueContrainte,
    IssueFormalNotice,
    NotifyDebts,
    PaymentMethod,
    RecordCraAppeal,
    RecordCraDecision,
    RecordOpposition,
    RecordOppositionJudgment,
    RecordPayment,
    ReverseEntry,
    WriteOff,
)
from models.types import (
    ActorType,
    EntrySource,
    LedgerKind,
    Qualification,
    TaskStatus,
    WriteOffReason,
)
from workflows.procedure.errors import InvalidAction
from workflows.procedure.legal_time import due_date, period_text
from workflows.procedure.money import (
    case_outstanding,
    establish_overpayments,
    find_entry,
    outstanding_debts,
    post,
    uses_debts,
)
from workflows.procedure.outcome import Outcome
from workflows.procedure.steps import (
    add_deadline,
    add_task,
    clear_deadlines,
    close_escalated,
    escalation_target,
)
from workflows.procedure.table_recovery import STEPS_FOR

CENT = Decimal("0.01")
#: rules version from which recovery deadlines are counted as French law counts them
LEGAL_TIME_FROM = 3


# --- dates -------------------------------------------------------------------------------
def today(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def happened_on(day: date, now: datetime, field: str = "received_on") -> date:
    if day > today(now):
        raise InvalidAction("date_in_the_future", f"{field} {day} is after today")
    return day


def legal_end(out: Outcome, key: str, start: date) -> datetime:
    """The end (Paris) of the last day of the period ``key`` running from ``start``, as
    French law counts it: the starting day not counted, months to the same-numbered day, a
    last day on a weekend or public holiday moved to the next working day."""
    if out.state.rules_version < LEGAL_TIME_FROM:  # cases opened before: plain calendar
        moment = datetime.combine(start, time(12, 0), tzinfo=UTC)
        return end_of_day(out.state.policy.deadline(key, moment).date())
    record = out.state.policy.record(key, start)
    return end_of_day(due_date(start, int(record.value), record.unit).due)


def period(out: Outcome, key: str, on: date) -> str:
    """The length of policy period ``key`` in words ("1 month", "15 days"), for titles and
    summaries: the policy, not the code, says how long a period is."""
    record = out.state.policy.record(key, on)
    return period_text(int(record.value), record.unit)


# --- the track ---------------------------------------------------------------------------
def track_of(out: Outcome) -> Track:
    track = out.state.tracks.get(RECOVERY)
    if track is None or track.status is not TrackStatus.OPEN:
        raise InvalidAction("recovery_not_open", "the case has no open recovery")
    return track


def require_step(out: Outcome, action: str) -> Track:
    track = track_of(out)
    allowed = STEPS_FOR[action]
    if track.step not in allowed:
        raise InvalidAction(
            "not_allowed_in_recovery_step",
            f"{action} is not possible at recovery step {track.step} "
            f"(possible at: {', '.join(sorted(allowed))})",
        )
    return track


def set_step(
    out: Outcome,
    track: Track,
    step: str,
    now: datetime,
    *,
    task: str | None = None,
    deadline: tuple[str, str, datetime, str] | None = None,
) -> None:
    """Move to ``step``: close the previous step's task and timer, open the new ones.
    ``deadline``: (kind, policy key, due at, title)."""
    if track.task:
        clear_task(out, track.task, now)
        track.task = None
    clear_step_timers(out, now)
    track.step = step
    if task:
        track.task = add_task(out, kind="recovery", title=task)
    if deadline:
        kind, policy_key, due_at, title = deadline
        add_deadline(
            out, kind=kind, due_at=due_at, title=title, track=RECOVERY, policy_key=policy_key
        )


def clear_task(out: Outcome, key: str, now: datetime) -> None:
    out.tasks_updated.append(TaskUpdate(key=key, status=TaskStatus.DONE, at=now))


def clear_step_timers(out: Outcome, now: datetime) -> None:
    for kind in STEP_TIMERS:
        clear_deadlines(out, now, track=RECOVERY, kind=kind)


def open_recovery(out: Outcome, now: datetime) -> None:
    """The recovery track opens: the grievances become debts, to notify."""
    s = out.state
    track = Track(name=RECOVERY, step="to_notify", opened_at=now)
    s.tracks[RECOVERY] = track
    track.task = add_task(out, kind="recovery", title="Notify the amounts due (notification)")
    for debt in establish_overpayments(out, now):
        arm_prescription(out, debt, now)


def arm_prescription(out: Outcome, debt: Debt, now: datetime) -> None:
    """Warn before a debt falls out of reach, then ask for its write-off when it has."""
    if debt.prescribed_on is None:
        return
    lead = int(out.state.policy.value("prescription.warning_lead", today(now)))
    falls = end_of_day(debt.prescribed_on)
    noon = datetime.combine(debt.prescribed_on, time(12), tzinfo=UTC)
    warn_on = add_months(noon, -lead).date()  # on dates: no daylight-saving drift
    warning = add_deadline(
        out,
        kind="debt_prescription_warning",
        due_at=max(end_of_day(warn_on), now),
        title=f"{debt.key} is prescribed on {debt.prescribed_on}: recover it or write it off",
        track=RECOVERY,
        policy_key="prescription.warning_lead",
    )
    prescribed = add_deadline(
        out,
        kind="debt_prescribed",
        due_at=max(falls, now),
        title=f"{debt.key} is prescribed: write it off (reason prescription)",
        track=RECOVERY,
        policy_key=(
            "prescription.fraud"
            if debt.qualification is Qualification.FRAUD
            else "prescription.standard"
        ),
    )
    debt.timers = [warning.key, prescribed.key]


def settle_if_done(out: Outcome, now: datetime) -> str:
    """When nothing is outstanding, the recovery ends by itself, with its outcome."""
    track = out.state.tracks.get(RECOVERY)
    if track is None or track.status is not TrackStatus.OPEN or case_outstanding(out) > 0:
        return ""
    balance = out.state.balance
    if balance.net_due == 0:
        outcome = "nothing_due"
    elif balance.written_off == 0:
        outcome = "recovered"
    elif balance.recovered == 0:
        outcome = "written_off"
    else:
        outcome = "partly_recovered_written_off"
    end_recovery(out, track, now, outcome)
    return f"; recovery ended: {outcome.replace('_', ' ')}"


def end_recovery(out: Outcome, track: Track, now: datetime, outcome: str) -> None:
    if track.task:
        clear_task(out, track.task, now)
        track.task = None
    clear_deadlines(out, now, track=RECOVERY)
    for debt in out.state.debts.values():
        for timer in debt.timers:
            close_escalated(out, now, key=timer)
    if out.state.plan is not None and out.state.plan.status is PlanStatus.ACTIVE:
        out.state.plan.status = PlanStatus.HONOURED
    track.status, track.step, track.ended_at, track.outcome = (
        TrackStatus.ENDED,
        "ended",
        now,
        outcome,
    )


# --- actions -----------------------------------------------------------------------------
def notify_debts(out: Outcome, cmd: Any, now: datetime) -> str:
    n: NotifyDebts = cmd
    track = require_step(out, "notify_debts")
    day = happened_on(n.received_on, now)
    fresh = [d for d in out.state.debts.values() if d.notified_on is None]
    if not fresh:
        raise InvalidAction("nothing_to_notify", "every debt of the case is already notified")
    for debt in fresh:
        debt.notified_on = day
    total = sum((b for d, b in outstanding_debts(out) if d.notified_on == day), Decimal(0))
    if out.state.target.actor_type is ActorType.INSURED:
        due = legal_end(out, "deadline.insured_correction", day)
        set_step(
            out,
            track,
            "correction_period",
            now,
            deadline=(
                "insured_correction",
                "deadline.insured_correction",
                due,
                f"The insured person's {period(out, 'deadline.insured_correction', day)} "
                "to ask for a correction end",
            ),
        )
    else:
        due = legal_end(out, "deadline.payment_notice", day)
        set_step(
            out,
            track,
            "payment_period",
            now,
            deadline=(
                "payment_period",
                "deadline.payment_notice",
                due,
                f"Check the payment: {period(out, 'deadline.payment_notice', day)} "
                "from the notification",
            ),
        )
    return f"{len(fresh)} debt(s) notified, received on {day}: {total} EUR due by {due.date()}"


def record_payment(out: Outcome, cmd: Any, now: datetime) -> str:
    p: RecordPayment = cmd
    track_of(out)
    day = happened_on(p.paid_on, now, "paid_on")
    kind = LedgerKind.OFFSET if p.method is PaymentMethod.OFFSET else LedgerKind.PAYMENT
    targets = outstanding_debts(out)
    if p.debt is not None:
        if p.debt not in out.state.debts:
            raise InvalidAction("unknown_debt", f"no debt {p.debt} on this case")
        targets = [(d, left) for d, left in targets if d.key == p.debt]
    available = sum((left for _, left in targets), Decimal(0))
    if p.amount > available:
        raise InvalidAction(
            "exceeds_outstanding",
            f"{p.amount} EUR is more than what is outstanding on "
            f"{p.debt or 'the case'} ({available} EUR): record the surplus as a refund",
        )
    left = p.amount
    parts: list[str] = []
    for debt, owed in targets:
        share = min(left, owed)
        if share <= 0:
            break
        post(
            out,
            LedgerLine(
                kind=kind,
                amount=share,
                debt=debt.key,
                qualification=debt.qualification,
                effective_on=day,
                source=EntrySource(p.source),
                note=f"{p.method.value}{f' {p.reference}' if p.reference else ''}",
            ),
        )
        parts.append(f"{share} to {debt.key}")
        left -= share
    return f"{kind.value} of {p.amount} EUR on {day} ({', '.join(parts)})" + settle_if_done(
        out, now
    )


def grant_instalment_plan(out: Outcome, cmd: Any, now: datetime) -> str:
    """Spread what was outstanding on the day the plan was agreed; a plan entered late
    counts the payments already recorded by their dates."""
    g: GrantInstalmentPlan = cmd
    track = require_step(out, "grant_instalment_plan")
    granted = happened_on(g.granted_on or today(now), now, "granted_on")
    limit = int(out.state.policy.value("limit.instalment_plan", granted))
    if g.instalments > limit:
        raise InvalidAction(
            "plan_too_long", f"{g.instalments} monthly instalments exceed the limit of {limit}"
        )
    if g.first_due_on <= granted:
        raise InvalidAction(
            "first_instalment_not_after_grant", "the first instalment falls after the agreement"
        )
    outstanding = case_outstanding(out) + paid_between(out, granted, today(now))
    if outstanding <= 0:
        raise InvalidAction("nothing_outstanding", "nothing is left to spread")
    share = (outstanding / g.instalments).quantize(CENT, rounding=ROUND_DOWN)
    start = datetime.combine(g.first_due_on, time(12, 0), tzinfo=UTC)
    schedule = [
        Instalment(due_on=add_months(start, i).date(), amount=share) for i in range(g.instalments)
    ]
    schedule[-1].amount = outstanding - share * (g.instalments - 1)  # the cents on the last
    out.state.plan = InstalmentPlan(
        key=out.state.next_key("plan"), granted_on=granted, instalments=schedule
    )
    set_step(out, track, "instalment_plan", now)
    arm_next_instalment(out, now)
    return (
        f"instalment plan agreed on {granted}: {g.instalments} x {share} EUR from "
        f"{g.first_due_on} (last {schedule[-1].amount} EUR on {schedule[-1].due_on})"
    )


def paid_between(out: Outcome, after: date, until: date) -> Decimal:
    """Payments and offsets (not reversed) with a value date in (after, until]."""
    cancelled = reversed_refs(out.state.ledger)
    return sum(
        (
            e.amount
            for e in out.state.ledger
            if e.kind in (LedgerKind.PAYMENT, LedgerKind.OFFSET)
            and e.ref not in cancelled
            and e.effective_on is not None
            and after < e.effective_on <= until
        ),
        Decimal(0),
    )


def arm_next_instalment(out: Outcome, now: datetime) -> None:
    plan = out.state.plan
    if plan is None or plan.next_index >= len(plan.instalments):
        return
    inst = plan.instalments[plan.next_index]
    number = plan.next_index + 1
    lead = int(out.state.policy.value("deadline.instalment_reminder", today(now)))
    remind = end_of_day(inst.due_on - timedelta(days=lead)) - timedelta(hours=12)
    if remind > now:
        add_deadline(
            out,
            kind="instalment_reminder",
            due_at=remind,
            title=f"Remind the debtor: instalment {number} of {inst.amount} EUR due {inst.due_on}",
            track=RECOVERY,
            policy_key="deadline.instalment_reminder",
        )
    add_deadline(
        out,
        kind="instalment_due",
        due_at=end_of_day(inst.due_on),
        title=f"Check instalment {number} of {inst.amount} EUR due {inst.due_on}",
        track=RECOVERY,
        policy_key="limit.instalment_plan",
    )


def cancel_instalment_plan(out: Outcome, cmd: Any, now: datetime) -> str:
    track = require_step(out, "cancel_instalment_plan")
    if not cmd.reason:
        raise InvalidAction("cancellation_needs_reason", "cancelling a plan needs a reason")
    assert out.state.plan is not None
    out.state.plan.status = PlanStatus.CANCELLED
    to_enforcement(out, track, now, f"plan cancelled ({cmd.reason})")
    return f"instalment plan cancelled: {cmd.reason}"


def to_enforcement(out: Outcome, track: Track, now: datetime, why: str) -> None:
    left = case_outstanding(out)
    set_step(
        out,
        track,
        "enforcement",
        now,
        task=f"Enforce the recovery of {left} EUR ({why}): offset or garnishment",
    )


def record_cra_appeal(out: Outcome, cmd: Any, now: datetime) -> str:
    a: RecordCraAppeal = cmd
    track = require_step(out, "record_cra_appeal")
    day = happened_on(a.received_on, now)
    due = legal_end(out, "deadline.cra_silence", day)
    set_step(
        out,
        track,
        "cra_appeal",
        now,
        task="Prepare the file for the amicable appeals board (CRA)",
        deadline=(
            "cra_silence",
            "deadline.cra_silence",
            due,
            "The CRA's silence becomes a rejection",
        ),
    )
    return f"appeal to the CRA received on {day}; without an answer, rejected on {due.date()}"


def reduce(
    out: Outcome, debt_key: str | None, amount: Decimal | None, why: str, now: datetime
) -> str:
    """Lower what is due on a debt (all of it when ``amount`` is None)."""
    owed = outstanding_debts(out)
    debt, left = next(((d, b) for d, b in owed if debt_key in (None, d.key)), (None, Decimal(0)))
    if debt is None:
        raise InvalidAction("nothing_outstanding", f"no outstanding debt {debt_key or ''}".strip())
    cut = left if amount is None else amount
    post(
        out,
        LedgerLine(
            kind=LedgerKind.DUE_REDUCED,
            amount=cut,
            debt=debt.key,
            qualification=debt.qualification,
            effective_on=today(now),
            note=why,
        ),
    )
    return f"{debt.key} reduced by {cut} EUR ({why})"


def record_cra_decision(out: Outcome, cmd: Any, now: datetime) -> str:
    d: RecordCraDecision = cmd
    track = require_step(out, "record_cra_decision")
    return _appeal_outcome(out, track, d.decision, d.debt, d.reduced_by, "CRA", now)


def _appeal_outcome(
    out: Outcome,
    track: Track,
    decision: AppealDecision,
    debt: str | None,
    reduced_by: Decimal | None,
    who: str,
    now: datetime,
) -> str:
    summary = f"{who}: {decision.value.replace('_', ' ')}"
    if decision is AppealDecision.PARTLY_UPHELD:
        if reduced_by is None:
            raise InvalidAction("reduction_needs_amount", "partly_upheld needs reduced_by")
        summary += "; " + reduce(out, debt, reduced_by, f"{who} partly upheld", now)
    elif decision is AppealDecision.UPHELD:
        keys = [d.key for d, _ in outstanding_debts(out) if debt in (None, d.key)]
        for key in keys:
            summary += "; " + reduce(out, key, None, f"{who} upheld", now)
    ended = settle_if_done(out, now)
    if not ended:
        after = "enforcement" if who == "court" else "formal_notice_due"
        if after == "enforcement":
            to_enforcement(out, track, now, "opposition rejected")
        else:
            set_step(out, track, after, now, task="Issue the formal notice (mise en demeure)")
    return summary + ended


def issue_formal_notice(out: Outcome, cmd: Any, now: datetime) -> str:
    f: IssueFormalNotice = cmd
    track = require_step(out, "issue_formal_notice")
    day = happened_on(f.received_on, now)
    due = legal_end(out, "deadline.formal_notice", day)
    set_step(
        out,
        track,
        "formal_notice",
        now,
        deadline=(
            "formal_notice",
            "deadline.formal_notice",
            due,
            f"{period(out, 'deadline.formal_notice', day)} after the formal notice: "
            "the contrainte may be issued",
        ),
    )
    return f"formal notice received on {day}; contrainte possible from {due.date()}"


def issue_contrainte(out: Outcome, cmd: Any, now: datetime) -> str:
    c: IssueContrainte = cmd
    track = require_step(out, "issue_contrainte")
    day = happened_on(c.received_on, now)
    due = legal_end(out, "deadline.contrainte_opposition", day)
    set_step(
        out,
        track,
        "contrainte",
        now,
        deadline=(
            "contrainte_opposition",
            "deadline.contrainte_opposition",
            due,
            f"The {period(out, 'deadline.contrainte_opposition', day)} to oppose the "
            "contrainte end",
        ),
    )
    return f"contrainte served on {day}; open to opposition until {due.date()}"


def record_opposition(out: Outcome, cmd: Any, now: datetime) -> str:
    o: RecordOpposition = cmd
    track = require_step(out, "record_opposition")
    day = happened_on(o.received_on, now)
    set_step(out, track, "opposition", now, task="Defend the contrainte before the court")
    return f"opposition to the contrainte received on {day}"


def record_opposition_judgment(out: Outcome, cmd: Any, now: datetime) -> str:
    j: RecordOppositionJudgment = cmd
    track = require_step(out, "record_opposition_judgment")
    return _appeal_outcome(out, track, j.decision, j.debt, j.reduced_by, "court", now)


def write_off(out: Outcome, cmd: Any, now: datetime) -> str:
    w: WriteOff = cmd
    track_of(out)
    if out.role is not None and out.role != "manager":
        raise InvalidAction("write_off_needs_manager", "only a manager may write a debt off")
    if w.debt is None:
        owed = outstanding_debts(out)
        if len(owed) != 1:
            keys = ", ".join(d.key for d, _ in owed) or "none"
            raise InvalidAction("which_debt", f"name the debt to write off (outstanding: {keys})")
    debt = out.state.debts.get(w.debt) if w.debt else owed[0][0]
    if debt is None:
        raise InvalidAction("unknown_debt", f"no debt {w.debt} on this case")
    if w.write_off_reason is WriteOffReason.PRESCRIPTION and (
        debt.prescribed_on is None or debt.prescribed_on > today(now)
    ):
        raise InvalidAction(
            "not_prescribed_yet", f"{debt.key} is prescribed on {debt.prescribed_on}, not before"
        )
    if not cmd.reason and w.write_off_reason is not WriteOffReason.PRESCRIPTION:
        raise InvalidAction("write_off_needs_reason", "explain the write-off in reason")
    left = next((b for d, b in outstanding_debts(out) if d.key == debt.key), Decimal(0))
    amount = left if w.amount is None else w.amount
    if amount <= 0:
        raise InvalidAction("nothing_outstanding", f"nothing is outstanding on {debt.key}")
    post(
        out,
        LedgerLine(
            kind=LedgerKind.WRITTEN_OFF,
            amount=amount,
            debt=debt.key,
            qualification=debt.qualification,
            effective_on=today(now),
            reason=w.write_off_reason,
            note=cmd.reason,
        ),
    )
    if w.amount is None or w.amount == left:
        for timer in debt.timers:  # pending or already escalated
            clear_deadlines(out, now, key=timer)
    return f"{debt.key}: {amount} EUR written off ({w.write_off_reason.value})" + settle_if_done(
        out, now
    )


def reverse_entry(out: Outcome, cmd: Any, now: datetime) -> str:
    r: ReverseEntry = cmd
    if not cmd.reason:
        raise InvalidAction("reversal_needs_reason", "a reversal needs a reason")
    entry = find_entry(out, r.entry)
    track = out.state.tracks.get(RECOVERY)
    reopened = track is not None and track.status is not TrackStatus.OPEN
    if track is None or track.status is not TrackStatus.OPEN:
        reopen = track is not None
        if not reopen:
            raise InvalidAction("recovery_not_open", "the case has no recovery")
        assert track is not None
        track.status, track.step, track.ended_at, track.outcome = (
            TrackStatus.OPEN,
            "enforcement",
            None,
            None,
        )
    post(
        out,
        LedgerLine(
            kind=LedgerKind.REVERSAL,
            amount=entry.amount,
            debt=entry.debt,
            qualification=entry.qualification,
            effective_on=today(now),
            reverses=r.entry,
            note=cmd.reason,
        ),
    )
    if reopened:  # like every way into enforcement, with its task
        assert track is not None
        to_enforcement(out, track, now, f"{entry.kind.value} {r.entry} reversed")
    return f"{entry.kind.value} {r.entry} of {entry.amount} EUR reversed: {cmd.reason}"


def record_event(out: Outcome, track: Track, cmd: RecordProcedureEvent, now: datetime) -> str:
    """Recovery events in version 2: only a transfer ends it by hand."""
    if cmd.event is ProcedureEventKind.RECOVERY_TRANSFERRED:
        end_recovery(out, track, now, "transferred")
        return f"transferred: {cmd.note or 'to the accounting officer'}"
    raise InvalidAction(
        "recovery_ends_when_settled",
        "the recovery ends by itself once every debt is paid, offset or written off "
        "(or record recovery_transferred)",
    )


RULES = {
    "notify_debts": notify_debts,
    "record_payment": record_payment,
    "grant_instalment_plan": grant_instalment_plan,
    "cancel_instalment_plan": cancel_instalment_plan,
    "record_cra_appeal": record_cra_appeal,
    "record_cra_decision": record_cra_decision,
    "issue_formal_notice": issue_formal_notice,
    "issue_contrainte": issue_contrainte,
    "record_opposition": record_opposition,
    "record_opposition_judgment": record_opposition_judgment,
    "write_off": write_off,
    "reverse_entry": reverse_entry,
}


def require_debts(out: Outcome, action: str) -> None:
    if not uses_debts(out):
        raise InvalidAction(
            "not_in_this_rules_version",
            f"{action} needs the recovery procedure of rules version 2; this case follows "
            f"version {out.state.rules_version}",
        )


# --- timers ------------------------------------------------------------------------------
def on_payment_period(out: Outcome, d: Deadline, now: datetime) -> str:
    track = out.state.tracks[RECOVERY]
    left = case_outstanding(out)
    task = f"Issue the formal notice: {left} EUR unpaid"
    set_step(out, track, "formal_notice_due", now, task=task)
    return f"payment period over, {left} EUR unpaid: formal notice to issue"


def on_cra_silence(out: Outcome, d: Deadline, now: datetime) -> str:
    track = out.state.tracks[RECOVERY]
    task = "Issue the formal notice (mise en demeure)"
    set_step(out, track, "formal_notice_due", now, task=task)
    length = period(out, "deadline.cra_silence", today(now))
    return f"CRA silent for {length}: the appeal is rejected"


def on_formal_notice(out: Outcome, d: Deadline, now: datetime) -> str:
    track = out.state.tracks[RECOVERY]
    left = case_outstanding(out)
    set_step(out, track, "contrainte_due", now, task=f"Issue the contrainte for {left} EUR")
    length = period(out, "deadline.formal_notice", today(now))
    return f"{length} after the formal notice, {left} EUR unpaid: contrainte to issue"


def on_opposition_period(out: Outcome, d: Deadline, now: datetime) -> str:
    track = out.state.tracks[RECOVERY]
    to_enforcement(out, track, now, "contrainte not opposed")
    length = period(out, "deadline.contrainte_opposition", today(now))
    return f"no opposition within {length}: the contrainte is enforceable"


def on_insured_correction(out: Outcome, d: Deadline, now: datetime) -> str:
    track = out.state.tracks[RECOVERY]
    to_enforcement(out, track, now, "no correction asked")
    return "correction period over: offset against benefits, or agree an instalment plan"


def on_instalment_reminder(out: Outcome, d: Deadline, now: datetime) -> str:
    plan = out.state.plan
    if plan is None or plan.next_index >= len(plan.instalments):
        return "instalment reminder: no instalment left"
    inst = plan.instalments[plan.next_index]
    title = f"Remind the debtor: instalment of {inst.amount} EUR due on {inst.due_on}"
    add_task(out, kind="recovery", title=title)
    return f"reminder due for the instalment of {inst.due_on}"


def on_instalment_due(out: Outcome, d: Deadline, now: datetime) -> str:
    plan = out.state.plan
    track = out.state.tracks[RECOVERY]
    if plan is None or plan.status is not PlanStatus.ACTIVE:
        return "instalment check: no active plan"
    number = plan.next_index + 1
    inst = plan.instalments[plan.next_index]
    expected = sum((i.amount for i in plan.instalments[:number]), Decimal(0))
    paid = paid_between(out, plan.granted_on, inst.due_on)
    if paid < expected:
        plan.status = PlanStatus.DEFAULTED
        clear_deadlines(out, now, track=RECOVERY, kind="instalment_reminder")
        to_enforcement(out, track, now, f"plan in default at instalment {number}")
        return f"instalment {number} missed ({paid} of {expected} EUR paid): plan in default"
    plan.next_index += 1
    arm_next_instalment(out, now)
    return f"instalment {number} honoured ({paid} of {expected} EUR paid)"


def on_prescription_warning(out: Outcome, d: Deadline, now: datetime) -> str:
    who = escalation_target(out.state)
    out.state.escalations.append(d.key)
    if d.task_key:
        out.tasks_updated.append(
            TaskUpdate(key=d.task_key, status=TaskStatus.OPEN, at=now, escalated_to=who)
        )
    return f"prescription approaching: escalated to {who}"


def on_debt_prescribed(out: Outcome, d: Deadline, now: datetime) -> str:
    return on_prescription_warning(out, d, now).replace("approaching", "reached")


def handled(
    rule: Callable[[Outcome, Deadline, datetime], str],
) -> Callable[[Outcome, Deadline, datetime], str]:
    """A timer the procedure handles by itself: its watch task is done when it fires."""

    def expire(out: Outcome, d: Deadline, now: datetime) -> str:
        if d.task_key:
            clear_task(out, d.task_key, now)
        return rule(out, d, now)

    return expire


EXPIRY = {
    "payment_period": handled(on_payment_period),
    "cra_silence": handled(on_cra_silence),
    "formal_notice": handled(on_formal_notice),
    "contrainte_opposition": handled(on_opposition_period),
    "insured_correction": handled(on_insured_correction),
    "instalment_reminder": handled(on_instalment_reminder),
    "instalment_due": handled(on_instalment_due),
    "debt_prescription_warning": on_prescription_warning,
    "debt_prescribed": on_debt_prescribed,
}

#: the timers that belong to one step (cleared when the step changes)
STEP_TIMERS = (
    "payment_period",
    "cra_silence",
    "formal_notice",
    "contrainte_opposition",
    "insured_correction",
    "instalment_reminder",
    "instalment_due",
)
