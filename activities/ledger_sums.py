"""What Postgres's ledger says a case's figures are: an independent recomputation from the
raw rows (a reversed entry counts for nothing), checked against the workflow's figures."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.balances import DUE_KINDS
from models.types import LedgerKind

SUMS = text(
    """
    SELECT l.kind, sum(l.amount) AS total
    FROM ledger_entry l
    WHERE l.case_id = :case_id AND l.kind <> 'reversal'
      AND NOT EXISTS (
        SELECT 1 FROM ledger_entry r
        WHERE r.case_id = l.case_id AND r.kind = 'reversal'
          AND r.reverses = l.seq::text || '.' || l.line::text)
    GROUP BY l.kind
    """
)


def ledger_figures(session: Session, case_id: str) -> dict[str, Decimal]:
    """harm_suffered, harm_avoided, amount_due, amount_recovered, amount_written_off."""
    by_kind = {
        LedgerKind(row.kind): Decimal(row.total)
        for row in session.execute(SUMS, {"case_id": case_id})
    }

    def get(kind: LedgerKind) -> Decimal:
        return by_kind.get(kind, Decimal("0"))

    return {
        "harm_suffered": get(LedgerKind.HARM_SUFFERED),
        "harm_avoided": get(LedgerKind.HARM_AVOIDED),
        "amount_due": sum((get(k) for k in DUE_KINDS), Decimal("0")) - get(LedgerKind.DUE_REDUCED),
        "amount_recovered": get(LedgerKind.PAYMENT) + get(LedgerKind.OFFSET),
        "amount_written_off": get(LedgerKind.WRITTEN_OFF),
    }
