"""The running Vigie stack: Postgres, Temporal and a worker, started and stopped together.

``vigie up`` and ``vigie demo`` both use it. Whatever the stack started, it stops on exit
(Ctrl-C or SIGTERM), in reverse order, and leaves no process behind.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client

import worker as vigie_worker
from vigie.policy.loader import sync_policy
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import upgrade_head
from vigie.runtime.postgres import PostgresHandle, ensure_postgres
from vigie.runtime.temporal import TemporalHandle, ensure_temporal
from vigie.settings import Settings

log = logging.getLogger(__name__)


def prepare_database(settings: Settings) -> tuple[PostgresHandle, Engine]:
    """Reach (or start) Postgres, apply migrations and load the policy records."""
    pg = ensure_postgres(settings)
    upgrade_head(pg.url)
    engine = make_engine(pg.url)
    count = sync_policy(engine)
    log.info("database ready at %s (%d policy records)", pg.safe_url, count)
    return pg, engine


@dataclass
class Stack:
    settings: Settings
    pg: PostgresHandle | None = None
    engine: Engine | None = None
    temporal: TemporalHandle | None = None
    client: Client | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _worker_task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Stack:
        try:
            self.pg, engine = await asyncio.to_thread(prepare_database, self.settings)
            self.engine = engine
            # in the main thread: the dev server is tied to it (PR_SET_PDEATHSIG)
            self.temporal = ensure_temporal(self.settings)
            self.client = await vigie_worker.connect(self.settings)
            self._worker_task = asyncio.create_task(
                vigie_worker.run_worker(self.settings, engine, self._stop)
            )
        except BaseException:
            await self._shutdown()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._shutdown()

    def request_stop(self) -> None:
        self._stop.set()

    async def wait_for_signal(self) -> None:
        """Serve until SIGINT or SIGTERM (or the worker dies)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_stop)
        stop_waiter = asyncio.create_task(self._stop.wait())
        waiters: set[asyncio.Task[Any]] = {stop_waiter}
        if self._worker_task is not None:
            waiters.add(self._worker_task)
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        log.info("stopping")

    async def _shutdown(self) -> None:
        self._stop.set()
        if self._worker_task is not None:
            try:
                await self._worker_task
            finally:
                self._worker_task = None
        if self.temporal is not None:
            await asyncio.to_thread(self.temporal.stop)
            self.temporal = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if self.pg is not None:
            await asyncio.to_thread(self.pg.stop)
            self.pg = None
