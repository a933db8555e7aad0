"""Indicators (from the latest snapshot), the access log, and health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select
from temporalio.service import RPCError

from models import CaseAccess
from vigie.api.deps import CurrentUser, EngineDep
from vigie.api.schemas import AccessEntry, HealthOut, QueryText
from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.export import report_json
from vigie.services.indicators.snapshot import dashboard_report

router = APIRouter(prefix="/api", tags=["reports"])


@router.get("/indicators")
def indicators(
    user: CurrentUser,
    engine: EngineDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    by: Dimension | None = None,
    lang: Annotated[str, Query(pattern="^(fr|en)$")] = "fr",
) -> dict[str, Any]:
    """The indicators of the year with their targets and the money at risk (the JSON of
    `vigie report indicators --format json`), from a snapshot at most 30 minutes old."""
    snapshot = dashboard_report(engine, year=year, by=by)
    return report_json(snapshot.report, "fr" if lang == "fr" else "en") | {
        "computed_at": snapshot.computed_at.isoformat()
    }


@router.get("/access-log", response_model=list[AccessEntry])
def access_log(
    user: CurrentUser,
    engine: EngineDep,
    case_id: QueryText = None,
    actor: QueryText = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AccessEntry]:
    """Who read which case's personal data, when and through what (newest first)."""
    query = select(CaseAccess)
    if case_id:
        query = query.where(CaseAccess.case_id == case_id)
    if actor:
        query = query.where(CaseAccess.actor == actor)
    with Session(engine) as session:
        rows = session.exec(query.order_by(col(CaseAccess.id).desc()).limit(limit)).all()
    return [AccessEntry(at=r.at, actor=r.actor, case_id=r.case_id, via=r.via) for r in rows]


@router.get("/health", response_model=HealthOut)
async def health(request: Request, engine: EngineDep) -> HealthOut:
    """Whether Postgres and Temporal answer (no sign-in needed)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        postgres = True
    except SQLAlchemyError:
        postgres = False
    client = request.app.state.client
    try:
        temporal = client is not None and await client.service_client.check_health()
    except RPCError:
        temporal = False
    return HealthOut(postgres=postgres, temporal=bool(temporal))
