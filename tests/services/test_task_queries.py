"""The worklist: an investigator's open tasks are those of the cases assigned to them, those
escalated to them and those assigned to them directly; nothing else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from models import Case, Target, Task
from models.types import ActorType, Stage, TaskStatus
from vigie.services.task_queries import list_tasks

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _case(session: Session, tag: str, assignee: str | None) -> str:
    target = Target(id=f"professional:{tag}", actor_type=ActorType.PROFESSIONAL, identifier=tag)
    case = Case(
        id=f"case:professional:{tag}:2025",
        target_id=target.id,
        period="2025",
        stage=Stage.INVESTIGATION,
        assignee=assignee,
        opened_at=NOW,
        updated_at=NOW,
    )
    session.add(target)
    session.flush()
    session.add(case)
    return case.id


def _task(session: Session, case_id: str, key: str, **fields: object) -> None:
    session.add(
        Task(  # type: ignore[arg-type]
            case_id=case_id,
            key=key,
            kind="deadline",
            title=key,
            due_at=NOW,
            created_at=NOW,
            **fields,
        )
    )


def test_the_worklist_holds_assigned_escalated_and_direct_tasks_and_nothing_else(
    engine: Engine,
) -> None:
    run = uuid.uuid4().hex[:8]
    me, other = f"wl-me-{run}", f"wl-other-{run}"
    with Session(engine) as session:
        mine = _case(session, f"wl-mine-{run}", me)
        theirs = _case(session, f"wl-theirs-{run}", other)
        session.flush()
        _task(session, mine, "on-my-case")
        _task(session, mine, "done-on-my-case", status=TaskStatus.DONE)
        _task(session, theirs, "escalated-to-me", escalated_to=me)
        _task(session, theirs, "given-to-me", assignee=me)
        _task(session, theirs, "theirs")
        session.commit()

    keys = {t.key for t in list_tasks(engine, user=me, now=NOW + timedelta(days=1))}
    assert keys == {"on-my-case", "escalated-to-me", "given-to-me"}
    assert {t.key for t in list_tasks(engine, user=other)} == {
        "escalated-to-me",
        "given-to-me",
        "theirs",
    }
