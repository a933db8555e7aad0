"""`vigie up`, `status`, `migrate`, `worker` and `demo`: running the stack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import typer
from sqlalchemy import func
from sqlmodel import Session, select
from temporalio.api.taskqueue.v1 import PollerInfo

from models import Case
from vigie.cli.connections import database
from vigie.cli.output import console
from vigie.demo import run_demo
from vigie.logs import configure
from vigie.runtime.postgres import embedded_status
from vigie.runtime.stack import Stack, prepare_database
from vigie.runtime.temporal import temporal_reachable
from vigie.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _where(stack: Stack) -> None:
    s = stack.settings
    assert stack.pg is not None and stack.temporal is not None
    console.print("[bold green]Vigie is up[/]")
    console.print(f"  home          {s.home_dir}")
    kind = "embedded" if stack.pg.embedded else "external"
    console.print(f"  postgres      {stack.pg.safe_url} ({kind})")
    kind = "dev server, started here" if stack.temporal.started_here else "existing"
    console.print(f"  temporal      {stack.temporal.address} ({kind})")
    if stack.temporal.ui_url:
        console.print(
            f"  temporal UI   {stack.temporal.ui_url}/namespaces/{s.temporal_namespace}/workflows"
        )
    console.print(f"  task queue    {s.task_queue}")
    if stack.api is not None:
        console.print(f"  API           {stack.api.url}/docs")


async def _serve(settings: Settings, demo: bool, serve: bool) -> None:
    async with Stack(settings, stop_on_signals=True, serve_api=True) as stack:
        if stack.stopping:  # Ctrl-C while starting: stop what started, nothing more
            log.info("stop requested while starting")
        else:
            _where(stack)
            await _demo_then_serve(stack, demo, serve)
    console.print("stopped everything this command started")


async def _demo_then_serve(stack: Stack, demo: bool, serve: bool) -> None:
    if demo and not await stack.until_stopped(run_demo(stack, console)):
        console.print("demo interrupted")
        return
    if serve and not stack.stopping:
        console.print("serving; press Ctrl-C to stop")
        await stack.wait_for_signal()


def _run_stack(settings: Settings, demo: bool, serve: bool) -> None:
    """Run the stack until it is done or stopped. The Stack turns Ctrl-C into a stop request
    for as long as its event loop runs; a KeyboardInterrupt can only come from a Ctrl-C just
    before the loop installs its handlers (nothing started yet) or just after it closed them
    (everything stopped): either way a clean stop, exit code 0, not typer's 130."""
    try:
        asyncio.run(_serve(settings, demo=demo, serve=serve))
    except KeyboardInterrupt:
        log.info("interrupted outside the serving loop; nothing left running")


def up() -> None:
    """Start what is not configured (Postgres, Temporal), migrate, and run the worker."""
    settings = get_settings()
    configure(log_dir=settings.log_dir)
    _run_stack(settings, demo=False, serve=True)


def demo(
    serve: int = typer.Option(1, help="1: keep serving after the scenario; 0: stop and exit."),
) -> None:
    """Bring the stack up, run the demo scenario, and keep serving (unless --serve 0)."""
    settings = get_settings()
    configure(log_dir=settings.log_dir)
    _run_stack(settings, demo=True, serve=bool(serve))


def migrate() -> None:
    """Apply the database migrations and load the policy records."""
    settings = get_settings()
    configure(log_dir=settings.log_dir)
    pg, engine = prepare_database(settings)
    console.print(f"migrated {pg.safe_url}")
    engine.dispose()
    pg.stop()


def worker() -> None:
    """Run a worker against the configured (external) Postgres and Temporal."""
    settings = get_settings()
    configure(log_dir=settings.log_dir)
    if settings.uses_embedded_temporal and not temporal_reachable(settings):
        raise typer.BadParameter("no Temporal reachable: set TEMPORAL_ADDRESS or run `vigie up`")
    _run_stack(settings, demo=False, serve=True)


def status() -> None:
    """Show what is running: Postgres, Temporal, the worker and the number of cases."""
    settings = get_settings()
    configure(level=logging.WARNING)
    pg_state = embedded_status(settings)
    where = "embedded" if settings.uses_embedded_postgres else "DATABASE_URL"
    console.print(f"postgres   {pg_state} ({where})")
    address = settings.effective_temporal_address
    temporal_up = temporal_reachable(settings)
    console.print(f"temporal   {'reachable' if temporal_up else 'unreachable'} at {address}")
    if temporal_up:
        live = asyncio.run(_pollers(settings))  # workers that polled in the last minute
        console.print(f"workers    {live} polling {settings.task_queue}")
    if pg_state in ("running", "external"):  # never starts a stopped embedded server
        with database(settings) as engine:
            try:
                with Session(engine) as session:
                    count = session.exec(select(func.count()).select_from(Case)).one()
                console.print(f"cases      {count}")
            except Exception as exc:  # noqa: BLE001 - status reports, never fails
                console.print(f"cases      unknown ({type(exc).__name__}: not migrated?)")


#: a live worker long-polls its task queue without pause, and a long poll lasts at most a
#: minute (the server's long-poll expiry): its last access is never older than this. The
#: server keeps listing a stopped worker's pollers for minutes with their old access time.
LIVE_WORKER_WINDOW = timedelta(seconds=70)


def live_workers(pollers: Iterable[PollerInfo], now: datetime) -> int:
    """Distinct workers (identities) among ``pollers`` that polled within the live window.
    ``now`` and the access times are compared as is: the server's clock is assumed right."""
    return len(
        {
            p.identity
            for p in pollers
            if p.HasField("last_access_time")
            and now - p.last_access_time.ToDatetime(tzinfo=UTC) <= LIVE_WORKER_WINDOW
        }
    )


async def _pollers(settings: Settings) -> int:
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    import worker as vigie_worker

    client = await vigie_worker.connect(settings, startup_timeout=5.0)
    resp = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=settings.temporal_namespace,
            task_queue=TaskQueue(name=settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return live_workers(resp.pollers, datetime.now(UTC))
