"""Detection yield, per detection run started in the year: of the cases the run opened (its
alerts with outcome ``opened``), the share that ended in a qualified grievance (harm suffered
recorded, whatever its qualification), and the money they brought: harm detected and stopped
(suffered + avoided) and recovered (paid + offset), to date."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection

from vigie.services.indicators.model import ZERO, Indicator, Row, Scope, ratio
from vigie.services.indicators.sql import LIVE, fetch, statement

PER_CASE = """
per_case AS (
    SELECT e.case_id,
           bool_or(e.kind = 'harm_suffered') AS qualified,
           coalesce(sum(e.amount) FILTER (
               WHERE e.kind IN ('harm_suffered', 'harm_avoided')), 0) AS detected,
           coalesce(sum(e.amount) FILTER (WHERE e.kind IN ('payment', 'offset')), 0)
             AS recovered
    FROM live e
    GROUP BY e.case_id
)"""
SQL = statement(
    """
SELECT r.id AS run_id, count(a.case_id) AS opened,
       count(a.case_id) FILTER (WHERE p.qualified) AS qualified,
       coalesce(sum(p.detected), 0) AS detected, coalesce(sum(p.recovered), 0) AS recovered
FROM detection_run r
LEFT JOIN alert a ON a.run_id = r.id AND a.outcome = 'opened' AND a.case_id IS NOT NULL
LEFT JOIN per_case p ON p.case_id = a.case_id
WHERE r.started_at >= :ts_from AND r.started_at < :ts_to
GROUP BY r.id, r.started_at
ORDER BY r.started_at, r.id COLLATE "C"
""",
    LIVE,
    PER_CASE,
)


def yield_indicator(conn: Connection, scope: Scope) -> Indicator:
    rows: list[Row] = []
    opened = qualified = 0
    detected = recovered = ZERO
    for r in fetch(conn, SQL, scope.params()):
        parts: dict[str, Decimal | int | None] = {
            "cases_opened": r["opened"],
            "qualified": r["qualified"],
            "detected_and_stopped": r["detected"],
            "recovered": r["recovered"],
        }
        rows.append(Row(r["run_id"], ratio(r["qualified"], r["opened"]), parts))
        opened += r["opened"]
        qualified += r["qualified"]
        detected += r["detected"]
        recovered += r["recovered"]
    return Indicator(
        key="detection_yield",
        id="detection_yield",
        unit="ratio",
        value=ratio(qualified, opened),
        parts={
            "runs": len(rows),
            "cases_opened": opened,
            "qualified": qualified,
            "detected_and_stopped": detected,
            "recovered": recovered,
        },
        breakdown_by="detection_run",
        breakdown=rows,
    )
