"""Balances derived from the ledger: the only way Vigie knows what is due, paid, offset,
written off and outstanding. Nothing stores a balance; everything reads it from here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from models.case_messages import LedgerLine
from models.types import LedgerKind

ZERO = Decimal("0")
DUE_KINDS = frozenset({LedgerKind.DUE, LedgerKind.PENALTY_DUE, LedgerKind.DAMAGES_DUE})
#: entries a reversal may cancel: money that moved, or a write-off decided
REVERSIBLE = frozenset({LedgerKind.PAYMENT, LedgerKind.OFFSET, LedgerKind.WRITTEN_OFF})


@dataclass(frozen=True)
class Balance:
    due: Decimal = ZERO
    reduced: Decimal = ZERO
    paid: Decimal = ZERO
    offset: Decimal = ZERO
    written_off: Decimal = ZERO

    @property
    def net_due(self) -> Decimal:
        return self.due - self.reduced

    @property
    def recovered(self) -> Decimal:
        """What the fund got back: payments and offsets (write-offs are shown apart)."""
        return self.paid + self.offset

    @property
    def settled(self) -> Decimal:
        return self.paid + self.offset + self.written_off

    @property
    def outstanding(self) -> Decimal:
        return self.net_due - self.settled

    def __add__(self, other: Balance) -> Balance:
        return Balance(
            self.due + other.due,
            self.reduced + other.reduced,
            self.paid + other.paid,
            self.offset + other.offset,
            self.written_off + other.written_off,
        )


def _effect(line: LedgerLine) -> Balance:
    kind, amount = line.kind, line.amount
    if kind in DUE_KINDS:
        return Balance(due=amount)
    if kind is LedgerKind.DUE_REDUCED:
        return Balance(reduced=amount)
    if kind is LedgerKind.PAYMENT:
        return Balance(paid=amount)
    if kind is LedgerKind.OFFSET:
        return Balance(offset=amount)
    if kind is LedgerKind.WRITTEN_OFF:
        return Balance(written_off=amount)
    return Balance()  # harm suffered or avoided: measures, not money owed


def reversed_refs(entries: Iterable[LedgerLine]) -> set[str]:
    return {e.reverses for e in entries if e.kind is LedgerKind.REVERSAL and e.reverses}


def by_debt(entries: Iterable[LedgerLine]) -> dict[str | None, Balance]:
    """Balance of each debt (``None``: entries of cases opened before debts existed).
    A reversed entry counts for nothing; the reversal itself moves nothing else."""
    lines = list(entries)
    cancelled = reversed_refs(lines)
    out: dict[str | None, Balance] = {}
    for line in lines:
        if line.kind is LedgerKind.REVERSAL or (line.ref is not None and line.ref in cancelled):
            continue
        out[line.debt] = out.get(line.debt, Balance()) + _effect(line)
    return out


def total(entries: Iterable[LedgerLine]) -> Balance:
    return sum(by_debt(entries).values(), Balance())


def measure(entries: Iterable[LedgerLine], kind: LedgerKind) -> Decimal:
    """Sum of a measure (harm suffered, harm avoided) over the ledger."""
    return sum((e.amount for e in entries if e.kind is kind), ZERO)
