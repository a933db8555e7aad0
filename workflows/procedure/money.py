"""Posting to the ledger, and the debts it moves.

Every entry goes through ``post``: it numbers the entry as Postgres will store it
(``seq.line``), adds it to the workflow's copy of the ledger, and refuses any entry that
would leave a debt with more paid, offset and written off than is due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from models.balances import REVERSIBLE, ZERO, by_debt
from models.case_messages import LedgerLine
from models.case_state import RECOVERY, Grievance
from models.debt import Debt, DebtKind
from models.types import LedgerKind, Qualification
from workflows.procedure.errors import InvalidAction
from workflows.procedure.outcome import Outcome

#: rules version from which overpayments, penalties and damages are debts
DEBTS_FROM = 2


def post(out: Outcome, line: LedgerLine) -> LedgerLine:
    s = out.state
    debt = s.debts.get(line.debt) if line.debt else None
    line = line.model_copy(
        update={
            "ref": f"{s.seq + 1}.{len(out.ledger)}",
            "debtor": line.debtor or (debt.debtor if debt else None),
        }
    )
    out.ledger.append(line)
    s.ledger.append(line)
    balance = by_debt(s.ledger).get(line.debt)
    if balance is not None and (balance.outstanding < 0 or balance.net_due < 0):
        raise InvalidAction(
            "exceeds_outstanding",
            f"{line.kind.value} of {line.amount} EUR on {line.debt or 'the case'} exceeds what "
            f"is outstanding ({balance.outstanding + line.amount} EUR)",
        )
    return line


def uses_debts(out: Outcome) -> bool:
    return out.state.rules_version >= DEBTS_FROM


def prescription_date(out: Outcome, paid_on: date, qualification: Qualification) -> date:
    """When an overpayment paid on ``paid_on`` falls out of reach (3 years, 5 for fraud)."""
    key = "prescription.fraud" if qualification is Qualification.FRAUD else "prescription.standard"
    start = datetime.combine(paid_on, time(0, 0), tzinfo=UTC)
    return out.state.policy.deadline(key, start).date()


def new_debt(
    out: Outcome,
    kind: DebtKind,
    origin: str,
    now: datetime,
    qualification: Qualification | None = None,
    prescribed_on: date | None = None,
) -> Debt:
    s = out.state
    debt = Debt(
        key=s.next_key("debt"),
        kind=kind,
        debtor=s.target.key,
        qualification=qualification,
        origin=origin,
        established_at=now,
        prescribed_on=prescribed_on,
    )
    s.debts[debt.key] = debt
    return debt


def establish_overpayment(out: Outcome, grievance: Grievance, now: datetime) -> Debt:
    """A grievance's undue amounts become one debt, due from today."""
    prescribed = min(
        prescription_date(out, line.paid_on, grievance.qualification) for line in grievance.lines
    )
    debt = new_debt(
        out, DebtKind.OVERPAYMENT, grievance.key, now, grievance.qualification, prescribed
    )
    post(
        out,
        LedgerLine(
            kind=LedgerKind.DUE,
            amount=grievance.total,
            qualification=grievance.qualification,
            track=RECOVERY,
            debt=debt.key,
            effective_on=now.date(),
            note=grievance.description,
        ),
    )
    return debt


def establish_overpayments(out: Outcome, now: datetime) -> list[Debt]:
    """Every grievance not yet a debt becomes one (recovery opening or a new grievance)."""
    covered = {d.origin for d in out.state.debts.values()}
    return [
        establish_overpayment(out, g, now) for g in out.state.grievances if g.key not in covered
    ]


def change_decided_amount(
    out: Outcome, kind: DebtKind, origin: str, old: Decimal, new: Decimal, now: datetime
) -> None:
    """A penalty or damages set (or set again on appeal): the debt records the difference."""
    if new == old:
        return
    debt = next((d for d in out.state.debts.values() if d.origin == origin), None)
    if debt is None:
        debt = new_debt(out, kind, origin, now)
    due_kind = LedgerKind.PENALTY_DUE if kind is DebtKind.PENALTY else LedgerKind.DAMAGES_DUE
    if new > old:
        post(
            out,
            LedgerLine(
                kind=due_kind,
                amount=new - old,
                track=origin,
                debt=debt.key,
                effective_on=now.date(),
            ),
        )
    elif new < old:
        post(
            out,
            LedgerLine(
                kind=LedgerKind.DUE_REDUCED,
                amount=old - new,
                track=origin,
                debt=debt.key,
                effective_on=now.date(),
            ),
        )


def outstanding_debts(out: Outcome) -> list[tuple[Debt, Decimal]]:
    """Debts with something outstanding, oldest first (the order payments settle them)."""
    balances = by_debt(out.state.ledger)
    # debts established together (one per grievance) keep their creation order: keys come
    # from one counter, so debt-9 is older than debt-10 (compared as text it would not be)
    debts = sorted(out.state.debts.values(), key=lambda d: (d.established_at, len(d.key), d.key))
    return [
        (d, balances[d.key].outstanding)
        for d in debts
        if d.key in balances and balances[d.key].outstanding > 0
    ]


def case_outstanding(out: Outcome) -> Decimal:
    return sum((left for _, left in outstanding_debts(out)), ZERO)


def find_entry(out: Outcome, ref: str) -> LedgerLine:
    entry = next((e for e in out.state.ledger if e.ref == ref), None)
    if entry is None:
        raise InvalidAction("unknown_entry", f"no ledger entry {ref} on this case")
    if entry.kind not in REVERSIBLE:
        raise InvalidAction(
            "entry_not_reversible",
            f"entry {ref} is {entry.kind.value}: only payments, offsets and write-offs are "
            "reversed (a due amount is lowered by a decision)",
        )
    if any(e.reverses == ref for e in out.state.ledger):
        raise InvalidAction("entry_already_reversed", f"entry {ref} is already reversed")
    return entry
