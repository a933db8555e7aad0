"""The retention purge: closed cases past ``retention.personal_data`` lose the names and free
text that identify people (target name, audit details and reasons, letters, close reason);
their figures, stages and dates stay for the indicators. Run daily by the worker's schedule
(``vigie retention purge`` by hand); each purge leaves a ``personal_data_purge`` row."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlmodel import Session, col

from models import AuditEntry, Case, Letter, PersonalDataPurge, Target
from models.policy_snapshot import add_months
from models.retention import PURGED, PurgeReport
from models.types import Stage
from vigie.policy.loader import read_snapshot
from vigie.runtime.db import transaction

log = logging.getLogger(__name__)
RETENTION_KEY = "retention.personal_data"
#: the keys of an audit row's details whose text may name or describe a person
PERSONAL_KEYS = frozenset(
    {
        "display_name",
        "description",
        "reason",
        "note",
        "result",
        "justification",
        "explanation",
        "html",
        "close_reason",
    }
)


def redact(value: Any) -> Any:
    """The same structure, every personal text replaced by ``[purgé]``, letters' mentions
    emptied; numbers, dates, codes and keys kept."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "mentions" and isinstance(item, dict):
                out[key] = {}
            elif key in PERSONAL_KEYS and isinstance(item, str):
                out[key] = PURGED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def due_for_purge(engine: Engine, now: datetime) -> tuple[int, list[Case]]:
    months = int(read_snapshot(engine).value(RETENTION_KEY, now.date()))
    cutoff = add_months(now, -months)
    query = (
        select(Case)
        .where(col(Case.stage) == Stage.CLOSED, col(Case.closed_at) < cutoff)
        .where(col(Case.personal_data_purged_at).is_(None))
        .order_by(col(Case.closed_at))
    )
    with Session(engine) as session:
        return months, list(session.execute(query).scalars().all())


def purge_due(
    engine: Engine,
    now: datetime,
    actor: str = "system",
    progress: Callable[[int, int], None] | None = None,
) -> PurgeReport:
    """Purge every closed case past the retention period, one transaction per case."""
    months, cases = due_for_purge(engine, now)
    rows = {"audit_log": 0, "letter": 0, "target": 0, "fraud_case": 0}
    for done, case in enumerate(cases, start=1):
        counts = _purge_case(engine, case, months, actor, now)
        for table, count in counts.items():
            rows[table] += count
        if progress:
            progress(done, len(cases))
    if cases:
        log.info("purged the personal data of %d closed case(s): %s", len(cases), rows)
    return PurgeReport(cases=[c.id for c in cases], rows=rows)


def _purge_case(
    engine: Engine, case: Case, months: int, actor: str, now: datetime
) -> dict[str, int]:
    assert case.closed_at is not None
    with transaction(engine) as session:
        session.execute(text("SET LOCAL vigie.purge = 'on'"))
        audits = (
            session.execute(select(AuditEntry).where(col(AuditEntry.case_id) == case.id))
            .scalars()
            .all()
        )
        for entry in audits:
            session.execute(
                update(AuditEntry)
                .where(col(AuditEntry.id) == entry.id)
                .values(
                    details=redact(entry.details),
                    reason=PURGED if entry.reason else entry.reason,
                )
            )
        letters = _count(
            session.execute(
                update(Letter)
                .where(col(Letter.case_id) == case.id)
                .values(html=f"<p>{PURGED}</p>", mentions={})
            )
        )
        # the target's name, once no other case of that target is still kept
        others = session.execute(
            select(func.count())
            .select_from(Case)
            .where(col(Case.target_id) == case.target_id, col(Case.id) != case.id)
            .where(col(Case.personal_data_purged_at).is_(None))
        ).scalar_one()
        targets = 0
        if others == 0:
            targets = _count(
                session.execute(
                    update(Target).where(col(Target.id) == case.target_id).values(display_name=None)
                )
            )
        session.execute(
            update(Case)
            .where(col(Case.id) == case.id)
            .values(
                personal_data_purged_at=now,
                close_reason=PURGED if case.close_reason else None,
            )
        )
        counts = {
            "audit_log": len(audits),
            "letter": letters,
            "target": targets,
            "fraud_case": 1,
        }
        session.add(
            PersonalDataPurge(
                case_id=case.id,
                purged_at=now,
                closed_at=case.closed_at,
                retention_months=months,
                actor=actor,
                counts=counts,
            )
        )
    return counts


def _count(result: Any) -> int:
    """Rows an UPDATE touched."""
    return int(result.rowcount)
