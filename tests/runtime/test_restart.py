"""Embedded defaults are durable: cases survive a restart of both servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import Session

from models import Case
from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType, Stage
from tests.runtime.test_up import free_port
from vigie.runtime.stack import Stack
from vigie.services.case_commands import current_state, open_case
from vigie.settings import Settings


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
        case_id = await open_case(stack.client, settings.task_queue, opening)
        before = await current_state(stack.client, case_id)  # waits for the opening

    assert not (settings.pgdata_dir / "postmaster.pid").exists(), "postgres stopped"

    async with Stack(settings) as stack:
        assert stack.client is not None and stack.engine is not None
        after = await current_state(stack.client, case_id)
        changed = {
            k: (v, after.model_dump()[k])
            for k, v in before.model_dump().items()
            if after.model_dump()[k] != v
        }
        assert not changed, f"the workflow is back unchanged; changed: {changed}"
        assert after.deadlines, "its timers are back"
        with Session(stack.engine) as session:
            row = session.get(Case, case_id)
        assert row is not None and row.stage is Stage.TRIAGE
    assert os.path.exists(settings.temporal_db_file)
