"""Payments files: validated whole, then each payment matched to a debt and sent to its case
workflow as a ``record_payment`` action (so timers, audit and ledger follow). A payment that
matches no debt, or several, or that its case refuses, goes to the suspense list: kept,
never dropped. A file already imported is refused; an import cut short resumes where it
stopped (each payment's request id is derived from the file and the line, so none is
applied twice).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from activities.ledger_sums import ledger_figures
from models import AuditEntry, Case, DebtRecord, PaymentImport, SuspendedPayment
from models.local_time import PARIS
from models.recovery_actions import RecordPayment
from models.types import Stage, utcnow
from vigie.runtime.db import transaction
from vigie.services.case_commands import act
from vigie.services.errors import ConflictError, InvalidActionError, NotFoundError
from vigie.services.payment_file import PaymentLine, read_payments

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass
class PaymentsReport:
    import_id: int
    rows: int
    matched: list[tuple[int, str, Decimal]] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    case_id: str | None
    debt: str | None = None
    reason: str = ""


def start_import(engine: Engine, path: Path, actor: str, rows: int) -> PaymentImport:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction(engine) as session:
        existing = session.exec(select(PaymentImport).where(PaymentImport.sha256 == digest)).first()
        if existing is not None and existing.status == "done":
            when = existing.imported_at.astimezone(PARIS).date().isoformat()
            raise ConflictError(
                f"this file was imported on {when} as import #{existing.id} "
                f"({existing.matched} matched, {existing.unmatched} in suspense)"
            )
        if existing is None:
            existing = PaymentImport(
                sha256=digest,
                file_name=path.name,
                imported_at=utcnow(),
                imported_by=actor,
                rows=rows,
            )
            session.add(existing)
            session.flush()
        session.expunge(existing)
        return existing


def open_debts_of(session: Session, debtor: str) -> dict[str, Decimal]:
    """Cases not closed where ``debtor`` (a target key, or its identifier) owes something."""
    query = select(DebtRecord.case_id).join(Case, col(Case.id) == col(DebtRecord.case_id))
    query = query.where(Case.stage != Stage.CLOSED)
    if ":" in debtor:
        query = query.where(DebtRecord.debtor == debtor)
    else:
        # autoescape: a ``_`` or ``%`` in the identifier is not a LIKE wildcard
        query = query.where(col(DebtRecord.debtor).endswith(f":{debtor}", autoescape=True))
    owed: dict[str, Decimal] = {}
    for case_id in set(session.exec(query).all()):
        fig = ledger_figures(session, case_id)
        left = fig["amount_due"] - fig["amount_recovered"] - fig["amount_written_off"]
        if left > 0:
            owed[case_id] = left
    return owed


def match(engine: Engine, line: PaymentLine) -> Match:
    with Session(engine) as session:
        if line.debt_ref:
            case_id, _, key = line.debt_ref.rpartition("/")
            found = session.exec(
                select(DebtRecord).where(DebtRecord.case_id == case_id, DebtRecord.key == key)
            ).first()
            if found is None:
                return Match(None, reason=f"no debt {line.debt_ref}")
            return Match(case_id, key)
        assert line.debtor is not None
        owed = open_debts_of(session, line.debtor)
    if not owed:
        return Match(None, reason=f"no open debt for debtor {line.debtor}")
    if len(owed) > 1:
        cases = ", ".join(sorted(owed))
        return Match(None, reason=f"debtor {line.debtor} owes on {len(owed)} cases ({cases})")
    return Match(next(iter(owed)))


def suspend(engine: Engine, import_id: int, line: PaymentLine, reason: str) -> None:
    with transaction(engine) as session:
        session.add(
            SuspendedPayment(
                import_id=import_id,
                line=line.line,
                payment_ref=line.payment_ref,
                paid_on=line.paid_on,
                amount=line.amount,
                method=line.method.value,
                debtor=line.debtor,
                debt_ref=line.debt_ref,
                reason=reason,
            )
        )


def already_suspended(engine: Engine, import_id: int) -> set[int]:
    with Session(engine) as session:
        query = select(SuspendedPayment.line).where(SuspendedPayment.import_id == import_id)
        return set(session.exec(query).all())


def applied_earlier(engine: Engine, import_id: int) -> dict[str, str]:
    """The payments of this import that a case already applied (request id -> case id): an
    import resumed after it stopped neither matches them again (a payment by debtor that
    settled its debt would no longer match) nor sends them again (by another user, the
    same request id would be refused as ``request_id_reused``)."""
    with Session(engine) as session:
        query = select(AuditEntry.request_id, AuditEntry.case_id).where(
            col(AuditEntry.request_id).startswith(f"payment-{import_id}-", autoescape=True)
        )
        return {request_id: case_id for request_id, case_id in session.exec(query) if request_id}


def payment_request_id(import_id: int, payment_ref: str) -> str:
    return f"payment-{import_id}-{payment_ref}"[:100]


def payment_action(
    import_id: int, line: PaymentLine, actor: str, debt: str | None
) -> RecordPayment:
    return RecordPayment(
        request_id=payment_request_id(import_id, line.payment_ref),
        actor=actor,
        amount=line.amount,
        paid_on=line.paid_on,
        method=line.method,
        debt=debt,
        reference=line.payment_ref,
        source="import",
    )


async def import_payments(
    client: Client, engine: Engine, path: Path, actor: str, progress: Progress | None = None
) -> PaymentsReport:
    """Validate ``path`` whole (``PaymentFileError``: nothing loaded), then apply it."""
    lines = read_payments(path)
    record = start_import(engine, path, actor, len(lines))
    assert record.id is not None
    report = PaymentsReport(import_id=record.id, rows=len(lines))
    done_before = already_suspended(engine, record.id)
    applied = applied_earlier(engine, record.id)
    for index, line in enumerate(lines, start=1):
        if line.line in done_before:
            report.unmatched.append((line.line, "in suspense (earlier run)"))
            continue
        applied_to = applied.get(payment_request_id(record.id, line.payment_ref))
        if applied_to is not None:
            report.matched.append((line.line, applied_to, line.amount))
            continue
        found = match(engine, line)
        if found.case_id is None:
            suspend(engine, record.id, line, found.reason)
            report.unmatched.append((line.line, found.reason))
        else:
            try:
                await act(client, found.case_id, payment_action(record.id, line, actor, found.debt))
                report.matched.append((line.line, found.case_id, line.amount))
            except (InvalidActionError, NotFoundError) as exc:
                # NotFoundError: a debt_ref whose case's workflow is gone (past retention);
                # left unhandled it would stop this import at the same line on every run
                detail = (
                    f"[{exc.rule}] {exc.message}" if isinstance(exc, InvalidActionError) else exc
                )
                reason = f"refused by {found.case_id}: {detail}"
                suspend(engine, record.id, line, reason)
                report.unmatched.append((line.line, reason))
        if progress is not None:
            progress(index, len(lines))
    with transaction(engine) as session:
        stored = session.get(PaymentImport, record.id)
        assert stored is not None
        stored.status, stored.matched, stored.unmatched = (
            "done",
            len(report.matched),
            len(report.unmatched),
        )
        session.add(stored)
    log.info(
        "payments import #%s: %s matched, %s unmatched",
        record.id,
        len(report.matched),
        len(report.unmatched),
    )
    return report


def unmatched_payments(engine: Engine, include_resolved: bool = False) -> list[SuspendedPayment]:
    with Session(engine) as session:
        query = select(SuspendedPayment).order_by(col(SuspendedPayment.id))
        if not include_resolved:
            query = query.where(col(SuspendedPayment.resolved_case_id).is_(None))
        return list(session.exec(query).all())


async def assign_payment(
    client: Client, engine: Engine, suspense_id: int, case_id: str, debt: str | None, actor: str
) -> None:
    """Apply a suspended payment to a case chosen by a person; it leaves the suspense list."""
    with Session(engine) as session:
        held = session.get(SuspendedPayment, suspense_id)
    if held is None or held.resolved_case_id is not None:
        raise NotFoundError(f"no unmatched payment #{suspense_id}")
    cmd = RecordPayment(
        request_id=payment_request_id(held.import_id, held.payment_ref),
        actor=actor,
        amount=held.amount,
        paid_on=held.paid_on,
        method=held.method,
        debt=debt,
        reference=held.payment_ref,
        source="import",
    )
    await act(client, case_id, cmd)
    with transaction(engine) as session:
        row = session.get(SuspendedPayment, suspense_id)
        assert row is not None
        row.resolved_case_id, row.resolved_at, row.resolved_by = case_id, utcnow(), actor
        session.add(row)
