"""Reads at scale through the HTTP API: the worklist, the case page and the dashboard on 100k
then 1M synthetic cases (bench/scale_data.py), p50 and p95 of each, and how each grows from
100k to 1M.

Each read is an HTTP request to the real API (``create_app`` served by uvicorn in a process
of its own, bench/api_server.py) on the scratch database, signed in with a bearer token:
sign-in check, route, queries, response serialization, as a browser or a client sees it.
The baseline of each read is the same read at 100k cases in the same run: the target of the
interactive reads is p95 <= 150 ms at 1M cases and <= 2x the 100k value. The dashboard reads
the latest indicator snapshot; computing the reports live is the scheduled refresh (timed in
process, not through HTTP), whose target is to recompute every breakdown within its
15-minute period.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from bench.api_server import served
from bench.harness import Figure, Result, free_port, scratch_database
from bench.scale_data import INVESTIGATORS, investigator, load
from vigie.api.security import issue_token
from vigie.runtime.migrate import upgrade_head
from vigie.services.indicators.report import build_report
from vigie.services.indicators.snapshot import BREAKDOWNS, dashboard_report, refresh
from vigie.services.task_queries import list_tasks
from vigie.services.users import upsert_user

log = logging.getLogger(__name__)

SCALES = tuple(int(s) for s in os.environ.get("VIGIE_BENCH_SCALES", "100000,1000000").split(","))
SAMPLES = 60
TARGET_MS = 150.0
REFRESH_S = 15 * 60  # the indicator snapshots' schedule
MANAGER = "bench-manager"


@dataclass
class Timing:
    p50: float
    p95: float


def timed(fn: Callable[[int], object], samples: int = SAMPLES) -> Timing:
    """p50 and p95 in milliseconds over ``samples`` calls (after one warm-up call)."""
    fn(-1)
    times = []
    for k in range(samples):
        start = time.perf_counter()
        fn(k)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[int(0.95 * (len(times) - 1))])


def tokens(engine: Engine) -> dict[str, str]:
    """Bearer tokens, issued as sign-in does: every investigator's and a manager's."""
    upsert_user(engine, MANAGER, "Bench manager", "manager")
    users = [investigator(k) for k in range(INVESTIGATORS)] + [MANAGER]
    return {user: issue_token(engine, user)[0] for user in users}


def get(http: httpx.Client, path: str, token: str) -> Any:
    response = http.get(path, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response.json()


def reads(base: str, engine: Engine, n: int) -> dict[str, Timing]:
    """Each read through HTTP, one request after the other (one user's latency)."""
    rng = random.Random(7)
    signed_in = tokens(engine)

    with httpx.Client(base_url=base, timeout=60) as http:

        def worklist(_: int) -> None:
            get(http, "/api/tasks", signed_in[investigator(rng.randrange(INVESTIGATORS))])

        def case_page(_: int) -> None:
            # the case's own investigator opens its page: the case, then its timeline
            i = rng.randrange(n)
            case_id = f"case:professional:{i:09d}:2025"
            token = signed_in[investigator(i)]
            get(http, f"/api/cases/{case_id}", token)
            get(http, f"/api/cases/{case_id}/timeline", token)

        def dashboard(_: int) -> None:
            get(http, "/api/indicators", signed_in[MANAGER])

        return {
            "worklist (GET /api/tasks, an investigator's open tasks)": timed(worklist),
            "case page (GET /api/cases/{id} and its /timeline)": timed(case_page),
            "dashboard (GET /api/indicators, from the latest snapshot)": timed(dashboard),
        }


def live_report(engine: Engine) -> Timing:
    return timed(lambda _: build_report(engine), samples=3)


@contextmanager
def statement_times(engine: Engine) -> Iterator[list[tuple[float, str, Any]]]:
    """Every statement ``engine`` runs meanwhile: (seconds, SQL, parameters)."""
    seen: list[tuple[float, str, Any]] = []

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append((time.perf_counter() - conn.info["bench_started"].pop(), sql, params))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def slowest_read_query(engine: Engine, n: int) -> str:
    """The statements the three reads run (the same service calls the routes make, in
    process), each read 10 times; EXPLAIN ANALYZE of the slowest statement."""
    from vigie.api.routes.cases import readable_case, timeline
    from vigie.services.case_evidence import case_evidence
    from vigie.services.users import find_user

    rng = random.Random(11)
    manager = find_user(engine, MANAGER)
    assert manager is not None, "tokens() registers the manager"
    with statement_times(engine) as seen:
        for _ in range(10):
            i = rng.randrange(n)
            case_id = f"case:professional:{i:09d}:2025"
            list_tasks(engine, user=investigator(rng.randrange(INVESTIGATORS)))
            readable_case(engine, manager, case_id)
            case_evidence(engine, case_id)
            list_tasks(engine, case_id=case_id)
            timeline(case_id, manager, engine)
            dashboard_report(engine)
    seconds, sql, params = max(seen, key=lambda s: s[0])
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).all()
    lines = "\n".join(f"    {r[0]}" for r in plan)
    statement = "\n".join(f"    {line}" for line in sql.strip().splitlines())
    return (
        f"Slowest statement of the interactive reads at {n:,} cases ({len(seen)} timed): "
        f"{seconds * 1000:.1f} ms.\n\n{statement}\n\nEXPLAIN ANALYZE:\n\n{lines}\n"
    )


def slowest_query(engine: Engine) -> str:
    """Each indicator query timed once; EXPLAIN ANALYZE of the slowest."""
    from datetime import UTC, datetime

    from vigie.services.indicators.catalogue import queries
    from vigie.services.indicators.model import Scope
    from vigie.services.indicators.report import PARIS

    now = datetime.now(UTC)
    today = now.astimezone(PARIS).date()
    # the report's parameters, and those of money at risk: 12 months ahead, 180-day target
    params = {
        **Scope(now.year, today, now).params(),
        "until": today.replace(year=today.year + 1),
        "target_days": 180,
    }
    took = []
    with engine.connect() as conn:
        for name, sql in queries():
            start = time.perf_counter()
            conn.execute(text(sql), params).all()
            took.append((time.perf_counter() - start, name, sql))
        seconds, name, sql = max(took)
        plan = conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"), params).all()
    lines = "\n".join(f"    {r[0]}" for r in plan)
    return (
        f"Slowest indicator query: {name}, {seconds * 1000:.0f} ms. EXPLAIN ANALYZE:\n\n{lines}\n"
    )


def progress(n: int) -> Callable[[int], None]:
    return lambda done: log.info("  %d / %d cases", done, n)


def run() -> Result:
    measured: dict[int, dict[str, Timing]] = {}
    loads: dict[int, str] = {}
    plans: list[str] = []
    for n in SCALES:
        with scratch_database() as url:
            upgrade_head(url)
            plain = make_url(url).set(drivername="postgresql").render_as_string(False)
            start = time.perf_counter()
            counts = load(plain, n, progress(n))
            loads[n] = (
                f"{n:,} cases: {counts['audit_log']:,} audit rows, "
                f"{counts['ledger_entry']:,} ledger entries, {counts['task']:,} open tasks "
                f"loaded by COPY in {time.perf_counter() - start:.0f} s"
            )
            engine = create_engine(url)
            try:
                refresh(engine, breakdowns=(None,))  # what the schedule does every 15 minutes
                with served(url, free_port()) as api:
                    measured[n] = reads(api, engine, n)
                measured[n]["indicators report computed live (the refresh)"] = live_report(engine)
                if n == SCALES[-1]:
                    plans = [slowest_read_query(engine, n), slowest_query(engine)]
            finally:
                engine.dispose()
    small, large = SCALES[0], SCALES[-1]
    rows = []
    figures: list[Figure] = []
    for what in measured[small]:
        base, top = measured[small][what], measured[large][what]
        if what.startswith("indicators report computed live"):
            # not interactive: every breakdown must be recomputed within the schedule's period
            needed = len(BREAKDOWNS) * top.p95 / 1000
            target, met = f"{len(BREAKDOWNS)} reports <= {REFRESH_S} s", needed <= REFRESH_S
        else:
            target = f"p95 <= {TARGET_MS:.0f} ms and <= 2x"
            met = top.p95 <= TARGET_MS and top.p95 <= 2 * base.p95
        figures.append(
            Figure(
                f"{what}, p95 at {large:,} cases",
                top.p95,
                "ms",
                base.p95,
                f"p95 at {small:,} cases",
                target,
                met,
            )
        )
        rows.append(
            (
                what,
                f"{base.p50:.1f} / {base.p95:.1f}",
                f"{top.p50:.1f} / {top.p95:.1f}",
                f"{top.p95 / base.p95:.2f}",
                target,
                "met" if met else "not met",
            )
        )
    return Result(
        name=f"Reads at scale ({small:,} then {large:,} cases)",
        header=(
            "read",
            f"p50 / p95 ms at {small:,}",
            f"p50 / p95 ms at {large:,}",
            "p95 ratio",
            "target",
            "",
        ),
        rows=rows,
        notes=[
            *loads.values(),
            "Baseline: the same read at the smaller scale, same run. Interactive reads: "
            f"{SAMPLES} HTTP requests each (after one warm-up), one after the other, to the "
            "API in a process of its own (uvicorn), signed in with a bearer token; the case "
            "page is two requests (the case, its timeline) and logs the read.",
            *plans,
        ],
        figures=figures,
    )
