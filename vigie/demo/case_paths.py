"""Demo part 1: a few alerts become cases, driven along different procedure paths."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session, col, select

from models import Case
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef, case_workflow_id
from models.types import ActorType
from vigie.runtime.stack import Stack
from vigie.services.case_commands import act, open_case
from vigie.services.errors import ConflictError, InvalidActionError
from vigie.services.users import Role, role_of, upsert_user

log = logging.getLogger(__name__)

DEMO_ALERTS = [
    OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.PROFESSIONAL,
            identifier="10001234567",
            profession="nurse",
            region="occitanie",
            display_name="Infirmière libérale (démo)",
        ),
        period="2025",
        typology="nurse_hyperactivity",
        source="demo",
        estimated_stake=Decimal("48210.50"),
        score=0.97,
        explanation=(
            "Standard care time per day 19.4 h; peers' median 6.1 h (percentile 99.8 among peers)"
        ),
        request_id="demo-open-1",
    ),
    OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.ESTABLISHMENT,
            identifier="750012345",
            profession="transport",
            region="ile_de_france",
            display_name="Ambulances (démo)",
        ),
        period="2025",
        typology="inflated_transport_km",
        source="demo",
        estimated_stake=Decimal("126400.00"),
        score=0.91,
        explanation="Kilometres per trip 62 km; peers' median 18 km (percentile 99.1 among peers)",
        request_id="demo-open-2",
    ),
    OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.INSURED,
            identifier="demo-insured-7f3a",
            display_name="Assuré (pseudonymisé)",
        ),
        period="2025-03",
        typology="fake_sick_note",
        source="agent",
        estimated_stake=Decimal("3120.00"),
        request_id="demo-open-3",
    ),
]


def _grievance(qualification: str, *amounts: str) -> dict[str, Any]:
    return {
        "qualification": qualification,
        "description": "acts billed but not performed (patient survey)",
        "lines": [
            {"description": f"period {i}", "amount": a, "paid_on": f"2025-0{i}-15"}
            for i, a in enumerate(amounts, start=1)
        ],
    }


#: case index -> the actions driven on it; fixed request ids make a re-run apply nothing twice
SCRIPTS: dict[int, list[tuple[str, dict[str, Any]]]] = {
    0: [  # hyperactive nurse: fraud above 8 PMSS -> penalty and mandatory complaint in parallel
        ("assign", {"assignee": "alice", "supervisor": "marc", "actor": "marc"}),
        ("open_investigation", {}),
        ("take_protective_measure", {"kind": "payment_suspension", "estimated_avoided": "9400"}),
        ("record_grievance", _grievance("fraud", "21400.00", "14850.50")),
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["financial_penalty", "criminal_complaint"]}),
        ("record_procedure_event", {"track": "financial_penalty", "event": "grievances_notified"}),
        ("record_procedure_event", {"track": "criminal_complaint", "event": "complaint_filed"}),
        ("close", {"reason": "demo: refused, tracks are still open"}),
    ],
    1: [  # transport: faulty billing -> a warning, then recovery of the overpayment
        ("assign", {"assignee": "bruno", "supervisor": "marc", "actor": "marc"}),
        ("open_investigation", {}),
        ("record_grievance", _grievance("fault", "4210.00")),
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["warning"]}),
    ],
    2: [  # insured person: the sick note was genuine -> dismissed at triage
        ("dismiss", {"reason": "sick note confirmed by the medical service"}),
    ],
}


DEMO_USERS: list[tuple[str, str, Role, str | None]] = [
    ("marc", "Marc (manager, LCF unit)", "manager", None),
    ("alice", "Alice (sworn investigator)", "investigator", "marc"),
    ("bruno", "Bruno (sworn investigator)", "investigator", "marc"),
]


async def run_case_paths(stack: Stack, console: Console) -> list[str]:
    assert stack.client is not None and stack.engine is not None
    for user_id, name, role, supervisor in DEMO_USERS:
        upsert_user(stack.engine, user_id, name, role, supervisor)
    case_ids: list[str] = []
    for alert in DEMO_ALERTS:
        case_id = case_workflow_id(alert.target, alert.period)
        try:
            await open_case(stack.client, stack.settings.task_queue, alert)
            console.print(f"opened [bold]{case_id}[/]")
        except ConflictError:
            console.print(f"already open (data reused): {case_id}")
        case_ids.append(case_id)
    for index, script in SCRIPTS.items():
        await drive(stack, console, case_ids[index], script)
    await wait_for_cases(stack, set(case_ids))
    return case_ids


async def drive(
    stack: Stack, console: Console, case_id: str, script: list[tuple[str, dict[str, Any]]]
) -> None:
    assert stack.client is not None
    assert stack.engine is not None
    for step, (action, fields) in enumerate(script, start=1):
        fields = {"actor": "demo", **fields}
        role = role_of(stack.engine, fields["actor"])
        cmd = ACTION_TYPES[action](request_id=f"demo-{case_id}-{step}", role=role, **fields)
        try:
            state = await act(stack.client, case_id, cmd)
            entry = next(
                (e for e in state.timeline if e.seq == state.applied_requests.get(cmd.request_id)),
                state.timeline[-1],
            )
            console.print(f"  {case_id} #{entry.seq} {action}: {entry.summary}")
        except InvalidActionError as exc:
            console.print(f"  {case_id} {action}: [yellow]refused[/] {escape(str(exc))}")


async def wait_for_cases(stack: Stack, case_ids: set[str], timeout: float = 30.0) -> None:
    """Cases open asynchronously (workflows write their rows through activities): wait until
    the case rows are in Postgres before showing them."""
    assert stack.engine is not None
    found: list[str] = []
    for _ in range(int(timeout / 0.2)):
        with Session(stack.engine) as session:
            found = list(session.exec(select(Case.id).where(col(Case.id).in_(case_ids))).all())
        if len(found) == len(case_ids):
            return
        await asyncio.sleep(0.2)
    log.warning("%d of %d case rows projected after %.0fs", len(found), len(case_ids), timeout)


def show_cases(stack: Stack, console: Console) -> None:
    assert stack.engine is not None
    table = Table(title="Cases in Postgres (table fraud_case), largest stake first")
    for header in ("id", "stage", "source", "typology", "stake EUR", "harm EUR", "tracks"):
        table.add_column(header, overflow="fold")
    with Session(stack.engine) as session:
        query = select(Case).order_by(col(Case.estimated_stake).desc().nulls_last())
        for case in session.exec(query).all():
            table.add_row(
                case.id,
                case.stage.value,
                case.source,
                case.typology or "",
                f"{case.estimated_stake}" if case.estimated_stake is not None else "",
                str(case.harm_suffered),
                case.open_tracks or "-",
            )
    console.print(table)
