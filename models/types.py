"""Shared column types and enums. Money is Decimal in Python and NUMERIC(14, 2) in Postgres."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field as PydanticField
from pydantic import WithJsonSchema
from sqlalchemy import DateTime, Numeric
from sqlalchemy import Enum as SAEnum
from sqlmodel import Column, Field

MONEY_DIGITS = 14
MONEY_PLACES = 2

#: A non-negative amount in euros with at most two decimals; validation refuses anything else
#: (a third decimal is an error, never a silent rounding).
Money = Annotated[
    Decimal,
    PydanticField(ge=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES),
    # what the schema tells API clients (and the API's fuzzer): the same limits as validation
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
                {"type": "integer", "minimum": 0, "maximum": 10**12 - 1},
            ],
            "examples": ["1250.40"],
        }
    ),
]


def money_column(nullable: bool = False, default: Decimal | None = None) -> Any:
    return Field(
        default=default,
        sa_column=Column(Numeric(MONEY_DIGITS, MONEY_PLACES), nullable=nullable),
    )


def timestamp_column(nullable: bool = False, now_default: bool = False) -> Any:
    """A timezone-aware timestamp column; ``now_default`` fills it with the current UTC time."""
    column = Column(DateTime(timezone=True), nullable=nullable)
    if now_default:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def enum_column(enum_cls: type[StrEnum], nullable: bool = False, default: Any = None) -> Any:
    """A StrEnum stored as its value in a VARCHAR (no native Postgres enum to migrate)."""
    column: Column[Any] = Column(
        SAEnum(
            enum_cls,
            native_enum=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        nullable=nullable,
    )
    return Field(default=default, sa_column=column)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ActorType(StrEnum):
    """Who a case is about (the target, "cible")."""

    PROFESSIONAL = "professional"
    ESTABLISHMENT = "establishment"
    INSURED = "insured"
    EMPLOYER = "employer"


class Stage(StrEnum):
    """The stages of a fraud case, in procedure order."""

    ALERT = "alert"
    TRIAGE = "triage"
    INVESTIGATION = "investigation"
    FINDINGS = "findings"
    FOLLOW_UPS = "follow_ups"
    RECOVERY = "recovery"
    CLOSED = "closed"


class Qualification(StrEnum):
    """How a grievance is qualified: it decides fraudulent vs non-fraudulent in the indicators."""

    FRAUD = "fraud"
    FAULT = "fault"
    ABUSE = "abuse"
    ERROR = "error"


class LedgerKind(StrEnum):
    """What a ledger entry records. Harm suffered and avoided are measures of the case; the
    others move the balance of a debt (see ``models.balances``)."""

    HARM_SUFFERED = "harm_suffered"
    HARM_AVOIDED = "harm_avoided"
    DUE = "due"  # an overpayment established as due (its notification date is on the debt)
    PENALTY_DUE = "penalty_due"  # a financial penalty notified
    DAMAGES_DUE = "damages_due"  # damages awarded by a criminal court
    DUE_REDUCED = "due_reduced"  # lowered by an appeal, a CRA decision or a judgment
    PAYMENT = "payment"  # money received from the debtor
    OFFSET = "offset"  # withheld from payments or benefits due to the debtor
    WRITTEN_OFF = "written_off"  # with a reason (see WriteOffReason)
    REVERSAL = "reversal"  # cancels one earlier payment, offset or write-off entry


class WriteOffReason(StrEnum):
    PRESCRIPTION = "prescription"
    INSOLVENCY = "insolvency"
    REMISSION = "remission"
    DECISION_CANCELLED = "decision_cancelled"


class EntrySource(StrEnum):
    ACTION = "action"
    IMPORT = "import"
    TIMER = "timer"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
