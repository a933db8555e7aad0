"""`vigie payments` as a user runs it: a real `vigie` process against the Temporal dev server
and Postgres. Each payment of a file is matched to one open case (by ``debt_ref`` or by
``debtor``) and recorded through the case workflow; the others are kept in suspense, with
their reason, until a person assigns them."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from models import PaymentImport, SuspendedPayment
from models.case_messages import TargetRef
from models.types import EntrySource, LedgerKind, Stage
from tests.workflows.case_driver import CaseDriver, new_target

VIGIE = str(Path(sys.executable).parent / "vigie")
HEADER = "payment_ref,paid_on,amount,debt_ref,debtor,method"


@dataclass
class Cli:
    env: dict[str, str]

    async def run(self, *args: str, user: str = "alice") -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            VIGIE,
            *args,
            env=self.env | {"VIGIE_USER": user},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=90)
        return proc.returncode or 0, out.decode()


@pytest.fixture
def cli(vigie_env: dict[str, str]) -> Cli:
    return Cli(vigie_env)


@pytest.fixture
async def cases(
    dev_env: WorkflowEnvironment, engine: Engine, dev_worker: str
) -> AsyncIterator[list[CaseDriver]]:
    """The cases a test opens; those still running are terminated at teardown."""
    opened: list[CaseDriver] = []
    yield opened
    for case in opened:
        handle = dev_env.client.get_workflow_handle(case.case_id)
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test over")


async def in_recovery(
    env: WorkflowEnvironment,
    engine: Engine,
    task_queue: str,
    opened: list[CaseDriver],
    amount: str,
    target: TargetRef | None = None,
    period: str = "2025",
) -> tuple[CaseDriver, str]:
    """A case whose grievance of ``amount`` became its one debt, notified today (payments
    due); with that debt's key."""
    case = await CaseDriver(env, engine, task_queue).open(target=target, period=period)
    opened.append(case)
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    await case.do(
        "record_grievance",
        qualification="fault",
        description="acts billed but not performed",
        lines=await case.recent_lines(amount),
    )
    await case.do("conclude_investigation")
    state = await case.do("decide_follow_ups", follow_ups=["warning"])
    assert state.stage is Stage.RECOVERY
    [debt] = state.debts
    await case.do("notify_debts", received_on=await case.today())
    assert case.case_row().amount_due == Decimal(amount)  # the projection has the debt
    return case, debt


def payments_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / f"payments-{uuid.uuid4().hex[:6]}.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def imported_payments(case: CaseDriver) -> list[tuple[Decimal, str | None]]:
    """(amount, debt) of the case's payment entries posted from a payments file."""
    return sorted(
        (e.amount, e.debt)
        for e in case.ledger()
        if e.kind is LedgerKind.PAYMENT and e.source is EntrySource.IMPORT
    )


def suspended(engine: Engine, payment_ref: str) -> SuspendedPayment:
    with Session(engine) as s:
        [row] = s.exec(
            select(SuspendedPayment).where(col(SuspendedPayment.payment_ref) == payment_ref)
        ).all()
        return row


def unmatched_line(out: str, payment_ref: str) -> str:
    """The row of `vigie payments unmatched` that shows ``payment_ref`` ("" if none), each
    cell put back together from the lines the table wrapped it on."""
    rows: list[list[str]] = []
    for line in out.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0] or not rows:
            rows.append(cells)
        else:  # the continuation of the row above
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    found = [row for row in rows if payment_ref in row]
    return " | ".join(found[0]) if found else ""


async def test_a_file_records_its_matched_payments_and_keeps_the_unknown_and_refused_ones(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    case, debt = await in_recovery(dev_env, engine, dev_worker, cases, "1000.00")
    identifier = (await case.state()).target.identifier
    today = (await case.today()).isoformat()
    tag = uuid.uuid4().hex[:6]
    unknown = f"professional:NOBODY{tag}"
    path = payments_file(
        tmp_path,
        f"ref-{tag}-1,{today},100.00,{case.case_id}/{debt},,transfer",
        f'ref-{tag}-2,{today},"50,40",,{identifier},cheque',
        f"ref-{tag}-3,{today},20.00,,{unknown},",
        f"ref-{tag}-4,{today},5000.00,{case.case_id}/{debt},,",
        f"ref-{tag}-5,{today},1.00,,{identifier[:-1]}_,",  # "_" is no wildcard
    )
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0, out
    assert "5 payment(s), 2 recorded (150.40 EUR), 3 in suspense" in out
    assert f"line 4: no open debt for debtor {unknown}" in out
    assert f"line 6: no open debt for debtor {identifier[:-1]}_" in out
    assert "line 5: refused by" in out and "[exceeds_outstanding]" in out

    await case.settle()
    assert imported_payments(case) == [
        (Decimal("50.40"), debt),
        (Decimal("100.00"), debt),
    ]
    assert case.case_row().amount_recovered == Decimal("150.40")

    held = suspended(engine, f"ref-{tag}-3")
    assert held.amount == Decimal("20.00") and held.resolved_case_id is None
    refused = suspended(engine, f"ref-{tag}-4")
    assert refused.reason.startswith(f"refused by {case.case_id}: [exceeds_outstanding]")
    code, out = await cli.run("payments", "unmatched")
    assert code == 0, out
    assert "no open debt for debtor" in unmatched_line(out, f"ref-{tag}-3")
    assert "exceeds_outstanding" in unmatched_line(out, f"ref-{tag}-4")
    assert unmatched_line(out, f"ref-{tag}-1") == unmatched_line(out, f"ref-{tag}-2") == ""


async def test_the_same_file_imported_again_is_refused_and_records_nothing_more(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    case, debt = await in_recovery(dev_env, engine, dev_worker, cases, "300.00")
    today = (await case.today()).isoformat()
    path = payments_file(tmp_path, f"again-1,{today},120.00,{case.case_id}/{debt},,")
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0 and "1 recorded (120.00 EUR)" in out, out
    import_no = out.split("import #", 1)[1].split(":", 1)[0]

    copy = tmp_path / "renamed.csv"  # the same content under another name: the same file
    copy.write_bytes(path.read_bytes())
    code, out = await cli.run("payments", "import", str(copy))
    assert code != 0
    assert "this file was imported on" in out and f"as import #{import_no}" in out
    assert "Traceback" not in out
    await case.settle()
    assert imported_payments(case) == [(Decimal("120.00"), debt)]
    assert case.case_row().amount_recovered == Decimal("120.00")


async def test_an_unmatched_payment_assigned_to_a_case_is_recorded_and_leaves_the_list(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    case, debt = await in_recovery(dev_env, engine, dev_worker, cases, "400.00")
    today = (await case.today()).isoformat()
    tag = uuid.uuid4().hex[:6]
    path = payments_file(tmp_path, f"lost-{tag},{today},75.00,,UNKNOWN{tag},")
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0 and "1 in suspense" in out, out
    held = suspended(engine, f"lost-{tag}")
    code, out = await cli.run("payments", "unmatched")
    assert unmatched_line(out, f"lost-{tag}").strip().startswith(str(held.id))

    code, out = await cli.run("payments", "assign", str(held.id), case.case_id, "--debt", debt)
    assert code == 0, out
    assert f"payment #{held.id} recorded on {case.case_id}" in out
    await case.settle()
    assert imported_payments(case) == [(Decimal("75.00"), debt)]
    assert case.case_row().amount_recovered == Decimal("75.00")
    row = suspended(engine, f"lost-{tag}")
    assert (row.resolved_case_id, row.resolved_by) == (case.case_id, "alice")

    code, out = await cli.run("payments", "unmatched")
    assert code == 0 and unmatched_line(out, f"lost-{tag}") == "", out
    code, out = await cli.run("payments", "unmatched", "--all")
    assert f"assigned to {case.case_id}" in unmatched_line(out, f"lost-{tag}")
    code, out = await cli.run("payments", "assign", str(held.id), case.case_id)
    assert code != 0 and f"no unmatched payment #{held.id}" in out  # not recorded twice
    await case.settle()
    assert case.case_row().amount_recovered == Decimal("75.00")


async def test_a_debtor_owing_on_two_open_cases_is_ambiguous_and_goes_to_suspense(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    target = new_target()
    first, _ = await in_recovery(dev_env, engine, dev_worker, cases, "200.00", target, "2024")
    second, _ = await in_recovery(dev_env, engine, dev_worker, cases, "300.00", target, "2025")
    today = (await first.today()).isoformat()
    tag = uuid.uuid4().hex[:6]
    path = payments_file(
        tmp_path,
        f"amb-{tag}-1,{today},10.00,,{target.key},",
        f"amb-{tag}-2,{today},10.00,,{target.identifier},",
    )
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0, out
    assert "0 recorded" in out and "2 in suspense" in out
    for ref in (f"amb-{tag}-1", f"amb-{tag}-2"):
        reason = suspended(engine, ref).reason
        assert "owes on 2 cases" in reason
        assert first.case_id in reason and second.case_id in reason
    for case in (first, second):
        await case.settle()
        assert imported_payments(case) == []
        assert case.case_row().amount_recovered == Decimal("0")


async def test_a_bad_file_is_refused_by_the_cli_with_each_problem_and_nothing_loaded(
    cli: Cli, tmp_path: Path
) -> None:
    path = payments_file(
        tmp_path, "x-1,2025-02-30,10.00,,professional:X1,", "x-2,2025-03-01,-1,,X1,"
    )
    code, out = await cli.run("payments", "import", str(path))
    assert code == 2, out
    assert "line 2, field paid_on:" in out and "line 3, field amount:" in out
    assert "2 problem(s) in" in out and "nothing was loaded" in out
    assert "Traceback" not in out


async def test_an_import_cut_short_resumes_without_suspending_what_it_already_recorded(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    """Resumed by another user, a payment by debtor that settled its debt is neither
    applied again nor put in suspense (its debtor no longer owes anything)."""
    case, debt = await in_recovery(dev_env, engine, dev_worker, cases, "250.00")
    target = (await case.state()).target
    today = (await case.today()).isoformat()
    tag = uuid.uuid4().hex[:6]
    path = payments_file(
        tmp_path,
        f"cut-{tag}-1,{today},200.00,,{target.key},",
        f"cut-{tag}-2,{today},50.00,{case.case_id}/{debt},,",
    )
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0 and "2 recorded (250.00 EUR)" in out, out
    import_no = int(out.split("import #", 1)[1].split(":", 1)[0])
    with Session(engine) as s:  # as if the first run had stopped before marking it done
        stored = s.get(PaymentImport, import_no)
        assert stored is not None
        stored.status = "applying"
        s.add(stored)
        s.commit()

    code, out = await cli.run("payments", "import", str(path), user="bruno")
    assert code == 0, out
    assert f"import #{import_no}: 2 payment(s), 2 recorded (250.00 EUR), 0 in suspense" in out
    with Session(engine) as s:
        held = s.exec(select(SuspendedPayment).where(SuspendedPayment.import_id == import_no)).all()
    assert held == []
    await case.settle()
    assert imported_payments(case) == [(Decimal("50.00"), debt), (Decimal("200.00"), debt)]
    assert case.case_row().amount_recovered == Decimal("250.00")


async def test_a_payment_for_a_case_whose_workflow_is_gone_goes_to_suspense(
    cli: Cli,
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
    cases: list[CaseDriver],
    tmp_path: Path,
) -> None:
    """A debt_ref still in Postgres whose workflow was deleted (a case past its retention):
    the payment is kept in suspense and the rest of the file is applied."""
    gone, gone_debt = await in_recovery(dev_env, engine, dev_worker, cases, "100.00")
    case, debt = await in_recovery(dev_env, engine, dev_worker, cases, "100.00")
    client = dev_env.client
    await client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=gone.case_id),
        )
    )
    for _ in range(100):
        try:
            await client.get_workflow_handle(gone.case_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                break
            raise
        await asyncio.sleep(0.1)
    else:
        pytest.fail(f"{gone.case_id} was not deleted")
    cases.remove(gone)
    today = (await case.today()).isoformat()
    tag = uuid.uuid4().hex[:6]
    path = payments_file(
        tmp_path,
        f"gone-{tag}-1,{today},10.00,{gone.case_id}/{gone_debt},,",
        f"gone-{tag}-2,{today},20.00,{case.case_id}/{debt},,",
    )
    code, out = await cli.run("payments", "import", str(path))
    assert code == 0, out
    assert "2 payment(s), 1 recorded (20.00 EUR), 1 in suspense" in out
    assert suspended(engine, f"gone-{tag}-1").reason == (
        f"refused by {gone.case_id}: no case {gone.case_id}"
    )
    await case.settle()
    assert imported_payments(case) == [(Decimal("20.00"), debt)]
