"""The ledger and the audit log are append-only in Postgres itself (migration 0006): UPDATE,
DELETE and TRUNCATE are refused by triggers, whoever connects, on the rows a real case wrote.
A correction is a new entry (a reversal), never an edit.

Every statement runs in a transaction that is rolled back, so even a trigger gone missing
could not damage this run's database for the tests that follow.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import psycopg.errors
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from tests.workflows.case_driver import CaseDriver
from tests.workflows.test_case_lifecycle import to_findings


@pytest.fixture
async def paid_case(
    time_env: WorkflowEnvironment, engine: Engine, ts_worker: str
) -> AsyncIterator[CaseDriver]:
    """A case driven through the workflow: findings, a warning, its debt notified and
    partly paid (harm, due and payment rows in the ledger; a dozen audit rows)."""
    case = await CaseDriver(time_env, engine, ts_worker).open()
    await to_findings(case, "700.00")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    await case.do("notify_debts", received_on=await case.today())
    await case.do("record_payment", amount="250.00", paid_on=await case.today())
    yield case
    handle = time_env.client.get_workflow_handle(case.case_id)
    if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("test over")


def contents(engine: Engine, case_id: str) -> tuple[list[tuple[object, ...]], ...]:
    with engine.connect() as conn:
        ledger = conn.execute(
            text(
                "SELECT seq, line, kind, amount, debt, ref FROM ledger_entry "
                "WHERE case_id = :c ORDER BY seq, line"
            ),
            {"c": case_id},
        ).all()
        audit = conn.execute(
            text(
                "SELECT seq, actor, action, details FROM audit_log WHERE case_id = :c ORDER BY seq"
            ),
            {"c": case_id},
        ).all()
    return [tuple(r) for r in ledger], [tuple(r) for r in audit]


def refused_by_postgres(engine: Engine, statement: str, params: dict[str, object]) -> str:
    """Run ``statement`` in a transaction that is always rolled back; return Postgres's
    refusal (and fail if there was none)."""
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '5s'"))
        try:
            with pytest.raises(DBAPIError) as refusal:
                conn.execute(text(statement), params)
        finally:
            conn.rollback()
    error = refusal.value.orig
    assert isinstance(error, psycopg.errors.RestrictViolation), repr(error)
    return str(error)


STATEMENTS = {
    "update ledger amount": "UPDATE ledger_entry SET amount = 0 WHERE case_id = :c",
    "update ledger kind": (
        "UPDATE ledger_entry SET kind = 'due_reduced' WHERE case_id = :c AND kind = 'payment'"
    ),
    "delete ledger": "DELETE FROM ledger_entry WHERE case_id = :c AND kind = 'payment'",
    "update audit": "UPDATE audit_log SET actor = 'someone else' WHERE case_id = :c",
    "delete audit": "DELETE FROM audit_log WHERE case_id = :c AND seq > 1",
}


@pytest.mark.parametrize("name", STATEMENTS)
async def test_postgres_refuses_to_edit_or_delete_what_a_case_wrote_in_its_ledger_or_audit(
    paid_case: CaseDriver, engine: Engine, name: str
) -> None:
    before = contents(engine, paid_case.case_id)
    ledger, audit = before
    assert [r[2] for r in ledger] == ["harm_suffered", "due", "payment"]
    assert len(audit) == paid_case.audit_count() >= 7

    message = refused_by_postgres(engine, STATEMENTS[name], {"c": paid_case.case_id})
    table = "audit_log" if "audit" in name else "ledger_entry"
    operation = "UPDATE" if name.startswith("update") else "DELETE"
    assert f"{table} is append-only: {operation} refused" in message
    # the ledger: a correction is a reversal; the audit log: only the retention purge
    # may blank its personal data (migration 0015)
    hint = "only the retention purge" if table == "audit_log" else "write a reversal entry"
    assert hint in message
    assert contents(engine, paid_case.case_id) == before


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE ledger_entry",
        "TRUNCATE audit_log CASCADE",
        # the letters point at their audit rows too (migration 0012)
        "TRUNCATE audit_log, ledger_entry, letter",
    ],
)
async def test_postgres_refuses_to_truncate_the_ledger_or_the_audit_log(
    paid_case: CaseDriver, engine: Engine, statement: str
) -> None:
    before = contents(engine, paid_case.case_id)
    message = refused_by_postgres(engine, statement, {})
    assert "is append-only: TRUNCATE refused" in message
    assert contents(engine, paid_case.case_id) == before


def test_a_plain_truncate_of_the_audit_log_is_stopped_by_the_ledgers_foreign_key(
    engine: Engine,
) -> None:
    """Without CASCADE, Postgres refuses before any trigger runs (the ledger rows point at
    their audit rows); with CASCADE or both tables named, the triggers refuse (above)."""
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '5s'"))
        try:
            with pytest.raises(DBAPIError) as refusal:
                conn.execute(text("TRUNCATE audit_log"))
        finally:
            conn.rollback()
    assert isinstance(refusal.value.orig, psycopg.errors.FeatureNotSupported)
    assert 'Table "ledger_entry" references "audit_log"' in str(refusal.value.orig)


def test_rows_appended_in_one_transaction_cannot_be_changed_even_before_commit(
    engine: Engine,
) -> None:
    """An audit row and the ledger row under it are appended; in the same transaction, an
    UPDATE and a DELETE of either are refused: the trigger does not wait for the commit."""
    target_id = f"professional:A{uuid.uuid4().hex[:8]}"
    case_id = f"case:{target_id}:2026"
    at = datetime(2026, 6, 1, tzinfo=UTC)
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '5s'"))
        try:
            conn.execute(
                text(
                    "INSERT INTO target (id, actor_type, identifier, created_at) "
                    "VALUES (:t, 'professional', :i, :at)"
                ),
                {"t": target_id, "i": target_id.split(":")[1], "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO fraud_case (id, target_id, period, stage, opened_at, "
                    "updated_at, source, harm_suffered, harm_avoided, amount_due, "
                    "amount_recovered, amount_written_off, open_tracks, last_seq) "
                    "VALUES (:c, :t, '2026', 'recovery', :at, :at, 'manual', 0, 0, 0, 0, 0, "
                    "'', 1)"
                ),
                {"c": case_id, "t": target_id, "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO audit_log (case_id, seq, at, actor, action, details) "
                    "VALUES (:c, 1, :at, 'alice', 'record_payment', '{}')"
                ),
                {"c": case_id, "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO ledger_entry (case_id, seq, line, kind, amount, booked_at, "
                    "source, ref) VALUES (:c, 1, 0, 'payment', 12.34, :at, 'action', '1.0')"
                ),
                {"c": case_id, "at": at},
            )
            amount = conn.execute(
                text("SELECT amount FROM ledger_entry WHERE case_id = :c"), {"c": case_id}
            ).scalar_one()
            assert amount == Decimal("12.34")  # appending is what the ledger is for
            for statement in (
                "UPDATE ledger_entry SET amount = 1 WHERE case_id = :c",
                "DELETE FROM ledger_entry WHERE case_id = :c",
                "UPDATE audit_log SET action = 'close' WHERE case_id = :c",
                "DELETE FROM audit_log WHERE case_id = :c",
            ):
                with pytest.raises(DBAPIError) as refusal, conn.begin_nested():
                    conn.execute(text(statement), {"c": case_id})
                assert isinstance(refusal.value.orig, psycopg.errors.RestrictViolation)
                assert "append-only" in str(refusal.value.orig)
        finally:
            conn.rollback()
