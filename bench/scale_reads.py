"""Reads at scale: the worklist, the case page and the indicators on 100k then 1M synthetic
cases (bench/scale_data.py), p50 and p95 of each, and how each grows from 100k to 1M.

The baseline of each read is the same read at 100k cases in the same run: the target of the
interactive reads is p95 <= 150 ms at 1M cases and <= 2x the 100k value. The dashboard reads
the latest indicator snapshot; computing the reports live is the scheduled refresh, whose
target is to recompute every breakdown within its 15-minute period.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.harness import Figure, Result, scratch_database
from bench.scale_data import INVESTIGATORS, investigator, load
from vigie.runtime.migrate import upgrade_head
from vigie.services.indicators.report import build_report
from vigie.services.indicators.snapshot import BREAKDOWNS, dashboard_report, refresh
from vigie.services.task_queries import list_tasks

log = logging.getLogger(__name__)

SCALES = tuple(int(s) for s in os.environ.get("VIGIE_BENCH_SCALES", "100000,1000000").split(","))
SAMPLES = 40
TARGET_MS = 150.0
REFRESH_S = 15 * 60  # the indicator snapshots' schedule

CASE_PAGE = [  # what the case page reads, for one case
    "SELECT * FROM fraud_case WHERE id = :id",
    "SELECT * FROM target WHERE id = (SELECT target_id FROM fraud_case WHERE id = :id)",
    "SELECT * FROM audit_log WHERE case_id = :id ORDER BY seq",
    "SELECT * FROM ledger_entry WHERE case_id = :id ORDER BY seq, line",
    "SELECT * FROM debt WHERE case_id = :id ORDER BY key",
    "SELECT * FROM task WHERE case_id = :id AND status = 'open' ORDER BY due_at",
]


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


def reads(engine: Engine, n: int) -> dict[str, Timing]:
    rng = random.Random(7)

    def worklist(_: int) -> None:
        list_tasks(engine, user=investigator(rng.randrange(INVESTIGATORS)), limit=100)

    def case_page(_: int) -> None:
        case_id = f"case:professional:{rng.randrange(n):09d}:2025"
        with engine.connect() as conn:
            for sql in CASE_PAGE:
                conn.execute(text(sql), {"id": case_id}).all()

    def live_report(_: int) -> None:
        build_report(engine)

    def dashboard(_: int) -> None:
        dashboard_report(engine)

    refresh(engine, breakdowns=(None,))  # what the schedule does every 15 minutes
    return {
        "worklist (an investigator's open tasks)": timed(worklist),
        "case page (case, target, audit, ledger, debts, tasks)": timed(case_page),
        "dashboard (indicators from the latest snapshot)": timed(dashboard),
        "indicators report computed live (the refresh)": timed(live_report, samples=3),
    }


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


def run() -> Result:
    measured: dict[int, dict[str, Timing]] = {}
    loads: dict[int, str] = {}
    plan = ""
    for n in SCALES:
        with scratch_database() as url:
            upgrade_head(url)
            plain = make_url(url).set(drivername="postgresql").render_as_string(False)
            start = time.perf_counter()
            counts = load(plain, n, lambda done, n=n: log.info("  %d / %d cases", done, n))
            loads[n] = (
                f"{n:,} cases: {counts['audit_log']:,} audit rows, "
                f"{counts['ledger_entry']:,} ledger entries, {counts['task']:,} open tasks "
                f"loaded by COPY in {time.perf_counter() - start:.0f} s"
            )
            engine = create_engine(url)
            try:
                measured[n] = reads(engine, n)
                if n == SCALES[-1]:
                    plan = slowest_query(engine)
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
            "Baseline: the same read at the smaller scale, same run.",
            plan,
        ],
        figures=figures,
    )
