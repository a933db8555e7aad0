"""The one place that wires the Temporal client, task queue, workflows, activities, schedules."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.worker import Worker

from activities.case_blocked import CaseBlockedActivities
from activities.case_projection import CaseProjectionActivities
from activities.detection_insured import InsuredDetectionActivities
from activities.detection_run import DetectionActivities
from activities.indicator_snapshots import IndicatorSnapshotActivities
from activities.policy import PolicyActivities
from activities.retention import RetentionActivities
from activities.users import UserActivities
from models.detection_messages import DetectionRunInput
from vigie.runtime.codec import data_converter
from vigie.services.indicators.snapshot import refresh as refresh_indicators
from vigie.services.retention import purge_due
from vigie.settings import Settings, get_settings
from workflows.detection_run import DetectionRunWorkflow
from workflows.fraud_case import FraudCaseWorkflow
from workflows.indicator_refresh import IndicatorRefreshWorkflow
from workflows.retention_purge import RetentionPurgeWorkflow

log = logging.getLogger(__name__)

WORKFLOWS: Sequence[type] = (
    FraudCaseWorkflow,
    DetectionRunWorkflow,
    IndicatorRefreshWorkflow,
    RetentionPurgeWorkflow,
)
DETECTION_SCHEDULE_ID = "vigie-detection-monthly"
INDICATORS_SCHEDULE_ID = "vigie-indicators-refresh"
RETENTION_SCHEDULE_ID = "vigie-retention-purge"


#: what a Temporal server answers while it is starting (or restarting): worth retrying
TRANSIENT_CONNECT_ERRORS = (
    "not healthy yet",  # the frontend is up but still loading its SQLite file
    "transport error",  # the port is open, the gRPC server not yet serving (reset)
    "Connection refused",
    "Unavailable",
)


async def connect(settings: Settings, startup_timeout: float = 60.0) -> Client:
    """Connect the Vigie client (pydantic payloads).

    A dev server that has just opened its port can still reset the connection or answer
    "Frontend is not healthy yet"; such answers are retried (with a log line) until
    ``startup_timeout`` seconds have passed. Any other failure (wrong namespace, TLS) is
    raised at once.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + startup_timeout
    delay = 0.2
    while True:
        try:
            return await Client.connect(
                settings.effective_temporal_address,
                namespace=settings.temporal_namespace,
                data_converter=data_converter(settings.payload_key),
            )
        except RuntimeError as exc:
            transient = any(marker in str(exc) for marker in TRANSIENT_CONNECT_ERRORS)
            if not transient or loop.time() + delay > deadline:
                raise
            log.info(
                "waiting for Temporal at %s (%s)",
                settings.effective_temporal_address,
                str(exc).split(":", 1)[-1].strip()[:80],
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


def activities_for(engine: Engine, pseudonym_key: str) -> list[Any]:
    projection = CaseProjectionActivities(engine)
    policy = PolicyActivities(engine)
    detection = DetectionActivities(engine, pseudonym_key)
    insured_detection = InsuredDetectionActivities(engine, pseudonym_key)
    users = UserActivities(engine)
    indicators = IndicatorSnapshotActivities(engine, refresh_indicators)
    blocked = CaseBlockedActivities(engine)
    retention = RetentionActivities(engine, purge_due)
    return [
        projection.apply_case_change,
        blocked.record_case_blocked,
        blocked.record_case_unblocked,
        policy.load_policy,
        users.actor_profile,
        detection.plan_detection,
        detection.extract_partition,
        detection.score_run,
        detection.finish_detection,
        insured_detection.score_insured_run,
        indicators.refresh_indicator_snapshots,
        retention.purge_personal_data,
    ]


def detection_schedule(task_queue: str, capacity: int = 20, insured_capacity: int = 5) -> Schedule:
    """Detection on the previous month, on the 2nd of each month at 03:00 UTC, providers
    and insured persons; a run still going when the next one is due makes the new one
    skip."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DetectionRunWorkflow.run,
            DetectionRunInput(capacity=capacity, insured_capacity=insured_capacity),
            id="detection-scheduled",
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=["0 3 2 * *"]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


def retention_schedule(task_queue: str) -> Schedule:
    """The purge of personal data past retention, daily at 02:30 UTC."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionPurgeWorkflow.run, id="retention-purge", task_queue=task_queue
        ),
        spec=ScheduleSpec(cron_expressions=["30 2 * * *"]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


def indicators_schedule(task_queue: str) -> Schedule:
    """The dashboard's indicator snapshots, recomputed every 15 minutes; a refresh still
    running when the next one is due makes the new one skip."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            IndicatorRefreshWorkflow.run, id="indicators-refresh", task_queue=task_queue
        ),
        spec=ScheduleSpec(cron_expressions=["*/15 * * * *"]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedule(client: Client, schedule_id: str, schedule: Schedule) -> str:
    """Create the schedule, or update it in place if it exists."""
    try:
        await client.create_schedule(schedule_id, schedule)
        log.info("created schedule %s", schedule_id)
        return "created"
    except ScheduleAlreadyRunningError:
        handle = client.get_schedule_handle(schedule_id)
        await handle.update(lambda _: ScheduleUpdate(schedule=schedule))
        log.info("updated schedule %s", schedule_id)
        return "updated"


async def ensure_detection_schedule(client: Client, task_queue: str, capacity: int = 20) -> str:
    """Create the monthly detection schedule, or update it in place if it exists."""
    return await ensure_schedule(
        client, DETECTION_SCHEDULE_ID, detection_schedule(task_queue, capacity)
    )


def build_worker(
    client: Client,
    engine: Engine,
    task_queue: str,
    executor: ThreadPoolExecutor,
    pseudonym_key: str | None = None,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=activities_for(engine, pseudonym_key or get_settings().pseudonym_key),
        activity_executor=executor,
        max_concurrent_activities=8,
        graceful_shutdown_timeout=timedelta(seconds=5),
    )


async def run_worker(settings: Settings, engine: Engine, stop: asyncio.Event) -> None:
    """Run a worker until ``stop`` is set, then shut it down gracefully."""
    client = await connect(settings)
    await ensure_detection_schedule(client, settings.task_queue)
    await ensure_schedule(client, INDICATORS_SCHEDULE_ID, indicators_schedule(settings.task_queue))
    await ensure_schedule(client, RETENTION_SCHEDULE_ID, retention_schedule(settings.task_queue))
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="vigie-activity") as executor:
        worker = build_worker(client, engine, settings.task_queue, executor, settings.pseudonym_key)
        async with worker:
            log.info("worker polling task queue %s", settings.task_queue)
            await stop.wait()
            log.info("worker shutting down")
