"""Record a case as blocked, and as unblocked, in the administrators' list."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, update
from sqlmodel import col
from temporalio import activity

from models.case_blocked import Blocked, CaseBlocked, Unblock
from models.types import utcnow
from vigie.runtime.db import transaction

log = logging.getLogger(__name__)


class CaseBlockedActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="record_case_blocked")
    def record_case_blocked(self, blocked: Blocked) -> None:
        log.error(
            "case %s blocked at #%s %s: %s",
            blocked.case_id,
            blocked.seq,
            blocked.action,
            blocked.reason,
        )
        with transaction(self.engine) as session:
            session.add(CaseBlocked(**blocked.model_dump()))

    @activity.defn(name="record_case_unblocked")
    def record_case_unblocked(self, case_id: str, request: Unblock) -> None:
        with transaction(self.engine) as session:
            session.execute(
                update(CaseBlocked)
                .where(col(CaseBlocked.case_id) == case_id, col(CaseBlocked.resolved_at).is_(None))
                .values(resolved_at=utcnow(), resolved_by=request.actor, resolution=request.reason)
            )
