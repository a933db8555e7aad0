"""Reading a case record logs the access first (GDPR / CNIL accountability)."""

from __future__ import annotations

from sqlalchemy import Engine
from temporalio.client import Client

from models.access import CaseAccess
from models.case_state import CaseState
from models.types import utcnow
from vigie.runtime.db import transaction
from vigie.services.case_commands import current_state


def log_access(engine: Engine, actor: str, case_id: str, via: str) -> None:
    with transaction(engine) as session:
        session.add(CaseAccess(at=utcnow(), actor=actor, case_id=case_id, via=via))


async def read_case(
    client: Client, engine: Engine, case_id: str, actor: str, via: str = "cli"
) -> CaseState:
    """The full state of a case, for ``actor``; the access is logged even if it fails."""
    log_access(engine, actor, case_id, via)
    return await current_state(client, case_id)
