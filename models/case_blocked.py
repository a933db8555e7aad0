"""A case whose change can never be written (a constraint violated): blocked, with its reason,
until an administrator has the cause fixed and unblocks it. Other cases are not affected."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.types import timestamp_column

#: the activity error types that block a case rather than fail it
PROJECTION_REFUSED = "ProjectionRefused"
PROJECTION_CONFLICT = "ProjectionConflict"
BLOCKING_ERRORS = (PROJECTION_REFUSED, PROJECTION_CONFLICT)


class Blocked(BaseModel):
    """What the workflow keeps (and its ``blocked`` query answers) while a case is blocked."""

    case_id: str
    action: str
    seq: int
    reason: str
    since: datetime


class Unblock(BaseModel):
    """An administrator's request to try the blocked change again, once its cause is fixed."""

    actor: str
    reason: str


class CaseBlocked(SQLModel, table=True):
    """The administrators' list of blocked cases (``vigie cases blocked``)."""

    __tablename__ = "case_blocked"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(max_length=140, index=True)
    action: str = Field(max_length=60)
    seq: int
    reason: str = Field(sa_type=Text)
    since: datetime = timestamp_column()
    resolved_at: datetime | None = timestamp_column(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=60)
    resolution: str | None = Field(default=None, sa_type=Text)
