"""Payments files and the payments they could not match (the suspense list)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import money_column, timestamp_column


class PaymentImport(SQLModel, table=True):
    """One payments file; its SHA-256 makes a second import of the same file refused."""

    __tablename__ = "payment_import"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    file_name: str = Field(sa_type=Text)
    imported_at: datetime = timestamp_column()
    imported_by: str = Field(max_length=60)
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    status: str = Field(default="applying", max_length=20, description="applying, done")


class SuspendedPayment(SQLModel, table=True):
    """A payment that names no debt and no debtor with exactly one open recovery, or that
    the case refused: kept, never dropped, until someone assigns it."""

    __tablename__ = "payment_suspense"
    __table_args__ = (UniqueConstraint("import_id", "line", name="uq_suspense_import_line"),)

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="payment_import.id", index=True)
    line: int
    payment_ref: str = Field(max_length=100)
    paid_on: date
    amount: Decimal = money_column()
    method: str = Field(max_length=20)
    debtor: str | None = Field(default=None, max_length=120)
    debt_ref: str | None = Field(default=None, max_length=200)
    reason: str = Field(sa_type=Text)
    resolved_case_id: str | None = Field(default=None, max_length=140)
    resolved_at: datetime | None = timestamp_column(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=60)
