"""What happens when a durable deadline expires: a task, an automatic step, or an escalation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from models.case_messages import TaskUpdate
from models.case_state import CaseState, Deadline
from models.types import Stage, TaskStatus
from workflows.procedure import letters, recovery, tracks
from workflows.procedure.errors import InvalidAction
from workflows.procedure.outcome import Outcome
from workflows.procedure.steps import SYSTEM, add_task, begin, escalation_target, finish

DEADLINE_ACTION = "deadline_expired"


def due_deadlines(deadlines: list[Deadline], now: datetime) -> list[Deadline]:
    """Due deadlines by due time; those due together in the order they were set (a stable
    sort on the state's list, which is in creation order)."""
    return sorted((d for d in deadlines if d.due_at <= now), key=lambda d: d.due_at)


def on_deadline(state_in: CaseState, key: str, now: datetime) -> Outcome:
    """Apply the expiry of deadline ``key`` at ``now`` (the workflow's timer fired)."""
    deadline = next((d for d in state_in.deadlines if d.key == key), None)
    if deadline is None:
        raise InvalidAction("unknown_deadline", f"no deadline {key}")
    out = begin(state_in, DEADLINE_ACTION, SYSTEM)
    out.state.deadlines = [d for d in out.state.deadlines if d.key != key]
    out.details = {"deadline": key, "kind": deadline.kind, "due_at": deadline.due_at.isoformat()}
    summary = EXPIRY.get(deadline.kind, _escalate)(out, deadline, now)
    tracks.restage(out)
    return finish(out, now, summary)


def _escalate(out: Outcome, d: Deadline, now: datetime) -> str:
    """A late action: the task stays open and goes to the supervisor."""
    who = escalation_target(out.state)
    out.state.escalations.append(d.key)
    if d.task_key:
        out.tasks_updated.append(
            TaskUpdate(key=d.task_key, status=TaskStatus.OPEN, at=now, escalated_to=who)
        )
    return f"{d.kind.replace('_', ' ')} overdue: escalated to {who}"


def _triage(out: Outcome, d: Deadline, now: datetime) -> str:
    if out.state.stage is not Stage.TRIAGE:
        return "triage deadline passed after triage"
    return _escalate(out, d, now)


def _investigation_action(out: Outcome, d: Deadline, now: datetime) -> str:
    step = next(s for s in out.state.investigation if s.key == d.key)
    step.escalated = True
    return _escalate(out, d, now)


def _observations(out: Outcome, d: Deadline, now: datetime) -> str:
    out.tasks_updated.append(TaskUpdate(key=d.key, status=TaskStatus.DONE, at=now))
    tracks.to_director_decision(out, now, "director_decision")
    length = recovery.period(out, "deadline.director_decision", recovery.today(now))
    return f"observations period over; the director must decide within {length}"


def _commission(out: Outcome, d: Deadline, now: datetime) -> str:
    out.tasks_updated.append(TaskUpdate(key=d.key, status=TaskStatus.DONE, at=now))
    if out.state.policy.value("rule.commission_silence_is_opinion", now.date()) != 1:
        return _escalate(out, d, now)
    tracks.to_director_decision(out, now, "final_decision")
    return "commission silent: its opinion is deemed given; the director decides"


def _prosecutor_check(out: Outcome, d: Deadline, now: datetime) -> str:
    out.tasks_updated.append(TaskUpdate(key=d.key, status=TaskStatus.DONE, at=now))
    add_task(out, kind="prosecutor_call", title="Ask the prosecutor where the complaint stands")
    tracks.arm_prosecutor_check(out, now)
    return "periodic check with the prosecutor due"


def _msap_end(out: Outcome, d: Deadline, now: datetime) -> str:
    out.tasks_updated.append(TaskUpdate(key=d.key, status=TaskStatus.DONE, at=now))
    tracks.end_track(out, "msap", now, "expired")
    return "prior approval (MSAP) period ended"


EXPIRY: dict[str, Callable[[Outcome, Deadline, datetime], str]] = {
    **recovery.EXPIRY,
    **letters.EXPIRY,
    "triage": _triage,
    "action": _investigation_action,
    "observations": _observations,
    "commission": _commission,
    "prosecutor_check": _prosecutor_check,
    "msap_end": _msap_end,
}


def catch_up(state: CaseState, now: datetime) -> list[Outcome]:
    """Every deadline already due at ``now``, applied in order: what must happen before an
    action is judged (a late observation must find the period closed)."""
    outcomes: list[Outcome] = []
    for deadline in due_deadlines(state.deadlines, now):
        if any(d.key == deadline.key for d in state.deadlines):
            outcome = on_deadline(state, deadline.key, now)
            outcomes.append(outcome)
            state = outcome.state
    return outcomes
