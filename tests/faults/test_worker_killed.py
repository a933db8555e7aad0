"""A worker killed with SIGKILL in the middle of the activity that writes a payment to the
ledger, then restarted: the case goes on, the payment is written once, no audit or ledger
row is duplicated, and every total is exact.

The activity is caught mid-transaction by holding a lock on the case's debt row, which the
projection upserts after the audit and ledger rows; the kill drops the connection, so
Postgres rolls the half-written transaction back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from models import AuditEntry, LedgerEntry
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState
from models.types import ActorType, LedgerKind, Stage
from tests.faults import applied_once
from tests.runtime.test_up import free_port
from tests.workflows.case_driver import lines
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.errors import UnavailableError

pytestmark = pytest.mark.faults
VIGIE = str(Path(sys.executable).parent / "vigie")


class WorkerProcess:
    """`vigie worker` in its own process group, on the test database and dev server."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [VIGIE, "worker"], env=self.env, stdout=out, stderr=out, start_new_session=True
            )

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_process(
    dev_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> Iterator[tuple[WorkerProcess, str]]:
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "VIGIE_TASK_QUEUE": queue,
        "VIGIE_HOME": str(tmp_path / "home"),
        "VIGIE_API_PORT": str(free_port()),
    }
    worker = WorkerProcess(env, tmp_path / "worker.log")
    worker.start()
    yield worker, queue
    worker.stop()


def do(name: str, n: int, **fields: object) -> object:
    return ACTION_TYPES[name](request_id=f"fault-{n}-{name}", **fields)


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


async def waiting_on_lock(database_url: str, timeout: float = 60.0) -> None:
    """Until a session (the worker's projection) waits for the lock the test holds."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    for _ in range(int(timeout / 0.2)):
        with psycopg.connect(plain(database_url), autocommit=True) as conn:
            row = conn.execute(query).fetchone()
        if row and row[0] > 0:
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the projection never reached the locked debt row")


async def test_a_worker_killed_mid_ledger_write_resumes_the_case_with_every_row_written_once(
    worker_process: tuple[WorkerProcess, str],
    dev_env: WorkflowEnvironment,
    engine: Engine,
    database_url: str,
) -> None:
    worker, queue = worker_process
    client = dev_env.client
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=uuid.uuid4().hex[:10]),
        period="2025",
        request_id=uuid.uuid4().hex,
    )
    case_id = await open_case(client, queue, opening)
    try:
        await current_state(client, case_id, opening_wait=60)
        steps = [
            do("assign", 1, actor="marc", assignee="alice", supervisor="marc"),
            do("open_investigation", 2, actor="alice"),
            do(
                "record_grievance",
                3,
                actor="alice",
                qualification="fault",
                description="double billing",
                lines=lines("1000.00"),
            ),
            do("conclude_investigation", 4, actor="alice"),
            do("decide_follow_ups", 5, actor="alice", follow_ups=["warning"]),
        ]
        for cmd in steps:
            state = await act(client, case_id, cmd)  # type: ignore[arg-type]
        assert state.stage is Stage.RECOVERY
        today = state.opened_at.date()
        await act(client, case_id, do("notify_debts", 6, actor="alice", received_on=today))  # type: ignore[arg-type]
        payment = do("record_payment", 7, actor="alice", amount="400.00", paid_on=today)

        # hold the debt row: the payment's projection stops mid-transaction
        locker = psycopg.connect(plain(database_url))
        locker.execute("SELECT 1 FROM debt WHERE case_id = %s FOR UPDATE", (case_id,))
        pending = asyncio.create_task(act(client, case_id, payment))  # type: ignore[arg-type]
        await waiting_on_lock(database_url)
        worker.kill()  # SIGKILL, mid-activity: its transaction dies with its connection
        locker.rollback()
        locker.close()
        with Session(engine) as session:
            half = session.execute(
                select(func.count())
                .select_from(LedgerEntry)
                .where(
                    col(LedgerEntry.case_id) == case_id, col(LedgerEntry.kind) == LedgerKind.PAYMENT
                )
            ).scalar_one()
        assert half == 0, "nothing of the killed transaction remains"

        worker.start()  # the activity is retried once its attempt times out
        try:
            state = await pending
        except UnavailableError:  # the caller's wait ran out first: the same request again
            state = await applied_once(client, case_id, payment, tries=12, pause=5)  # type: ignore[arg-type]
        assert state.balance.paid == Decimal("400.00")
        assert state.balance.outstanding == Decimal("600.00")
        await expect_written_once(engine, case_id, state)
    finally:
        handle = client.get_workflow_handle(case_id)
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test over")


async def expect_written_once(engine: Engine, case_id: str, state: CaseState) -> None:
    with Session(engine) as session:
        seqs = list(
            session.execute(
                select(AuditEntry.seq)
                .where(col(AuditEntry.case_id) == case_id)
                .order_by(col(AuditEntry.seq))
            ).scalars()
        )
        paid = session.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                col(LedgerEntry.case_id) == case_id, col(LedgerEntry.kind) == LedgerKind.PAYMENT
            )
        ).scalar_one()
        row = session.execute(
            text("SELECT amount_recovered, amount_due FROM fraud_case WHERE id = :id"),
            {"id": case_id},
        ).one()
    assert seqs == list(range(1, state.seq + 1)), "every change once, none missing"
    assert Decimal(paid) == Decimal("400.00"), "the payment is in the ledger once"
    assert row.amount_recovered == state.balance.recovered
    assert row.amount_due == state.balance.net_due
