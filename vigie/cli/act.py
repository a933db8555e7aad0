"""`vigie case act` (one action on a case) and `vigie case fields` (what each action takes)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape

from models.case_actions import ACTION_TYPES, ActionBase
from models.case_state import CaseState
from models.letter_actions import IssueLetter
from models.local_time import show
from vigie.cli.cases import case_app
from vigie.cli.connections import database, temporal_client
from vigie.cli.identity import acting_user
from vigie.cli.output import console, err_console, fail
from vigie.services.action_fields import RESERVED, action_fields, fields_text
from vigie.services.case_commands import act
from vigie.services.errors import InvalidInputError, VigieError
from vigie.settings import get_settings

FIELDS_HELP = "\n\n".join(fields_text(name) for name in ACTION_TYPES)


def parse_fields(pairs: list[str], raw_json: str | None) -> dict[str, Any]:
    """KEY=VALUE pairs (a value starting with [ or { is JSON) and/or a --json object."""
    fields: dict[str, Any] = _json("--json", raw_json) if raw_json else {}
    if not isinstance(fields, dict):
        raise InvalidInputError("--json", raw_json, "must be a JSON object {...}")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InvalidInputError("field", pair, "expected KEY=VALUE")
        fields[key] = _json(key, value) if value.startswith(("[", "{")) else value
    reserved = [k for k in (*RESERVED, "role") if k in fields]
    if reserved:
        raise InvalidInputError(
            reserved[0],
            fields[reserved[0]],
            "cannot be set as a field (use --as / --request-id; roles come from `vigie users`)",
        )
    return fields


def _json(field: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            field, text, f"not valid JSON ({exc.msg} at character {exc.pos + 1})"
        ) from None


def build_action(action: str, request_id: str, actor: str, fields: dict[str, Any]) -> ActionBase:
    cls = ACTION_TYPES.get(action.replace("-", "_"))
    if cls is None:
        raise InvalidInputError(
            "ACTION", action, f"unknown action; one of: {', '.join(ACTION_TYPES)}"
        )
    if cls is IssueLetter:
        raise InvalidInputError(
            "ACTION",
            action,
            "a letter is composed from the case and checked, not typed: "
            "vigie letters issue CASE KIND",
        )
    try:
        return cls(request_id=request_id, actor=actor, **fields)
    except ValidationError as exc:
        raise _field_error(cls, exc) from None


def _field_error(cls: type[ActionBase], exc: ValidationError) -> InvalidInputError:
    """The first problem, naming the field, the value and the reason."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "fields"
    name = str(cls.model_fields["action"].default)
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(f.name for f in action_fields(name)) or "none"
        return InvalidInputError(
            where, err["input"], f"unknown field for {name}; fields: {allowed}"
        )
    if err["type"] == "missing":
        return InvalidInputError(where, "(missing)", f"required by {name}")
    value = err.get("input", "")
    return InvalidInputError(where, value, str(err["msg"]))


@case_app.command(
    "act",
    epilog="Fields of each action:\n\n" + FIELDS_HELP,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": False},
)
def act_command(
    case_id: str,
    action: str = typer.Argument(..., help=f"one of: {', '.join(ACTION_TYPES)}"),
    fields: list[str] = typer.Argument(None, help="KEY=VALUE fields of the action"),
    raw_json: str | None = typer.Option(None, "--json", help="the fields as a JSON object"),
    actor: str | None = typer.Option(None, "--as", help="a registered user (default: VIGIE_USER)"),
    request_id: str | None = typer.Option(
        None, "--request-id", help="makes a retry safe: the same id and fields apply once"
    ),
) -> None:
    """Act on a case as a registered user. Refusals name the broken rule; nothing is written."""
    settings = get_settings()
    try:
        parsed = parse_fields(fields or [], raw_json)
        rid = request_id or f"cli-{uuid.uuid4().hex[:12]}"
        build_action(action, rid, actor or "-", parsed)  # field errors before any connection
        with database(settings) as engine:
            cmd = build_action(action, rid, acting_user(engine, actor), parsed)

        async def run() -> CaseState:
            return await act(await temporal_client(settings), case_id, cmd)

        state = asyncio.run(run())
    except VigieError as exc:
        raise fail(exc) from None
    seq = state.applied_requests.get(cmd.request_id, state.seq)
    entry = next(e for e in state.timeline if e.seq == seq)
    console.print(
        f"[green]done[/] #{entry.seq} {entry.action}: {escape(entry.summary)} "
        f"(stage {state.stage.value}, at {show(entry.at, seconds=True)})"
    )


@case_app.command("fields")
def fields_command(
    action: str | None = typer.Argument(None, help="one action (default: all of them)"),
) -> None:
    """The fields each action takes: type, required or not, allowed values, an example."""
    names = list(ACTION_TYPES) if action is None else [action.replace("-", "_")]
    unknown = [n for n in names if n not in ACTION_TYPES]
    if unknown:
        err_console.print(
            f"[red]error[/] ACTION={escape(unknown[0])}: unknown action; "
            f"one of: {', '.join(ACTION_TYPES)}"
        )
        raise typer.Exit(2)
    console.print("\n\n".join(escape(fields_text(n)) for n in names), highlight=False)
