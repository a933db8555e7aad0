"""RetentionPurgeWorkflow: purge the personal data of closed cases past the retention
period, started daily by a schedule (worker.py). One activity; the purge itself is
``vigie.services.retention``, given to the activity by the worker."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models.retention import PurgeReport


@workflow.defn
class RetentionPurgeWorkflow:
    @workflow.run
    async def run(self) -> PurgeReport:
        return await workflow.execute_activity(
            "purge_personal_data",
            result_type=PurgeReport,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
