"""Blocked cases: the administrators' list, and unblocking one once its cause is fixed."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from models.case_blocked import CaseBlocked, Unblock
from vigie.services.case_commands import case_handle
from vigie.services.errors import InvalidActionError


def list_blocked(engine: Engine, include_resolved: bool = False) -> list[CaseBlocked]:
    query = select(CaseBlocked).order_by(col(CaseBlocked.since))
    if not include_resolved:
        query = query.where(col(CaseBlocked.resolved_at).is_(None))
    with Session(engine) as session:
        return list(session.exec(query).all())


async def unblock(client: Client, case_id: str, actor: str, reason: str) -> str:
    """Ask the case to try its blocked change again (an administrator, the cause fixed)."""
    try:
        return await case_handle(client, case_id).execute_update(
            "unblock", Unblock(actor=actor, reason=reason), result_type=str
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            rule = str(cause.details[0]) if cause.details else "refused"
            raise InvalidActionError(rule, cause.message) from None
        raise
