"""Demo part 2: synthetic claims -> Postgres -> a detection run that opens cases."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

from rich.console import Console
from sqlmodel import Session, select

from activities.claims_import import file_sha256, import_claims
from detection.synth import generate_claims
from models import ClaimsImport
from models.detection_messages import DetectionRunInput, DetectionRunResult
from vigie.cli.tables import alerts_table
from vigie.demo.case_paths import wait_for_cases
from vigie.runtime.stack import Stack
from vigie.services.detection_queries import run_alerts
from workflows.detection_run import DetectionRunWorkflow

log = logging.getLogger(__name__)

DEMO_CLAIMS = 200_000
DEMO_SEED = 42
DEMO_CAPACITY = 8
DEMO_INSURED_CAPACITY = 2


def demo_claims(stack: Stack, console: Console) -> str:
    """Generate (once) and import (once) the demo claims; return their month."""
    assert stack.engine is not None
    folder = stack.settings.home_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    claims, labels = folder / "claims.parquet", folder / "labels.csv"
    if not claims.exists():
        summary = generate_claims(claims, labels, n_claims=DEMO_CLAIMS, seed=DEMO_SEED)
        console.print(
            f"generated {summary.claims} synthetic claims: {summary.providers} providers, "
            f"{summary.fraudulent_providers} with planted fraud ({labels})"
        )
    digest = file_sha256(claims)
    with Session(stack.engine) as session:
        done = session.exec(select(ClaimsImport).where(ClaimsImport.sha256 == digest)).first()
    if done is not None:
        console.print(f"claims already imported (import #{done.id}, {done.rows} rows)")
        return f"{done.first_service_date:%Y-%m}"
    imported = import_claims(stack.engine, Path(claims), "demo")
    months = ", ".join(imported.months)
    console.print(f"imported {imported.rows} claims into Postgres (months {months})")
    return imported.months[0]


async def run_detection(stack: Stack, console: Console) -> None:
    assert stack.client is not None and stack.engine is not None
    period = await asyncio.to_thread(demo_claims, stack, console)
    run_id = f"detection:{period}:demo-{uuid.uuid4().hex[:6]}"
    console.print(f"detection run {run_id} on {period} (capacity {DEMO_CAPACITY} alerts)")
    result: DetectionRunResult = await stack.client.execute_workflow(
        DetectionRunWorkflow.run,
        DetectionRunInput(
            period=period, capacity=DEMO_CAPACITY, insured_capacity=DEMO_INSURED_CAPACITY
        ),
        id=run_id,
        task_queue=stack.settings.task_queue,
    )
    console.print(
        f"  {result.claims} claims in {result.partitions} profession x region partitions, "
        f"{result.insured} insured persons; {result.alerts} alerts "
        f"({result.insured_alerts} on insured persons): {result.cases_opened} cases opened, "
        f"{result.already_open} already open"
    )
    alerts = run_alerts(stack.engine, result.run_id)
    await wait_for_cases(stack, {a.case_id for a in alerts if a.case_id})
    console.print(alerts_table(alerts, "Alerts of this run (table alert), by expected recovery"))
