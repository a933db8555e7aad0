"""Retention: a closed case past the configured period loses every name and free text that
identifies a person (in the case, its target, its audit log, its letters), keeps its figures,
and leaves a record of the purge; Postgres lets only the purge rewrite those columns, and
nothing else about an append-only row."""

from __future__ import annotations

import json
import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from models import Case, Letter, PersonalDataPurge
from models.case_messages import TargetRef
from models.letter import LetterKind
from models.types import ActorType
from tests.conftest import running_worker
from tests.workflows.case_driver import CaseDriver
from tests.workflows.conftest import HISTORIES
from vigie.letters import service as letters
from vigie.letters.fund import Fund
from vigie.services.case_access import read_case
from vigie.services.errors import NotFoundError
from vigie.services.retention import purge_due
from vigie.settings import Settings
from workflows.retention_purge import RetentionPurgeWorkflow

NAME = "Dr Hélène Purgeable"
GRIEVANCE = "soins facturés à Mme Retentionnée"


async def closed_case(env: WorkflowEnvironment, engine: Engine, queue: str) -> CaseDriver:
    """A named professional's case with a warning letter, closed."""
    target = TargetRef(
        actor_type=ActorType.PROFESSIONAL,
        identifier=f"RT{uuid.uuid4().hex[:10]}",
        display_name=NAME,
    )
    case = await CaseDriver(env, engine, queue).open(target=target)
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    await case.do(
        "record_grievance",
        qualification="fault",
        description=GRIEVANCE,
        lines=await case.recent_lines("100.00"),
    )
    await case.do("conclude_investigation")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    await letters.issue(
        env.client,
        case.case_id,
        LetterKind.WARNING,
        case.actor,
        Fund.from_settings(Settings()),
        await case.today(),
    )
    await case.do(
        "write_off", write_off_reason="insolvency", reason=f"{NAME} insolvable", actor="marc"
    )
    await case.do("close", reason=f"fin de procédure pour {NAME}", actor="marc")
    return case


def rows(conn: Connection, query: str, case_id: str) -> list[dict[str, object]]:
    return [dict(r._mapping) for r in conn.execute(text(query), {"id": case_id})]


def everything_about(engine: Engine, case_id: str) -> str:
    """Every row Postgres holds for the case, as text."""
    with engine.connect() as conn:
        parts = [
            json.dumps(rows(conn, query, case_id), default=str, ensure_ascii=False)
            for query in (
                "SELECT * FROM audit_log WHERE case_id = :id",
                "SELECT * FROM letter WHERE case_id = :id",
                "SELECT * FROM fraud_case WHERE id = :id",
                "SELECT t.* FROM target t JOIN fraud_case c ON c.target_id = t.id WHERE c.id = :id",
            )
        ]
    return "\n".join(parts)


async def test_a_closed_case_past_retention_loses_its_personal_data_and_keeps_its_figures(
    dev_env: WorkflowEnvironment, engine: Engine, dev_worker: str
) -> None:
    case = await closed_case(dev_env, engine, dev_worker)
    before = case.case_row()
    assert NAME in everything_about(engine, case.case_id)
    assert before.closed_at is not None

    report = purge_due(engine, before.closed_at + timedelta(days=59 * 30))
    assert case.case_id not in report.cases, "not yet past 60 months"

    later = before.closed_at + timedelta(days=61 * 31)
    report = purge_due(engine, later, actor="marc")
    assert case.case_id in report.cases
    stored = everything_about(engine, case.case_id)
    for secret in (NAME, "Purgeable", GRIEVANCE, "Retentionnée"):
        assert secret not in stored, f"{secret!r} is still in Postgres"

    after = case.case_row()
    assert (after.harm_suffered, after.amount_written_off) == (
        before.harm_suffered,
        before.amount_written_off,
    )
    assert after.stage == before.stage and after.personal_data_purged_at == later
    with Session(engine) as session:
        [purge] = session.exec(
            select(PersonalDataPurge).where(col(PersonalDataPurge.case_id) == case.case_id)
        ).all()
        [letter] = session.exec(select(Letter).where(col(Letter.case_id) == case.case_id)).all()
    assert (purge.actor, purge.retention_months) == ("marc", 60)
    assert purge.counts["audit_log"] == after.last_seq and purge.counts["letter"] == 1
    assert letter.mentions == {}
    with pytest.raises(NotFoundError, match="was purged on"):
        read_case(engine, case.case_id, "marc")
    with pytest.raises(NotFoundError, match="was purged on"):
        letters.verified_html(engine, letter.id)  # a tombstone, not a tampered letter
    assert purge_due(engine, later).cases == [], "purged once"


def test_only_the_purge_may_rewrite_an_audit_row_and_only_its_personal_columns(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        row = session.exec(text("SELECT id FROM audit_log LIMIT 1")).first()  # type: ignore[call-overload]
    if row is None:
        pytest.skip("no audit row yet")
    statements = {
        "UPDATE audit_log SET reason = 'x' WHERE id = :id": None,
        "UPDATE audit_log SET actor = 'x' WHERE id = :id": "on",
        "DELETE FROM audit_log WHERE id = :id": "on",
    }
    for statement, purge in statements.items():
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                if purge:
                    conn.execute(text("SET LOCAL vigie.purge = 'on'"))
                conn.execute(text(statement), {"id": row[0]})


async def test_the_daily_purge_is_a_workflow_the_worker_runs(
    time_env: WorkflowEnvironment, engine: Engine
) -> None:
    async with running_worker(time_env.client, engine) as task_queue:
        handle = await time_env.client.start_workflow(
            RetentionPurgeWorkflow.run,
            id=f"retention-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
        )
        report = await handle.result()
        if os.environ.get("VIGIE_CAPTURE_HISTORIES") == "1":
            path = HISTORIES / "retention_purge-a_daily_purge.json"
            path.write_text((await handle.fetch_history()).to_json(), encoding="utf-8")
    assert set(report.rows) == {"audit_log", "letter", "target", "fraud_case"}
    with Session(engine) as session:
        purged = session.exec(
            select(Case).where(col(Case.personal_data_purged_at).is_not(None))
        ).all()
    assert {c.id for c in purged} >= set(report.cases)
