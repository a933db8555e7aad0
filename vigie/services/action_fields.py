"""The fields of each case action, read from the action models themselves, so the command
line's help, its error messages and docs/procedure.md cannot drift from what is accepted."""

from __future__ import annotations

import json
import types
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from models.case_actions import ACTION_TYPES

#: set by the caller's identity and the command line, never as fields
RESERVED = ("request_id", "actor", "action")

EXAMPLES: dict[str, str] = {
    "reason": "no evidence after review",
    "description": "fictitious acts",
    "result": "three patients deny the care",
    "justification": "the prosecutor is already seized by the police",
    "into_case_id": "case:professional:10001234567:2025",
    "key": "action-3",
    "assignee": "enqueteur",
    "supervisor": "superviseur",
    "note": "received by registered letter",
    "entry": "14.0",
    "debt": "debt-1",
    "reference": "VIR-2026-0042",
    "letter_id": "L20261123-1a2b3c4d",
}


@dataclass(frozen=True)
class ActionField:
    name: str
    type: str
    required: bool
    allowed: tuple[str, ...]
    example: str
    description: str


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional) for ``X | None``."""
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        inner = rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007
        return _unwrap(inner)[0], True
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    return annotation, False


def _allowed(annotation: Any) -> tuple[str, ...]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(m.value) for m in annotation)
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType, list):
        return tuple(v for a in get_args(annotation) for v in _allowed(a))
    return ()


def _type_name(annotation: Any, info: FieldInfo) -> str:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return f"list of {_type_name(item, FieldInfo())}"
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return "choice"
        if issubclass(annotation, BaseModel):
            return "{" + ", ".join(annotation.model_fields) + "}"
        if issubclass(annotation, Decimal):
            return "amount (EUR, 2 decimals)"
        if issubclass(annotation, datetime):
            return "date or date-time (Paris)"
        if issubclass(annotation, date):
            return "date (YYYY-MM-DD)"
        return {str: "text", bool: "true/false", int: "integer"}.get(
            annotation, annotation.__name__
        )
    if get_origin(annotation) in (Union, types.UnionType, Literal):
        return "choice"
    return str(annotation)


def _example(name: str, annotation: Any, allowed: tuple[str, ...]) -> str:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            sample = {"description": "March", "amount": "1250.40", "paid_on": "2025-03-31"}
            return json.dumps([sample])
        return json.dumps(list(_allowed(item)[:1]))
    if allowed:
        return allowed[0]
    if isinstance(annotation, type):
        if issubclass(annotation, Decimal):
            return "1250.40"
        if issubclass(annotation, datetime):
            return "2026-12-22"
        if issubclass(annotation, date):
            return "2025-03-31"
        if issubclass(annotation, bool):
            return "true"
    return EXAMPLES.get(name, "...")


def action_fields(action: str) -> list[ActionField]:
    """The fields a user sets for ``action``, required ones first."""
    cls = ACTION_TYPES[action]
    fields: list[ActionField] = []
    for name, info in cls.model_fields.items():
        if name in RESERVED:
            continue
        annotation, _ = _unwrap(info.annotation)
        allowed = _allowed(annotation)
        fields.append(
            ActionField(
                name=name,
                type=_type_name(annotation, info),
                required=info.is_required(),
                allowed=allowed,
                example=_example(name, annotation, allowed),
                description=info.description or "",
            )
        )
    return sorted(fields, key=lambda f: not f.required)


def example_call(action: str) -> str:
    parts = [f"{f.name}={_quoted(f.example)}" for f in action_fields(action) if f.required]
    return " ".join(["vigie case act CASE_ID", action, *parts])


def _quoted(value: str) -> str:
    return f"'{value}'" if any(c in value for c in ' []{}"') else value


def fields_text(action: str) -> str:
    """Plain-text help for one action."""
    lines = [f"{action}:"]
    fields = action_fields(action)
    if not fields:
        lines.append("  (no fields)")
    for f in fields:
        need = "required" if f.required else "optional"
        values = f" one of: {', '.join(f.allowed)}" if f.allowed else ""
        lines.append(f"  {f.name}  {f.type}, {need}.{values} e.g. {f.name}={_quoted(f.example)}")
    lines.append(f"  example: {example_call(action)}")
    return "\n".join(lines)


def fields_markdown() -> str:
    """The table docs/procedure.md shows (a test checks that it is up to date)."""
    out = [
        "| action | field | type | required | allowed values | example |",
        "|---|---|---|---|---|---|",
    ]
    for action in ACTION_TYPES:
        fields = action_fields(action)
        if not fields:
            out.append(f"| `{action}` | (none) | | | | |")
        for f in fields:
            allowed = ", ".join(f"`{v}`" for v in f.allowed)
            example = f.example.replace("|", "\\|")
            need = "yes" if f.required else "no"
            out.append(f"| `{action}` | `{f.name}` | {f.type} | {need} | {allowed} | `{example}` |")
    return "\n".join(out)


START, END = "<!-- action-fields:start -->", "<!-- action-fields:end -->"


def refresh_doc(path: Path) -> None:
    """Rewrite the generated table between the markers of ``path``."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{START}\n{fields_markdown()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":  # python -m vigie.services.action_fields docs/procedure.md
    import sys

    refresh_doc(Path(sys.argv[1]))
