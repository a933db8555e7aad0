"""The dashboard's indicator snapshots: a stored report is exactly the live one, for every
breakdown; the dashboard reads a fresh snapshot and recomputes a stale one; the scheduled
refresh workflow stores them all."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from tests.conftest import running_worker
from tests.indicators.world import Rows
from vigie.services.indicators import build_report
from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.snapshot import (
    BREAKDOWNS,
    dashboard_report,
    latest,
    refresh,
)
from vigie.services.indicators.targets import load_targets
from workflows.indicator_refresh import IndicatorRefreshWorkflow

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
OPENED = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"


def _world(engine: Engine) -> None:
    rows, tag = Rows(), uuid.uuid4().hex[:8]
    paid = rows.case(f"snap-paid-{tag}", OPENED, stage="recovery", region="bretagne")
    paid.debt("debt-1", qualification="fraud", notified_on=date(2026, 2, 2),
              prescribed_on=date(2026, 9, 30), established_at=OPENED)  # fmt: skip
    paid.post(OPENED, {"kind": "harm_suffered", "amount": "1234.56", "qualification": "fraud"})
    paid.post(OPENED, {"kind": "due", "amount": "1234.56", "debt": "debt-1",
                       "qualification": "fraud"})  # fmt: skip
    paid.post(NOW, {"kind": "payment", "amount": "400.10", "debt": "debt-1",
                    "effective_on": date(2026, 3, 5)})  # fmt: skip
    late = rows.case(f"snap-late-{tag}", OPENED, stage="investigation", region="corse")
    late.post(OPENED, {"kind": "harm_suffered", "amount": "5000.00", "qualification": "fault"})
    rows.insert(engine)


def test_a_stored_snapshot_is_exactly_the_live_report_for_every_breakdown(
    own_engine: Engine,
) -> None:
    _world(own_engine)
    stored = refresh(own_engine, now=NOW)
    assert len(stored) == len(BREAKDOWNS)
    for by in BREAKDOWNS:
        found = latest(own_engine, year=2026, by=by, series=stored[0].report.series)
        assert found is not None and found.computed_at == NOW
        assert found.report == build_report(own_engine, now=NOW, by=by), by


def test_the_dashboard_reads_a_fresh_snapshot_and_recomputes_a_stale_one(
    own_engine: Engine,
) -> None:
    _world(own_engine)
    refresh(own_engine, now=NOW, breakdowns=(Dimension.REGION,))
    fresh = dashboard_report(own_engine, by=Dimension.REGION, now=NOW + timedelta(minutes=29))
    assert fresh.computed_at == NOW
    _world(own_engine)  # more cases since the snapshot
    later = NOW + timedelta(minutes=31)
    stale = dashboard_report(own_engine, by=Dimension.REGION, now=later)
    assert stale.computed_at == later
    assert stale.report == build_report(own_engine, now=later, by=Dimension.REGION)
    assert stale.report != replace(fresh.report, scope=stale.report.scope)


async def test_the_scheduled_refresh_stores_every_breakdown_of_the_year(
    time_env: WorkflowEnvironment, engine: Engine
) -> None:
    async with running_worker(time_env.client, engine) as task_queue:
        handle = await time_env.client.start_workflow(
            IndicatorRefreshWorkflow.run,
            id=f"indicators-refresh-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
        )
        result = await handle.result()
        if os.environ.get("VIGIE_CAPTURE_HISTORIES") == "1":
            history = await handle.fetch_history()
            path = HISTORIES / "indicator_refresh-a_refresh_stores_every_breakdown.json"
            path.write_text(history.to_json(), encoding="utf-8")
    assert result.reports == len(BREAKDOWNS)
    year = result.year
    for by in BREAKDOWNS:
        assert latest(engine, year=year, by=by, series=load_targets().default_series), by
