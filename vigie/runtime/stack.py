"""The running Vigie stack: Postgres, Temporal and a worker, started and stopped together.

``vigie up`` and ``vigie demo`` both use it. Whatever the stack started, it stops on exit
(Ctrl-C or SIGTERM), in reverse order, and leaves no process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn
from sqlalchemy import Engine
from temporalio.client import Client

import worker as vigie_worker
from vigie.api.app import create_app
from vigie.policy.loader import sync_policy
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import upgrade_head
from vigie.runtime.postgres import PostgresHandle, ensure_postgres
from vigie.runtime.secrets import check_secrets
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


class ApiServer(uvicorn.Server):
    """The API served by uvicorn inside the stack's event loop. Signals stay the stack's:
    uvicorn's own handlers would take Ctrl-C from it."""

    def __init__(self, app: Any, settings: Settings) -> None:
        super().__init__(
            uvicorn.Config(
                app,
                host=settings.api_host,
                port=settings.api_port,
                log_level="warning",
                lifespan="off",
                # a request still waiting at shutdown (a case workflow that no worker runs)
                # does not hold the stack open
                timeout_graceful_shutdown=5,
            )
        )

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    async def started_or_failed(self, task: asyncio.Task[None], timeout: float = 15.0) -> None:
        """Wait until the socket is bound; a port already taken is raised as an error."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.started:
            if task.done() or loop.time() > deadline:
                raise RuntimeError(
                    f"the API could not listen on {self.config.host}:{self.config.port}: "
                    "is the port taken? set VIGIE_API_PORT"
                )
            await asyncio.sleep(0.05)


@dataclass
class Stack:
    """``stop_on_signals``: SIGINT and SIGTERM request a stop from the moment the stack starts
    coming up (the commands ``vigie up`` / ``demo`` / ``worker`` set it; tests leave it off).

    The race it closes: before, the handlers were installed only once serving began, after
    "serving; press Ctrl-C to stop" was printed. A Ctrl-C before that (during startup, during
    the demo, or in the few instructions between that line and the handlers; a loaded machine
    can stall there long enough for a test that reacts to the line) reached asyncio.run's own
    SIGINT handler instead, which cancels the main task and re-raises KeyboardInterrupt once
    the stack has shut down; typer turns that into exit code 130. Installed first thing in
    ``__aenter__``, before anything is started, a Ctrl-C at any point only sets the stop event:
    startup skips what it has not started yet, the demo is cancelled, and everything started
    is stopped in order. They stay installed until the event loop closes, so a second Ctrl-C
    cannot interrupt the shutdown half-way either."""

    settings: Settings
    stop_on_signals: bool = False
    pg: PostgresHandle | None = None
    engine: Engine | None = None
    temporal: TemporalHandle | None = None
    client: Client | None = None
    serve_api: bool = False
    api: ApiServer | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _worker_task: asyncio.Task[None] | None = None
    _api_task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Stack:
        if self.stop_on_signals:
            self._handle_signals()  # before any await: nothing runs unprotected
        try:
            await self._start()
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

    @property
    def stopping(self) -> bool:
        """A stop was requested (Ctrl-C, SIGTERM, or ``request_stop``)."""
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()

    def _handle_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_stop)

    async def _start(self) -> None:
        """Postgres, Temporal, a client, the worker; a stop requested meanwhile skips the
        steps not taken yet (the signal is handled at the next await)."""
        check_secrets(self.settings)
        self.pg, engine = await asyncio.to_thread(prepare_database, self.settings)
        self.engine = engine
        if self.stopping:
            return
        # in the main thread: the dev server is tied to it (PR_SET_PDEATHSIG)
        self.temporal = ensure_temporal(self.settings)
        self.client = await vigie_worker.connect(self.settings)
        if self.stopping:
            return
        self._worker_task = asyncio.create_task(
            vigie_worker.run_worker(self.settings, engine, self._stop)
        )
        if self.serve_api:
            self.api = ApiServer(create_app(engine, self.client), self.settings)
            self._api_task = asyncio.create_task(self.api.serve())
            await self.api.started_or_failed(self._api_task)

    async def until_stopped(self, work: Coroutine[Any, Any, None]) -> bool:
        """Run ``work`` unless a stop is requested first (then it is cancelled). True if it
        ran to its end; its own error is raised."""
        task = asyncio.ensure_future(work)
        stop_waiter = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop_waiter.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return False
        task.result()
        return True

    async def wait_for_signal(self) -> None:
        """Serve until a stop is requested (SIGINT or SIGTERM with ``stop_on_signals``), or
        the worker dies."""
        stop_waiter = asyncio.create_task(self._stop.wait())
        waiters: set[asyncio.Task[Any]] = {stop_waiter}
        if self._worker_task is not None:
            waiters.add(self._worker_task)
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop_waiter.cancel()
        log.info("stopping")

    async def _shutdown(self) -> None:
        self._stop.set()
        if self.api is not None and self._api_task is not None:
            self.api.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, SystemExit):
                await self._api_task
            self.api = self._api_task = None
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
