"""Case lists read from Postgres: mine, by stage, overdue; largest stake first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session

from models import Case, Target, Task
from models.types import ActorType, Stage
from vigie.services.case_queries import list_cases

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def a_case(
    session: Session, assignee: str, stage: Stage, stake: str, due_in_days: int | None
) -> str:
    ident = f"Q{uuid.uuid4().hex[:8]}"
    session.add(
        Target(id=f"professional:{ident}", actor_type=ActorType.PROFESSIONAL, identifier=ident)
    )
    session.flush()
    case_id = f"case:professional:{ident}:2026"
    session.add(
        Case(
            id=case_id,
            target_id=f"professional:{ident}",
            period="2026",
            stage=stage,
            assignee=assignee,
            estimated_stake=Decimal(stake),
            opened_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()
    if due_in_days is not None:
        session.add(
            Task(
                case_id=case_id,
                key="action-1",
                kind="action",
                title="survey",
                due_at=NOW + timedelta(days=due_in_days),
                created_at=NOW,
            )
        )
    return case_id


def test_lists_filter_by_assignee_stage_and_overdue_tasks_largest_stake_first(
    engine: Engine,
) -> None:
    me = f"inv-{uuid.uuid4().hex[:6]}"
    with Session(engine) as session, session.begin():
        late = a_case(session, me, Stage.INVESTIGATION, "900.00", due_in_days=-2)
        on_time = a_case(session, me, Stage.INVESTIGATION, "5000.00", due_in_days=10)
        triage = a_case(session, me, Stage.TRIAGE, "100.00", due_in_days=None)
        a_case(session, "someone-else", Stage.INVESTIGATION, "99999.00", due_in_days=-5)
    assert [c.id for c in list_cases(engine, assignee=me)] == [on_time, late, triage]
    assert [c.id for c in list_cases(engine, assignee=me, stage=Stage.TRIAGE)] == [triage]
    assert [c.id for c in list_cases(engine, assignee=me, overdue=True, now=NOW)] == [late]
