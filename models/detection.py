"""Detection runs, per-provider scores and the alerts selected for triage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Float, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import money_column, timestamp_column

#: ``target_type`` of a scored provider and of a scored insured person
PROFESSIONAL = "professional"
INSURED = "insured"


class DetectionRun(SQLModel, table=True):
    __tablename__ = "detection_run"

    id: str = Field(primary_key=True, max_length=140, description="the workflow id")
    period: str = Field(max_length=7, index=True)
    status: str = Field(max_length=20, description="running, done, failed")
    started_at: datetime = timestamp_column()
    finished_at: datetime | None = timestamp_column(nullable=True)
    partitions: int = 0
    claims: int = 0
    providers: int = 0
    alerts: int = 0
    cases_opened: int = 0
    model: str | None = Field(default=None, sa_type=Text)


class ProviderFeatures(SQLModel, table=True):
    """Features of one provider for a run, written by the partition activities."""

    __tablename__ = "provider_features"
    __table_args__ = (UniqueConstraint("run_id", "provider_id", name="uq_features_run_provider"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="detection_run.id", max_length=140, index=True)
    provider_id: str = Field(max_length=64)
    profession: str = Field(max_length=40)
    region: str = Field(max_length=40)
    features: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    rule_hits: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class ProviderScore(SQLModel, table=True):
    """A scored target of a run: a provider, or an insured person (``target_type``
    ``insured``: ``provider_id`` then holds the insured person's pseudonymised identifier
    and ``profession`` the peer class, age band and chronic status)."""

    __tablename__ = "provider_score"
    __table_args__ = (
        UniqueConstraint("run_id", "target_type", "provider_id", name="uq_score_run_target"),
        Index("ix_score_run_rank", "run_id", "target_type", "rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="detection_run.id", max_length=140)
    target_type: str = Field(default=PROFESSIONAL, max_length=20)
    provider_id: str = Field(max_length=64, index=True)
    profession: str = Field(max_length=40)
    region: str = Field(max_length=40)
    rank: int
    score: float = Field(sa_column=Column(Float, nullable=False))
    estimated_stake: Decimal = money_column()
    rule_hits: int = 0
    explanation: str = Field(sa_type=Text)
    explanation_items: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class Alert(SQLModel, table=True):
    """A selected target (provider or insured person, see ``ProviderScore``): it becomes
    (or joins) a case through triage."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("run_id", "target_type", "provider_id", name="uq_alert_run_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="detection_run.id", max_length=140, index=True)
    target_type: str = Field(default=PROFESSIONAL, max_length=20)
    provider_id: str = Field(max_length=64)
    period: str = Field(max_length=7)
    score: float = Field(sa_column=Column(Float, nullable=False))
    estimated_stake: Decimal = money_column()
    expected_recovery: Decimal = money_column()
    explanation: str = Field(sa_type=Text)
    case_id: str | None = Field(default=None, max_length=140)
    outcome: str | None = Field(default=None, max_length=20, description="opened, already_open")
