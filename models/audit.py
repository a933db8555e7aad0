"""The audit log: who did what, when, from which stage to which, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import Stage, enum_column, timestamp_column


class AuditEntry(SQLModel, table=True):
    """One row per state change, written in the same transaction as the change.

    ``(case_id, seq)`` is also the idempotency key of the projection: the row is inserted with
    ``ON CONFLICT DO NOTHING`` and the change is applied only when the insert took.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_audit_case_seq"),
        Index("ix_audit_log_action_at", "action", "at"),  # indicators (migration 0008)
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(max_length=140, index=True)
    seq: int
    request_id: str | None = Field(default=None, max_length=100)
    at: datetime = timestamp_column()
    actor: str = Field(max_length=60)
    action: str = Field(max_length=60)
    from_stage: Stage | None = enum_column(Stage, nullable=True)
    to_stage: Stage | None = enum_column(Stage, nullable=True)
    reason: str | None = Field(default=None, sa_type=Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
