"""The API under test: the real application on the test database and the time-skipping
Temporal server, called in-process (httpx's ASGI transport), with users of every role.

Every response of 400 or more is checked for the error format (``code`` and ``message``)
as it arrives, so any test that meets an error also checks its body."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from vigie.api.app import create_app
from vigie.api.security import set_password
from vigie.services.case_commands import current_state, open_case
from vigie.services.users import upsert_user

PASSWORD = "s3cret-for-tests"
ERROR_RESPONSES: list[tuple[int, dict[str, object]]] = []


async def _check_error_body(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        data = response.json()
        assert isinstance(data, dict) and data.get("code") and data.get("message"), data
        ERROR_RESPONSES.append((response.status_code, data))


@dataclass
class Users:
    investigator: str
    other_investigator: str
    supervisor: str
    manager: str
    auditor: str


@pytest.fixture
def users(engine: Engine) -> Users:
    tag = uuid.uuid4().hex[:6]
    u = Users(*(f"{r}-{tag}" for r in ("inv", "inv2", "sup", "mgr", "aud")))
    upsert_user(engine, u.manager, "Manager", "manager")
    upsert_user(engine, u.supervisor, "Supervisor", "supervisor", u.manager)
    upsert_user(engine, u.investigator, "Investigator", "investigator", u.supervisor)
    upsert_user(engine, u.other_investigator, "Investigator 2", "investigator", u.supervisor)
    upsert_user(engine, u.auditor, "Auditor", "auditor")
    for user_id in vars(u).values():
        set_password(engine, user_id, PASSWORD)
    return u


@pytest.fixture
def app(engine: Engine, time_env: WorkflowEnvironment) -> FastAPI:
    return create_app(engine, time_env.client)


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    hooks = {"response": [_check_error_body]}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://vigie.test", event_hooks=hooks
    ) as client:
        yield client


@pytest.fixture
async def open_test_case(
    app: FastAPI, ts_worker: str, time_env: WorkflowEnvironment
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Opens cases on the test worker; terminates those still running at teardown (a case
    left with timers and no worker would stall time skipping for every later test)."""
    opened: list[str] = []

    async def make() -> str:
        opening = OpenCaseInput(
            target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=uuid.uuid4().hex[:10]),
            period="2025",
            request_id=f"api-{uuid.uuid4().hex[:8]}",
        )
        case_id = await open_case(time_env.client, ts_worker, opening)
        opened.append(case_id)
        await current_state(time_env.client, case_id)  # the opening is projected
        return case_id

    yield make
    for case_id in opened:
        handle = time_env.client.get_workflow_handle(case_id)
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test over")


async def token_for(api: httpx.AsyncClient, user_id: str) -> dict[str, str]:
    """The Authorization header of a fresh sign-in."""
    response = await api.post("/api/auth/token", data={"username": user_id, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
