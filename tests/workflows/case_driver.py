"""A small driver for lifecycle tests: open a case, act on it, read it back from Postgres."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from models import AuditEntry, Case, LedgerEntry, Task
from models.case_actions import ACTION_TYPES, GrievanceLine
from models.case_messages import OpenCaseInput, TargetRef
from models.case_run import CaseRunOptions
from models.case_state import CaseState
from models.local_time import PARIS
from models.types import ActorType
from vigie.services.case_commands import act, current_state, open_case


def new_target(actor_type: ActorType = ActorType.PROFESSIONAL) -> TargetRef:
    return TargetRef(
        actor_type=actor_type,
        identifier=f"T{uuid.uuid4().hex[:10]}",
        profession="nurse" if actor_type is ActorType.PROFESSIONAL else None,
        region="bretagne",
    )


def lines(*amounts: str, paid_on: date = date(2025, 3, 1)) -> list[GrievanceLine]:
    return [
        GrievanceLine(description=f"line {i}", amount=Decimal(a), paid_on=paid_on)
        for i, a in enumerate(amounts, start=1)
    ]


@dataclass
class CaseDriver:
    env: WorkflowEnvironment
    engine: Engine
    task_queue: str
    case_id: str = ""
    actor: str = "alice"
    sent: list[str] = field(default_factory=list)

    async def open(
        self,
        target: TargetRef | None = None,
        period: str = "2025",
        options: CaseRunOptions | None = None,
    ) -> CaseDriver:
        opening = OpenCaseInput(
            target=target or new_target(),
            period=period,
            typology="nurse_hyperactivity",
            estimated_stake=Decimal("25000.00"),
            request_id=f"open-{uuid.uuid4().hex[:8]}",
        )
        self.case_id = await open_case(self.env.client, self.task_queue, opening, options)
        await self.settle()
        return self

    async def do(self, action: str, request_id: str | None = None, **fields: Any) -> CaseState:
        request_id = request_id or f"{action}-{uuid.uuid4().hex[:8]}"
        fields.setdefault("actor", self.actor)
        cmd = ACTION_TYPES[action](request_id=request_id, **fields)
        self.sent.append(request_id)
        state = await act(self.env.client, self.case_id, cmd)
        await self.settle()
        return state

    async def recent_lines(self, *amounts: str) -> list[GrievanceLine]:
        """Lines paid the day the case opened (on the shared, skipping test clock), so no
        prescription warning fires during a test."""
        return lines(*amounts, paid_on=(await self.state()).opened_at.date())

    async def today(self) -> date:
        """Today in Paris on the (skipping) test clock: the day letters are received."""
        return (await self.env.get_current_time()).astimezone(PARIS).date()

    async def state(self) -> CaseState:
        return await current_state(self.env.client, self.case_id)

    async def sleep(self, **delta: float) -> CaseState:
        await self.env.sleep(timedelta(**delta))
        await self.settle()
        return await self.state()

    async def sleep_past(self, kind: str, margin: timedelta = timedelta(minutes=1)) -> CaseState:
        """Skip the test clock to just past the case's open deadline of ``kind``."""
        due = next(d.due_at for d in (await self.state()).deadlines if d.kind == kind)
        ahead = due + margin - await self.env.get_current_time()
        return await self.sleep(seconds=max(ahead.total_seconds(), 0.0))

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until Postgres has every change the workflow has made."""
        for _ in range(int(timeout / 0.05)):
            try:
                seq = (await self.state()).seq
            except Exception:  # noqa: BLE001 - the case may still be opening
                seq = -1
            if seq > 0 and self.audit_count() == seq:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"projection of {self.case_id} did not settle")

    # --- Postgres reads ------------------------------------------------------------------
    def case_row(self) -> Case:
        with Session(self.engine) as s:
            row = s.get(Case, self.case_id)
            assert row is not None
            s.expunge(row)
            return row

    def audit_count(self) -> int:
        with Session(self.engine) as s:
            return s.exec(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.case_id == self.case_id)
            ).one()

    def audit_rows(self) -> list[AuditEntry]:
        with Session(self.engine) as s:
            return list(
                s.exec(
                    select(AuditEntry)
                    .where(AuditEntry.case_id == self.case_id)
                    .order_by(col(AuditEntry.seq))
                ).all()
            )

    def tasks(self) -> list[Task]:
        with Session(self.engine) as s:
            return list(s.exec(select(Task).where(Task.case_id == self.case_id)).all())

    def ledger(self) -> list[LedgerEntry]:
        with Session(self.engine) as s:
            return list(
                s.exec(select(LedgerEntry).where(LedgerEntry.case_id == self.case_id)).all()
            )

    def snapshot(self) -> tuple[Any, ...]:
        """Everything Postgres holds for the case, to prove a refusal wrote nothing."""
        row = self.case_row()
        return (
            row.model_dump(),
            [a.model_dump() for a in self.audit_rows()],
            sorted((t.key, t.status, t.escalated_to) for t in self.tasks()),
            sorted((e.seq, e.line, e.kind, e.amount) for e in self.ledger()),
        )
