"""The full state of a case, as the workflow holds it and its query returns it.

It is a pydantic value: it crosses continue-as-new whole, and folding the audit log
(``workflows.procedure.fold``) rebuilds exactly the same value.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from models.balances import Balance, by_debt, measure, total
from models.case_actions import FollowUp, GrievanceLine, InvestigationKind, MeasureKind
from models.case_messages import LedgerLine, TargetRef
from models.debt import Debt, InstalmentPlan
from models.letter import LetterState
from models.policy_snapshot import PolicySnapshot
from models.types import LedgerKind, Money, Qualification, Stage

ZERO = Decimal("0")
RECOVERY = "recovery"
#: the procedure rules a new case opens under; a case keeps the version it opened with, so
#: changing a rule never silently changes a running case (1: recovery had a single step;
#: 2: debts, the recovery procedures by debtor, payments, instalment plans, write-offs;
#: 3: recovery deadlines counted as French law counts them, past weekends and holidays;
#: 4: the sanction tracks' deadlines too, from the day an event happened (``occurred_on``))
RULES_VERSION = 4


class TrackStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Track(BaseModel):
    """A parallel follow-up track: a sanction procedure or the recovery."""

    name: str
    status: TrackStatus = TrackStatus.OPEN
    step: str
    opened_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None
    penalty_amount: Money | None = None
    damages_amount: Money | None = None
    commission_extended: bool = False
    events: list[str] = Field(default_factory=list)
    task: str | None = Field(default=None, description="the open task of the current step")


class Deadline(BaseModel):
    """A durable legal or procedural deadline; the workflow sleeps until the earliest one."""

    key: str
    kind: str
    due_at: datetime
    track: str | None = None
    policy_key: str | None = None
    task_key: str | None = None


class InvestigationStep(BaseModel):
    key: str
    kind: InvestigationKind
    due_at: datetime
    description: str | None = None
    done: bool = False
    result: str | None = None
    escalated: bool = False


class Grievance(BaseModel):
    key: str
    qualification: Qualification
    description: str
    lines: list[GrievanceLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


class Measure(BaseModel):
    key: str
    kind: MeasureKind
    estimated_avoided: Money
    taken_at: datetime
    lifted_at: datetime | None = None


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    summary: str


class CaseState(BaseModel):
    case_id: str
    target: TargetRef
    period: str
    typology: str | None = None
    source: str = "manual"
    estimated_stake: Money | None = None
    policy: PolicySnapshot
    opened_at: datetime
    stage: Stage = Stage.TRIAGE
    assignee: str | None = None
    supervisor: str | None = None
    seq: int = 0
    applied_requests: dict[str, int] = Field(default_factory=dict)
    request_digests: dict[str, str] = Field(
        default_factory=dict, description="request id -> fingerprint of its payload"
    )
    investigation: list[InvestigationStep] = Field(default_factory=list)
    grievances: list[Grievance] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    repeat_offence: bool = False
    warnings_issued: int = 0
    complaint_waiver: str | None = None
    tracks: dict[str, Track] = Field(default_factory=dict)
    deadlines: list[Deadline] = Field(default_factory=list)
    escalations: list[str] = Field(default_factory=list)
    merged_into: str | None = None
    close_reason: str | None = None
    closed_at: datetime | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    counter: int = Field(default=0, description="source of per-case keys (action-1, ...)")
    rules_version: int = Field(default=1, description="fixed when the case opens")
    debts: dict[str, Debt] = Field(default_factory=dict)
    ledger: list[LedgerLine] = Field(
        default_factory=list, description="every entry posted, as Postgres holds them"
    )
    plan: InstalmentPlan | None = None
    letters: dict[str, LetterState] = Field(default_factory=dict)
    close_outcome: str | None = None

    @property
    def facts_year(self) -> int:
        return int(self.period[:4])

    @property
    def closed(self) -> bool:
        return self.stage is Stage.CLOSED

    # --- money: every figure is derived from the ledger (models.balances) ----------------
    @property
    def balance(self) -> Balance:
        """Due, reduced, paid, offset, written off and outstanding over all debts."""
        return total(self.ledger)

    @property
    def debt_balances(self) -> dict[str | None, Balance]:
        return by_debt(self.ledger)

    @property
    def harm_suffered(self) -> Decimal:
        return measure(self.ledger, LedgerKind.HARM_SUFFERED)

    @property
    def harm_avoided(self) -> Decimal:
        return measure(self.ledger, LedgerKind.HARM_AVOIDED)

    @property
    def amount_due(self) -> Decimal:
        """Overpayments once established as debts, penalties and damages once decided, net
        of reductions."""
        return self.balance.net_due

    @property
    def fraudulent_harm(self) -> Decimal:
        return sum(
            (g.total for g in self.grievances if g.qualification is Qualification.FRAUD), ZERO
        )

    def harm_by(self, qualifications: set[Qualification]) -> Decimal:
        return sum((g.total for g in self.grievances if g.qualification in qualifications), ZERO)

    @property
    def penalties_due(self) -> Decimal:
        return sum((t.penalty_amount or ZERO for t in self.tracks.values()), ZERO)

    @property
    def damages_due(self) -> Decimal:
        return sum((t.damages_amount or ZERO for t in self.tracks.values()), ZERO)

    @property
    def open_tracks(self) -> list[str]:
        return sorted(n for n, t in self.tracks.items() if t.status is TrackStatus.OPEN)

    def next_key(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"
