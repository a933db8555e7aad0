"""Debts: what a debtor owes on a case (an overpayment, a penalty, damages), and the
instalment plans that spread one. Their balances are never stored: they are derived from the
ledger entries (``models.balances``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from models.types import Money, Qualification


class DebtKind(StrEnum):
    OVERPAYMENT = "overpayment"
    PENALTY = "penalty"
    DAMAGES = "damages"


class Debt(BaseModel):
    key: str = Field(description="unique within the case: debt-1, debt-2, ...")
    kind: DebtKind
    debtor: str = Field(description="the target key of who owes it")
    qualification: Qualification | None = None
    origin: str = Field(description="the grievance key or the track it comes from")
    established_at: datetime
    notified_on: date | None = Field(default=None, description="receipt of the notification")
    prescribed_on: date | None = Field(
        default=None, description="the day it falls out of reach (3 years, 5 for fraud)"
    )
    timers: list[str] = Field(default_factory=list, description="its prescription deadlines")


class Instalment(BaseModel):
    due_on: date
    amount: Money


class PlanStatus(StrEnum):
    ACTIVE = "active"
    HONOURED = "honoured"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class InstalmentPlan(BaseModel):
    """A schedule of instalments for the outstanding balance when it was granted."""

    key: str
    granted_on: date = Field(description="payments after this day count towards the plan")
    instalments: list[Instalment]
    status: PlanStatus = PlanStatus.ACTIVE
    next_index: int = Field(default=0, description="the next instalment to check")
