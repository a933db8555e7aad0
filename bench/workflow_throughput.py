"""Case workflow throughput on the dev server, against trivial workflows in the same run.

An earlier measurement found about 56-75 trivial workflows/s and about 49/s with one activity on
this kind of machine. Opening a case reads the policy snapshot and writes the projection in
Postgres, both by local activities inside the opening's one workflow task, then sets the
triage timer; we measure opened-and-projected cases per second.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, create_engine, func
from sqlmodel import Session, select
from temporalio import activity, workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import worker as vigie_worker
from bench.harness import Figure, Result, scratch_database
from models import Case
from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from vigie.policy.loader import sync_policy
from vigie.runtime.migrate import upgrade_head
from vigie.runtime.temporal import temporal_binary
from vigie.services.case_commands import open_case


@workflow.defn(sandboxed=False)
class NoopWorkflow:
    @workflow.run
    async def run(self) -> str:
        return "ok"


@activity.defn
def noop_activity() -> str:
    return "ok"


@workflow.defn(sandboxed=False)
class OneActivityWorkflow:
    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            noop_activity, start_to_close_timeout=timedelta(seconds=30)
        )


ROUNDS = 3  # the three kinds take turns: a load that comes and goes hits each alike


async def _seconds(env: WorkflowEnvironment, queue: str, wf: type, n: int) -> float:
    start = time.perf_counter()
    handles = [
        await env.client.start_workflow(wf.run, id=f"b-{uuid.uuid4().hex}", task_queue=queue)  # type: ignore[attr-defined]
        for _ in range(n)
    ]
    await asyncio.gather(*(h.result() for h in handles))
    return time.perf_counter() - start


async def _open_seconds(env: WorkflowEnvironment, engine: Engine, queue: str, ids: range) -> float:
    """Open the cases ``ids``, one after the other; the time until all are projected."""
    start = time.perf_counter()
    for i in ids:
        opening = OpenCaseInput(
            target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=f"B{i}"),
            period="2025",
            request_id=f"bench-{i}",
        )
        await open_case(env.client, queue, opening)
    while True:
        with Session(engine) as s:
            done = s.exec(select(func.count()).select_from(Case)).one()
        if done >= ids.stop:
            return time.perf_counter() - start
        await asyncio.sleep(0.02)


async def _measure(n: int) -> list[Figure]:
    per_round = n // ROUNDS
    spent = {"trivial": 0.0, "one": 0.0, "cases": 0.0}
    with scratch_database() as url:
        upgrade_head(url)
        engine = create_engine(url, pool_size=10)
        sync_policy(engine)
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=str(temporal_binary("temporal")),
        )
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                base_q, queue = "bench-baseline", "bench-cases"
                async with (
                    Worker(
                        env.client,
                        task_queue=base_q,
                        workflows=[NoopWorkflow, OneActivityWorkflow],
                        activities=[noop_activity],
                        activity_executor=pool,
                    ),
                    vigie_worker.build_worker(env.client, engine, queue, pool, "bench"),
                ):
                    for r in range(ROUNDS):
                        spent["trivial"] += await _seconds(env, base_q, NoopWorkflow, per_round)
                        spent["one"] += await _seconds(env, base_q, OneActivityWorkflow, per_round)
                        ids = range(r * per_round, (r + 1) * per_round)
                        spent["cases"] += await _open_seconds(env, engine, queue, ids)
        finally:
            await env.shutdown()
            engine.dispose()
    done = per_round * ROUNDS
    trivial, one, cases = (done / spent[k] for k in ("trivial", "one", "cases"))
    return [
        Figure("trivial workflows", trivial, "per s"),
        Figure("workflows with one activity", one, "per s", trivial, "trivial workflows"),
        Figure(
            "cases opened (workflow + policy + Postgres projection)",
            cases,
            "per s",
            trivial,
            "trivial workflows",
            target=">= 60 % of the trivial rate",
            met=cases >= 0.6 * trivial,
        ),
    ]


def run(n: int = 300) -> Result:
    figures = asyncio.run(_measure(n))
    rows = [
        (f.name, f"{f.value:.1f}", f"{f.ratio:.0%}" if f.ratio else "baseline", f.target or "")
        for f in figures
    ]
    return Result(
        "Case workflow throughput (dev server, in memory)",
        rows,
        ("what", "per second", "of the trivial rate", "target"),
        [
            f"{n} workflows of each kind, started one after the other, same worker process and "
            f"run, in {ROUNDS} rounds where the kinds take turns (the rate is over the "
            "rounds' total time), so that other load on the machine weighs on each alike.",
            "A case counts once its opening is projected (its row in Postgres).",
        ],
        figures,
    )
