"""Access to case records is logged: who read which case, when, and through what."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import timestamp_column


class CaseAccess(SQLModel, table=True):
    __tablename__ = "case_access"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_column(now_default=True)
    actor: str = Field(max_length=60, index=True)
    case_id: str = Field(max_length=140, index=True)
    via: str = Field(max_length=20, description="cli, api, web")
