"""`vigie case act`, `vigie tasks`, `vigie users` as a user runs them: a real `vigie` process
against the Temporal dev server and Postgres, with one line per refusal and no traceback."""

from __future__ import annotations

import asyncio
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from models.case_messages import OpenCaseInput
from models.local_time import PARIS
from models.types import utcnow
from tests.workflows.case_driver import new_target
from vigie.services.case_commands import current_state, open_case

VIGIE = str(Path(sys.executable).parent / "vigie")


@dataclass
class Cli:
    env: dict[str, str]

    async def run(self, *args: str, user: str | None = "alice") -> tuple[int, str]:
        env = dict(self.env)
        if user is None:
            env.pop("VIGIE_USER", None)
        else:
            env["VIGIE_USER"] = user
        proc = await asyncio.create_subprocess_exec(
            VIGIE,
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
        return proc.returncode or 0, out.decode()


@pytest.fixture
def cli(vigie_env: dict[str, str]) -> Cli:
    return Cli(vigie_env)


async def open_demo_case(env: WorkflowEnvironment, task_queue: str, **extra: object) -> str:
    opening = OpenCaseInput(
        target=new_target(),
        period="2025",
        estimated_stake=Decimal("1000.00"),
        request_id=f"open-{uuid.uuid4().hex[:8]}",
        **extra,  # type: ignore[arg-type]
    )
    case_id = await open_case(env.client, task_queue, opening)
    await current_state(env.client, case_id)  # waits for the opening
    return case_id


async def test_an_action_due_on_a_plain_date_is_accepted_and_a_reused_request_id_is_refused(
    cli: Cli, dev_env: WorkflowEnvironment, dev_worker: str
) -> None:
    case_id = await open_demo_case(dev_env, dev_worker)
    code, out = await cli.run("case", "act", case_id, "open_investigation")
    assert code == 0, out
    day = (utcnow().astimezone(PARIS) + timedelta(days=30)).date().isoformat()
    first = ("case", "act", case_id, "add_investigation_action", "--request-id", "rq-1")
    code, out = await cli.run(*first, "kind=hearing", f"due_at={day}")
    assert code == 0, out
    assert f"due {day}" in out
    code, out = await cli.run(*first, "kind=on_site_check", f"due_at={day}T10:00")
    assert code != 0
    assert "request_id_reused" in out and "Traceback" not in out
    state = await current_state(dev_env.client, case_id)
    assert [s.kind.value for s in state.investigation] == ["hearing"]
    assert state.investigation[0].due_at.astimezone(PARIS).isoformat().startswith(f"{day}T23:59:59")


async def test_an_unregistered_or_missing_user_is_refused_with_how_to_set_it(
    cli: Cli, dev_env: WorkflowEnvironment, dev_worker: str
) -> None:
    case_id = await open_demo_case(dev_env, dev_worker)
    code, out = await cli.run("case", "act", case_id, "open_investigation", user=None)
    assert code == 2 and "VIGIE_USER" in out and "export VIGIE_USER" in out
    code, out = await cli.run("case", "act", case_id, "open_investigation", user="nobody")
    assert code == 2 and "user=nobody: not a registered user" in out
    code, out = await cli.run("case", "act", case_id, "open_investigation", "--as", "nobody")
    assert code == 2 and "user=nobody: not a registered user" in out
    assert (await current_state(dev_env.client, case_id)).seq == 1  # nothing but the opening


async def test_overdue_tasks_are_listed_first_with_their_days_late(
    cli: Cli, dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine
) -> None:
    received = utcnow() - timedelta(days=45)  # triage within 30 days of receipt: 15 days late
    case_id = await open_demo_case(dev_env, dev_worker, received_at=received)
    for _ in range(100):  # the deadline fires at once; wait for its projection
        state = await current_state(dev_env.client, case_id)
        if state.escalations:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    code, out = await cli.run("tasks", "--overdue", "--case", case_id)
    assert code == 0, out
    assert "Triage the alert" in out and "15 day(s) late" in out and "manager" in out
    code, out = await cli.run("cases", "list", "--overdue")
    assert code == 0 and case_id in out and "15 day(s) late" in out


async def test_case_show_lists_the_open_tasks(
    cli: Cli, dev_env: WorkflowEnvironment, dev_worker: str
) -> None:
    case_id = await open_demo_case(dev_env, dev_worker)
    await asyncio.sleep(0.5)
    code, out = await cli.run("case", "show", case_id)
    assert code == 0, out
    assert "Open tasks" in out and "Triage the alert" in out and "on time" in out


async def test_a_closed_case_is_shown_from_postgres_with_no_temporal_server(
    cli: Cli, dev_env: WorkflowEnvironment, dev_worker: str
) -> None:
    case_id = await open_demo_case(dev_env, dev_worker)
    code, out = await cli.run("case", "act", case_id, "dismiss", "reason=no fraud found")
    assert code == 0, out
    await asyncio.sleep(0.5)  # the projection of the dismissal
    offline = Cli(cli.env | {"TEMPORAL_ADDRESS": "127.0.0.1:9"})  # nothing listens there
    code, out = await offline.run("case", "show", case_id)
    assert code == 0, out
    assert "stage closed" in out and "dismissed" in out.lower(), out
