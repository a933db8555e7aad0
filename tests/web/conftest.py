"""The pages under test: the application served by uvicorn in the test's event loop (on the
test database and the time-skipping Temporal server), driven by Debian's Chromium through
Playwright (no browser download: ``executable_path``)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import Engine, update
from sqlmodel import col
from temporalio.testing import WorkflowEnvironment

from models.api_token import ApiToken
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from tests.runtime.test_up import free_port
from vigie.api.app import create_app
from vigie.api.security import set_password
from vigie.runtime.stack import ApiServer
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.users import upsert_user
from vigie.settings import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: where the tests save their screenshots (docs/screenshots holds the README's, taken on the
#: demo's data by tests/web/screenshots.py)
SHOTS = Path(os.environ.get("VIGIE_SCREENSHOTS", Path(tempfile.gettempdir()) / "vigie-pages"))
PASSWORD = "pages-password"


@dataclass
class Site:
    url: str
    engine: Engine
    env: WorkflowEnvironment
    task_queue: str
    tag: str

    def user(self, role: str) -> str:
        return f"{role}-{self.tag}"

    async def case(
        self,
        assignee: str | None = None,
        investigate: bool = False,
        *,
        region: str = "Bretagne",
        stake: str | None = None,
        received_days_ago: int | None = None,
    ) -> str:
        client = self.env.client
        opening = OpenCaseInput(
            target=TargetRef(
                actor_type=ActorType.PROFESSIONAL,
                identifier=uuid.uuid4().hex[:10],
                display_name="Infirmière (test)",
                profession="infirmier",
                region=f"{region}-{self.tag}",
            ),
            period="2025",
            request_id=uuid.uuid4().hex,
            estimated_stake=Decimal(stake) if stake else None,
            received_at=(
                datetime.now(UTC) - timedelta(days=received_days_ago)
                if received_days_ago is not None
                else None
            ),
        )
        case_id = await open_case(client, self.task_queue, opening)
        await current_state(client, case_id)
        sup = self.user("supervisor")
        if assignee:
            fields = {"assignee": assignee, "supervisor": sup, "actor": sup}
            assign = ACTION_TYPES["assign"](request_id=uuid.uuid4().hex, **fields)
            await act(client, case_id, assign)
        if investigate:
            cmd = ACTION_TYPES["open_investigation"](request_id=uuid.uuid4().hex, actor=sup)
            await act(client, case_id, cmd)
        await asyncio.sleep(0.3)  # the projection
        return case_id

    async def expire_sessions(self, user: str) -> None:
        """The user's sessions run out (as they do after 8 hours)."""
        past = datetime.now(UTC) - timedelta(seconds=1)
        with self.engine.begin() as conn:
            conn.execute(
                update(ApiToken).where(col(ApiToken.user_id) == user).values(expires_at=past)
            )


@pytest.fixture
async def site(
    engine: Engine, dev_env: WorkflowEnvironment, dev_worker: str
) -> AsyncIterator[Site]:
    tag = uuid.uuid4().hex[:6]
    roles = {
        "manager": None,
        "supervisor": "manager",
        "investigator": "supervisor",
        "investigator2": "supervisor",
        "auditor": None,
    }
    for role, supervisor in roles.items():
        upsert_user(
            engine,
            f"{role}-{tag}",
            f"{role.capitalize()} {tag}",
            role.rstrip("2"),  # type: ignore[arg-type]
            f"{supervisor}-{tag}" if supervisor else None,
        )
        set_password(engine, f"{role}-{tag}", PASSWORD)
    # the dev server, not the time-skipping one: nothing here waits for a deadline, and the
    # time-skipping server was left unusable for later tests after the browser tests ran
    server = ApiServer(create_app(engine, dev_env.client), Settings(api_port=free_port()))
    task = asyncio.create_task(server.serve())
    await server.started_or_failed(task)
    try:
        yield Site(server.url, engine, dev_env, dev_worker, tag)
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        await browser.close()


async def signed_in(browser: Browser, site: Site, user: str) -> Page:
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto(f"{site.url}/login")
    await page.fill("#username", user)
    await page.fill("#password", PASSWORD)
    await page.click("form.card button[type=submit]")
    await page.wait_for_load_state()
    return page
