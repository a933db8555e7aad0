"""Indicator snapshots: each report of the current year (without breakdown and by each
dimension) computed by a scheduled job and stored, so that the dashboard reads it in
milliseconds instead of recomputing it from millions of ledger rows.

A snapshot is exactly what ``build_report`` returned at ``computed_at`` (a test checks that a
stored report equals the live one); readers say how old it is, and fall back to the live
computation when none is fresh enough.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from models.indicator_snapshot import IndicatorSnapshot
from models.local_time import PARIS
from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.report import Report, build_report
from vigie.services.indicators.targets import TargetBook, load_targets

log = logging.getLogger(__name__)

REPORT = TypeAdapter(Report)
#: the breakdowns precomputed: none, then each dimension
BREAKDOWNS: tuple[Dimension | None, ...] = (None, *Dimension)
#: how old a snapshot may be for the dashboard (the schedule refreshes every 15 minutes)
FRESH_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Snapshot:
    report: Report
    computed_at: datetime
    took_ms: int


def dump(report: Report) -> dict[str, object]:
    """The report as JSON (exact: amounts and ratios as decimal strings)."""
    return REPORT.dump_python(report, mode="json")


def load(data: dict[str, object]) -> Report:
    return REPORT.validate_python(data)


def refresh(
    engine: Engine,
    *,
    year: int | None = None,
    now: datetime | None = None,
    breakdowns: tuple[Dimension | None, ...] = BREAKDOWNS,
    book: TargetBook | None = None,
) -> list[Snapshot]:
    """Compute and store the year's reports (default: the current year, every breakdown, the
    default target series), replacing the previous snapshots of the same key."""
    book = book or load_targets()
    now = now or datetime.now(UTC)
    done = []
    for by in breakdowns:
        start = time.perf_counter()
        report = build_report(engine, year=year, by=by, now=now, book=book)
        took_ms = round((time.perf_counter() - start) * 1000)
        values = {
            "year": report.scope.year,
            "breakdown": by.value if by else "",
            "series": report.series,
            "computed_at": now,
            "took_ms": took_ms,
            "report": dump(report),
        }
        statement = insert(IndicatorSnapshot).values(**values)
        statement = statement.on_conflict_do_update(
            constraint="uq_indicator_snapshot_key",
            set_={k: statement.excluded[k] for k in ("computed_at", "took_ms", "report")},
        )
        with engine.begin() as conn:
            conn.execute(statement)
        done.append(Snapshot(report, now, took_ms))
        log.info("indicators %s by %s: %d ms", report.scope.year, by or "-", took_ms)
    return done


def latest(engine: Engine, *, year: int, by: Dimension | None, series: str) -> Snapshot | None:
    """The stored snapshot of that year, breakdown and series, if any."""
    query = select(IndicatorSnapshot).where(
        IndicatorSnapshot.year == year,
        IndicatorSnapshot.breakdown == (by.value if by else ""),
        IndicatorSnapshot.series == series,
    )
    with Session(engine) as session:
        row = session.exec(query).first()
    if row is None:
        return None
    return Snapshot(load(row.report), row.computed_at, row.took_ms)


def dashboard_report(
    engine: Engine,
    *,
    year: int | None = None,
    by: Dimension | None = None,
    series: str | None = None,
    now: datetime | None = None,
    fresh_for: timedelta = FRESH_FOR,
) -> Snapshot:
    """The snapshot when one is fresh enough, else the live report (computed now)."""
    now = now or datetime.now(UTC)
    book = load_targets()
    series = series or book.default_series
    year = year or now.astimezone(PARIS).year
    found = latest(engine, year=year, by=by, series=series)
    if found is not None and now - found.computed_at <= fresh_for:
        return found
    start = time.perf_counter()
    report = build_report(engine, year=year, by=by, series=series, now=now, book=book)
    return Snapshot(report, now, round((time.perf_counter() - start) * 1000))
