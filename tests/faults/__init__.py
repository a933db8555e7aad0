"""Faults: processes killed and servers restarted under load (`make test-faults`)."""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from models.action_base import ActionBase
from models.case_state import CaseState
from vigie.services.case_commands import act
from vigie.services.errors import UnavailableError


async def applied_once(
    client: Client, case_id: str, cmd: ActionBase, tries: int, pause: float
) -> CaseState:
    """The action applied, once: sent again with the same request id (applied once by the
    workflow) while the case could not answer in time."""
    for _ in range(tries):
        try:
            return await act(client, case_id, cmd)
        except UnavailableError:
            await asyncio.sleep(pause)
    raise AssertionError(f"{cmd.request_id} never applied on {case_id}")
