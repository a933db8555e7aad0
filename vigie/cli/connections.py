"""What the commands connect to: the user, Postgres (embedded or external) and Temporal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine
from temporalio.client import Client

import worker as vigie_worker
from vigie.cli.output import err_console
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import schema_behind
from vigie.runtime.postgres import ensure_postgres
from vigie.runtime.temporal import temporal_reachable
from vigie.settings import Settings


def current_user() -> str:
    return os.environ.get("VIGIE_USER") or os.environ.get("USER") or "investigator"


@contextmanager
def database(settings: Settings) -> Iterator[Engine]:
    """An engine on the configured Postgres; an embedded server started here stops after."""
    pg = ensure_postgres(settings)
    engine = make_engine(pg.url, pool_size=2)
    try:
        if behind := schema_behind(engine):
            err_console.print(f"[red]error[/] {behind}")
            raise typer.Exit(2)
        yield engine
    finally:
        engine.dispose()
        pg.stop()


async def temporal_client(settings: Settings) -> Client:
    if settings.uses_embedded_temporal and not temporal_reachable(settings):
        address = settings.effective_temporal_address
        raise typer.BadParameter(f"Temporal is not running at {address}: start `vigie up` first")
    return await vigie_worker.connect(settings, startup_timeout=10.0)
