"""Action round trip through the HTTP API under 8 concurrent clients: p50, p95, p99.

Each client signs in, then adds investigation actions to a case of its own, one after the
other (each is a workflow update: validated, applied, projected to Postgres, the new state
returned). The baseline is the same update sent straight to Temporal (no HTTP, no sign-in
check, no Postgres read), in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import create_engine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import worker as vigie_worker
from bench.harness import Figure, Result, free_port, scratch_database
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from vigie.api.app import create_app
from vigie.api.security import set_password
from vigie.policy.loader import sync_policy
from vigie.runtime.migrate import upgrade_head
from vigie.runtime.stack import ApiServer
from vigie.runtime.temporal import temporal_binary
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.users import upsert_user
from vigie.settings import Settings

CLIENTS = 8
ACTIONS = 25  # per client
TARGET_MS = 150.0


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), at(0.95), at(0.99)


def _action(i: int) -> dict[str, object]:
    return {
        "action": "add_investigation_action",
        "request_id": uuid.uuid4().hex,
        "kind": "hearing",
        "due_at": "2027-06-30",
        "description": f"hearing {i}",
    }


async def _prepare(env: WorkflowEnvironment, engine: object, queue: str, n: int) -> list[str]:
    """``n`` cases in investigation, each assigned to its own investigator."""
    cases = []
    upsert_user(engine, "bench-sup", "Bench supervisor", "supervisor")  # type: ignore[arg-type]
    for k in range(n):
        user = f"bench-inv-{k}"
        upsert_user(engine, user, f"Bench {k}", "investigator", "bench-sup")  # type: ignore[arg-type]
        set_password(engine, user, "bench-password")  # type: ignore[arg-type]
        target = TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=f"LAT{k}")
        opening = OpenCaseInput(target=target, period="2025", request_id=f"lat-{k}")
        case_id = await open_case(env.client, queue, opening)
        await current_state(env.client, case_id)
        for name, fields in (
            ("assign", {"assignee": user, "supervisor": "bench-sup", "actor": "bench-sup"}),
            ("open_investigation", {"actor": user}),
        ):
            cmd = ACTION_TYPES[name](request_id=uuid.uuid4().hex, **fields)
            await act(env.client, case_id, cmd)
        cases.append(case_id)
    return cases


async def _through_api(base: str, cases: list[str]) -> list[float]:
    async def client(k: int) -> list[float]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            form = {"username": f"bench-inv-{k}", "password": "bench-password"}
            token = (await http.post("/api/auth/token", data=form)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            took = []
            for i in range(ACTIONS):
                start = time.perf_counter()
                response = await http.post(
                    f"/api/cases/{cases[k]}/actions", json=_action(i), headers=headers
                )
                took.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
            return took

    results = await asyncio.gather(*(client(k) for k in range(CLIENTS)))
    return [t for r in results for t in r]


async def _direct(env: WorkflowEnvironment, cases: list[str]) -> list[float]:
    async def client(k: int) -> list[float]:
        took = []
        for i in range(ACTIONS):
            fields = {k2: v for k2, v in _action(i).items() if k2 != "action"}
            cmd = ACTION_TYPES["add_investigation_action"](actor=f"bench-inv-{k}", **fields)
            start = time.perf_counter()
            await act(env.client, cases[k], cmd)
            took.append((time.perf_counter() - start) * 1000)
        return took

    results = await asyncio.gather(*(client(k) for k in range(CLIENTS)))
    return [t for r in results for t in r]


async def _measure() -> tuple[list[float], list[float]]:
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
                async with vigie_worker.build_worker(env.client, engine, "bench-api", pool, "b"):
                    cases = await _prepare(env, engine, "bench-api", CLIENTS)
                    direct = await _direct(env, cases)
                    settings = Settings(api_port=free_port())
                    server = ApiServer(create_app(engine, env.client), settings)
                    task = asyncio.create_task(server.serve())
                    await server.started_or_failed(task)
                    try:
                        api = await _through_api(server.url, cases)
                    finally:
                        server.should_exit = True
                        await task
        finally:
            await env.shutdown()
            engine.dispose()
    return api, direct


def run() -> Result:
    api, direct = asyncio.run(_measure())
    a50, a95, a99 = percentiles(api)
    d50, d95, d99 = percentiles(direct)
    rows = [
        ("through the API (HTTP, sign-in check, update)", f"{a50:.1f}", f"{a95:.1f}", f"{a99:.1f}"),
        ("straight to Temporal (baseline)", f"{d50:.1f}", f"{d95:.1f}", f"{d99:.1f}"),
    ]
    figures = [
        Figure(
            "action round trip through the API, p95",
            a95,
            "ms",
            d95,
            "the same update straight to Temporal, p95",
            target=f"p95 <= {TARGET_MS:.0f} ms",
            met=a95 <= TARGET_MS,
        ),
        Figure("action round trip through the API, p99", a99, "ms", d99, "straight, p99"),
    ]
    return Result(
        f"Action round trip, {CLIENTS} concurrent clients (dev server, in memory)",
        rows,
        ("path", "p50 ms", "p95 ms", "p99 ms"),
        [
            f"{CLIENTS} clients x {ACTIONS} actions each, one after the other per client; "
            "each action is a workflow update applied, projected to Postgres, and returned."
        ],
        figures,
    )
