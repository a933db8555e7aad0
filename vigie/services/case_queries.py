"""Read side: case lists and details from the Postgres projection (fast, indexable)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, exists
from sqlmodel import Session, col, select

from models import AuditEntry, Case, Task
from models.types import Stage, TaskStatus


def list_cases(
    engine: Engine,
    *,
    assignee: str | None = None,
    stage: Stage | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    limit: int = 200,
) -> list[Case]:
    now = now or datetime.now(UTC)
    query = select(Case)
    if assignee:
        query = query.where(Case.assignee == assignee)
    if stage:
        query = query.where(Case.stage == stage)
    if overdue:
        late = (
            select(Task.id)
            .where(Task.case_id == Case.id)
            .where(Task.status == TaskStatus.OPEN)
            .where(col(Task.due_at) < now)
        )
        query = query.where(exists(late))
    query = query.order_by(col(Case.estimated_stake).desc().nulls_last(), col(Case.id)).limit(limit)
    with Session(engine) as session:
        return list(session.exec(query).all())


def open_tasks(engine: Engine, case_id: str) -> list[Task]:
    with Session(engine) as session:
        query = (
            select(Task)
            .where(Task.case_id == case_id, Task.status == TaskStatus.OPEN)
            .order_by(col(Task.due_at).nulls_last())
        )
        return list(session.exec(query).all())


def audit_trail(engine: Engine, case_id: str) -> list[AuditEntry]:
    with Session(engine) as session:
        query = (
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
        )
        return list(session.exec(query).all())
