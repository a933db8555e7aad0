"""Labels from closed cases: confirmed fraud is 1, nothing found is 0, the rest is left out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session

from models import Case, LedgerEntry, Target
from models.types import ActorType, LedgerKind, Qualification, Stage
from vigie.services.outcome_labels import outcome_labels

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def closed_case(
    session: Session, stage: Stage, harm: str, qualification: Qualification | None
) -> str:
    ident = f"L{uuid.uuid4().hex[:8]}"
    session.add(
        Target(id=f"professional:{ident}", actor_type=ActorType.PROFESSIONAL, identifier=ident)
    )
    session.flush()  # no ORM relationship orders the inserts: the target goes first
    case_id = f"case:professional:{ident}:2025"
    session.add(
        Case(
            id=case_id,
            target_id=f"professional:{ident}",
            period="2025",
            stage=stage,
            harm_suffered=Decimal(harm),
            opened_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()
    if qualification is not None:
        session.add(
            LedgerEntry(
                case_id=case_id,
                seq=5,
                kind=LedgerKind.HARM_SUFFERED,
                amount=Decimal(harm),
                qualification=qualification,
                booked_at=NOW,
            )
        )
    return ident


def test_closed_cases_give_fraud_positives_and_nothing_found_negatives(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        fraud = closed_case(session, Stage.CLOSED, "1200.00", Qualification.FRAUD)
        clean = closed_case(session, Stage.CLOSED, "0", None)
        fault = closed_case(session, Stage.CLOSED, "300.00", Qualification.FAULT)
        still_open = closed_case(session, Stage.INVESTIGATION, "500.00", Qualification.FRAUD)
    labels = dict(outcome_labels(engine).itertuples(index=False, name=None))
    assert labels[fraud] == 1 and labels[clean] == 0
    assert fault not in labels and still_open not in labels
