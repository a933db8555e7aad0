"""Cases, audit rows, ledger entries, debts, stage history, tasks and detection runs written
straight into Postgres, as the projection writes them, for the indicator tests.

The ledger and the audit log are append-only (Postgres refuses UPDATE and DELETE): every
test writes fresh case ids and never cleans up. A ledger entry points at its audit row
``(case_id, seq)``, so each batch of entries is written under an audit row of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import SQLModel

from models import (
    Alert,
    AuditEntry,
    Case,
    DebtRecord,
    DetectionRun,
    LedgerEntry,
    StageChange,
    Target,
    Task,
)

#: the case row's figures (the indicators never read them: they read the ledger)
ZERO_FIGURES = (
    "harm_suffered",
    "harm_avoided",
    "amount_due",
    "amount_recovered",
    "amount_written_off",
)

#: insertion order (foreign keys first)
TABLES = (Target, Case, AuditEntry, LedgerEntry, DebtRecord, StageChange, Task, DetectionRun, Alert)


@dataclass
class Rows:
    by_table: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, model: type[SQLModel], **values: Any) -> None:
        self.by_table[str(model.__tablename__)].append(values)

    def case(
        self,
        case_id: str,
        opened_at: datetime,
        *,
        actor_type: str = "professional",
        profession: str | None = None,
        region: str | None = None,
        assignee: str | None = None,
        stage: str = "triage",
        received_at: datetime | None = None,
    ) -> CaseRows:
        target = f"{actor_type}:{case_id}"
        self.add(
            Target,
            id=target,
            actor_type=actor_type,
            identifier=case_id,
            profession=profession,
            region=region,
            created_at=opened_at,
        )
        self.add(
            Case,
            id=case_id,
            target_id=target,
            period="2025",
            source="manual",
            stage=stage,
            assignee=assignee,
            opened_at=opened_at,
            updated_at=opened_at,
            last_seq=1,
            **dict.fromkeys(ZERO_FIGURES, Decimal("0")),
        )
        opening = {
            "source": "manual",
            "received_at": received_at.isoformat() if received_at else None,
        }
        built = CaseRows(self, case_id)
        built.event("open", opened_at, {"opening": opening})
        return built

    def add_run(self, run_id: str, started_at: datetime, alerts: list[tuple[str, str]]) -> None:
        """A detection run, and one alert per (case id, outcome)."""
        self.add(
            DetectionRun,
            id=run_id,
            period="2025",
            status="done",
            started_at=started_at,
            partitions=1,
            claims=0,
            providers=0,
            alerts=len(alerts),
            cases_opened=0,
        )
        for n, (case_id, outcome) in enumerate(alerts):
            self.add(
                Alert,
                run_id=run_id,
                provider_id=f"p{n}",
                period="2025",
                score=0.9,
                estimated_stake=Decimal("1000"),
                expected_recovery=Decimal("500"),
                explanation="test",
                case_id=case_id,
                outcome=outcome,
            )

    def insert(self, engine: Engine) -> None:
        with engine.begin() as conn:
            for model in TABLES:
                values = self.by_table.get(str(model.__tablename__))
                if values:
                    conn.execute(insert(model), values)


@dataclass
class CaseRows:
    rows: Rows
    case_id: str
    seq: int = 0

    def event(self, action: str, at: datetime, details: dict[str, Any] | None = None) -> int:
        self.seq += 1
        self.rows.add(
            AuditEntry,
            case_id=self.case_id,
            seq=self.seq,
            at=at,
            actor="tester",
            action=action,
            details=details or {},
        )
        return self.seq

    def post(self, at: datetime, *lines: dict[str, Any]) -> list[str]:
        """Entries booked at ``at`` under one audit row; their refs ('seq.line')."""
        seq = self.event("post", at)
        refs = []
        for n, line in enumerate(lines):
            values = {
                "qualification": None,
                "debt": None,
                "effective_on": None,
                "reverses": None,
                **line,
            }
            values["amount"] = Decimal(values["amount"])
            self.rows.add(
                LedgerEntry,
                case_id=self.case_id,
                seq=seq,
                line=n,
                booked_at=at,
                source="action",
                ref=f"{seq}.{n}",
                **values,
            )
            refs.append(f"{seq}.{n}")
        return refs

    def debt(
        self,
        key: str,
        *,
        kind: str = "overpayment",
        qualification: str | None = None,
        notified_on: date | None = None,
        prescribed_on: date | None = None,
        established_at: datetime,
    ) -> None:
        self.rows.add(
            DebtRecord,
            case_id=self.case_id,
            key=key,
            kind=kind,
            debtor=f"debtor:{self.case_id}",
            qualification=qualification,
            origin="grievance",
            established_at=established_at,
            notified_on=notified_on,
            prescribed_on=prescribed_on,
        )

    def stage(self, seq: int, to_stage: str, at: datetime) -> None:
        self.rows.add(
            StageChange,
            case_id=self.case_id,
            seq=seq,
            from_stage=None,
            to_stage=to_stage,
            at=at,
            actor="tester",
        )

    def task(self, key: str, **values: Any) -> None:
        self.rows.add(Task, case_id=self.case_id, key=key, kind="action", title=key, **values)
