"""`vigie users`: the registry of who may act, with which role and supervisor."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from vigie.api.security import revoke_user_tokens, set_password
from vigie.cli.connections import database
from vigie.cli.output import console, err_console, fail
from vigie.services.errors import VigieError
from vigie.services.users import ROLES, list_users, set_active, upsert_user
from vigie.settings import get_settings

users_app = typer.Typer(
    help="Users and roles (investigator, supervisor, manager, auditor, admin).",
    no_args_is_help=True,
)


@users_app.command("add")
def add_user_command(
    user_id: str,
    name: str = typer.Option(..., "--name"),
    role: str = typer.Option("investigator", "--role", help=" or ".join(ROLES)),
    supervisor: str | None = typer.Option(None, "--supervisor", help="a registered user"),
) -> None:
    """Register (or update) a user, their role and supervisor."""
    settings = get_settings()
    with database(settings) as engine:
        try:
            upsert_user(engine, user_id, name, role, supervisor)  # type: ignore[arg-type]
        except VigieError as exc:
            raise fail(exc) from None
    console.print(f"{user_id}: {role}" + (f", supervisor {supervisor}" if supervisor else ""))


@users_app.command("deactivate")
def deactivate_command(user_id: str) -> None:
    """Deactivate a user: they can no longer act on any case (their history stays)."""
    with database(get_settings()) as engine:
        try:
            set_active(engine, user_id, active=False)
        except VigieError as exc:
            raise fail(exc) from None
        revoke_user_tokens(engine, user_id)
    console.print(f"{user_id}: deactivated (API tokens revoked)")


@users_app.command("passwd")
def passwd_command(
    user_id: str,
    password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Set a user's password for signing in to the API (asked twice, not echoed)."""
    if len(password) < 8:
        err_console.print("[red]error[/] --password: at least 8 characters")
        raise typer.Exit(2)
    with database(get_settings()) as engine:
        if not set_password(engine, user_id, password):
            err_console.print(f"[red]error[/] no user {escape(user_id)!s}: add it first")
            raise typer.Exit(4)
    console.print(f"{user_id}: password set")


@users_app.command("list")
def list_users_command() -> None:
    """List users with their role, supervisor and status."""
    with database(get_settings()) as engine:
        users = list_users(engine)
    table = Table(title=f"{len(users)} user(s)")
    for header in ("id", "name", "role", "supervisor", "active"):
        table.add_column(header)
    for u in users:
        table.add_row(
            u.id, u.display_name, u.role, u.supervisor_id or "-", "yes" if u.active else "no"
        )
    console.print(table)
