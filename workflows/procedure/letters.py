"""Procedure letters in the case: issued when the procedure calls for them, sent, received.

The receipt of a letter is what starts its deadline (observations, payment, formal notice,
opposition): recording it applies the same rule as the matching procedure event, dated on
the receipt. When no acknowledgement comes back, the letter is presumed received the
policy's ``letter.presumed_receipt`` days after it was posted; the presumption is applied by
a deadline armed at sending, ``letter.receipt_wait`` after that day (or after the day the
sending was recorded, for a letter entered late), so a receipt entered late still counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from models.case_actions import FollowUp, ProcedureEventKind, RecordProcedureEvent
from models.case_state import RECOVERY, CaseState, Deadline, TrackStatus
from models.debt import PlanStatus
from models.letter import LetterKind, LetterState, content_hash
from models.letter_actions import IssueLetter, RecordLetterReceipt, SendLetter
from models.local_time import PARIS
from models.recovery_actions import IssueContrainte, IssueFormalNotice, NotifyDebts
from workflows.procedure import recovery, tracks
from workflows.procedure.errors import InvalidAction
from workflows.procedure.outcome import Outcome
from workflows.procedure.steps import SYSTEM, add_deadline, clear_deadlines

PENALTY = FollowUp.FINANCIAL_PENALTY.value
PRESUMED_RECEIPT = "letter.presumed_receipt"
RECEIPT_WAIT = "letter.receipt_wait"


# --- when a letter may be issued ---------------------------------------------------------
def _track_step(s: CaseState, name: str) -> str | None:
    track = s.tracks.get(name)
    return track.step if track is not None and track.status is TrackStatus.OPEN else None


def _needs(condition: bool, kind: LetterKind, what: str) -> None:
    if not condition:
        raise InvalidAction("letter_not_due", f"a {kind.value} letter needs {what}")


def require_due(s: CaseState, kind: LetterKind) -> None:
    """A letter is issued when the procedure calls for it, never ahead of its step."""
    if kind is LetterKind.GRIEVANCES:
        _needs(
            _track_step(s, PENALTY) == "to_notify",
            kind,
            "the penalty procedure waiting for its notification of grievances",
        )
    elif kind is LetterKind.WARNING:
        penalty = s.tracks.get(PENALTY)
        warned = FollowUp.WARNING in s.follow_ups or (
            penalty is not None and penalty.outcome == "warning"
        )
        _needs(warned, kind, "a warning decided (as a follow-up or by the director)")
    elif kind is LetterKind.PAYMENT_NOTICE:
        _needs(_track_step(s, RECOVERY) == "to_notify", kind, "amounts due, not yet notified")
    elif kind is LetterKind.FORMAL_NOTICE:
        _needs(_track_step(s, RECOVERY) == "formal_notice_due", kind, "the formal notice due")
    elif kind is LetterKind.CONTRAINTE:
        _needs(_track_step(s, RECOVERY) == "contrainte_due", kind, "the contrainte due")
    elif kind is LetterKind.INSTALMENT_PLAN:
        _needs(
            s.plan is not None and s.plan.status is PlanStatus.ACTIVE,
            kind,
            "an instalment plan granted",
        )
    elif kind is LetterKind.DIRECTOR_DECISION:
        penalty = s.tracks.get(PENALTY)
        _needs(
            penalty is not None and penalty.outcome == "penalty",
            kind,
            "the director's decision of a penalty",
        )


# --- the actions -------------------------------------------------------------------------
def _letter(out: Outcome, letter_id: str) -> LetterState:
    letter = out.state.letters.get(letter_id)
    if letter is None:
        known = ", ".join(out.state.letters) or "none"
        raise InvalidAction("unknown_letter", f"no letter {letter_id} on this case ({known})")
    return letter


def issue_letter(out: Outcome, cmd: Any, now: datetime) -> str:
    i: IssueLetter = cmd
    record = i.letter
    if record.id in out.state.letters:
        raise InvalidAction("letter_exists", f"letter {record.id} was already issued")
    if content_hash(record.html) != record.content_hash:
        raise InvalidAction("letter_altered", f"letter {record.id}: its content hash differs")
    require_due(out.state, record.kind)
    issued_on = recovery.happened_on(record.issued_on, now, "issued_on")
    out.state.letters[record.id] = LetterState(
        id=record.id, kind=record.kind, content_hash=record.content_hash, issued_on=issued_on
    )
    out.letters.append(record)
    return f"{record.kind.value} letter {record.id} issued ({record.content_hash[:12]})"


def send_letter(out: Outcome, cmd: Any, now: datetime) -> str:
    s: SendLetter = cmd
    letter = _letter(out, s.letter_id)
    if letter.sent_on is not None:
        raise InvalidAction(
            "letter_already_sent", f"letter {letter.id} was sent on {letter.sent_on}"
        )
    day = recovery.happened_on(s.sent_on, now, "sent_on")
    if day < letter.issued_on:
        raise InvalidAction(
            "sent_before_issued", f"sent_on {day} is before the letter's issue ({letter.issued_on})"
        )
    letter.sent_on = day
    presumed = presumed_receipt(out, letter)
    # the acknowledgement card takes days to come back and be recorded: the presumption is
    # applied only once the policy's wait has passed since the later of that day and today
    wait = recovery.period(out, RECEIPT_WAIT, day)
    check_on = max(presumed, recovery.today(now))
    letter.deadline = add_deadline(
        out,
        kind="letter_receipt",
        due_at=recovery.legal_end(out, RECEIPT_WAIT, check_on),
        title=f"Acknowledgement of receipt of letter {letter.id}: without it by then, "
        f"received on {presumed} is presumed",
        policy_key=RECEIPT_WAIT,
    ).key
    return (
        f"letter {letter.id} sent on {day}; without a receipt within {wait}, "
        f"presumed received on {presumed}"
    )


def presumed_receipt(out: Outcome, letter: LetterState) -> date:
    """The day a letter sent without an acknowledgement coming back counts as received."""
    if letter.sent_on is None:
        raise InvalidAction("letter_not_sent", f"letter {letter.id} was not sent")
    return recovery.legal_end(out, PRESUMED_RECEIPT, letter.sent_on).astimezone(PARIS).date()


def record_letter_receipt(out: Outcome, cmd: Any, now: datetime) -> str:
    r: RecordLetterReceipt = cmd
    letter = _letter(out, r.letter_id)
    if letter.received_on is not None:
        raise InvalidAction(
            "letter_already_received", f"letter {letter.id} was received on {letter.received_on}"
        )
    if letter.sent_on is None:
        raise InvalidAction("letter_not_sent", f"letter {letter.id} was not sent")
    day = recovery.happened_on(r.received_on, now)
    if day < letter.sent_on:
        raise InvalidAction(
            "received_before_sent", f"received_on {day} is before it was sent ({letter.sent_on})"
        )
    if letter.deadline:
        clear_deadlines(out, now, key=letter.deadline)
    letter.received_on, letter.deadline = day, None
    effect = apply_receipt(out, letter, now, r.actor, r.request_id)
    return f"letter {letter.id} received on {day}" + (f"; {effect}" if effect else "")


def on_presumed_receipt(out: Outcome, d: Deadline, now: datetime) -> str:
    """No acknowledgement came back: the letter counts as received on the presumed day."""
    letter = next(x for x in out.state.letters.values() if x.deadline == d.key)
    day = presumed_receipt(out, letter)
    letter.received_on, letter.receipt_presumed, letter.deadline = day, True, None
    out.details |= {"letter_id": letter.id, "received_on": day.isoformat()}
    try:
        effect = apply_receipt(out, letter, now, SYSTEM, None)
    except InvalidAction as exc:  # the procedure moved on meanwhile (entered by hand)
        effect = f"nothing started ({exc.message})"
    return f"letter {letter.id} presumed received on {day}" + (f"; {effect}" if effect else "")


# --- what a receipt starts ---------------------------------------------------------------
def apply_receipt(
    out: Outcome, letter: LetterState, now: datetime, actor: str, request_id: str | None
) -> str:
    """Start what the receipt of ``letter`` starts, dated on its receipt."""
    day = letter.received_on
    if day is None:
        raise InvalidAction("letter_not_received", f"letter {letter.id} has no receipt")
    common = {"actor": actor, "request_id": request_id or f"receipt:{letter.id}"}
    if letter.kind is LetterKind.GRIEVANCES:
        event = RecordProcedureEvent(
            track=FollowUp.FINANCIAL_PENALTY,
            event=ProcedureEventKind.GRIEVANCES_NOTIFIED,
            occurred_on=day,
            **common,
        )
        return tracks.record_event(out, event, now)
    starts: dict[LetterKind, tuple[str, Callable[..., Any]]] = {
        LetterKind.PAYMENT_NOTICE: ("notify_debts", NotifyDebts),
        LetterKind.FORMAL_NOTICE: ("issue_formal_notice", IssueFormalNotice),
        LetterKind.CONTRAINTE: ("issue_contrainte", IssueContrainte),
    }
    if letter.kind not in starts:
        return ""
    name, model = starts[letter.kind]
    recovery.require_debts(out, name)
    return str(recovery.RULES[name](out, model(received_on=day, **common), now))


RULES = {
    "issue_letter": issue_letter,
    "send_letter": send_letter,
    "record_letter_receipt": record_letter_receipt,
}
EXPIRY = {"letter_receipt": on_presumed_receipt}
