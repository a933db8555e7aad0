"""DetectionRunWorkflow: claims of one month -> partition features -> scores -> alerts -> cases.

Providers are scored from per-partition features; insured persons (when the run asks for
insured alerts) in one activity over the month, since their claims span every partition.

The work fans out as one heartbeating activity per profession x region partition. Selected
alerts open cases as child FraudCaseWorkflows whose ids derive from target and period, so a
re-run of the same period opens no duplicate: the existing case is reported instead.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from models.case_messages import OpenCaseInput, case_workflow_id
    from models.case_run import CaseRunInput
    from models.detection_messages import (
        AlertOutcome,
        AlertToOpen,
        DetectionRunInput,
        DetectionRunResult,
        Partition,
        PartitionResult,
        ScoreOutcome,
        alert_target,
    )
    from workflows.fraud_case import FraudCaseWorkflow

SHORT = timedelta(minutes=2)
LONG = timedelta(minutes=60)
HEARTBEAT = timedelta(minutes=2)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=5)


def previous_month(now: datetime) -> str:
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}"


@workflow.defn
class DetectionRunWorkflow:
    def __init__(self) -> None:
        self.stage = "planning"
        self.partitions_total = 0
        self.partitions_done = 0

    @workflow.run
    async def run(self, inp: DetectionRunInput) -> DetectionRunResult:
        period = inp.period or previous_month(workflow.now())
        run_id = workflow.info().workflow_id
        result = DetectionRunResult(run_id=run_id, period=period, model=inp.model_path)
        partitions: list[Partition] = await workflow.execute_activity(
            "plan_detection",
            args=[run_id, period],
            result_type=list[Partition],
            start_to_close_timeout=SHORT,
            retry_policy=RETRY,
        )
        self.partitions_total = result.partitions = len(partitions)
        result.claims = sum(p.claims for p in partitions)
        self.stage = "features"
        await asyncio.gather(*(self._extract(run_id, period, p) for p in partitions))
        self.stage = "scoring"
        scored: ScoreOutcome = await workflow.execute_activity(
            "score_run",
            args=[run_id, period, inp.capacity, inp.min_score, inp.model_path, inp.rank_by],
            result_type=ScoreOutcome,
            start_to_close_timeout=LONG,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=RETRY,
        )
        alerts = scored.alerts
        result.providers, result.alerts = scored.providers, len(alerts)
        if inp.insured_capacity:  # insured persons: their claims span every partition
            insured: ScoreOutcome = await workflow.execute_activity(
                "score_insured_run",
                args=[run_id, period, inp.insured_capacity, inp.min_score, inp.rank_by],
                result_type=ScoreOutcome,
                start_to_close_timeout=LONG,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=RETRY,
            )
            alerts = alerts + insured.alerts
            result.insured, result.insured_alerts = insured.providers, len(insured.alerts)
            result.alerts = len(alerts)
        self.stage = "opening cases"
        outcomes = [await self._open(a, period, run_id) for a in alerts] if inp.open_cases else []
        result.cases_opened = sum(o.outcome == "opened" for o in outcomes)
        result.already_open = sum(o.outcome == "already_open" for o in outcomes)
        await workflow.execute_activity(
            "finish_detection",
            args=[result, outcomes],
            start_to_close_timeout=SHORT,
            retry_policy=RETRY,
        )
        self.stage = "done"
        return result

    async def _extract(self, run_id: str, period: str, part: Partition) -> PartitionResult:
        done: PartitionResult = await workflow.execute_activity(
            "extract_partition",
            args=[run_id, period, part],
            result_type=PartitionResult,
            start_to_close_timeout=LONG,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=RETRY,
        )
        self.partitions_done += 1
        return done

    async def _open(self, alert: AlertToOpen, period: str, run_id: str) -> AlertOutcome:
        opening = OpenCaseInput(
            target=alert_target(alert),
            period=period,
            typology=alert.typology,
            source="detection",
            estimated_stake=alert.estimated_stake,
            score=round(min(max(alert.score, 0.0), 1.0), 6),
            explanation=alert.explanation,
            actor="detection",
            request_id=f"{run_id}:alert-{alert.alert_id}",
        )
        case_id = case_workflow_id(opening.target, period)
        if alert.case_exists:  # recorded in Postgres, even if Temporal no longer retains it
            return AlertOutcome(alert_id=alert.alert_id, case_id=case_id, outcome="already_open")
        try:
            await workflow.start_child_workflow(
                FraudCaseWorkflow.run,
                CaseRunInput(opening=opening),
                id=case_id,
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            return AlertOutcome(alert_id=alert.alert_id, case_id=case_id, outcome="already_open")
        return AlertOutcome(alert_id=alert.alert_id, case_id=case_id, outcome="opened")

    @workflow.query
    def progress(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "partitions_done": self.partitions_done,
            "partitions_total": self.partitions_total,
        }
