"""`vigie deadline KEY --from DATE`: the due date of a legal period, with the rules applied, so
an investigator can check a deadline by hand. Reads the policy records file, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from models.local_time import show
from models.policy import PolicyRecordBase
from vigie.cli.output import console, err_console
from vigie.policy.loader import RECORDS_FILE, PolicyFileError, parse_policy_file
from vigie.services.errors import InvalidInputError
from workflows.procedure.legal_time import (
    DURATION_UNITS,
    WEEKDAYS,
    due_date,
    end_of,
    period_text,
)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD") from None


def duration_record(records: list[PolicyRecordBase], key: str, on: date) -> PolicyRecordBase:
    """The duration record ``key`` in force on ``on``; refused with the keys available."""
    durations = sorted({r.key for r in records if r.unit in DURATION_UNITS})
    available = f"duration keys: {', '.join(durations)}"
    versions = [r for r in records if r.key == key]
    if not versions:
        raise InvalidInputError("KEY", key, f"no such policy record; {available}")
    if versions[0].unit not in DURATION_UNITS:
        raise InvalidInputError(
            "KEY", key, f"a policy record in {versions[0].unit}, not a duration; {available}"
        )
    for rec in versions:
        if rec.value != int(rec.value):
            raise InvalidInputError("KEY", key, f"{rec.value} {rec.unit} is not a whole number")
        if rec.effective_from <= on and (rec.effective_to is None or on <= rec.effective_to):
            return rec
    periods = ", ".join(
        f"{r.effective_from} to {r.effective_to or 'today'}"
        for r in sorted(versions, key=lambda r: r.effective_from)
    )
    raise InvalidInputError("KEY", key, f"no record in force on {on} (in force: {periods})")


def deadline_command(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="Policy record, e.g. deadline.payment_notice")
    ],
    from_: Annotated[
        date,
        typer.Option(
            "--from",
            parser=_iso_date,
            metavar="YYYY-MM-DD",
            help="Day of the event that starts the period (e.g. the letter's receipt)",
        ),
    ],
    alsace_moselle: Annotated[
        bool,
        typer.Option(
            "--alsace-moselle",
            help="Also count Good Friday and 26 December as public holidays (local law)",
        ),
    ] = False,
    policy_file: Annotated[
        Path, typer.Option("--policy-file", hidden=True, help="Policy records file")
    ] = RECORDS_FILE,
) -> None:
    """The due date of the legal period KEY running from --from, and the rules applied."""
    try:
        _version, records = parse_policy_file(policy_file)
        rec = duration_record(records, key, from_)
    except (InvalidInputError, PolicyFileError) as exc:
        err_console.print(f"[red]error[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    result = due_date(from_, int(rec.value), rec.unit, alsace_moselle=alsace_moselle)
    calendar = "France, Alsace-Moselle" if alsace_moselle else "France"
    lines = [
        f"{key}: {result.summary}",
        f"due {result.due} ({WEEKDAYS[result.due.weekday()]}), to the end of that day in Paris; "
        f"the timer fires at {show(end_of(result.due))}",
        f"policy: {period_text(int(rec.value), rec.unit)} in force on {from_} "
        f"(from {rec.effective_from}): {rec.source}",
        f"public holidays: {calendar}",
        "rules applied:",
        *(f"  - {rule}" for rule in result.rules),
    ]
    if rec.uncertain:
        lines.append("note: this policy record is not yet checked against the official text")
    for line in lines:
        console.print(escape(line), soft_wrap=True, highlight=False)
