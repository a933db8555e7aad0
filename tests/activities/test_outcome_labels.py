"""Labels from closed cases: a fraud grievance is 1, investigated with nothing found is 0; a
merged case, a dismissal at triage, an open case and a fault-only case give no label. Each case
counts once, however many ledger, alert, task or stage rows it has.

The rows are written as the case projection writes them: one audit row per change, a stage
history row per transition, ledger entries keyed on their audit row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session

from models import Alert, AuditEntry, Case, DetectionRun, LedgerEntry, StageChange, Target, Task
from models.types import ActorType, LedgerKind, Qualification, Stage
from vigie.services.outcome_labels import outcome_labels, provider_outcomes

NOW = datetime(2026, 1, 5, tzinfo=UTC)

Line = tuple[LedgerKind, str, Qualification | None]


def provider(session: Session) -> str:
    """A new professional target; returns its identifier (the provider id of detection)."""
    ident = f"L{uuid.uuid4().hex[:8]}"
    session.add(
        Target(id=f"professional:{ident}", actor_type=ActorType.PROFESSIONAL, identifier=ident)
    )
    session.flush()  # no ORM relationship orders the inserts: the target goes first
    return ident


class CaseRows:
    """A case on ``ident`` for ``period``, opened into triage, moved on by ``change``."""

    def __init__(self, session: Session, ident: str, period: str = "2025") -> None:
        self.session, self.seq, self.stage = session, 0, Stage.ALERT
        self.id = f"case:professional:{ident}:{period}"
        session.add(
            Case(
                id=self.id,
                target_id=f"professional:{ident}",
                period=period,
                stage=Stage.ALERT,
                opened_at=NOW,
                updated_at=NOW,
            )
        )
        session.flush()
        self.change("open", Stage.TRIAGE)

    def change(
        self,
        action: str,
        to_stage: Stage | None = None,
        lines: tuple[Line, ...] = (),
        close_reason: str | None = None,
    ) -> CaseRows:
        self.seq += 1
        at = NOW + timedelta(days=self.seq)
        from_stage, self.stage = self.stage, to_stage or self.stage
        self.session.add(
            AuditEntry(
                case_id=self.id,
                seq=self.seq,
                at=at,
                actor="alice",
                action=action,
                from_stage=from_stage,
                to_stage=self.stage,
            )
        )
        if self.stage is not from_stage:
            self.session.add(
                StageChange(
                    case_id=self.id,
                    seq=self.seq,
                    from_stage=from_stage,
                    to_stage=self.stage,
                    at=at,
                    actor="alice",
                )
            )
        self.session.flush()  # the ledger's foreign key needs the audit row first
        for line_no, (kind, amount, qualification) in enumerate(lines):
            self.session.add(
                LedgerEntry(
                    case_id=self.id,
                    seq=self.seq,
                    line=line_no,
                    kind=kind,
                    amount=Decimal(amount),
                    qualification=qualification,
                    booked_at=at,
                    ref=f"{self.seq}.{line_no}",
                )
            )
        case = self.session.get_one(Case, self.id)
        case.stage, case.updated_at, case.last_seq = self.stage, at, self.seq
        case.harm_suffered += sum(
            (Decimal(a) for k, a, _ in lines if k is LedgerKind.HARM_SUFFERED), Decimal("0")
        )
        if self.stage is Stage.CLOSED:
            case.close_reason, case.closed_at = close_reason, at
        self.session.flush()
        return self

    def investigate(self) -> CaseRows:
        return self.change("open_investigation", Stage.INVESTIGATION)

    def grievance(self, qualification: Qualification, *amounts: str) -> CaseRows:
        lines = tuple((LedgerKind.HARM_SUFFERED, a, qualification) for a in amounts)
        return self.change("record_grievance", lines=lines)

    def dismiss(self) -> CaseRows:
        return self.change("dismiss", Stage.CLOSED, close_reason="no irregularity")


def labels(engine: Engine) -> dict[str, int]:
    return dict(outcome_labels(engine).itertuples(index=False, name=None))


def test_a_merged_case_yields_no_label(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        merged_only = provider(session)
        into = f"case:professional:{merged_only}:2025"
        CaseRows(session, merged_only, "2024").change(
            "merge", Stage.CLOSED, close_reason=f"merged into {into}"
        )
        CaseRows(session, merged_only, "2025").investigate()  # the case it joined: still open
        merged_and_clean = provider(session)
        CaseRows(session, merged_and_clean, "2024").change(
            "merge", Stage.CLOSED, close_reason="merged into the 2025 case"
        )
        CaseRows(session, merged_and_clean, "2025").investigate().dismiss()
    found = labels(engine)
    assert merged_only not in found  # the old rule called it clean: closed, no harm
    assert found[merged_and_clean] == 0  # the label comes from the case it was merged into


def test_a_provider_with_several_rows_per_case_does_not_get_its_harm_counted_twice(
    engine: Engine,
) -> None:
    """Two grievance lines, a protective measure and recovery dues give one case five ledger
    rows; the provider also has two cases, two alerts and several tasks and stage changes."""
    with Session(engine) as session, session.begin():
        ident = provider(session)
        first = (
            CaseRows(session, ident, "2024")
            .investigate()
            .change("take_protective_measure", lines=((LedgerKind.HARM_AVOIDED, "300.00", None),))
            .grievance(Qualification.FRAUD, "700.00", "500.00")
            .change("conclude_investigation", Stage.FINDINGS)
            .change(
                "decide_follow_ups",
                Stage.RECOVERY,
                lines=(
                    (LedgerKind.DUE, "700.00", Qualification.FRAUD),
                    (LedgerKind.DUE, "500.00", Qualification.FRAUD),
                ),
            )
            .change("close", Stage.CLOSED, close_reason="recovered")
        )
        second = (
            CaseRows(session, ident, "2025")
            .investigate()
            .grievance(Qualification.FRAUD, "250.00")
            .change("conclude_investigation", Stage.FINDINGS)
            .change("close", Stage.CLOSED, close_reason="nothing to recover")
        )
        for n, case in enumerate((first, second, first)):
            session.add(
                Task(
                    case_id=case.id, key=f"action-{n}", kind="action", title="check", created_at=NOW
                )
            )
        for period in ("2024", "2025"):
            run = DetectionRun(
                id=f"detect-{ident}-{period}", period=period, status="done", started_at=NOW
            )
            session.add(run)
            session.flush()
            session.add(
                Alert(
                    run_id=run.id,
                    provider_id=ident,
                    period=period,
                    score=0.9,
                    estimated_stake=Decimal("1000.00"),
                    expected_recovery=Decimal("500.00"),
                    explanation="top of its peer group",
                    case_id=f"case:professional:{ident}:{period}",
                )
            )
    outcomes = provider_outcomes(engine).set_index("provider_id")
    row = outcomes.loc[ident]
    assert (row["label"], row["fraud_cases"]) == (1, 2)
    assert row["fraud_harm"] == Decimal("1450.00")  # 700 + 500 + 250, each once


def test_a_qualified_fraud_grievance_gives_a_positive_with_its_harm(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        fraud = provider(session)
        (
            CaseRows(session, fraud)
            .investigate()
            .grievance(Qualification.FRAUD, "1200.00")
            .grievance(Qualification.FAULT, "80.00")
            .change("conclude_investigation", Stage.FINDINGS)
            .change("close", Stage.CLOSED, close_reason="no follow-up")
        )
        fraud_and_clean = provider(session)
        CaseRows(session, fraud_and_clean, "2024").investigate().dismiss()
        CaseRows(session, fraud_and_clean, "2025").investigate().grievance(
            Qualification.FRAUD, "40.00"
        ).change("conclude_investigation", Stage.FINDINGS).change(
            "close", Stage.CLOSED, close_reason="no follow-up"
        )
    outcomes = provider_outcomes(engine).set_index("provider_id")
    assert outcomes.loc[fraud, "label"] == 1
    harm = outcomes.loc[fraud, "fraud_harm"]
    assert isinstance(harm, Decimal) and harm == Decimal("1200.00")  # the fault line is not fraud
    assert outcomes.loc[fraud_and_clean, "label"] == 1
    assert outcomes.loc[fraud_and_clean, "fraud_harm"] == Decimal("40.00")


def test_an_investigated_dismissal_with_no_grievance_gives_a_negative(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        dismissed = provider(session)
        CaseRows(session, dismissed).investigate().dismiss()
        concluded = provider(session)  # investigated, concluded with nothing, closed
        CaseRows(session, concluded).investigate().change(
            "take_protective_measure", lines=((LedgerKind.HARM_AVOIDED, "90.00", None),)
        ).change("conclude_investigation", Stage.FINDINGS).change(
            "close", Stage.CLOSED, close_reason="no irregularity"
        )
    found = labels(engine)
    assert (found[dismissed], found[concluded]) == (0, 0)


def test_a_dismissal_at_triage_an_open_case_and_a_fault_only_case_give_no_label(
    engine: Engine,
) -> None:
    with Session(engine) as session, session.begin():
        at_triage = provider(session)
        CaseRows(session, at_triage).dismiss()  # never investigated: it says nothing
        still_open = provider(session)
        CaseRows(session, still_open).investigate().grievance(Qualification.FRAUD, "500.00")
        fault = provider(session)
        CaseRows(session, fault).investigate().grievance(Qualification.FAULT, "300.00").change(
            "conclude_investigation", Stage.FINDINGS
        ).change("close", Stage.CLOSED, close_reason="no follow-up")
        fault_and_clean = provider(session)  # a fault is not clean: no negative either
        CaseRows(session, fault_and_clean, "2024").investigate().dismiss()
        CaseRows(session, fault_and_clean, "2025").investigate().grievance(
            Qualification.ERROR, "60.00"
        ).dismiss()
    found = labels(engine)
    assert not {at_triage, still_open, fault, fault_and_clean} & found.keys()
