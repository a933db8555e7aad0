"""Retention of personal data: a closed case past the configured period keeps its figures
(indicators, recovery rates) but loses the names and free text that identify people. Each
purge leaves a row of its own, which is never changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON
from sqlmodel import Column, Field, SQLModel

from models.types import timestamp_column

#: what a purged text reads
PURGED = "[purgé]"


class PersonalDataPurge(SQLModel, table=True):
    __tablename__ = "personal_data_purge"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(max_length=140, index=True)
    purged_at: datetime = timestamp_column()
    closed_at: datetime = timestamp_column()
    retention_months: int
    actor: str = Field(max_length=60)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PurgeReport(BaseModel):
    cases: list[str]
    rows: dict[str, int]
