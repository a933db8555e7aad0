"""Demo part 1: a few alerts become cases, driven along different procedure paths."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session, col, select

from models import Case
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef, case_workflow_id
from models.types import ActorType, utcnow
from vigie.api.security import set_password
from vigie.cli.output import format_amount
from vigie.demo.letter_steps import letter_step
from vigie.demo.recovery_paths import (
    RECOVERY_ALERTS,
    fraud_recovery,
    grievances_letter,
    insured_scripts,
    today,
    transport_recovery,
)
from vigie.runtime.stack import Stack
from vigie.services.case_commands import act, current_state, open_case
from vigie.services.errors import ConflictError, InvalidActionError, VigieError
from vigie.services.users import Role, upsert_user

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
    # a report received 45 days before the demo and never triaged: its triage deadline
    # (30 days from receipt) has passed, so it shows in `vigie tasks --overdue`
    OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.PROFESSIONAL,
            identifier="10009876543",
            profession="physiotherapist",
            region="bretagne",
            display_name="Masseur-kinésithérapeute (démo)",
        ),
        period="2025",
        typology="acts_not_performed",
        source="report",
        estimated_stake=Decimal("7800.00"),
        explanation="An insured person reports 12 sessions billed, 4 received",
        request_id="demo-open-4",
        received_at=utcnow() - timedelta(days=45),
    ),
    *RECOVERY_ALERTS,
]


def _grievance(qualification: str, *amounts: str) -> dict[str, Any]:
    return {
        "qualification": qualification,
        "description": "actes facturés non réalisés (enquête auprès des patients)",
        "lines": [
            {"description": f"période {i}", "amount": a, "paid_on": f"2025-0{i}-15"}
            for i, a in enumerate(amounts, start=1)
        ],
    }


#: case index -> the actions driven on it; fixed request ids make a re-run apply nothing twice
SCRIPTS: dict[int, list[tuple[str, dict[str, Any]]]] = {
    0: [  # hyperactive nurse: fraud above 8 PMSS -> penalty and mandatory complaint in parallel
        ("assign", {"assignee": "enqueteur", "supervisor": "superviseur", "actor": "superviseur"}),
        ("open_investigation", {}),
        ("take_protective_measure", {"kind": "payment_suspension", "estimated_avoided": "9400"}),
        ("record_grievance", _grievance("fraud", "21400.00", "14850.50")),
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["financial_penalty", "criminal_complaint"]}),
        # the notification of grievances goes by letter: all_scripts inserts it, dated
        ("record_procedure_event", {"track": "criminal_complaint", "event": "complaint_filed"}),
        ("close", {"reason": "demo: refused, tracks are still open"}),
    ],
    1: [  # transport: faulty billing -> a warning, then recovery of the overpayment
        ("assign", {"assignee": "enqueteur2", "supervisor": "superviseur", "actor": "superviseur"}),
        ("open_investigation", {}),
        ("record_grievance", _grievance("fault", "4210.00")),
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["warning"]}),
    ],
    2: [  # insured person: the sick note was genuine -> dismissed at triage
        ("dismiss", {"reason": "sick note confirmed by the medical service"}),
    ],
}


#: case index -> who acts on it unless a step names someone else (registered demo users)
SCRIPT_ACTORS = {
    0: "enqueteur",
    1: "enqueteur2",
    2: "enqueteur",
    4: "enqueteur2",
    5: "enqueteur2",
    6: "enqueteur2",
}


def all_scripts() -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """The fixed paths, and the recovery paths dated from today (entered late)."""
    day = today()
    scripts = {index: list(steps) for index, steps in SCRIPTS.items()}
    scripts[0][6:6] = [grievances_letter(day)]  # after the follow-ups are decided
    scripts[0][-1:-1] = fraud_recovery(day)  # before the refused close
    scripts[1] += transport_recovery(day)
    first = len(DEMO_ALERTS) - len(RECOVERY_ALERTS)
    for offset, steps in enumerate(insured_scripts(day)):
        scripts[first + offset] = steps
    return scripts


#: the demo accounts' password (printed by the demo); outside the demo no account has one
DEMO_PASSWORD = "demo"  # noqa: S105

DEMO_USERS: list[tuple[str, str, Role, str | None]] = [
    ("manager", "Marc (manager, unité de lutte contre la fraude)", "manager", None),
    ("superviseur", "Sophie (superviseure)", "supervisor", "manager"),
    ("enqueteur", "Alice (enquêtrice assermentée)", "investigator", "superviseur"),
    ("enqueteur2", "Bruno (enquêteur assermenté)", "investigator", "superviseur"),
    ("auditeur", "Audrey (auditrice)", "auditor", None),
    ("admin", "Administrateur", "admin", None),
]


async def run_case_paths(stack: Stack, console: Console) -> list[str]:
    assert stack.client is not None and stack.engine is not None
    for user_id, name, role, supervisor in DEMO_USERS:
        upsert_user(stack.engine, user_id, name, role, supervisor)
        set_password(stack.engine, user_id, DEMO_PASSWORD)
    case_ids: list[str] = []
    for alert in DEMO_ALERTS:
        case_id = case_workflow_id(alert.target, alert.period)
        try:
            await open_case(stack.client, stack.settings.task_queue, alert)
            console.print(f"opened [bold]{case_id}[/]")
        except ConflictError:
            console.print(f"already open (data reused): {case_id}")
        case_ids.append(case_id)
    for index, script in all_scripts().items():
        await drive(stack, console, case_ids[index], index, script)
    await wait_for_cases(stack, set(case_ids))
    return case_ids


async def drive(
    stack: Stack,
    console: Console,
    case_id: str,
    index: int,
    script: list[tuple[str, dict[str, Any]]],
) -> None:
    assert stack.client is not None
    before = await current_state(stack.client, case_id)
    # an earlier demo run drove this case (the opening's own request id does not count)
    rerun = any(r.startswith(f"demo-{case_id}-") for r in before.applied_requests)
    done_earlier = refused_again = 0
    for step, (action, fields) in enumerate(script, start=1):
        fields = {"actor": SCRIPT_ACTORS.get(index, "enqueteur"), **fields}
        if action == "letter":
            try:
                said = await letter_step(stack, case_id, before, fields, fields["actor"])
            except VigieError as exc:  # a refused action, or a mandatory mention missing
                console.print(f"  {case_id} letter: [yellow]refused[/] {escape(str(exc))}")
                continue
            if said is None:
                done_earlier += 1
            for line in said or []:
                console.print(f"  {case_id} letter: {escape(line)}")
            continue
        cmd = ACTION_TYPES[action](request_id=f"demo-{case_id}-{step}", **fields)
        if cmd.request_id in before.applied_requests:
            done_earlier += 1  # a re-run: applied by an earlier run, not reprinted as new
            continue
        try:
            state = await act(stack.client, case_id, cmd)
            entry = next(
                (e for e in state.timeline if e.seq == state.applied_requests.get(cmd.request_id)),
                state.timeline[-1],
            )
            console.print(f"  {case_id} #{entry.seq} {action}: {escape(entry.summary)}")
        except InvalidActionError as exc:
            if rerun:
                refused_again += 1  # refused by the earlier run too: not reprinted
                continue
            console.print(f"  {case_id} {action}: [yellow]refused[/] {escape(str(exc))}")
    if done_earlier:
        console.print(
            f"  {case_id}: {done_earlier} action(s) already applied by an earlier run"
            + (f", {refused_again} refused as before" if refused_again else "")
        )


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
                format_amount(case.estimated_stake) if case.estimated_stake is not None else "",
                format_amount(case.harm_suffered),
                case.open_tracks or "-",
            )
    console.print(table)
