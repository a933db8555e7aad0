"""Opening a case: one workflow, one case row and one audit row, whatever the retries."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.case_projection import CaseProjectionActivities
from models import AuditEntry, Case
from models.case_messages import CaseChange, CaseFigures, OpenCaseInput, TargetRef
from models.types import ActorType, Stage
from vigie.services.case_commands import open_case
from vigie.services.errors import ConflictError


def an_opening(request_id: str = "req-1") -> OpenCaseInput:
    return OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.PROFESSIONAL,
            identifier=f"PS{uuid.uuid4().hex[:9]}",
            profession="nurse",
            region="bretagne",
        ),
        period="2025",
        typology="nurse_hyperactivity",
        estimated_stake=Decimal("12000.00"),
        request_id=request_id,
    )


def opening_change(opening: OpenCaseInput) -> CaseChange:
    """The projection change that opens a case (seq 1), as the workflow would send it."""
    return CaseChange(
        case_id=f"case:{opening.target.key}:{opening.period}",
        seq=1,
        request_id=opening.request_id,
        actor="tester",
        at=datetime.now(UTC),
        action="open",
        to_stage=Stage.TRIAGE,
        figures=CaseFigures(stage=Stage.TRIAGE),
        opening=opening,
    )


def rows(engine: Engine, case_id: str) -> tuple[int, int]:
    with Session(engine) as session:
        cases = session.exec(select(func.count()).select_from(Case).where(Case.id == case_id)).one()
        audits = session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case_id)
        ).one()
    return cases, audits


async def wait_rows(engine: Engine, case_id: str, timeout: float = 20) -> tuple[int, int]:
    for _ in range(int(timeout / 0.1)):
        counts = rows(engine, case_id)
        if counts[0]:
            return counts
        await asyncio.sleep(0.1)
    return rows(engine, case_id)


async def test_opening_a_case_twice_with_one_request_id_writes_one_case_row_and_one_audit_row(
    time_env: WorkflowEnvironment, ts_worker: str, engine: Engine
) -> None:
    opening = an_opening("req-same")
    case_id = await open_case(time_env.client, ts_worker, opening)
    with pytest.raises(ConflictError):
        await open_case(time_env.client, ts_worker, opening)
    assert await wait_rows(engine, case_id) == (1, 1)
    await asyncio.sleep(0.5)
    assert rows(engine, case_id) == (1, 1)
    await time_env.client.get_workflow_handle(case_id).terminate("test over")


def test_a_retried_projection_write_is_applied_once(engine: Engine) -> None:
    change = opening_change(an_opening("req-retry"))
    case_id = change.case_id
    projection = CaseProjectionActivities(engine)
    assert projection.apply_case_change(change) is True
    assert projection.apply_case_change(change) is False
    assert rows(engine, case_id) == (1, 1)


def test_a_period_that_is_not_a_year_or_a_month_is_refused() -> None:
    with pytest.raises(ValueError, match="period must be YYYY or YYYY-MM"):
        OpenCaseInput(
            target=TargetRef(actor_type=ActorType.EMPLOYER, identifier="x"),
            period="2025-13",
            request_id="r",
        )


def test_another_change_under_an_already_recorded_seq_is_refused_not_dropped(
    engine: Engine,
) -> None:
    from temporalio.exceptions import ApplicationError

    first = opening_change(an_opening("req-first"))
    case_id = first.case_id
    projection = CaseProjectionActivities(engine)
    assert projection.apply_case_change(first) is True
    reused = first.model_copy(update={"request_id": "req-after-purge"})
    with pytest.raises(ApplicationError, match="already recorded as open"):
        projection.apply_case_change(reused)
    assert rows(engine, case_id) == (1, 1)
