"""Cases: lists, one case, its timeline (all read from Postgres, so a closed case stays
readable after Temporal's retention), and actions (workflow updates)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlmodel import Session, select

from models import Case, Target
from models.case_state import CaseState
from models.types import Stage
from vigie.api.action_json import act_json
from vigie.api.action_requests import ActionRequest
from vigie.api.deps import ClientDep, CurrentUser, EngineDep
from vigie.api.errors import ForbiddenError, NotFoundApiError
from vigie.api.roles import ANY_CASE, READ_ANY_CASE
from vigie.api.schemas import (
    CaseDetail,
    CaseId,
    CasePage,
    CaseSummary,
    QueryText,
    TaskOut,
    TimelineEntry,
)
from vigie.services.case_access import log_access
from vigie.services.case_evidence import case_evidence
from vigie.services.case_lists import case_page
from vigie.services.case_queries import audit_trail
from vigie.services.errors import InvalidInputError
from vigie.services.task_queries import list_tasks

router = APIRouter(prefix="/api", tags=["cases"])


def _summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        stage=case.stage.value,
        assignee=case.assignee,
        target_id=case.target_id,
        typology=case.typology,
        source=case.source,
        estimated_stake=case.estimated_stake,
        harm_suffered=case.harm_suffered,
        opened_at=case.opened_at,
    )


def readable_case(engine: Any, user: Any, case_id: str) -> tuple[Case, Target | None]:
    """The case if this user may read it: 404 if there is none, 403 if it is another
    investigator's. The read is logged (who, when, which case, through the API)."""
    with Session(engine) as session:
        case = session.get(Case, case_id)
        target = session.get(Target, case.target_id) if case else None
    if case is None:
        raise NotFoundApiError("case_not_found", f"no case {case_id}")
    if user.role not in READ_ANY_CASE and case.assignee not in (None, user.id):
        raise ForbiddenError("not_your_case", f"{case_id} is assigned to another investigator")
    log_access(engine, user.id, case_id, "api")
    return case, target


@router.get("/cases", response_model=CasePage)
def cases(
    user: CurrentUser,
    engine: EngineDep,
    mine: bool = False,
    stage: Stage | None = None,
    overdue: bool = False,
    profession: QueryText = None,
    region: QueryText = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CasePage:
    """Cases, largest stake first. An investigator sees their own and the unassigned ones."""
    rows = case_page(
        engine,
        viewer=user.id,
        sees_all=user.role in READ_ANY_CASE,
        mine=mine,
        stage=stage,
        overdue=overdue,
        profession=profession,
        region=region,
        page=page,
        size=size,
    )
    return CasePage(items=[_summary(c) for c in rows], page=page, size=size)


@router.get("/cases/{case_id}", response_model=CaseDetail)
def case(case_id: CaseId, user: CurrentUser, engine: EngineDep) -> CaseDetail:
    """One case from Postgres: figures, open tasks, detection evidence."""
    row, target = readable_case(engine, user, case_id)
    evidence = case_evidence(engine, case_id)
    tasks = list_tasks(engine, case_id=case_id)
    outstanding = row.amount_due - row.amount_recovered - row.amount_written_off
    return CaseDetail(
        **_summary(row).model_dump(),
        period=row.period,
        target_name=target.display_name if target else None,
        profession=target.profession if target else None,
        region=target.region if target else None,
        harm_avoided=row.harm_avoided,
        amount_due=row.amount_due,
        amount_recovered=row.amount_recovered,
        amount_written_off=row.amount_written_off,
        amount_outstanding=outstanding,
        open_tracks=[t for t in row.open_tracks.split(",") if t],
        close_reason=row.close_reason,
        closed_at=row.closed_at,
        open_tasks=[TaskOut(**_task(t)) for t in tasks],
        evidence=_evidence(evidence),
    )


def _task(t: Any) -> dict[str, Any]:
    return {
        "case_id": t.case_id,
        "key": t.key,
        "kind": t.kind,
        "title": t.title,
        "due_at": t.due_at,
        "days_late": t.days_late,
        "escalated_to": t.escalated_to,
    }


def _evidence(evidence: Any) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "run_id": evidence.run_id,
        "score": evidence.score,
        "explanation": evidence.explanation,
        "rule_hits": [
            {"rule": h.rule, "amount": str(h.amount), "claim_ids": h.claim_ids, "detail": h.detail}
            for h in evidence.rule_hits
        ],
    }


@router.get("/cases/{case_id}/timeline", response_model=list[TimelineEntry])
def timeline(case_id: CaseId, user: CurrentUser, engine: EngineDep) -> list[TimelineEntry]:
    """The audit log of the case, oldest first."""
    readable_case(engine, user, case_id)
    return [
        TimelineEntry(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            from_stage=e.from_stage.value if e.from_stage else None,
            to_stage=e.to_stage.value if e.to_stage else None,
            reason=e.reason,
            details=e.details,
        )
        for e in audit_trail(engine, case_id)
    ]


@router.post("/cases/{case_id}/actions", response_model=CaseState)
async def action(
    case_id: CaseId,
    user: CurrentUser,
    engine: EngineDep,
    client: ClientDep,
    payload: Annotated[
        ActionRequest,
        Body(examples=[{"action": "open_investigation", "request_id": "r-1"}]),
    ],
) -> CaseState:
    """Apply an action as the signed-in user and return the case's new state. The body names
    the action and its fields (one schema per action); the acting user is the caller, and a
    role or an actor in the body is refused."""
    # a blocking read: in the thread pool, not on the event loop the worker shares
    assignee = await run_in_threadpool(case_assignee, engine, case_id)
    if assignee is None:
        raise NotFoundApiError("case_not_found", f"no case {case_id}")
    if user.role not in ANY_CASE and assignee[0] != user.id:
        raise ForbiddenError("not_your_case", f"{case_id} is not assigned to you")
    try:
        command = payload.command(user.id)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidInputError(field, first.get("input"), first["msg"]) from None
    # the state's JSON as the workflow wrote it (vigie/api/action_json.py)
    state = await act_json(client, case_id, command)
    return Response(state, media_type="application/json")  # type: ignore[return-value]


def case_assignee(engine: Any, case_id: str) -> tuple[str | None] | None:
    """``(assignee,)`` of the case, None when there is no such case: one column, one row."""
    with engine.connect() as conn:
        row = conn.execute(select(Case.assignee).where(Case.id == case_id)).first()
    return None if row is None else (row[0],)


@router.get("/tasks", response_model=list[TaskOut])
def tasks(user: CurrentUser, engine: EngineDep, overdue: bool = False) -> list[TaskOut]:
    """My open tasks (those of my cases and those escalated to me), overdue first."""
    return [TaskOut(**_task(t)) for t in list_tasks(engine, user=user.id, overdue=overdue)]
