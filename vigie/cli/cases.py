"""Investigator reads: `vigie cases list` and `vigie case show`."""

from __future__ import annotations

import asyncio

import typer
from rich.markup import escape
from rich.table import Table

from models.case_state import CaseState
from models.local_time import show
from models.types import Stage
from vigie.cli.connections import database, temporal_client
from vigie.cli.identity import acting_user
from vigie.cli.output import console, fail, format_amount, shorten
from vigie.cli.tasks import task_table
from vigie.services.blocked import list_blocked, unblock
from vigie.services.case_access import read_case
from vigie.services.case_evidence import CaseEvidence, case_evidence
from vigie.services.case_queries import list_cases
from vigie.services.errors import VigieError
from vigie.services.task_queries import TaskView, list_tasks
from vigie.settings import get_settings

cases_app = typer.Typer(help="Lists of cases (read from Postgres).", no_args_is_help=True)
case_app = typer.Typer(help="One case: show it, or act on it.", no_args_is_help=True)


@cases_app.command("list")
def list_command(
    mine: bool = typer.Option(False, "--mine", help="only the cases assigned to me (VIGIE_USER)"),
    stage: Stage | None = typer.Option(None, "--stage", help="only this stage"),
    overdue: bool = typer.Option(False, "--overdue", help="only cases with an overdue task"),
) -> None:
    """List cases, largest estimated stake first; --overdue says which task is late."""
    settings = get_settings()
    with database(settings) as engine:
        try:
            me = acting_user(engine) if mine else None
        except VigieError as exc:
            raise fail(exc) from None
        rows = list_cases(engine, assignee=me, stage=stage, overdue=overdue)
        late: dict[str, TaskView] = {}
        if overdue:
            for task in list_tasks(engine, overdue=True):
                late.setdefault(task.case_id, task)  # the latest first
    table = Table(title=f"{len(rows)} case(s)")
    headers = ["case", "stage", "assignee", "stake EUR", "harm EUR", "tracks", "opened"]
    if overdue:
        headers.append("late task")
    for header in headers:
        table.add_column(header, overflow="fold")
    for c in rows:
        cells = [
            c.id,
            c.stage.value,
            c.assignee or "-",
            format_amount(c.estimated_stake) if c.estimated_stake is not None else "-",
            format_amount(c.harm_suffered),
            c.open_tracks or "-",
            c.opened_at.date().isoformat(),
        ]
        if overdue:
            found = late.get(c.id)
            cells.append(f"{found.title}: {found.days_late} day(s) late" if found else "-")
        table.add_row(*cells)
    console.print(table)


def render_state(s: CaseState, tasks: list[TaskView], evidence: CaseEvidence | None) -> None:
    console.print(f"[bold]{s.case_id}[/]  stage [bold]{s.stage.value}[/]  target {s.target.key}")
    console.print(
        f"assignee {s.assignee or '-'}  supervisor {s.supervisor or '-'}  period {s.period}  "
        f"typology {s.typology or '-'}"
    )
    b = s.balance
    console.print(
        f"harm suffered {format_amount(s.harm_suffered)} EUR  "
        f"avoided {format_amount(s.harm_avoided)} EUR  warnings {s.warnings_issued}"
    )
    console.print(
        f"due {format_amount(b.net_due)} EUR  paid {format_amount(b.paid)}  "
        f"offset {format_amount(b.offset)}  written off {format_amount(b.written_off)}  "
        f"outstanding [bold]{format_amount(b.outstanding)}[/] EUR"
        + (f"  closed: {s.close_outcome.replace('_', ' ')}" if s.close_outcome else "")
    )
    if s.debts:
        console.print(debts_table(s))
    if evidence is not None:
        render_evidence(evidence)
    if tasks:
        console.print(task_table(tasks, title="Open tasks", with_case=False))
    if s.tracks:
        tracks = Table(title="Tracks")
        for header in ("track", "status", "step", "outcome"):
            tracks.add_column(header)
        for t in s.tracks.values():
            tracks.add_row(t.name, t.status.value, t.step, t.outcome or "-")
        console.print(tracks)
    if s.deadlines:
        deadlines = Table(title="Deadlines (Paris time)")
        for header in ("key", "kind", "due", "track", "policy"):
            deadlines.add_column(header)
        for d in sorted(s.deadlines, key=lambda d: d.due_at):
            deadlines.add_row(d.key, d.kind, show(d.due_at), d.track or "-", d.policy_key or "-")
        console.print(deadlines)
    timeline = Table(title="Timeline (Paris time)")
    for header in ("#", "at", "by", "action", "what"):
        timeline.add_column(header, overflow="fold")
    for e in s.timeline:
        timeline.add_row(str(e.seq), show(e.at), e.actor, e.action, e.summary)
    console.print(timeline)


def debts_table(s: CaseState) -> Table:
    """Each debt with its balance, derived from the ledger (payments: `vigie payments`)."""
    balances = s.debt_balances
    table = Table(title="Debts (EUR; debt_ref for payments files: CASE_ID/debt-N)")
    for header in (
        "debt",
        "kind",
        "notified",
        "prescribed",
        "due",
        "paid",
        "offset",
        "written off",
        "outstanding",
    ):
        table.add_column(header, justify="right" if header in AMOUNT_HEADERS else "left")
    for debt in s.debts.values():
        b = balances.get(debt.key)
        if b is None:
            continue
        table.add_row(
            debt.key,
            f"{debt.kind.value}" + (f" ({debt.qualification.value})" if debt.qualification else ""),
            debt.notified_on.isoformat() if debt.notified_on else "-",
            debt.prescribed_on.isoformat() if debt.prescribed_on else "-",
            format_amount(b.net_due),
            format_amount(b.paid),
            format_amount(b.offset),
            format_amount(b.written_off),
            format_amount(b.outstanding),
        )
    if s.plan is not None:
        table.caption = f"instalment plan {s.plan.status.value}: " + ", ".join(
            f"{i.due_on} {format_amount(i.amount)}" for i in s.plan.instalments
        )
    return table


AMOUNT_HEADERS = {"due", "paid", "offset", "written off", "outstanding"}


def render_evidence(evidence: CaseEvidence) -> None:
    console.print(
        f"[bold]Detection evidence[/] (run {evidence.run_id}, score {evidence.score:.2f}): "
        f"{escape(evidence.explanation)}"
    )
    if evidence.rule_hits:
        hits = Table(title="Rule hits")
        for header in ("rule", "amount EUR", "claims", "detail"):
            hits.add_column(header, overflow="fold")
        for h in evidence.rule_hits:
            claims = ", ".join(h.claim_ids[:8]) + (" …" if len(h.claim_ids) > 8 else "")
            hits.add_row(h.rule, format_amount(h.amount), claims, shorten(h.detail, 120))
        console.print(hits)


@case_app.command("show")
def show_command(case_id: str) -> None:
    """Show a case: figures, detection evidence, open tasks, tracks, deadlines, timeline."""
    settings = get_settings()

    def run() -> tuple[CaseState, list[TaskView], CaseEvidence | None]:
        """From Postgres only: a closed case stays readable without its workflow history."""
        with database(settings) as engine:
            reader = acting_user(engine)  # a read of personal data is logged with its reader
            state = read_case(engine, case_id, reader, via="cli")
            return state, list_tasks(engine, case_id=case_id), case_evidence(engine, case_id)

    try:
        render_state(*run())
    except VigieError as exc:
        raise fail(exc) from None


@cases_app.command("blocked")
def blocked_command(
    all_: bool = typer.Option(False, "--all", help="include the cases unblocked since"),
) -> None:
    """Cases blocked by a change Postgres refused for good: the reason, since when."""
    with database(get_settings()) as engine:
        rows = list_blocked(engine, include_resolved=all_)
    table = Table(title=f"{len(rows)} blocked case(s)")
    for header in ("case", "since", "change", "reason", "unblocked"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(
            r.case_id,
            show(r.since),
            f"#{r.seq} {r.action}",
            escape(r.reason),
            f"{show(r.resolved_at)} by {r.resolved_by}" if r.resolved_at else "-",
        )
    console.print(table)


@case_app.command("unblock")
def unblock_command(
    case_id: str,
    reason: str = typer.Option(..., "--reason", help="what was fixed"),
) -> None:
    """Try a blocked case's change again, once its cause is fixed (administrators only)."""
    settings = get_settings()

    async def run() -> str:
        with database(settings) as engine:
            actor = acting_user(engine)
        return await unblock(await temporal_client(settings), case_id, actor, reason)

    try:
        said = asyncio.run(run())
    except VigieError as exc:
        raise fail(exc) from None
    console.print(escape(said))
