"""Embedded defaults are durable: cases survive a restart of both servers, and a deadline
that fell while everything was stopped fires when the stack comes back."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.client import Client

from models import Case
from models.case_actions import AddInvestigationAction, Assign, InvestigationKind, OpenInvestigation
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState
from models.types import ActorType, Stage
from tests.runtime.test_up import free_port
from vigie.runtime.stack import Stack
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.users import upsert_user
from vigie.settings import Settings

DUE_IN = 4  # seconds
#: what the expiry of the hearing's deadline changes (an escalation), all else kept
CHANGED_BY_EXPIRY = {"seq", "timeline", "investigation", "deadlines", "escalations", "counter"}


async def fired(client: Client, case_id: str, timeout: float = 30.0) -> CaseState:
    """The case once its overdue deadline has fired (the worker catches up at start)."""
    state = await current_state(client, case_id)
    for _ in range(int(timeout / 0.2)):
        if state.investigation and state.investigation[0].escalated:
            return state
        await asyncio.sleep(0.2)
        state = await current_state(client, case_id)
    return state


@pytest.mark.slow
async def test_a_case_survives_a_restart_of_embedded_postgres_and_temporal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATABASE_URL", "TEMPORAL_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(
        home=tmp_path / "home",
        temporal_port=free_port(),
        temporal_ui_port=free_port(),
        task_queue="restart-test",
    )
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="R1"),
        period="2025",
        request_id="restart-1",
    )
    async with Stack(settings) as stack:
        assert stack.client is not None and stack.pg is not None and stack.pg.started_here
        assert stack.engine is not None
        upsert_user(stack.engine, "marc", "Marc", "manager", None)
        upsert_user(stack.engine, "alice", "Alice", "investigator", "marc")
        case_id = await open_case(stack.client, settings.task_queue, opening)
        await current_state(stack.client, case_id)  # waits for the opening
        for cmd in (
            Assign(request_id="r-1", actor="marc", assignee="alice", supervisor="marc"),
            OpenInvestigation(request_id="r-2", actor="alice"),
            # due a few seconds from now: it falls while everything is stopped
            AddInvestigationAction(
                request_id="r-3",
                actor="alice",
                kind=InvestigationKind.HEARING,
                due_at=datetime.now(UTC) + timedelta(seconds=DUE_IN),
            ),
        ):
            before = await act(stack.client, case_id, cmd)
        [step] = before.investigation
        assert not step.escalated

    assert not (settings.pgdata_dir / "postmaster.pid").exists(), "postgres stopped"
    await asyncio.sleep(DUE_IN + 1)  # the hearing's deadline passes while nothing runs

    async with Stack(settings) as stack:
        assert stack.client is not None and stack.engine is not None
        after = await fired(stack.client, case_id)
        assert after.investigation[0].escalated, "the deadline fell while down: it fired"
        assert after.seq == before.seq + 1 and after.timeline[-1].action == "deadline_expired"
        kept = {k: v for k, v in before.model_dump().items() if k not in CHANGED_BY_EXPIRY}
        changed = {
            k: (v, after.model_dump()[k]) for k, v in kept.items() if after.model_dump()[k] != v
        }
        assert not changed, f"the workflow is back unchanged; changed: {changed}"
        with Session(stack.engine) as session:
            row = session.get(Case, case_id)
        assert row is not None and row.stage is Stage.INVESTIGATION
    assert os.path.exists(settings.temporal_db_file)
