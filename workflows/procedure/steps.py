"""Small building blocks shared by the decision rules: begin, finish, deadlines, tasks."""

from __future__ import annotations

from datetime import datetime

from models.case_messages import TaskSpec, TaskUpdate
from models.case_state import CaseState, Deadline, TimelineEntry
from models.types import Stage, TaskStatus
from workflows.procedure.outcome import Outcome

SYSTEM = "system"


def begin(
    state: CaseState,
    action: str,
    actor: str,
    request_id: str | None = None,
    reason: str | None = None,
) -> Outcome:
    """Start an outcome on a deep copy: the input state is never mutated. The policy snapshot
    (most of the state's bytes) is read, never written, by the procedure: the copy shares it
    instead of copying it again on every action and every validation."""
    new = state.__deepcopy__({id(state.policy): state.policy})
    return Outcome(
        state=new,
        action=action,
        actor=actor,
        from_stage=state.stage,
        to_stage=state.stage,
        summary="",
        request_id=request_id,
        reason=reason,
    )


def finish(out: Outcome, now: datetime, summary: str) -> Outcome:
    s = out.state
    s.seq += 1
    out.to_stage = s.stage
    out.summary = summary
    if out.request_id:
        s.applied_requests[out.request_id] = s.seq
    s.timeline.append(
        TimelineEntry(seq=s.seq, at=now, actor=out.actor, action=out.action, summary=summary)
    )
    return out


def move(out: Outcome, stage: Stage) -> None:
    out.state.stage = stage


def add_deadline(
    out: Outcome,
    *,
    kind: str,
    due_at: datetime,
    title: str,
    track: str | None = None,
    policy_key: str | None = None,
    assignee: str | None = None,
) -> Deadline:
    """A durable deadline, projected as a task with the same key and due date."""
    key = out.state.next_key(kind)
    deadline = Deadline(
        key=key, kind=kind, due_at=due_at, track=track, policy_key=policy_key, task_key=key
    )
    out.state.deadlines.append(deadline)
    out.tasks_opened.append(
        TaskSpec(
            key=key,
            kind=kind,
            title=title,
            due_at=due_at,
            assignee=assignee or out.state.assignee,
        )
    )
    return deadline


def add_task(out: Outcome, *, kind: str, title: str, assignee: str | None = None) -> str:
    key = out.state.next_key(kind)
    out.tasks_opened.append(
        TaskSpec(key=key, kind=kind, title=title, assignee=assignee or out.state.assignee)
    )
    return key


def clear_deadlines(
    out: Outcome,
    now: datetime,
    *,
    track: str | None = None,
    kind: str | None = None,
    key: str | None = None,
    status: TaskStatus = TaskStatus.DONE,
) -> None:
    """Remove matching deadlines and close their tasks."""
    keep: list[Deadline] = []
    for d in out.state.deadlines:
        matches = (
            (track is None or d.track == track)
            and (kind is None or d.kind == kind)
            and (key is None or d.key == key)
        )
        if matches:
            if d.task_key:
                out.tasks_updated.append(TaskUpdate(key=d.task_key, status=status, at=now))
        else:
            keep.append(d)
    out.state.deadlines = keep
    if track is None:
        close_escalated(out, now, kind=kind, key=key, status=status)


def close_escalated(
    out: Outcome,
    now: datetime,
    *,
    kind: str | None = None,
    key: str | None = None,
    status: TaskStatus = TaskStatus.DONE,
) -> None:
    """Close the tasks of deadlines that already fired and were escalated (they stay open
    until what they asked for is done): a deadline key is ``{kind}-{n}``, as its task's."""
    still_open: list[str] = []
    for escalated in out.state.escalations:
        matches = (kind is None or escalated.rsplit("-", 1)[0] == kind) and (
            key is None or escalated == key
        )
        if matches:
            out.tasks_updated.append(TaskUpdate(key=escalated, status=status, at=now))
        else:
            still_open.append(escalated)
    out.state.escalations = still_open


def escalation_target(state: CaseState) -> str:
    return state.supervisor or "manager"
