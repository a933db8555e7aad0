"""What the API returns (the OpenAPI schema documents each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel

#: text that Postgres can store: no NUL character (declared in the schema, checked by FastAPI)
NO_NUL = r"^[^\x00]*$"
QueryText = Annotated[str | None, Query(pattern=NO_NUL, max_length=200)]
CaseId = Annotated[str, Path(pattern=NO_NUL, max_length=140)]


class ErrorOut(BaseModel):
    code: str
    message: str
    details: Any = None


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth2 token type, not a secret)
    expires_at: datetime


class MeOut(BaseModel):
    id: str
    display_name: str
    role: str
    supervisor_id: str | None


class HealthOut(BaseModel):
    postgres: bool
    temporal: bool


class CaseSummary(BaseModel):
    id: str
    stage: str
    assignee: str | None
    target_id: str
    typology: str | None
    source: str
    estimated_stake: Decimal | None
    harm_suffered: Decimal
    opened_at: datetime


class CasePage(BaseModel):
    items: list[CaseSummary]
    page: int
    size: int


class TaskOut(BaseModel):
    case_id: str
    key: str
    kind: str
    title: str
    due_at: datetime | None
    days_late: int
    escalated_to: str | None


class CaseDetail(CaseSummary):
    period: str
    target_name: str | None
    profession: str | None
    region: str | None
    harm_avoided: Decimal
    amount_due: Decimal
    amount_recovered: Decimal
    amount_written_off: Decimal
    amount_outstanding: Decimal
    open_tracks: list[str]
    close_reason: str | None
    closed_at: datetime | None
    open_tasks: list[TaskOut]
    evidence: dict[str, Any] | None


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    from_stage: str | None
    to_stage: str | None
    reason: str | None
    details: dict[str, Any]


class AccessEntry(BaseModel):
    at: datetime
    actor: str
    case_id: str
    via: str
