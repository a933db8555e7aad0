"""An action's new state as the workflow serialized it: the JSON of the update's result is
passed to the HTTP response as it is, not decoded into a ``CaseState`` and encoded again.

Decoding the state (its policy snapshot holds a hundred dated records) was the largest part
of the API's CPU per action (py-spy, docs/scaling.md). Only the success path is served raw:
on any failure the same update (same update id, so Temporal applies it once) goes through
``act``, which turns failures into the service's errors.
"""

from __future__ import annotations

import asyncio

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import RawValue
from temporalio.service import RPCError

from models.action_base import ActionBase
from vigie.services.case_commands import UPDATE_TIMEOUT, act, update_id
from vigie.services.errors import UnavailableError


async def act_json(client: Client, case_id: str, action: ActionBase) -> bytes:
    """The case's new state after ``action``, as JSON bytes (the ``CaseState`` schema)."""
    name: str = action.action  # type: ignore[attr-defined]
    handle = client.get_workflow_handle(case_id)
    try:
        async with asyncio.timeout(UPDATE_TIMEOUT.total_seconds()):
            raw = await handle.execute_update(
                name, action, id=update_id(action), result_type=RawValue
            )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise UnavailableError(
            f"case {case_id} did not answer within {UPDATE_TIMEOUT.seconds} s: is the worker "
            "running? the same request id may be sent again"
        ) from None
    except (WorkflowUpdateFailedError, RPCError):
        # refused, finished or unknown: ``act`` sends the same update id and says why
        state = await act(client, case_id, action)
        return state.model_dump_json().encode()
    data: bytes = raw.payload.data
    return data
