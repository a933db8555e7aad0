"""Action forms, generated from the action models (``vigie.services.action_fields``): each
field becomes an input of its type; a list of grievance lines becomes one line's three
inputs; a reference to a step, a measure, a debt or a person becomes a choice among those
the case (or the registry) has. A submitted form is validated by the same model as the API
and the command line; its errors come back keyed by input, in the user's language, to show
next to the field. Amounts may be typed the French way (``1 250,40``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from temporalio.client import Client

from models import AppUser
from models.case_actions import ACTION_TYPES
from models.case_state import CaseState
from models.types import Stage
from vigie.api.action_requests import SERVER_ONLY
from vigie.services.action_fields import ActionField, action_fields
from vigie.services.case_commands import act
from vigie.services.errors import InvalidActionError
from workflows.procedure.table import ALLOWED
from workflows.procedure.table_recovery import STEPS_FOR

#: actions the procedure keeps for a manager (the workflow refuses them to anyone else)
MANAGER_ONLY = frozenset({"waive_complaint", "write_off"})

STAGES = [s for s in Stage if s is not Stage.ALERT]
LINE_FIELDS = ("line_description", "line_amount", "line_paid_on")
AMOUNT = "amount (EUR, 2 decimals)"
_FRENCH_AMOUNT = re.compile(r"^-?\d+,\d+$")

#: pydantic error type -> message id (translated by the catalog)
MESSAGES: dict[str, str] = {
    "missing": "This field is required.",
    "string_too_short": "Too short: at least %(min_length)s characters.",
    "string_too_long": "Too long: at most %(max_length)s characters.",
    "decimal_parsing": "Not an amount: write it like 1250,40.",
    "decimal_type": "Not an amount: write it like 1250,40.",
    "decimal_max_places": "At most 2 decimals.",
    "decimal_max_digits": "This amount is too large.",
    "decimal_whole_digits": "This amount is too large.",
    "greater_than_equal": "Must not be below %(ge)s.",
    "greater_than": "Must be above %(gt)s.",
    "less_than_equal": "Must not be above %(le)s.",
    "date_from_datetime_parsing": "Not a date: choose a day.",
    "date_parsing": "Not a date: choose a day.",
    "datetime_from_date_parsing": "Not a date: choose a day.",
    "enum": "Choose one of the proposed values.",
    "literal_error": "Choose one of the proposed values.",
    "int_parsing": "Not a whole number.",
    "too_short": "Choose at least one.",
}


@dataclass(frozen=True)
class Input:
    name: str
    kind: str  # text, date, number, select, checkboxes, checkbox
    required: bool
    allowed: tuple[str, ...] = ()  # choices (translated by the labels)
    options: tuple[tuple[str, str], ...] = ()  # (value, shown as): steps, debts, people


@dataclass(frozen=True)
class ActionForm:
    action: str
    inputs: list[Input]


@dataclass
class Outcome:
    summary: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None


def _options(
    name: str, action: str, state: CaseState, people: list[AppUser]
) -> tuple[tuple[str, str], ...]:
    """The values a reference field may take on this case, or () for free text."""
    if name == "key" and action == "complete_investigation_action":
        return tuple(
            (s.key, f"{s.key} · {s.kind.value}") for s in state.investigation if not s.done
        )
    if name == "key" and action == "lift_protective_measure":
        return tuple(
            (m.key, f"{m.key} · {m.kind.value}") for m in state.measures if not m.lifted_at
        )
    if name == "debt":
        return tuple((k, k) for k in state.debts)
    if name == "assignee":
        return tuple((u.id, u.display_name) for u in people if u.role == "investigator")
    if name == "supervisor":
        return tuple((u.id, u.display_name) for u in people if u.role == "supervisor")
    return ()


def _inputs(f: ActionField, action: str, state: CaseState, people: list[AppUser]) -> list[Input]:
    if f.type.startswith("list of {"):
        return [
            Input("line_description", "text", True),
            Input("line_amount", "text", True),
            Input("line_paid_on", "date", True),
        ]
    options = _options(f.name, action, state, people)
    if options:
        return [Input(f.name, "select", f.required, options=options)]
    kind = {
        "choice": "select",
        "list of choice": "checkboxes",
        "true/false": "checkbox",
        "integer": "number",
        "date (YYYY-MM-DD)": "date",
        "date or date-time (Paris)": "date",
    }.get(f.type, "text")
    return [Input(f.name, kind, f.required, f.allowed)]


def possible(name: str, state: CaseState, role: str) -> bool:
    """The procedure table allows the action in the case's stage (and, for a recovery
    action, at the recovery track's step), to this role."""
    if state.stage not in ALLOWED[name] or (name in MANAGER_ONLY and role != "manager"):
        return False
    if name in SERVER_ONLY:  # a letter is composed from the case (vigie letters issue)
        return False
    if name in STEPS_FOR:
        recovery = state.tracks.get("recovery")
        return recovery is not None and recovery.step in STEPS_FOR[name]
    return True


def actions_for(state: CaseState, people: list[AppUser], role: str) -> list[ActionForm]:
    """A form for each action possible on the case now, for this role."""
    return [
        ActionForm(name, [i for f in action_fields(name) for i in _inputs(f, name, state, people)])
        for name in ALLOWED
        if possible(name, state, role)
    ]


def amount(text: str) -> str:
    """``1 250,40 €`` -> ``1250.40``; anything else is left for the model to judge."""
    compact = re.sub(r"[\s\u00a0\u202f€]", "", text)
    return compact.replace(",", ".") if _FRENCH_AMOUNT.match(compact) else compact


def _payload(action: str, form: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for f in action_fields(action):
        if f.type.startswith("list of {"):
            fields[f.name] = [
                {
                    "description": form.get("line_description", ""),
                    "amount": amount(form.get("line_amount", "")),
                    "paid_on": form.get("line_paid_on", ""),
                }
            ]
        elif f.type == "list of choice":
            fields[f.name] = [v for v in f.allowed if form.get(f"{f.name}:{v}")]
        elif f.type == "true/false":
            fields[f.name] = bool(form.get(f.name))
        elif form.get(f.name, "") != "":
            fields[f.name] = amount(form[f.name]) if f.type == AMOUNT else form[f.name]
    return fields


def _input_name(action: str, loc: tuple[Any, ...]) -> str:
    """Where a validation error belongs: ``("lines", 0, "amount")`` -> ``line_amount``."""
    if len(loc) >= 3 and loc[1] == 0 and f"line_{loc[2]}" in LINE_FIELDS:
        return f"line_{loc[2]}"
    return str(loc[0]) if loc else action


def message(error: ErrorDetails, gettext: Callable[[str], str]) -> str:
    """A validation error in the user's language; the model's own words when unknown."""
    known = MESSAGES.get(error["type"])
    if error["type"] == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        known = MESSAGES["missing"]
    if known is None:
        return error["msg"]
    return gettext(known) % {k: str(v) for k, v in (error.get("ctx") or {}).items()}


async def submit(
    client: Client,
    case_id: str,
    action: str,
    actor: str,
    form: dict[str, str],
    gettext: Callable[[str], str],
) -> Outcome:
    if action not in ACTION_TYPES:
        return Outcome(refusal=f"unknown action {action}")
    try:
        command = ACTION_TYPES[action].model_validate(
            {**_payload(action, form), "actor": actor, "request_id": uuid.uuid4().hex}
        )
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            errors.setdefault(_input_name(action, tuple(e["loc"])), message(e, gettext))
        return Outcome(errors=errors)
    try:
        state = await act(client, case_id, command)
    except InvalidActionError as exc:
        return Outcome(refusal=f"[{exc.rule}] {exc.message}")
    applied = state.applied_requests.get(command.request_id)
    entry = next((e for e in state.timeline if e.seq == applied), state.timeline[-1])
    return Outcome(summary=entry.summary)


def every_message() -> list[str]:
    return list(MESSAGES.values())
