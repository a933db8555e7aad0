"""Action round trip through the HTTP API under 8 concurrent clients: p50, p95, p99.

Each client signs in (before the timing), then adds investigation actions to a case of its
own, one after the other (each is a workflow update: validated, applied, projected to
Postgres, the new state returned). The baseline is the same update sent straight to Temporal
(no HTTP, no sign-in check, no Postgres read) on as many fresh cases, in the same run; under
it, the floor of the dev server and the SDK on this machine: an update that does nothing (no
Postgres, no state, no activity) on a trivial workflow, sent by 8 clients the same way.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import httpx
from sqlalchemy import create_engine
from temporalio import workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

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


@workflow.defn(sandboxed=False)
class EchoWorkflow:
    """A workflow whose update does nothing: the round trip of an update, and only that."""

    def __init__(self) -> None:
        self.count = 0

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    def echo(self, payload: dict[str, object]) -> int:
        self.count += 1
        return self.count


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


async def sign_in(base: str, users: range) -> list[str]:
    """Each client's bearer token, from POST /api/auth/token (Argon2: not in the timing)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        tokens = []
        for k in users:
            form = {"username": f"bench-inv-{k}", "password": "bench-password"}
            tokens.append((await http.post("/api/auth/token", data=form)).json()["access_token"])
        return tokens


async def _through_api(base: str, cases: list[str], tokens: list[str]) -> list[float]:
    async def client(k: int) -> list[float]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            headers = {"Authorization": f"Bearer {tokens[k]}"}
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


def _clients_process(base: str, cases: list[str], tokens: list[str]) -> list[float]:
    """The HTTP clients in a process of their own, as browsers are: their JSON and HTTP work
    is not charged to the API process (which also runs the worker, as `vigie up` does)."""
    return asyncio.run(_through_api(base, cases, tokens))


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


async def _trivial_updates(env: WorkflowEnvironment, pool: ThreadPoolExecutor) -> list[float]:
    queue = "bench-echo"
    async with Worker(env.client, task_queue=queue, workflows=[EchoWorkflow]):
        handles = [
            await env.client.start_workflow(
                EchoWorkflow.run, id=f"echo-{uuid.uuid4().hex}", task_queue=queue
            )
            for _ in range(CLIENTS)
        ]

        async def client(k: int) -> list[float]:
            took = []
            for i in range(ACTIONS):
                start = time.perf_counter()
                await handles[k].execute_update(EchoWorkflow.echo, _action(i))
                took.append((time.perf_counter() - start) * 1000)
            return took

        results = await asyncio.gather(*(client(k) for k in range(CLIENTS)))
        for handle in handles:
            await handle.terminate("bench over")
    return [t for r in results for t in r]


async def _measure(
    cpu_ms: dict[str, float],
) -> tuple[list[float], list[float], list[float]]:
    """The three runs' round trips; ``cpu_ms`` gets the API process's CPU time per action
    of each (worker, API, Temporal client: everything but the dev server and Postgres)."""
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
                    # as many fresh cases for each path: the state (and the work per action)
                    # grows with the actions a case has taken
                    cases = await _prepare(env, engine, "bench-api", 2 * CLIENTS)
                    cpu = time.process_time()
                    trivial = await _trivial_updates(env, pool)
                    cpu_ms["trivial"] = (time.process_time() - cpu) * 1000 / len(trivial)
                    cpu = time.process_time()
                    direct = await _direct(env, cases[:CLIENTS])
                    cpu_ms["direct"] = (time.process_time() - cpu) * 1000 / len(direct)
                    settings = Settings(api_port=free_port())
                    server = ApiServer(create_app(engine, env.client), settings)
                    task = asyncio.create_task(server.serve())
                    await server.started_or_failed(task)
                    try:
                        spawn = multiprocessing.get_context("spawn")
                        tokens = await sign_in(server.url, range(CLIENTS, 2 * CLIENTS))
                        with ProcessPoolExecutor(1, mp_context=spawn) as clients:
                            # the child starts (imports) before the timing begins
                            await asyncio.get_running_loop().run_in_executor(clients, int, "0")
                            cpu = time.process_time()
                            api = await asyncio.get_running_loop().run_in_executor(
                                clients, _clients_process, server.url, cases[CLIENTS:], tokens
                            )
                            cpu_ms["api"] = (time.process_time() - cpu) * 1000 / len(api)
                    finally:
                        server.should_exit = True
                        await task
        finally:
            await env.shutdown()
            engine.dispose()
    return api, direct, trivial


def run() -> Result:
    cpu_ms: dict[str, float] = {}
    api, direct, trivial = asyncio.run(_measure(cpu_ms))
    a50, a95, a99 = percentiles(api)
    d50, d95, d99 = percentiles(direct)
    t50, t95, t99 = percentiles(trivial)
    rows: list[tuple[str, float, float, float, float]] = [
        ("through the API (HTTP, sign-in check, update)", a50, a95, a99, cpu_ms["api"]),
        ("straight to Temporal (baseline)", d50, d95, d99, cpu_ms["direct"]),
        ("an update doing nothing, trivial workflow (floor)", t50, t95, t99, cpu_ms["trivial"]),
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
        Figure("action round trip through the API, p50", a50, "ms", d50, "straight, p50"),
        Figure("action round trip through the API, p99", a99, "ms", d99, "straight, p99"),
        Figure(
            "API process CPU per action through the API",
            cpu_ms["api"],
            "ms",
            cpu_ms["direct"],
            "the same per update straight to Temporal",
        ),
        Figure(
            "update doing nothing on a trivial workflow, p95 (floor)",
            t95,
            "ms",
            d95,
            "the case update straight to Temporal, p95",
        ),
    ]
    return Result(
        f"Action round trip, {CLIENTS} concurrent clients (dev server, in memory)",
        [(r[0], *(f"{v:.1f}" for v in r[1:])) for r in rows],
        ("path", "p50 ms", "p95 ms", "p99 ms", "process CPU ms per action"),
        [
            f"{CLIENTS} clients x {ACTIONS} actions each, one after the other per client; "
            "each action is a workflow update applied, projected to Postgres, and returned.",
            "The API, the worker and the Temporal client share one process and event loop, as "
            "in `vigie up`; the HTTP clients run in a process of their own (httpx), the "
            "direct and floor clients in the API's process (they are the API's own calls).",
            "Process CPU per action: CPU time of the API process (worker, API, Temporal "
            f"client; not the dev server nor Postgres) over the run, per action. With {CLIENTS} "
            "clients always waiting, a round trip takes about the CPU of the actions queued "
            "ahead of it: p50 ~ clients x CPU per action when the process is the bottleneck.",
            *(
                []
                if a95 <= TARGET_MS
                else ["Target not met: profile and plan in docs/scaling.md (Action round trip)."]
            ),
        ],
        figures,
    )
