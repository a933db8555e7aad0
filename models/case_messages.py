"""Messages that cross the Temporal boundary for a case: inputs, projection changes.

These are plain pydantic models (never ``table=True`` objects), carried by the pydantic
data converter between the client, the workflow and the activities.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from models.debt import Debt
from models.identifiers import looks_like_nir
from models.letter import LetterRecord
from models.local_time import LocalDateTime
from models.types import (
    ActorType,
    EntrySource,
    LedgerKind,
    Money,
    Qualification,
    Stage,
    TaskStatus,
    WriteOffReason,
)

ZERO = Decimal("0")
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


class TargetRef(BaseModel):
    actor_type: ActorType
    identifier: str = Field(min_length=1, max_length=64)
    profession: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=40)
    display_name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _no_raw_nir(self) -> TargetRef:
        """A raw NIR never enters a case: workflow ids, histories and logs would carry it."""
        if self.actor_type is ActorType.INSURED and looks_like_nir(self.identifier):
            raise ValueError(
                "identifier is a raw NIR: pseudonymise it first "
                "(models.identifiers.pseudonymise_nir with the configured key)"
            )
        return self

    @property
    def key(self) -> str:
        return f"{self.actor_type.value}:{self.identifier}"


def case_workflow_id(target: TargetRef, period: str) -> str:
    """One case per target and period: the workflow id is derived from both."""
    return f"case:{target.key}:{period}"


class OpenCaseInput(BaseModel):
    """Everything an alert carries when it becomes a case."""

    target: TargetRef
    period: str = Field(description="YYYY or YYYY-MM: the period of the facts")
    typology: str | None = Field(default=None, max_length=60)
    source: str = Field(default="manual", min_length=1, max_length=40)
    estimated_stake: Money | None = None
    score: float | None = Field(default=None, ge=0, le=1)
    explanation: str | None = None
    actor: str = Field(default="system", min_length=1, max_length=60)
    request_id: str = Field(min_length=1, max_length=100)
    received_at: LocalDateTime | None = Field(
        default=None,
        description="when the alert or report was received, if before the case is opened "
        "(entered late): the triage deadline runs from it",
    )

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str) -> str:
        if not PERIOD_RE.match(value):
            raise ValueError("period must be YYYY or YYYY-MM")
        return value

    @property
    def facts_year(self) -> int:
        return int(self.period[:4])


class TaskSpec(BaseModel):
    key: str
    kind: str
    title: str
    due_at: datetime | None = None
    assignee: str | None = None


class TaskUpdate(BaseModel):
    key: str
    status: TaskStatus
    at: datetime
    result: str | None = None
    escalated_to: str | None = None


class LedgerLine(BaseModel):
    """One ledger entry as the workflow posts it; Postgres stores it append-only under the
    audit row that wrote it, ``(case_id, seq)``, at position ``line``."""

    kind: LedgerKind
    amount: Money
    qualification: Qualification | None = None
    track: str | None = None
    note: str | None = None
    debt: str | None = Field(default=None, description="the debt it moves, e.g. debt-2")
    debtor: str | None = Field(default=None, description="the debtor's target key")
    effective_on: date | None = Field(default=None, description="when it happened")
    source: EntrySource = EntrySource.ACTION
    reason: WriteOffReason | None = None
    reverses: str | None = Field(default=None, description="'seq.line' of the entry reversed")
    ref: str | None = Field(default=None, description="its own 'seq.line'")


class CaseFigures(BaseModel):
    """The case row's projected fields after a change."""

    stage: Stage
    assignee: str | None = None
    estimated_stake: Money | None = None
    harm_suffered: Money = ZERO
    harm_avoided: Money = ZERO
    amount_due: Money = ZERO
    amount_recovered: Money = ZERO
    amount_written_off: Money = ZERO
    open_tracks: list[str] = Field(default_factory=list)
    close_reason: str | None = None
    closed_at: datetime | None = None


class CaseChange(BaseModel):
    """One accepted action, applied to Postgres in one idempotent transaction.

    ``(case_id, seq)`` is the idempotency key: ``seq`` lives in workflow state and survives
    continue-as-new, unlike the run id.
    """

    case_id: str
    seq: int = Field(ge=1)
    request_id: str | None = None
    actor: str
    at: datetime
    action: str
    from_stage: Stage | None = None
    to_stage: Stage | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    figures: CaseFigures
    opening: OpenCaseInput | None = None
    tasks_opened: list[TaskSpec] = Field(default_factory=list)
    tasks_updated: list[TaskUpdate] = Field(default_factory=list)
    ledger: list[LedgerLine] = Field(default_factory=list)
    debts: list[Debt] = Field(default_factory=list, description="the case's debts, all")
    letters: list[LetterRecord] = Field(default_factory=list, description="letters issued")
