"""The append-only money ledger, and the debts it moves. A case's amounts are derived from
the ledger; Postgres refuses any UPDATE or DELETE on it (migration 0006)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from models.debt import DebtKind
from models.types import (
    EntrySource,
    LedgerKind,
    Qualification,
    WriteOffReason,
    enum_column,
    money_column,
    timestamp_column,
)


class LedgerEntry(SQLModel, table=True):
    """One entry, written with the audit row ``(case_id, seq)`` of the change that posted it
    (a foreign key), at position ``line``; ``seq.line`` is how reversals point at it."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", "line", name="uq_ledger_case_seq_line"),
        CheckConstraint("amount >= 0", name="ck_ledger_amount_non_negative"),
        ForeignKeyConstraint(
            ["case_id", "seq"], ["audit_log.case_id", "audit_log.seq"], name="fk_ledger_audit"
        ),
        Index("ix_ledger_entry_debt", "case_id", "debt"),
        # indicators (migration 0008): flows by value date, harm by booking date, reversals
        Index("ix_ledger_entry_kind_effective_on", "kind", "effective_on", "qualification"),
        Index("ix_ledger_entry_kind_booked_at", "kind", "booked_at", "qualification"),
        Index(
            "ix_ledger_entry_reversal",
            "case_id",
            "reverses",
            postgresql_where=text("kind = 'reversal'"),
        ),
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
    debt: str | None = Field(default=None, max_length=40)
    debtor: str | None = Field(default=None, max_length=120)
    effective_on: date | None = Field(default=None)
    source: EntrySource = enum_column(EntrySource, default=EntrySource.ACTION)
    reason: WriteOffReason | None = enum_column(WriteOffReason, nullable=True)
    reverses: str | None = Field(default=None, max_length=24)
    ref: str | None = Field(default=None, max_length=24)


class DebtRecord(SQLModel, table=True):
    """The debts of a case as the workflow holds them (a projection; balances are not
    stored here: they come from the ledger)."""

    __tablename__ = "debt"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_debt_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="fraud_case.id", max_length=140, index=True)
    key: str = Field(max_length=40)
    kind: DebtKind = enum_column(DebtKind)
    debtor: str = Field(max_length=120, index=True)
    qualification: Qualification | None = enum_column(Qualification, nullable=True)
    origin: str = Field(max_length=60)
    established_at: datetime = timestamp_column()
    notified_on: date | None = Field(default=None, index=True)
    prescribed_on: date | None = Field(default=None, index=True)
