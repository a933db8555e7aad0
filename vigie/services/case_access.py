"""Reading a case record logs the access first (GDPR / CNIL accountability).

A case is read from Postgres: its audit log folded through the procedure rules gives back
the state the workflow holds (the fold is tested equal to it), so a closed case stays
readable after Temporal's retention has purged its history, and no Temporal server is
needed to read one."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models import AuditEntry, Case
from models.access import CaseAccess
from models.case_state import CaseState
from models.types import utcnow
from vigie.policy.loader import read_snapshot
from vigie.runtime.db import transaction
from vigie.services.errors import NotFoundError
from workflows.procedure.fold import fold


def log_access(engine: Engine, actor: str, case_id: str, via: str) -> None:
    with transaction(engine) as session:
        session.add(CaseAccess(at=utcnow(), actor=actor, case_id=case_id, via=via))


def folded_case(engine: Engine, case_id: str) -> CaseState | None:
    """The case rebuilt from its audit rows in Postgres; None when it has none."""
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
    with Session(engine) as session:
        rows = [(e.seq, e.at, e.action, e.details) for e in session.exec(query).all()]
    if not rows:
        return None
    return fold(rows, case_id, lambda version: read_snapshot(engine, version))


def refuse_if_purged(engine: Engine, case_id: str) -> None:
    """A purged case is not shown: its people are gone, its figures stay in the reports."""
    with Session(engine) as session:
        case = session.get(Case, case_id)
    if case is not None and case.personal_data_purged_at is not None:
        raise NotFoundError(
            f"the personal data of case {case_id} was purged on "
            f"{case.personal_data_purged_at:%Y-%m-%d} (closed on {case.closed_at:%Y-%m-%d}, "
            "retention period over); its figures stay in the reports"
        )


def read_case(engine: Engine, case_id: str, actor: str, via: str = "cli") -> CaseState:
    """The full state of a case, for ``actor``; the access is logged even if it fails."""
    log_access(engine, actor, case_id, via)
    refuse_if_purged(engine, case_id)
    state = folded_case(engine, case_id)
    if state is None:
        raise NotFoundError(f"no case {case_id} (or its opening is not recorded yet)")
    return state
