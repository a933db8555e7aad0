"""Postgres restarted while activities run: the projections retry and complete once it is
back; nothing is half-written (every change once, in order, its case row agreeing).

The stack runs on its own embedded Postgres (restarted here, the shared test server left
alone) and the test's Temporal dev server."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import Session, col
from temporalio.testing import WorkflowEnvironment

from models import AuditEntry
from models.case_actions import ACTION_TYPES, ActionBase
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState
from models.types import ActorType
from tests.faults import applied_once
from tests.runtime.test_up import free_port
from tests.workflows.case_driver import lines
from vigie.runtime.postgres import ensure_postgres
from vigie.runtime.stack import Stack
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.users import upsert_user
from vigie.settings import Settings

pytestmark = pytest.mark.faults
CASES, ACTIONS_PER_CASE = 8, 6


def grievance(n: int) -> ActionBase:
    return ACTION_TYPES["record_grievance"](
        request_id=f"g-{n}",
        actor="alice",
        qualification="fault",
        description=f"grievance {n}",
        lines=lines("10.00"),
    )


async def test_postgres_restarted_under_load_loses_and_duplicates_nothing(
    tmp_path: Path, dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(
        home=tmp_path / "home",
        temporal_address=dev_env.client.service_client.config.target_host,
        task_queue=f"pg-restart-{uuid.uuid4().hex[:6]}",
        api_port=free_port(),
    )
    async with Stack(settings) as stack:
        assert stack.client is not None and stack.engine is not None and stack.pg is not None
        client, engine = stack.client, stack.engine
        upsert_user(engine, "marc", "Marc", "manager", None)
        upsert_user(engine, "alice", "Alice", "investigator", "marc")
        case_ids = []
        for i in range(CASES):
            opening = OpenCaseInput(
                target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=f"PG{i}"),
                period="2025",
                request_id=f"open-{i}",
            )
            case_id = await open_case(client, settings.task_queue, opening)
            await current_state(client, case_id)
            await act(
                client,
                case_id,
                ACTION_TYPES["open_investigation"](request_id=f"inv-{i}", actor="marc"),
            )
            case_ids.append(case_id)

        async def burst(case_id: str, start: int) -> CaseState:
            state = await current_state(client, case_id)
            for n in range(start, start + ACTIONS_PER_CASE):
                state = await applied_once(client, case_id, grievance(n), tries=20, pause=2)
            return state

        work = [asyncio.create_task(burst(c, i * 100)) for i, c in enumerate(case_ids)]
        await asyncio.sleep(0.5)  # projections in flight
        assert not any(t.done() for t in work), "the restart must come under load"
        stack.pg.stop()  # Postgres goes away under the worker's activities
        await asyncio.sleep(3)
        stack.pg = await asyncio.to_thread(ensure_postgres, settings)  # and comes back
        states = await asyncio.wait_for(asyncio.gather(*work), timeout=240)

        with Session(engine) as session:
            for case_id, state in zip(case_ids, states, strict=True):
                assert len(state.grievances) == ACTIONS_PER_CASE
                seqs = list(
                    session.execute(
                        select(AuditEntry.seq)
                        .where(col(AuditEntry.case_id) == case_id)
                        .order_by(col(AuditEntry.seq))
                    ).scalars()
                )
                assert seqs == list(range(1, state.seq + 1)), "every change once, in order"
                row = session.execute(
                    text("SELECT last_seq, harm_suffered FROM fraud_case WHERE id = :id"),
                    {"id": case_id},
                ).one()
                assert row.last_seq == state.seq and row.harm_suffered == state.harm_suffered
        stack.request_stop()
