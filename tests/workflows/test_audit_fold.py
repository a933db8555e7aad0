"""The audit log alone rebuilds a case: folding its rows gives the workflow's own state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine

from tests.workflows.case_driver import CaseDriver
from vigie.policy.loader import read_snapshot
from workflows.procedure.fold import fold


async def test_folding_the_audit_rows_gives_the_state_the_workflow_query_returns(
    case: CaseDriver, engine: Engine
) -> None:
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    now = (await case.state()).timeline[-1].at
    await case.do("add_investigation_action", kind="hearing", due_at=now + timedelta(days=5))
    await case.do("take_protective_measure", kind="payment_suspension", estimated_avoided="950.00")
    await case.sleep(days=6)  # the hearing is late: escalation by deadline
    key = (await case.state()).investigation[0].key
    await case.do("complete_investigation_action", key=key, result="admitted double billing")
    await case.do(
        "record_grievance",
        qualification="fraud",
        description="double billing",
        lines=await case.recent_lines("1500.00", "250.55"),
    )
    await case.do("conclude_investigation")
    await case.do("decide_follow_ups", follow_ups=["warning", "financial_penalty"])
    await case.do("record_procedure_event", track="financial_penalty", event="grievances_notified")
    await case.sleep_past("observations")

    rows = [(a.seq, a.at, a.action, a.details) for a in case.audit_rows()]
    folded = fold(rows, case.case_id, read_snapshot(engine))
    state = await case.state()
    assert folded == state
    assert folded.harm_suffered == Decimal("1750.55")
    assert folded.tracks["financial_penalty"].step == "director_decision"


async def test_reading_a_case_record_logs_who_read_it(case: CaseDriver, engine: Engine) -> None:
    from sqlmodel import Session, select

    from models import CaseAccess
    from vigie.services.case_access import read_case

    state = read_case(engine, case.case_id, "inspector-7", via="cli")
    assert state == await case.state(), "read from Postgres, the case is the workflow's state"
    with Session(engine) as session:
        rows = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.case_id)).all()
    assert [(r.actor, r.via) for r in rows] == [("inspector-7", "cli")]
