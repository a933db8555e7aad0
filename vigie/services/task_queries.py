"""Read side of tasks: what to do, on which case, due when, how late, escalated to whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import CompoundSelect, Engine, union
from sqlmodel import Session, col, select

from models import Case, Task
from models.local_time import PARIS
from models.types import TaskStatus


@dataclass(frozen=True)
class TaskView:
    case_id: str
    key: str
    kind: str
    title: str
    due_at: datetime | None
    days_late: int
    escalated_to: str | None
    case_assignee: str | None

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def days_late(due_at: datetime | None, now: datetime) -> int:
    """Whole calendar days (Paris) between the due date and today; 0 when not yet due.

    A task due today at 23:59 is not late today; due yesterday, it is 1 day late.
    """
    if due_at is None or due_at >= now:
        return 0
    late = (now.astimezone(PARIS).date() - due_at.astimezone(PARIS).date()).days
    return max(late, 1)


def list_tasks(
    engine: Engine,
    *,
    user: str | None = None,
    overdue: bool = False,
    case_id: str | None = None,
    now: datetime | None = None,
    limit: int = 500,
) -> list[TaskView]:
    """Open tasks, overdue first (the latest first), then by due date.

    ``user``: the tasks of the cases assigned to that user, and those escalated to them.
    """
    now = now or datetime.now(UTC)
    query = (
        select(Task, Case.assignee)
        .join(Case, col(Case.id) == col(Task.case_id))
        .where(Task.status == TaskStatus.OPEN)
    )
    if user:
        # three indexed lookups (case assignee, escalation, task assignee) rather than one OR
        # across the join, which scanned every open task (bench/scale_reads.py)
        is_open = col(Task.status) == TaskStatus.OPEN
        mine: CompoundSelect[tuple[int]] = union(
            select(Task.id)
            .join(Case, col(Case.id) == col(Task.case_id))
            .where(is_open, col(Case.assignee) == user),
            select(Task.id).where(is_open, col(Task.escalated_to) == user),
            select(Task.id).where(is_open, col(Task.assignee) == user),
        )
        query = query.where(col(Task.id).in_(mine))
    if overdue:
        query = query.where(col(Task.due_at) < now)
    if case_id:
        query = query.where(Task.case_id == case_id)
    query = query.order_by(col(Task.due_at).nulls_last(), col(Task.case_id), col(Task.key))
    with Session(engine) as session:
        rows = session.exec(query.limit(limit)).all()
    views = [
        TaskView(
            case_id=task.case_id,
            key=task.key,
            kind=task.kind,
            title=task.title,
            due_at=task.due_at,
            days_late=days_late(task.due_at, now),
            escalated_to=task.escalated_to,
            case_assignee=assignee,
        )
        for task, assignee in rows
    ]
    return sorted(views, key=lambda v: (not v.overdue, -v.days_late))
