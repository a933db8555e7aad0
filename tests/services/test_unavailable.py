"""An action never waits forever: a case workflow that no worker runs answers "unavailable"
(HTTP 503, exit code 5) after the update timeout, and the caller may retry with the same
request id."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from models.case_actions import Dismiss
from vigie.services import case_commands
from vigie.services.errors import UnavailableError


async def test_an_action_on_a_case_no_worker_runs_is_refused_as_unavailable_not_left_hanging(
    dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(case_commands, "UPDATE_TIMEOUT", timedelta(seconds=2))
    case_id = f"case:unserved:{uuid.uuid4().hex[:8]}"
    handle = await dev_env.client.start_workflow(
        "FraudCaseWorkflow", id=case_id, task_queue=f"nobody-{uuid.uuid4().hex[:6]}"
    )
    try:
        started = time.monotonic()
        with pytest.raises(UnavailableError) as refused:
            await case_commands.act(
                dev_env.client, case_id, Dismiss(actor="someone", request_id="r-1", reason="x")
            )
        assert time.monotonic() - started < 10
        assert refused.value.http_status == 503 and refused.value.exit_code == 5
        assert "is the worker running" in str(refused.value)
    finally:
        await handle.terminate("test over")
