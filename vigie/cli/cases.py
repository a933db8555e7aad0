"""Investigator commands: `vigie cases list`, `vigie case show`, `vigie case act`."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from models.case_actions import ACTION_TYPES
from models.case_state import CaseState
from models.types import Stage
from vigie.cli.connections import current_user, database, temporal_client
from vigie.cli.output import console, err_console
from vigie.services.case_access import read_case
from vigie.services.case_commands import act
from vigie.services.case_queries import list_cases
from vigie.services.errors import VigieError
from vigie.services.users import ROLES, Role, list_users, role_of, upsert_user
from vigie.settings import get_settings

cases_app = typer.Typer(help="Lists of cases (read from Postgres).", no_args_is_help=True)
case_app = typer.Typer(help="One case: show it, or act on it.", no_args_is_help=True)


@cases_app.command("list")
def list_command(
    mine: bool = typer.Option(False, "--mine", help="only the cases assigned to me (VIGIE_USER)"),
    stage: Stage | None = typer.Option(None, "--stage", help="only this stage"),
    overdue: bool = typer.Option(False, "--overdue", help="only cases with an overdue task"),
) -> None:
    """List cases, largest estimated stake first."""
    settings = get_settings()
    with database(settings) as engine:
        rows = list_cases(
            engine, assignee=current_user() if mine else None, stage=stage, overdue=overdue
        )
    table = Table(title=f"{len(rows)} case(s)")
    for header in ("case", "stage", "assignee", "stake EUR", "harm EUR", "tracks", "opened"):
        table.add_column(header, overflow="fold")
    for c in rows:
        table.add_row(
            c.id,
            c.stage.value,
            c.assignee or "-",
            str(c.estimated_stake or "-"),
            str(c.harm_suffered),
            c.open_tracks or "-",
            c.opened_at.date().isoformat(),
        )
    console.print(table)


def render_state(s: CaseState) -> None:
    console.print(f"[bold]{s.case_id}[/]  stage [bold]{s.stage.value}[/]  target {s.target.key}")
    console.print(
        f"assignee {s.assignee or '-'}  supervisor {s.supervisor or '-'}  period {s.period}  "
        f"typology {s.typology or '-'}"
    )
    console.print(
        f"harm suffered {s.harm_suffered} EUR  avoided {s.harm_avoided} EUR  "
        f"due {s.amount_due} EUR  warnings {s.warnings_issued}"
    )
    if s.tracks:
        tracks = Table(title="Tracks")
        for header in ("track", "status", "step", "outcome"):
            tracks.add_column(header)
        for t in s.tracks.values():
            tracks.add_row(t.name, t.status.value, t.step, t.outcome or "-")
        console.print(tracks)
    if s.deadlines:
        deadlines = Table(title="Deadlines")
        for header in ("key", "kind", "due", "track", "policy"):
            deadlines.add_column(header)
        for d in sorted(s.deadlines, key=lambda d: d.due_at):
            deadlines.add_row(
                d.key,
                d.kind,
                d.due_at.isoformat(timespec="minutes"),
                d.track or "-",
                d.policy_key or "-",
            )
        console.print(deadlines)
    timeline = Table(title="Timeline")
    for header in ("#", "at", "by", "action", "what"):
        timeline.add_column(header, overflow="fold")
    for e in s.timeline:
        timeline.add_row(
            str(e.seq), e.at.isoformat(timespec="minutes"), e.actor, e.action, e.summary
        )
    console.print(timeline)


@case_app.command("show")
def show_command(case_id: str) -> None:
    """Show a case: state, tracks, deadlines and timeline (from its workflow)."""
    settings = get_settings()

    async def run() -> CaseState:
        with database(settings) as engine:
            client = await temporal_client(settings)
            return await read_case(client, engine, case_id, current_user(), via="cli")

    try:
        render_state(asyncio.run(run()))
    except VigieError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(exc.exit_code) from None


RESERVED_FIELDS = ("request_id", "actor", "role")


def parse_fields(pairs: list[str], raw_json: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(raw_json) if raw_json else {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}")
        if value.startswith(("[", "{")):
            fields[key] = json.loads(value)
        else:
            fields[key] = value
    reserved = [k for k in RESERVED_FIELDS if k in fields]
    if reserved:
        raise typer.BadParameter(
            f"{', '.join(reserved)} cannot be set as fields (use --as / --request-id; "
            "roles come from `vigie users`)"
        )
    return fields


@case_app.command(
    "act", context_settings={"allow_extra_args": True, "ignore_unknown_options": False}
)
def act_command(
    case_id: str,
    action: str = typer.Argument(..., help=f"one of: {', '.join(ACTION_TYPES)}"),
    fields: list[str] = typer.Argument(None, help="KEY=VALUE fields of the action"),
    raw_json: str | None = typer.Option(None, "--json", help="the fields as a JSON object"),
    actor: str = typer.Option(None, "--as", help="who acts (default: VIGIE_USER)"),
    request_id: str | None = typer.Option(None, "--request-id", help="makes a retry safe"),
) -> None:
    """Act on a case. Refusals name the broken rule; nothing is written."""
    settings = get_settings()
    actor = actor or current_user()
    cls = ACTION_TYPES.get(action.replace("-", "_"))
    if cls is None:
        err_console.print(f"[red]unknown action {action!r}[/]; one of: {', '.join(ACTION_TYPES)}")
        raise typer.Exit(2)
    try:
        cmd = cls(
            request_id=request_id or f"cli-{uuid.uuid4().hex[:12]}",
            actor=actor,
            **parse_fields(fields or [], raw_json),
        )
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            err_console.print(f"[red]invalid field {where}[/]: {err['msg']}")
        raise typer.Exit(2) from None
    with database(settings) as engine:
        # the role comes from the users table, never from the command line
        cmd = cmd.model_copy(update={"role": role_of(engine, actor)})

    async def run() -> CaseState:
        return await act(await temporal_client(settings), case_id, cmd)

    try:
        state = asyncio.run(run())
    except VigieError as exc:
        err_console.print(f"[red]refused[/] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    entry = state.timeline[-1]
    console.print(
        f"[green]done[/] #{entry.seq} {entry.action}: {entry.summary} "
        f"(stage {state.stage.value}, at {datetime.now(UTC).isoformat(timespec='seconds')})"
    )


users_app = typer.Typer(help="Users and roles (investigators, managers).", no_args_is_help=True)


@users_app.command("add")
def add_user_command(
    user_id: str,
    name: str = typer.Option(..., "--name"),
    role: str = typer.Option("investigator", "--role", help=" or ".join(ROLES)),
    supervisor: str | None = typer.Option(None, "--supervisor"),
) -> None:
    """Register (or update) a user and their role."""
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}")
    settings = get_settings()
    chosen: Role = "manager" if role == "manager" else "investigator"
    with database(settings) as engine:
        upsert_user(engine, user_id, name, chosen, supervisor)
    console.print(f"{user_id}: {chosen}")


@users_app.command("list")
def list_users_command() -> None:
    """List users with their role and supervisor."""
    settings = get_settings()
    with database(settings) as engine:
        users = list_users(engine)
    table = Table(title=f"{len(users)} user(s)")
    for header in ("id", "name", "role", "supervisor"):
        table.add_column(header)
    for u in users:
        table.add_row(u.id, u.display_name, u.role, u.supervisor_id or "-")
    console.print(table)
