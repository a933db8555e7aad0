"""The append-only money ledger. A case's amounts are derived from it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import LedgerKind, Qualification, enum_column, money_column, timestamp_column


class LedgerEntry(SQLModel, table=True):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", "line", name="uq_ledger_case_seq_line"),
        CheckConstraint("amount >= 0", name="ck_ledger_amount_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="fraud_case.id", max_length=140, index=True)
    seq: int
    line: int = 0
    kind: LedgerKind = enum_column(LedgerKind)
    amount: Decimal = money_column()
    qualification: Qualification | None = enum_column(Qualification, nullable=True)
    track: str | None = Field(default=None, max_length=40)
    booked_at: datetime = timestamp_column()
    note: str | None = Field(default=None, sa_type=Text)
