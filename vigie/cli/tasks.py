"""`vigie tasks`: what to do, on which case, due when, how many days late, escalated to whom."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from models.local_time import show
from vigie.cli.connections import database
from vigie.cli.identity import acting_user
from vigie.cli.output import console, err_console
from vigie.services.errors import VigieError
from vigie.services.task_queries import TaskView, list_tasks
from vigie.settings import get_settings


def lateness(task: TaskView) -> str:
    if task.due_at is None:
        return "no due date"
    if task.overdue:
        return f"[red]{task.days_late} day(s) late[/]"
    return "on time"


def task_table(tasks: list[TaskView], title: str, with_case: bool = True) -> Table:
    table = Table(title=title)
    headers = ["case"] if with_case else []
    headers += ["task", "what to do", "due (Paris)", "late", "case assignee", "escalated to"]
    for header in headers:
        table.add_column(header, overflow="fold")
    for t in tasks:
        cells = [t.case_id] if with_case else []
        cells += [
            t.key,
            escape(t.title),
            show(t.due_at) if t.due_at else "-",
            lateness(t),
            t.case_assignee or "-",
            t.escalated_to or "-",
        ]
        table.add_row(*cells)
    return table


def tasks_command(
    mine: bool = typer.Option(
        False, "--mine", help="tasks of my cases and those escalated to me (VIGIE_USER)"
    ),
    overdue: bool = typer.Option(False, "--overdue", help="only tasks past their due date"),
    case_id: str | None = typer.Option(None, "--case", help="only the tasks of this case"),
) -> None:
    """Open tasks, overdue first (the latest first), then by due date."""
    settings = get_settings()
    with database(settings) as engine:
        try:
            me = acting_user(engine) if mine else None
        except VigieError as exc:
            err_console.print(f"[red]error[/] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        tasks = list_tasks(engine, user=me, overdue=overdue, case_id=case_id)
    late = sum(t.overdue for t in tasks)
    console.print(task_table(tasks, title=f"{len(tasks)} open task(s), {late} overdue"))
