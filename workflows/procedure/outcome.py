"""What a decision produces: the new state, and everything the projection must write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.case_messages import (
    CaseChange,
    CaseFigures,
    LedgerLine,
    OpenCaseInput,
    TaskSpec,
    TaskUpdate,
)
from models.case_state import CaseState
from models.letter import LetterRecord
from models.types import Stage


@dataclass
class Outcome:
    state: CaseState
    action: str
    actor: str
    from_stage: Stage | None
    to_stage: Stage | None
    summary: str
    request_id: str | None = None
    reason: str | None = None
    #: the actor's role from the user registry (None: not read yet, or the workflow itself)
    role: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    tasks_opened: list[TaskSpec] = field(default_factory=list)
    tasks_updated: list[TaskUpdate] = field(default_factory=list)
    ledger: list[LedgerLine] = field(default_factory=list)
    opening: OpenCaseInput | None = None
    letters: list[LetterRecord] = field(default_factory=list)

    def to_change(self) -> CaseChange:
        s = self.state
        at = s.timeline[-1].at
        return CaseChange(
            case_id=s.case_id,
            seq=s.seq,
            request_id=self.request_id,
            actor=self.actor,
            at=at,
            action=self.action,
            from_stage=self.from_stage,
            to_stage=self.to_stage,
            reason=self.reason,
            details=self.details,
            figures=figures(s),
            opening=self.opening,
            tasks_opened=self.tasks_opened,
            tasks_updated=self.tasks_updated,
            ledger=self.ledger,
            debts=list(s.debts.values()),
            letters=self.letters,
        )


def figures(s: CaseState) -> CaseFigures:
    """The case row's figures, all derived from the ledger the workflow holds."""
    balance = s.balance
    return CaseFigures(
        stage=s.stage,
        assignee=s.assignee,
        estimated_stake=s.estimated_stake,
        harm_suffered=s.harm_suffered,
        harm_avoided=s.harm_avoided,
        amount_due=balance.net_due,
        amount_recovered=balance.recovered,
        amount_written_off=balance.written_off,
        open_tracks=s.open_tracks,
        close_reason=s.close_reason,
        closed_at=s.closed_at,
    )
