"""The case lists people page through: filtered by stage, lateness, profession and region,
largest stake first; an investigator sees their own cases and the unassigned ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, exists, select

from models import Alert, Case, Target, Task
from models.types import Stage, TaskStatus


def case_page(
    engine: Engine,
    *,
    viewer: str,
    sees_all: bool,
    mine: bool = False,
    stage: Stage | None = None,
    overdue: bool = False,
    profession: str | None = None,
    region: str | None = None,
    page: int = 1,
    size: int = 50,
) -> list[Case]:
    query = select(Case).join(Target, col(Target.id) == col(Case.target_id))
    if mine:
        query = query.where(Case.assignee == viewer)
    elif not sees_all:
        query = query.where(or_(col(Case.assignee) == viewer, col(Case.assignee).is_(None)))
    if stage:
        query = query.where(Case.stage == stage)
    if profession:
        query = query.where(Target.profession == profession)
    if region:
        query = query.where(Target.region == region)
    if overdue:
        late = select(Task.id).where(
            Task.case_id == Case.id,
            Task.status == TaskStatus.OPEN,
            col(Task.due_at) < datetime.now(UTC),
        )
        query = query.where(exists(late))
    query = query.order_by(col(Case.estimated_stake).desc().nulls_last(), col(Case.id))
    with Session(engine) as session:
        return list(session.exec(query.offset((page - 1) * size).limit(size)).all())


@dataclass(frozen=True)
class WorkItem:
    """A case on a worklist: the case, its target's profession and region, its next open
    task's due time (overdue when past) and its detection score."""

    case: Case
    profession: str | None
    region: str | None
    next_due: datetime | None
    score: float | None


def worklist(
    engine: Engine,
    *,
    viewer: str,
    sees_all: bool,
    mine: bool = False,
    assignees: list[str] | None = None,
    with_unassigned: bool = False,
    stage: Stage | None = None,
    overdue: bool = False,
    profession: str | None = None,
    region: str | None = None,
    size: int = 100,
    now: datetime | None = None,
) -> list[WorkItem]:
    """Open cases, overdue first (the most overdue first), then by next due date, then the
    largest stake; the same visibility as ``case_page``, or the cases of ``assignees`` (and
    the unassigned ones ``with_unassigned``)."""
    now = now or datetime.now(UTC)
    due = (
        select(Task.case_id, func.min(Task.due_at).label("next_due"))
        .where(Task.status == TaskStatus.OPEN)
        .group_by(col(Task.case_id))
        .subquery()
    )
    score = (
        select(Alert.case_id, func.max(Alert.score).label("score"))
        .where(col(Alert.case_id).is_not(None))
        .group_by(col(Alert.case_id))
        .subquery()
    )
    # five columns: sqlalchemy's select (sqlmodel's is typed for up to four)
    query = (
        sa_select(Case, col(Target.profession), col(Target.region), due.c.next_due, score.c.score)
        .join(Target, col(Target.id) == col(Case.target_id))
        .outerjoin(due, due.c.case_id == col(Case.id))
        .outerjoin(score, score.c.case_id == col(Case.id))
        .where(col(Case.stage) != Stage.CLOSED)
    )
    if mine:
        query = query.where(col(Case.assignee) == viewer)
    elif assignees is not None:
        chosen = col(Case.assignee).in_(assignees)
        query = query.where(
            or_(chosen, col(Case.assignee).is_(None)) if with_unassigned else chosen
        )
    elif not sees_all:
        query = query.where(or_(col(Case.assignee) == viewer, col(Case.assignee).is_(None)))
    if stage:
        query = query.where(col(Case.stage) == stage)
    if profession:
        query = query.where(col(Target.profession) == profession)
    if region:
        query = query.where(col(Target.region) == region)
    if overdue:
        query = query.where(due.c.next_due < now)
    late_first = case((due.c.next_due < now, 0), else_=1)
    query = query.order_by(
        late_first,
        due.c.next_due.asc().nulls_last(),
        col(Case.estimated_stake).desc().nulls_last(),
        col(Case.id),
    )
    with Session(engine) as session:
        rows = session.execute(query.limit(size)).all()
        return [WorkItem(c, p, r, d, s) for c, p, r, d, s in rows]


def next_unassigned(
    engine: Engine, *, profession: str | None = None, region: str | None = None
) -> Case | None:
    """The triage queue's next case: unassigned, the highest score, then the largest stake,
    then the oldest; within a profession or region when the worklist is filtered on one."""
    score = (
        select(Alert.case_id, func.max(Alert.score).label("score"))
        .group_by(col(Alert.case_id))
        .subquery()
    )
    query = (
        select(Case)
        .outerjoin(score, score.c.case_id == col(Case.id))
        .join(Target, col(Target.id) == col(Case.target_id))
        .where(Case.stage == Stage.TRIAGE, col(Case.assignee).is_(None))
        .order_by(
            score.c.score.desc().nulls_last(),
            col(Case.estimated_stake).desc().nulls_last(),
            col(Case.opened_at),
        )
    )
    if profession:
        query = query.where(Target.profession == profession)
    if region:
        query = query.where(Target.region == region)
    with Session(engine) as session:
        return session.exec(query.limit(1)).first()


def filter_values(engine: Engine) -> tuple[list[str], list[str]]:
    """The professions and regions the targets have, for the filters."""
    with Session(engine) as session:
        professions = session.exec(
            select(Target.profession).where(col(Target.profession).is_not(None)).distinct()
        ).all()
        regions = session.exec(
            select(Target.region).where(col(Target.region).is_not(None)).distinct()
        ).all()
    return sorted(p for p in professions if p), sorted(r for r in regions if r)
