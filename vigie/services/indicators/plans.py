"""Money at risk, 2: instalment plans behind schedule (late payments).

A case's plan is its last ``grant_instalment_plan`` (audit log) not followed by a
``cancel_instalment_plan``. Its schedule is rebuilt as the case workflow builds it: the amount
spread is what was outstanding when the plan was recorded (the case figures of that audit
row) plus the payments already recorded with a value date after the day it was agreed;
monthly instalments from the first due day, equal to the cent (rounded down), the cents on the
last one. A plan is behind when the payments and offsets since the day it was agreed (value
dates up to today) are less than the instalments due before today; it is listed while the
case still has money outstanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import Connection

from vigie.services.indicators.model import CENTS, ZERO, Scope
from vigie.services.indicators.prescriptions import months_after
from vigie.services.indicators.sql import LIVE, fetch, statement

#: the plan's facts from its audit row; payments counted as the workflow counted them then
#: (``before``: recorded before the plan, not reversed before it) and now (``since``)
PLAN = """
plan AS (
    SELECT DISTINCT ON (a.case_id) a.case_id, a.seq, a.details,
           coalesce((a.details -> 'command' ->> 'granted_on')::date,
                    (a.at AT TIME ZONE 'Europe/Paris')::date) AS granted_on
    FROM audit_log a
    WHERE a.action = 'grant_instalment_plan'
    ORDER BY a.case_id, a.seq DESC
)"""
MONEY = """
money AS (
    SELECT e.case_id,
           coalesce(sum(e.amount) FILTER (
               WHERE e.kind IN ('due', 'penalty_due', 'damages_due')), 0)
             - coalesce(sum(e.amount) FILTER (
               WHERE e.kind IN ('due_reduced', 'payment', 'offset', 'written_off')), 0)
             AS outstanding
    FROM live e
    GROUP BY e.case_id
)"""
SQL = statement(
    """
SELECT p.case_id, c.target_id AS debtor, p.granted_on,
       (p.details -> 'command' ->> 'instalments')::int AS instalments,
       (p.details -> 'command' ->> 'first_due_on')::date AS first_due_on,
       (p.details -> 'figures' ->> 'amount_due')::numeric
         - (p.details -> 'figures' ->> 'amount_recovered')::numeric
         - (p.details -> 'figures' ->> 'amount_written_off')::numeric AS outstanding_then,
       (SELECT coalesce(sum(l.amount), 0) FROM ledger_entry l
        WHERE l.case_id = p.case_id AND l.seq < p.seq AND l.kind IN ('payment', 'offset')
          AND l.effective_on > p.granted_on
          AND NOT EXISTS (
            SELECT 1 FROM ledger_entry r
            WHERE r.case_id = l.case_id AND r.kind = 'reversal' AND r.seq < p.seq
              AND r.reverses = l.seq::text || '.' || l.line::text)) AS before,
       (SELECT coalesce(sum(e.amount), 0) FROM live e
        WHERE e.case_id = p.case_id AND e.kind IN ('payment', 'offset')
          AND e.effective_on > p.granted_on AND e.effective_on <= :today) AS since,
       coalesce(m.outstanding, 0) AS outstanding
FROM plan p
JOIN fraud_case c ON c.id = p.case_id
LEFT JOIN money m ON m.case_id = p.case_id
WHERE NOT EXISTS (
    SELECT 1 FROM audit_log x
    WHERE x.case_id = p.case_id AND x.action = 'cancel_instalment_plan' AND x.seq > p.seq)
ORDER BY p.case_id COLLATE "C"
""",
    LIVE,
    PLAN,
    MONEY,
)


def schedule(total: Decimal, count: int, first_due_on: date) -> list[tuple[date, Decimal]]:
    share = (total / count).quantize(CENTS, rounding=ROUND_DOWN)
    days = [months_after(first_due_on, i) for i in range(count)]
    return [
        (day, share if i < count - 1 else total - share * (count - 1)) for i, day in enumerate(days)
    ]


@dataclass(frozen=True)
class PlanAtRisk:
    case_id: str
    debtor: str
    granted_on: date
    instalments: int
    spread: Decimal
    expected_to_date: Decimal
    paid_to_date: Decimal
    shortfall: Decimal
    outstanding: Decimal
    next_due_on: date | None


def plans_at_risk(conn: Connection, scope: Scope) -> list[PlanAtRisk]:
    today = scope.today
    out = []
    for r in fetch(conn, SQL, {"today": today}):
        if not r["instalments"] or r["first_due_on"] is None or r["outstanding"] <= 0:
            continue
        spread = r["outstanding_then"] + r["before"]
        plan = schedule(spread, r["instalments"], r["first_due_on"])
        expected = sum((amount for day, amount in plan if day < today), ZERO)
        if r["since"] >= expected:
            continue
        out.append(
            PlanAtRisk(
                case_id=r["case_id"],
                debtor=r["debtor"],
                granted_on=r["granted_on"],
                instalments=r["instalments"],
                spread=spread,
                expected_to_date=expected,
                paid_to_date=r["since"],
                shortfall=expected - r["since"],
                outstanding=r["outstanding"],
                next_due_on=next((day for day, _ in plan if day >= today), None),
            )
        )
    return out


def plan_summary(plans: list[PlanAtRisk]) -> dict[str, Any]:
    return {
        "plans": len(plans),
        "shortfall": sum((p.shortfall for p in plans), ZERO),
        "outstanding": sum((p.outstanding for p in plans), ZERO),
    }
