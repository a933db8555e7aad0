"""Fixtures for case workflows on the time-skipping server.

Every case a test opens is terminated at teardown if it is still running: a case left with
pending timers and no worker on its task queue would stall time skipping for later tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from tests.workflows.case_driver import CaseDriver

HISTORIES = Path(__file__).with_name("histories")
CaseFactory = Callable[..., Awaitable[CaseDriver]]


@pytest.fixture
async def new_case(
    time_env: WorkflowEnvironment, engine: Engine, ts_worker: str, request: pytest.FixtureRequest
) -> AsyncIterator[CaseFactory]:
    opened: list[CaseDriver] = []

    async def make(**kwargs: Any) -> CaseDriver:
        driver = await CaseDriver(time_env, engine, ts_worker).open(**kwargs)
        opened.append(driver)
        return driver

    yield make
    for driver in opened:
        handle = time_env.client.get_workflow_handle(driver.case_id)
        if os.environ.get("VIGIE_CAPTURE_HISTORIES") == "1" and len(opened) == 1:
            # Refresh the replay fixtures: VIGIE_CAPTURE_HISTORIES=1 pytest tests/workflows
            name = request.node.name.removeprefix("test_")
            (HISTORIES / f"{name}.json").write_text((await handle.fetch_history()).to_json())
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test over")


@pytest.fixture
async def case(new_case: CaseFactory) -> CaseDriver:
    return await new_case()
