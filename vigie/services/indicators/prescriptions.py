"""Money at risk, 1: debts that will be prescribed in the next 3, 6 or 12 months with money
still outstanding, and those already prescribed with money outstanding (not written off).

Outstanding is what the live ledger says: net due - paid - offset - written off. Horizons are
calendar months from the report's day (a month later is the same-numbered day, or that month's
last day); each horizon counts the debts prescribed after today and on or before its end.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from vigie.services.indicators.model import ZERO, Scope
from vigie.services.indicators.sql import LIVE, balances, fetch, statement

HORIZONS = (3, 6, 12)

SQL = statement(
    """
SELECT b.case_id, b.key, b.kind, b.debtor, b.qualification, b.notified_on, b.prescribed_on,
       b.net_due - b.recovered - b.written_off AS outstanding
FROM bal b
WHERE b.net_due - b.recovered - b.written_off > 0
ORDER BY b.prescribed_on, b.case_id COLLATE "C", b.key COLLATE "C"
""",
    LIVE,
    balances("d.prescribed_on IS NOT NULL AND d.prescribed_on <= :until"),
)


def months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DebtAtRisk:
    case_id: str
    debt: str
    kind: str
    debtor: str
    qualification: str | None
    notified_on: date | None
    prescribed_on: date
    outstanding: Decimal
    within_months: int | None  # None: already prescribed


def debts_at_risk(conn: Connection, scope: Scope) -> list[DebtAtRisk]:
    today = scope.today
    ends = {m: months_after(today, m) for m in HORIZONS}
    out = []
    for r in fetch(conn, SQL, {"until": ends[HORIZONS[-1]]}):
        prescribed: date = r["prescribed_on"]
        within = None if prescribed <= today else next(m for m in HORIZONS if prescribed <= ends[m])
        out.append(
            DebtAtRisk(
                case_id=r["case_id"],
                debt=r["key"],
                kind=r["kind"],
                debtor=r["debtor"],
                qualification=r["qualification"],
                notified_on=r["notified_on"],
                prescribed_on=prescribed,
                outstanding=r["outstanding"],
                within_months=within,
            )
        )
    return out


def prescription_summary(debts: list[DebtAtRisk], today: date) -> dict[str, Any]:
    horizons = []
    for months in HORIZONS:
        chosen = [d for d in debts if d.within_months is not None and d.within_months <= months]
        horizons.append(
            {
                "months": months,
                "until": months_after(today, months),
                "debts": len(chosen),
                "outstanding": sum((d.outstanding for d in chosen), ZERO),
            }
        )
    lost = [d for d in debts if d.within_months is None]
    return {
        "horizons": horizons,
        "already_prescribed": {
            "debts": len(lost),
            "outstanding": sum((d.outstanding for d in lost), ZERO),
        },
    }
