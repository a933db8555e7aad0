"""What a case shows does not depend on whether the worker ran it live or replayed it."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models import Case
from tests.conftest import running_worker
from tests.workflows.test_open_case import an_opening
from vigie.services.case_commands import current_state, open_case


async def open_while_queried(client: Client, engine: Engine, task_queue: str) -> str:
    """Open a case and query it at once, as `vigie case show` may: `current_state` keeps
    querying while the case is opening and returns once the opening is committed."""
    case_id = await open_case(client, task_queue, an_opening())
    await current_state(client, case_id)
    with Session(engine) as session:
        assert session.get(Case, case_id) is not None, "the opening was projected"
    return case_id


async def test_a_replayed_case_shows_the_opening_time_its_row_was_written_with(
    dev_env: WorkflowEnvironment, engine: Engine
) -> None:
    """The policy is read by a local activity. Live, a query that reaches the cached
    workflow meanwhile moves its clock; a replay never sees that query. The opening time is
    read before the local activity, so the row written live and the replayed state agree
    (before that fix: 7 of 8 cases drifted by 0.1 to 0.4 s)."""
    client = dev_env.client
    async with running_worker(client, engine) as task_queue:
        case_ids = await asyncio.gather(
            *(open_while_queried(client, engine, task_queue) for _ in range(8))
        )
    # the first worker is gone with its cache: the next worker rebuilds each case by replay
    async with running_worker(client, engine, task_queue):
        drifted = {}
        for case_id in case_ids:
            replayed = await current_state(client, case_id)
            with Session(engine) as session:
                row = session.get(Case, case_id)
            assert row is not None
            if replayed.opened_at != row.opened_at:
                drifted[case_id] = (replayed.opened_at, row.opened_at)
    assert not drifted
