"""The decision rules: given a case state and an action, the next state or the rule broken.

Every function returns an ``Outcome`` built on a copy of the state; an ``InvalidAction``
leaves the state untouched, so a refused action writes nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from models.case_actions import (
    ActionBase,
    AddInvestigationAction,
    Assign,
    Close,
    CompleteInvestigationAction,
    ConcludeInvestigation,
    DecideFollowUps,
    Dismiss,
    LiftProtectiveMeasure,
    Merge,
    OpenInvestigation,
    RecordGrievance,
    RecordProcedureEvent,
    TakeProtectiveMeasure,
    WaiveComplaint,
)
from models.case_messages import LedgerLine, OpenCaseInput, TaskUpdate
from models.case_state import (
    RECOVERY,
    RULES_VERSION,
    CaseState,
    Grievance,
    InvestigationStep,
    Measure,
)
from models.policy_snapshot import PolicyMissingError, PolicySnapshot
from models.types import LedgerKind, Stage, TaskStatus
from workflows.procedure import letters, recovery, tracks
from workflows.procedure.errors import InvalidAction
from workflows.procedure.money import establish_overpayment, post, uses_debts
from workflows.procedure.outcome import Outcome
from workflows.procedure.steps import SYSTEM, add_deadline, begin, clear_deadlines, finish, move
from workflows.procedure.table import TRANSITIONS, is_allowed


def open_case(
    opening: OpenCaseInput,
    policy: PolicySnapshot,
    case_id: str,
    now: datetime,
    rules_version: int = RULES_VERSION,
) -> Outcome:
    """The alert becomes a case, waiting in triage (with a triage deadline). The case keeps
    ``rules_version`` for life: a rule changed later never changes it silently."""
    try:
        policy.pmss(opening.facts_year)
    except PolicyMissingError as exc:
        raise InvalidAction("policy_missing", f"facts of {opening.period}: {exc}") from None
    received = opening.received_at or now
    if received > now:
        raise InvalidAction(
            "received_in_the_future", f"the alert cannot be received after today ({received})"
        )
    state = CaseState(
        case_id=case_id,
        target=opening.target,
        period=opening.period,
        typology=opening.typology,
        source=opening.source,
        estimated_stake=opening.estimated_stake,
        policy=policy,
        opened_at=now,
        stage=Stage.ALERT,
        rules_version=rules_version,
    )
    out = begin(state, "open", opening.actor, opening.request_id, reason=opening.explanation)
    out.opening = opening
    out.details = {
        "opening": opening.model_dump(mode="json"),
        "policy_version": policy.version,
        "policy_hash": policy.digest(),
        "rules_version": rules_version,
    }
    move(out, Stage.TRIAGE)
    add_deadline(
        out,
        kind="triage",
        due_at=policy.deadline("deadline.triage", received),
        title="Triage the alert: open an investigation, dismiss or merge",
        policy_key="deadline.triage",
    )
    summary = f"alert from {opening.source}"
    if opening.score is not None:
        summary += f" (score {opening.score:.2f})"
    return finish(out, now, summary)


def already_applied(state: CaseState, action: ActionBase) -> bool:
    """True for a retry of an action already applied (same request id, same payload).

    The same request id with another payload is refused (``request_id_reused``): applying
    neither silently loses the new action, applying it would make retries unsafe.
    """
    seq = state.applied_requests.get(action.request_id)
    if seq is None:
        return False
    name: str = action.action  # type: ignore[attr-defined]
    applied = next(e.action for e in state.timeline if e.seq == seq)
    recorded = state.request_digests.get(action.request_id)
    if applied != name or (recorded is not None and recorded != action.digest()):
        raise InvalidAction(
            "request_id_reused",
            f"request id {action.request_id} was already used for another request "
            f"(#{seq} {applied}); send this one with a new request id",
        )
    return True


def refuse_claimed_role(action: ActionBase) -> None:
    """A caller never states its own role: a payload that claims one is refused."""
    if action.claimed_role is not None:
        raise InvalidAction(
            "role_is_not_accepted",
            "an action cannot carry a role: the role comes from the user registry",
        )


def decide(state: CaseState, action: ActionBase, now: datetime, role: str | None) -> Outcome:
    """Apply one investigator or manager action. Raises ``InvalidAction``.

    ``role`` is the actor's role read from the user registry by the workflow. ``None`` means
    not read yet: the update validator's early check, which leaves the role rules to the
    handler (it reads the registry, then decides again with the role).
    """
    try:
        return _decide(state, action, now, role)
    except PolicyMissingError as exc:
        raise InvalidAction("policy_missing", str(exc)) from None


def _decide(state: CaseState, action: ActionBase, now: datetime, role: str | None) -> Outcome:
    name: str = action.action  # type: ignore[attr-defined]
    if state.closed:
        raise InvalidAction("case_closed", f"the case is closed; {name} is not possible")
    if not is_allowed(state.stage, name):
        raise InvalidAction(
            "action_not_allowed_in_stage", f"{name} is not allowed in stage {state.stage.value}"
        )
    if role == SYSTEM:
        raise InvalidAction("system_role_reserved", "only the workflow itself acts as system")
    out = begin(state, name, action.actor, action.request_id, reason=action.reason)
    out.role = role
    out.state.request_digests[action.request_id] = action.digest()
    out.details = {"command": action.model_dump(mode="json")}
    if role is not None:
        out.details["role"] = role
    if name in recovery.RULES:
        recovery.require_debts(out, name)
    summary = RULES[name](out, action, now)
    target = TRANSITIONS.get((state.stage, name))
    if target is not None:
        move(out, target)
    return finish(out, now, summary)


def _assign(out: Outcome, cmd: Any, now: datetime) -> str:
    a: Assign = cmd
    out.state.assignee = a.assignee
    if a.supervisor:
        out.state.supervisor = a.supervisor
    return f"assigned to {a.assignee}"


def _open_investigation(out: Outcome, cmd: Any, now: datetime) -> str:
    _: OpenInvestigation = cmd
    clear_deadlines(out, now, kind="triage")
    return "investigation opened"


def _dismiss(out: Outcome, cmd: Any, now: datetime) -> str:
    d: Dismiss = cmd
    if not d.reason:
        raise InvalidAction("dismissal_needs_reason", "a dismissal (classement) needs a reason")
    tracks.require_complaint_or_waiver(out.state, [*out.state.tracks], now)
    _close_everything(out, now, d.reason)
    return f"dismissed: {d.reason}"


def _merge(out: Outcome, cmd: Any, now: datetime) -> str:
    m: Merge = cmd
    if m.into_case_id == out.state.case_id:
        raise InvalidAction("merge_into_itself", "a case cannot be merged into itself")
    if not m.into_case_id.startswith(f"case:{out.state.target.key}:"):
        raise InvalidAction(
            "merge_needs_same_target",
            f"{m.into_case_id} is not a case on target {out.state.target.key}",
        )
    out.state.merged_into = m.into_case_id
    _close_everything(out, now, f"merged into {m.into_case_id}")
    return f"merged into {m.into_case_id}"


def _add_investigation_action(out: Outcome, cmd: Any, now: datetime) -> str:
    a: AddInvestigationAction = cmd
    if a.due_at <= now:
        raise InvalidAction("due_date_in_the_past", "an investigation action is due in the future")
    deadline = add_deadline(
        out,
        kind="action",
        due_at=a.due_at,
        title=f"{a.kind.value.replace('_', ' ')}: {a.description or ''}".strip(": "),
    )
    out.state.investigation.append(
        InvestigationStep(key=deadline.key, kind=a.kind, due_at=a.due_at, description=a.description)
    )
    out.details["key"] = deadline.key
    return f"{a.kind.value} {deadline.key} due {a.due_at.date().isoformat()}"


def _complete_investigation_action(out: Outcome, cmd: Any, now: datetime) -> str:
    c: CompleteInvestigationAction = cmd
    step = next((s for s in out.state.investigation if s.key == c.key), None)
    if step is None:
        raise InvalidAction("unknown_investigation_action", f"no investigation action {c.key}")
    if step.done:
        raise InvalidAction("action_already_completed", f"{c.key} is already completed")
    step.done, step.result = True, c.result
    before = len(out.tasks_updated)
    clear_deadlines(out, now, key=c.key)
    if len(out.tasks_updated) == before:  # already escalated: its deadline has fired
        out.tasks_updated.append(
            TaskUpdate(key=c.key, status=TaskStatus.DONE, at=now, result=c.result)
        )
    else:
        out.tasks_updated[-1].result = c.result
    return f"{c.key} completed: {c.result}"


def _record_grievance(out: Outcome, cmd: Any, now: datetime) -> str:
    g: RecordGrievance = cmd
    if not g.lines:
        raise InvalidAction(
            "grievance_needs_amount_lines", "a grievance needs at least one undue-amount line"
        )
    grievance = Grievance(
        key=out.state.next_key("grievance"),
        qualification=g.qualification,
        description=g.description,
        lines=g.lines,
    )
    out.state.grievances.append(grievance)
    for line in g.lines:
        post(
            out,
            LedgerLine(
                kind=LedgerKind.HARM_SUFFERED,
                amount=line.amount,
                qualification=g.qualification,
                note=line.description,
                effective_on=line.paid_on,
            ),
        )
        if RECOVERY in out.state.tracks and not uses_debts(out):
            post(
                out,
                LedgerLine(kind=LedgerKind.DUE, amount=line.amount, qualification=g.qualification),
            )
    if RECOVERY in out.state.tracks and uses_debts(out):
        establish_overpayment(out, grievance, now)
    return f"grievance ({g.qualification.value}) of {grievance.total} EUR"


def _take_protective_measure(out: Outcome, cmd: Any, now: datetime) -> str:
    m: TakeProtectiveMeasure = cmd
    measure = Measure(
        key=out.state.next_key("measure"),
        kind=m.kind,
        estimated_avoided=m.estimated_avoided,
        taken_at=now,
    )
    out.state.measures.append(measure)
    post(
        out,
        LedgerLine(kind=LedgerKind.HARM_AVOIDED, amount=m.estimated_avoided, note=m.kind.value),
    )
    return f"{m.kind.value} taken ({m.estimated_avoided} EUR avoided)"


def _lift_protective_measure(out: Outcome, cmd: Any, now: datetime) -> str:
    lift: LiftProtectiveMeasure = cmd
    measure = next((m for m in out.state.measures if m.key == lift.key), None)
    if measure is None or measure.lifted_at is not None:
        raise InvalidAction("unknown_or_lifted_measure", f"no measure {lift.key} in force")
    measure.lifted_at = now
    return f"{measure.kind.value} lifted"


def _conclude_investigation(out: Outcome, cmd: Any, now: datetime) -> str:
    _: ConcludeInvestigation = cmd
    pending = [s.key for s in out.state.investigation if not s.done]
    if pending:
        raise InvalidAction(
            "investigation_actions_pending",
            f"complete or drop the pending actions first: {', '.join(pending)}",
        )
    return f"findings: {out.state.harm_suffered} EUR suffered, {out.state.harm_avoided} avoided"


def _waive_complaint(out: Outcome, cmd: Any, now: datetime) -> str:
    w: WaiveComplaint = cmd
    if out.role is not None and out.role != "manager":
        raise InvalidAction("waiver_needs_manager", "only a manager may waive the complaint")
    out.state.complaint_waiver = f"{w.actor}: {w.justification}"
    return f"criminal complaint waived by {w.actor}"


def _decide_follow_ups(out: Outcome, cmd: Any, now: datetime) -> str:
    d: DecideFollowUps = cmd
    return tracks.decide_follow_ups(out, d, now)


def _record_procedure_event(out: Outcome, cmd: Any, now: datetime) -> str:
    e: RecordProcedureEvent = cmd
    return tracks.record_event(out, e, now)


def _close(out: Outcome, cmd: Any, now: datetime) -> str:
    c: Close = cmd
    if not c.reason:
        raise InvalidAction("close_needs_reason", "closing a case needs a reason")
    if out.state.open_tracks:
        raise InvalidAction(
            "tracks_still_open",
            f"these tracks have not ended: {', '.join(out.state.open_tracks)}",
        )
    tracks.require_complaint_or_waiver(out.state, [*out.state.tracks], now)
    if uses_debts(out):
        out.state.close_outcome = _close_outcome(out)
    _close_everything(out, now, c.reason)
    return f"closed: {c.reason}"


def _close_outcome(out: Outcome) -> str:
    """Recovered, partly recovered and written off, written off, transferred, nothing due;
    a case with money still outstanding closes only when its recovery was transferred."""
    track = out.state.tracks.get(RECOVERY)
    if track is not None and track.outcome == "transferred":
        return "transferred"
    left = out.state.balance.outstanding
    if left > 0:
        raise InvalidAction(
            "debts_outstanding",
            f"{left} EUR is still outstanding: recover, write off or transfer it first",
        )
    return track.outcome or "nothing_due" if track is not None else "nothing_due"


def _close_everything(out: Outcome, now: datetime, reason: str) -> None:
    clear_deadlines(out, now, status=TaskStatus.CANCELLED)
    out.state.close_reason = reason
    out.state.closed_at = now
    move(out, Stage.CLOSED)


RULES: dict[str, Callable[[Outcome, Any, datetime], str]] = {
    "assign": _assign,
    "open_investigation": _open_investigation,
    "dismiss": _dismiss,
    "merge": _merge,
    "add_investigation_action": _add_investigation_action,
    "complete_investigation_action": _complete_investigation_action,
    "record_grievance": _record_grievance,
    "take_protective_measure": _take_protective_measure,
    "lift_protective_measure": _lift_protective_measure,
    "conclude_investigation": _conclude_investigation,
    "decide_follow_ups": _decide_follow_ups,
    "waive_complaint": _waive_complaint,
    "record_procedure_event": _record_procedure_event,
    "close": _close,
    **recovery.RULES,
    **letters.RULES,
}

__all__ = ["SYSTEM", "already_applied", "decide", "open_case", "refuse_claimed_role"]
