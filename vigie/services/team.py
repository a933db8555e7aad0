"""A supervisor's view of their team: open and overdue cases per investigator, and the
complaint waivers recorded with their justification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from models import AppUser, AuditEntry, Case, Task
from models.types import Stage, TaskStatus


@dataclass(frozen=True)
class Load:
    user_id: str
    name: str
    open_cases: int
    overdue_cases: int
    overdue_tasks: int
    stake: Decimal


@dataclass(frozen=True)
class Waiver:
    case_id: str
    at: datetime
    actor: str
    justification: str


def members(engine: Engine, supervisor: str | None) -> list[AppUser]:
    """The active investigators reporting to ``supervisor`` (None: every investigator)."""
    query = select(AppUser).where(AppUser.role == "investigator", col(AppUser.active).is_(True))
    if supervisor is not None:
        query = query.where(AppUser.supervisor_id == supervisor)
    with Session(engine) as session:
        return list(session.exec(query.order_by(col(AppUser.display_name))).all())


def team_load(engine: Engine, people: list[AppUser], now: datetime | None = None) -> list[Load]:
    """Per investigator: open cases, cases with an overdue task, overdue tasks, total stake."""
    now = now or datetime.now(UTC)
    ids = [u.id for u in people]
    is_open = Case.stage != Stage.CLOSED
    late = (col(Task.status) == TaskStatus.OPEN) & (col(Task.due_at) < now)
    with Session(engine) as session:
        cases: dict[str | None, tuple[int, Any]] = {
            a: (n, s)
            for a, n, s in session.exec(
                select(Case.assignee, func.count(), func.sum(Case.estimated_stake))
                .where(is_open, col(Case.assignee).in_(ids))
                .group_by(col(Case.assignee))
            ).all()
        }
        overdue: dict[str | None, tuple[int, int]] = {
            a: (c, t)
            for a, c, t in session.exec(
                select(Case.assignee, func.count(func.distinct(Task.case_id)), func.count())
                .join(Case, col(Case.id) == col(Task.case_id))
                .where(late, is_open, col(Case.assignee).in_(ids))
                .group_by(col(Case.assignee))
            ).all()
        }
    return [
        Load(
            u.id,
            u.display_name,
            cases.get(u.id, (0, None))[0],
            overdue.get(u.id, (0, 0))[0],
            overdue.get(u.id, (0, 0))[1],
            Decimal(cases.get(u.id, (0, None))[1] or 0),
        )
        for u in people
    ]


def waivers(engine: Engine, limit: int = 20) -> list[Waiver]:
    """The latest complaint waivers, with the justification the manager gave."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.action == "waive_complaint")
        .order_by(col(AuditEntry.at).desc())
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.exec(query).all()
    return [
        Waiver(
            r.case_id,
            r.at,
            r.actor,
            str(r.details.get("command", {}).get("justification", "")),
        )
        for r in rows
    ]
