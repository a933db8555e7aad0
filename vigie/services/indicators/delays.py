"""Delay from detection to the notification of the undue amount (local-fund indicator of the
2014-2017 evaluation; the Cnam 2023-2027 objectives ask to shorten it).

Per case: from the day it was detected (its alert or report received, else the case opened)
to the first notification of one of its overpayment debts, in days; counted in the year of
that notification. A notification dated before the detection (a case entered late without
the day its alert was received) is left out of the figures and counted apart. Median (the
mean of the two middle values for an even count) and 90th percentile (nearest rank: the
smallest delay that at least 90 % of the cases do not exceed).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

from sqlalchemy import Connection, RowMapping

from vigie.services.indicators.dimensions import (
    Dimension,
    day_window,
    group_key,
    group_sql,
    ordered_keys,
)
from vigie.services.indicators.model import Indicator, Number, Row, Scope
from vigie.services.indicators.sql import CASE_JOIN, DETECTED, fetch, statement

ONE, HALF = Decimal("1"), Decimal("0.1")

#: median and nearest-rank 90th percentile of a sorted ``arr`` of ``n`` integers, exact
STATS = """
SELECT s.*, (arr[(n + 1) / 2] + arr[(n + 2) / 2])::numeric / 2 AS median,
       arr[(9 * n + 9) / 10] AS p90, arr[n] AS longest
FROM (
{grouped}
) s
"""


def stats_sql(grouped: str) -> str:
    """``STATS`` over the ``grouped`` query (its groups, counts and sorted arrays)."""
    return STATS.format(grouped=textwrap.indent(textwrap.dedent(grouped).strip(), "    "))


def _sql(dim: Dimension | None) -> str:
    grouped = f"""
        SELECT {group_sql(dim, "x.notified_on")} AS grp,
               count(*) FILTER (WHERE x.days >= 0) AS n,
               count(*) FILTER (WHERE x.days < 0) AS before_detection,
               array_agg(x.days ORDER BY x.days) FILTER (WHERE x.days >= 0) AS arr
        FROM (
            SELECT n.case_id, n.notified_on, n.notified_on - det.day AS days
            FROM (
                SELECT case_id, min(notified_on) AS notified_on
                FROM debt
                WHERE kind = 'overpayment' AND notified_on IS NOT NULL
                GROUP BY case_id
            ) n
            JOIN detected det ON det.case_id = n.case_id
        ) x
        {CASE_JOIN.format(alias="x")}
        WHERE {day_window(dim, "x.notified_on")}
        GROUP BY 1
    """
    return statement(stats_sql(grouped), DETECTED)


def half_days(value: Decimal | None) -> Decimal | None:
    """A median of whole days: ``12`` or ``12.5``."""
    if value is None:
        return None
    whole = value.to_integral_value()
    return whole.quantize(ONE) if value == whole else value.quantize(HALF)


def stats_row(key: str | None, r: RowMapping | None) -> Row:
    """A row of ``STATS`` (None: no case) as a breakdown row: the median, its parts."""
    if r is None:
        return Row(key, None, {"cases": 0, "p90": None, "longest": None})
    parts: dict[str, Number | None] = {"cases": r["n"], "p90": r["p90"], "longest": r["longest"]}
    return Row(key, half_days(r["median"]), parts)


def _delay_row(key: str | None, r: RowMapping | None) -> Row:
    """A group's delays; a notification dated before the detection (a case entered late
    without the day its alert was received) is left out and counted apart."""
    row = stats_row(key, r)
    row.parts["before_detection"] = r["before_detection"] if r is not None else 0
    return row


def _stats(conn: Connection, scope: Scope, dim: Dimension | None) -> dict[str | None, Row]:
    return {
        group_key(r["grp"]): _delay_row(group_key(r["grp"]), r)
        for r in fetch(conn, _sql(dim), scope.params())
    }


def delay_indicator(conn: Connection, scope: Scope, dim: Dimension | None) -> Indicator:
    whole = _stats(conn, scope, None).get("all") or _delay_row("all", None)
    groups = _stats(conn, scope, dim) if dim is not None else {}
    return Indicator(
        key="delay_detection_notification",
        id="delay_detection_notification",
        unit="days",
        value=whole.value,
        parts=whole.parts,
        breakdown_by=dim.value if dim is not None else None,
        breakdown=[groups[k] for k in ordered_keys(groups)],
    )
