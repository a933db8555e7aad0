"""Policy records: PMSS by year, legal deadlines and amount rules, versioned with sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


class PolicyRecordBase(SQLModel):
    key: str = Field(max_length=60, index=True, description="e.g. pmss, deadline.observations")
    value: Decimal = Field(sa_column=Column(Numeric(18, 4), nullable=False))
    unit: str = Field(max_length=20, description="EUR, ratio, days, months, pmss")
    effective_from: date
    effective_to: date | None = None
    source: str = Field(max_length=400)
    uncertain: bool = Field(default=False, description="not yet checked against the official text")


class PolicyRecord(PolicyRecordBase, table=True):
    __tablename__ = "policy_record"
    __table_args__ = (
        UniqueConstraint("version", "key", "effective_from", name="uq_policy_version_key_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(description="version of the policy data file that loaded the record")
