"""Money at risk, 3: cases whose notification is late against the detection-to-notification
target: still open, with harm suffered recorded, none of their overpayment debts notified yet,
and detected more than the target's number of days before today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from vigie.services.indicators.model import Scope
from vigie.services.indicators.sql import DETECTED, LIVE, fetch, statement

HARM = """
harm AS (
    SELECT e.case_id, sum(e.amount) AS amount
    FROM live e WHERE e.kind = 'harm_suffered' GROUP BY e.case_id
)"""
SQL = statement(
    """
SELECT c.id AS case_id, c.stage, c.assignee, det.day AS detected_on,
       :today - det.day AS days, h.amount AS harm_suffered
FROM fraud_case c
JOIN detected det ON det.case_id = c.id
JOIN harm h ON h.case_id = c.id
WHERE c.stage <> 'closed' AND h.amount > 0 AND :today - det.day > :target_days
  AND NOT EXISTS (
    SELECT 1 FROM debt d
    WHERE d.case_id = c.id AND d.kind = 'overpayment' AND d.notified_on IS NOT NULL)
ORDER BY days DESC, c.id COLLATE "C"
""",
    LIVE,
    DETECTED,
    HARM,
)


@dataclass(frozen=True)
class LateNotification:
    case_id: str
    stage: str
    assignee: str | None
    detected_on: date
    days: int
    harm_suffered: Decimal


def late_notifications(conn: Connection, scope: Scope, target_days: int) -> list[LateNotification]:
    params = {"today": scope.today, "target_days": target_days}
    return [
        LateNotification(
            r["case_id"],
            r["stage"],
            r["assignee"],
            r["detected_on"],
            r["days"],
            r["harm_suffered"],
        )
        for r in fetch(conn, SQL, params)
    ]
