"""Precomputed indicator reports: the dashboard's cache, refreshed by a scheduled job.

Not a record: a snapshot is recomputed from the ledger, the cases and the audit log at each
refresh and replaces the previous one of the same year, breakdown and target series. At a
million cases one report takes seconds to compute and the dashboard must answer in
milliseconds (BENCHMARKS.md, "Reads at scale").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import timestamp_column


class IndicatorSnapshot(SQLModel, table=True):
    __tablename__ = "indicator_snapshot"
    __table_args__ = (
        UniqueConstraint("year", "breakdown", "series", name="uq_indicator_snapshot_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int
    breakdown: str = Field(max_length=20, description="the dimension, '' for none")
    series: str = Field(max_length=20, description="the target series (cnam, cnmss)")
    computed_at: datetime = timestamp_column()
    took_ms: int = Field(description="how long the computation took")
    report: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class IndicatorRefreshResult(BaseModel):
    """What a scheduled refresh stored (crosses the Temporal boundary)."""

    year: int
    reports: int
    took_ms: int
