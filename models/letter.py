"""Procedure letters: the kinds, what a case remembers of each letter, and the stored letter.

A letter is composed and rendered by ``vigie.letters``; the case workflow records its issue,
sending and receipt (``models.letter_actions``), and the projection stores it once, in the
same transaction as the audit row of its issue. Postgres refuses any UPDATE or DELETE of a
stored letter (migration 0012): a letter that was wrong is followed by another, never edited.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import JSON, ForeignKeyConstraint, Text
from sqlmodel import Column, Field, SQLModel

from models.types import enum_column, timestamp_column


class LetterKind(StrEnum):
    GRIEVANCES = "grievances"  # notification des griefs (penalty procedure)
    WARNING = "warning"  # avertissement / mise en garde
    PAYMENT_NOTICE = "payment_notice"  # notification de payer (professional or insured person)
    FORMAL_NOTICE = "formal_notice"  # mise en demeure
    CONTRAINTE = "contrainte"
    INSTALMENT_PLAN = "instalment_plan"  # échéancier (instalment plan agreement)
    DIRECTOR_DECISION = "director_decision"  # décision du directeur (penalty notified)


def content_hash(html: str) -> str:
    """The SHA-256 of a letter's content (its HTML, UTF-8): what the audit log points at."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


class LetterState(BaseModel):
    """What the case workflow keeps of a letter: enough to start deadlines from its receipt."""

    id: str
    kind: LetterKind
    content_hash: str
    issued_on: date
    sent_on: date | None = None
    received_on: date | None = None
    receipt_presumed: bool = False
    deadline: str | None = PydanticField(
        default=None, description="the presumed-receipt deadline armed when it was sent"
    )


class LetterRecord(BaseModel):
    """A letter the projection stores with the audit row of its issue."""

    id: str
    kind: LetterKind
    issued_on: date = PydanticField(description="the day it is dated and signed")
    content_hash: str
    html: str
    template_version: str
    policy_version: str
    mentions: dict[str, str]


class LetterBase(SQLModel):
    case_id: str = Field(max_length=140, index=True)
    kind: LetterKind = enum_column(LetterKind)
    issued_on: date = Field(description="the day it is dated and signed")
    content_hash: str = Field(max_length=64)
    template_version: str = Field(max_length=40)
    policy_version: str = Field(max_length=80)
    issued_at: datetime = timestamp_column()  # when the issue was recorded
    issued_by: str = Field(max_length=60)


class Letter(LetterBase, table=True):
    """A stored letter; ``(case_id, seq)`` is the audit row of its issue (a foreign key)."""

    __tablename__ = "letter"
    __table_args__ = (
        ForeignKeyConstraint(
            ["case_id", "seq"], ["audit_log.case_id", "audit_log.seq"], name="fk_letter_audit"
        ),
    )

    id: str = Field(primary_key=True, max_length=80)
    seq: int
    html: str = Field(sa_type=Text)
    mentions: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class LetterPublic(LetterBase):
    id: str
    seq: int
    sent_on: date | None = None
    received_on: date | None = None
    receipt_presumed: bool = False
