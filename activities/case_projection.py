"""The case projection: applies one accepted workflow change to Postgres, exactly once.

Everything a change touches (case row, stage history, tasks, ledger, audit log) is written in
one transaction. The audit row is inserted first with ``ON CONFLICT (case_id, seq) DO
NOTHING``: if it already exists the change was applied before, and nothing else is written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Table, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.ledger_sums import ledger_figures
from models import (
    AuditEntry,
    Case,
    DebtRecord,
    LedgerEntry,
    Letter,
    StageChange,
    Target,
    Task,
)
from models.case_blocked import PROJECTION_CONFLICT, PROJECTION_REFUSED
from models.case_messages import CaseChange, TaskUpdate
from models.types import Stage, TaskStatus
from vigie.runtime.db import transaction

log = logging.getLogger(__name__)
#: a change refused for its content is tried this many times, then blocks its case
REFUSED_ATTEMPTS = 3


class CaseProjectionActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def _check_same_change(session: Session, change: CaseChange) -> None:
        """A retry finds its own audit row. Another change under the same (case, seq), as when
        a purged case id is reused, must not be dropped silently."""
        row = session.execute(
            select(AuditEntry.action, AuditEntry.request_id).where(  # type: ignore[call-overload]
                AuditEntry.case_id == change.case_id, AuditEntry.seq == change.seq
            )
        ).one()
        if (row.action, row.request_id) != (change.action, change.request_id):
            raise ApplicationError(
                f"{change.case_id}#{change.seq} is already recorded as {row.action} "
                f"(request {row.request_id}); refusing {change.action} (request "
                f"{change.request_id})",
                type=PROJECTION_CONFLICT,
                non_retryable=True,
            )

    @activity.defn(name="apply_case_change")
    def apply_case_change(self, change: CaseChange) -> bool:
        """Apply ``change``; return False when it had already been applied.

        A change Postgres refuses for its content (a constraint violated, a value out of
        range) is tried ``REFUSED_ATTEMPTS`` times, then refused for good: the case workflow
        shows itself blocked instead of retrying forever. A lost connection is retried."""
        try:
            return self._apply(change)
        except (IntegrityError, DataError) as exc:
            attempt = activity.info().attempt
            reason = f"Postgres refused change #{change.seq} ({change.action}): {exc.orig}"
            if attempt >= REFUSED_ATTEMPTS:
                raise ApplicationError(
                    reason.strip(), type=PROJECTION_REFUSED, non_retryable=True
                ) from None
            log.warning("%s (attempt %d of %d)", reason, attempt, REFUSED_ATTEMPTS)
            raise

    def _apply(self, change: CaseChange) -> bool:
        with transaction(self.engine) as session:
            audit_log = table(AuditEntry)
            audit = (
                insert(audit_log)
                .values(
                    case_id=change.case_id,
                    seq=change.seq,
                    request_id=change.request_id,
                    at=change.at,
                    actor=change.actor,
                    action=change.action,
                    from_stage=change.from_stage,
                    to_stage=change.to_stage,
                    reason=change.reason,
                    details=change.model_dump(mode="json", include={"details"})["details"]
                    | {"figures": change.figures.model_dump(mode="json")},
                )
                .on_conflict_do_nothing(constraint="uq_audit_case_seq")
                .returning(audit_log.c.id)
            )
            if session.execute(audit).first() is None:
                self._check_same_change(session, change)
                log.info("change %s#%s already applied", change.case_id, change.seq)
                return False

            fig = change.figures
            case_values = {
                "stage": fig.stage,
                "assignee": fig.assignee,
                "estimated_stake": fig.estimated_stake,
                "harm_suffered": fig.harm_suffered,
                "harm_avoided": fig.harm_avoided,
                "amount_due": fig.amount_due,
                "amount_recovered": fig.amount_recovered,
                "amount_written_off": fig.amount_written_off,
                "open_tracks": ",".join(fig.open_tracks),
                "close_reason": fig.close_reason,
                "closed_at": fig.closed_at,
                "updated_at": change.at,
                "last_seq": change.seq,
            }
            if change.opening is not None:
                opening = change.opening
                target = opening.target
                session.execute(
                    insert(table(Target))
                    .values(id=target.key, created_at=change.at, **target.model_dump())
                    .on_conflict_do_nothing(index_elements=["id"])
                )
                session.execute(
                    insert(table(Case)).values(
                        id=change.case_id,
                        target_id=target.key,
                        period=opening.period,
                        typology=opening.typology,
                        source=opening.source,
                        opened_at=change.at,
                        **case_values,
                    )
                )
            else:
                cases = table(Case)
                session.execute(
                    update(cases).where(cases.c.id == change.case_id).values(**case_values)
                )

            rows: list[SQLModel] = []
            if change.to_stage is not None and change.to_stage != change.from_stage:
                rows.append(
                    StageChange(
                        case_id=change.case_id,
                        seq=change.seq,
                        from_stage=change.from_stage,
                        to_stage=change.to_stage,
                        at=change.at,
                        actor=change.actor,
                        reason=change.reason,
                    )
                )
            rows += [
                Task(case_id=change.case_id, created_at=change.at, **spec.model_dump())
                for spec in change.tasks_opened
            ]
            insert_rows(session, rows)
            tasks = table(Task)
            if change.to_stage is Stage.CLOSED and change.from_stage is not Stage.CLOSED:
                # a closed case has nothing left to do: its remaining tasks are cancelled
                session.execute(
                    update(tasks)
                    .where(tasks.c.case_id == change.case_id, tasks.c.status == TaskStatus.OPEN)
                    .values(status=TaskStatus.CANCELLED, completed_at=change.at)
                )
            for upd in change.tasks_updated:
                session.execute(
                    update(tasks)
                    .where(tasks.c.case_id == change.case_id, tasks.c.key == upd.key)
                    .values(**task_update_values(upd))
                )
            rows = []
            for line_no, line in enumerate(change.ledger):
                rows.append(
                    LedgerEntry(
                        case_id=change.case_id,
                        seq=change.seq,
                        line=line_no,
                        booked_at=change.at,
                        **line.model_dump(exclude={"ref"}),
                        ref=f"{change.seq}.{line_no}",
                    )
                )
            for debt in change.debts:
                values = debt.model_dump(exclude={"timers"})
                stmt = insert(table(DebtRecord)).values(case_id=change.case_id, **values)
                session.execute(
                    stmt.on_conflict_do_update(
                        constraint="uq_debt_case_key",
                        set_={k: stmt.excluded[k] for k in values if k != "key"},
                    )
                )
            for letter in change.letters:
                rows.append(
                    Letter(
                        case_id=change.case_id,
                        seq=change.seq,
                        issued_at=change.at,
                        issued_by=change.actor,
                        **letter.model_dump(),
                    )
                )
            insert_rows(session, rows)
            if change.ledger:
                self._check_ledger_agrees(session, change)
        return True

    @staticmethod
    def _check_ledger_agrees(session: Session, change: CaseChange) -> None:
        """The figures the workflow computed must be what the ledger rows add up to; a
        disagreement rolls the whole change back and stops (never a silent drift)."""
        stored = ledger_figures(session, change.case_id)
        fig = change.figures.model_dump()
        wrong = {k: (fig[k], v) for k, v in stored.items() if fig[k] != v}
        if change.opening is None and wrong:
            raise ApplicationError(
                f"{change.case_id}#{change.seq}: case figures disagree with the ledger "
                f"(figure, ledger): {wrong}",
                type="LedgerMismatch",
                non_retryable=True,
            )


def table(model: type[SQLModel]) -> Table:
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


def insert_rows(session: Session, objects: Sequence[SQLModel]) -> None:
    """Insert the rows of these model instances, one Core INSERT per table (several rows in
    one statement): the values the ORM would write, without its unit of work, which cost
    more CPU than the statements themselves (py-spy, docs/scaling.md)."""
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for obj in objects:
        columns = table(type(obj)).columns
        values = {c.key: getattr(obj, c.key) for c in columns}
        row = {k: v for k, v in values.items() if not (v is None and columns[k].primary_key)}
        by_table.setdefault(table(type(obj)), []).append(row)
    for target, rows in by_table.items():
        session.execute(insert(target), rows)


def task_update_values(upd: TaskUpdate) -> dict[str, object]:
    """Only the fields an update sets: an escalation keeps the task open and its result."""
    values: dict[str, object] = {"status": upd.status}
    if upd.status is not TaskStatus.OPEN:
        values["completed_at"] = upd.at
    if upd.result is not None:
        values["result"] = upd.result
    if upd.escalated_to is not None:
        values["escalated_to"] = upd.escalated_to
    return values
