"""Open cases and act on them through Temporal (writes), the way the CLI and the API both do."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from models.case_actions import ActionBase
from models.case_messages import OpenCaseInput, case_workflow_id
from models.case_run import CaseRunInput, CaseRunOptions
from models.case_state import CaseState
from vigie.services.errors import (
    ConflictError,
    InvalidActionError,
    NotFoundError,
    UnavailableError,
)
from workflows.fraud_case import INVALID_ACTION, OPENING, FraudCaseWorkflow
from workflows.procedure import InvalidAction, already_applied


async def open_case(
    client: Client,
    task_queue: str,
    opening: OpenCaseInput,
    options: CaseRunOptions | None = None,
) -> str:
    """Start the case's workflow. One case per target and period: a duplicate is refused."""
    workflow_id = case_workflow_id(opening.target, opening.period)
    try:
        await client.start_workflow(
            FraudCaseWorkflow.run,
            CaseRunInput(opening=opening, options=options or CaseRunOptions()),
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError as exc:
        raise ConflictError(
            f"a case already exists for {opening.target.key} and period {opening.period}: "
            f"{workflow_id}"
        ) from exc
    return workflow_id


def case_handle(client: Client, case_id: str) -> WorkflowHandle[FraudCaseWorkflow, str]:
    return client.get_workflow_handle_for(FraudCaseWorkflow.run, case_id)


async def act(client: Client, case_id: str, action: ActionBase) -> CaseState:
    """Send one action as the workflow update of the same name; return the resulting state.

    The update id is the request id with the payload's fingerprint: a retried call is
    applied once (Temporal returns the first result), while the same request id with
    another payload reaches the workflow, which refuses it (``request_id_reused``) instead
    of answering with the earlier action's result.
    """
    name: str = action.action  # type: ignore[attr-defined]
    handle = client.get_workflow_handle(case_id)
    try:
        async with asyncio.timeout(UPDATE_TIMEOUT.total_seconds()):
            return await handle.execute_update(
                name, action, id=update_id(action), result_type=CaseState
            )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise UnavailableError(
            f"case {case_id} did not answer within {UPDATE_TIMEOUT.seconds} s: is the worker "
            "running? the same request id may be sent again"
        ) from None
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == INVALID_ACTION:
            rule = str(cause.details[0]) if cause.details else "invalid_action"
            raise InvalidActionError(rule, cause.message) from None
        raise
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return await _finished_case(client, handle, case_id, action)
        raise


#: how long an action waits for its case workflow to answer: a page or an API call never hangs
#: on a workflow that no worker runs
UPDATE_TIMEOUT = timedelta(seconds=30)


def update_id(action: ActionBase) -> str:
    return f"{action.request_id}#{action.digest()[:16]}"


async def _finished_case(
    client: Client, handle: WorkflowHandle[Any, Any], case_id: str, action: ActionBase
) -> CaseState:
    """An update to a finished workflow. A retry of an action the case applied before it
    closed returns the final state (applied once); anything else is refused."""
    name: str = action.action  # type: ignore[attr-defined]
    try:
        description = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"no case {case_id}") from None
        raise
    if description.status == WorkflowExecutionStatus.COMPLETED:
        final = await current_state(client, case_id)
        try:
            if already_applied(final, action):
                return final
        except InvalidAction as exc:
            raise InvalidActionError(exc.rule, exc.message) from None
        raise InvalidActionError("case_closed", f"the case is closed; {name} is not possible")
    status = description.status.name.lower() if description.status else "unknown"
    raise InvalidActionError("case_not_running", f"the case workflow is {status}")


async def current_state(client: Client, case_id: str, opening_wait: float = 10.0) -> CaseState:
    """The case's full state from its workflow; a case still opening is waited for a moment."""
    handle = client.get_workflow_handle(case_id)
    deadline = asyncio.get_running_loop().time() + opening_wait
    while True:
        try:
            state: CaseState = await handle.query("state", result_type=CaseState)
            return state
        except WorkflowQueryFailedError as exc:
            if OPENING not in str(exc) or asyncio.get_running_loop().time() > deadline:
                raise ConflictError(f"{case_id}: {exc}") from None
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise NotFoundError(f"no case {case_id}") from None
            raise
        await asyncio.sleep(0.2)
