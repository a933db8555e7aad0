"""Read side of detection: the alerts of a run, by expected recovery."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models import Alert


def run_alerts(engine: Engine, run_id: str) -> list[Alert]:
    with Session(engine) as session:
        query = (
            select(Alert)
            .where(Alert.run_id == run_id)
            .order_by(col(Alert.expected_recovery).desc(), col(Alert.score).desc())
        )
        return list(session.exec(query).all())
