"""IndicatorRefreshWorkflow: recompute the dashboard's indicator snapshots, started every
15 minutes by a schedule (worker.py). One activity; a refresh still running when the next
is due makes the next one skip (the schedule's overlap policy)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models.indicator_snapshot import IndicatorRefreshResult


@workflow.defn
class IndicatorRefreshWorkflow:
    @workflow.run
    async def run(self) -> IndicatorRefreshResult:
        return await workflow.execute_activity(
            "refresh_indicator_snapshots",
            result_type=IndicatorRefreshResult,
            start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
