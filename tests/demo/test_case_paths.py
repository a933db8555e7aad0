"""The demo's case paths: what a first run prints, and that a second run prints nothing new."""

from __future__ import annotations

import re

from rich.console import Console
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from vigie.demo.case_paths import run_case_paths
from vigie.runtime.stack import Stack
from vigie.settings import Settings

ACTION_LINE = re.compile(r"^\s+case:\S+ #\d+ \w+:", re.MULTILINE)


async def _run(stack: Stack) -> str:
    console = Console(record=True, width=240)
    await run_case_paths(stack, console)
    return console.export_text()


async def test_a_second_demo_run_reprints_neither_actions_nor_refusals_it_did_not_run(
    dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine
) -> None:
    stack = Stack(settings=Settings(task_queue=dev_worker), engine=engine, client=dev_env.client)

    first = await _run(stack)
    assert len(ACTION_LINE.findall(first)) > 40, first
    assert "close: refused [tracks_still_open]" in first, "the nurse's early close is refused"

    second = await _run(stack)
    assert ACTION_LINE.findall(second) == [], second
    assert "refused [" not in second, second
    assert "already applied by an earlier run, 1 refused as before" in second
