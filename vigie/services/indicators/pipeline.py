"""The pipeline: cases by stage and how long they have been there, opened and closed per
month, and overdue tasks by investigator.

Stages are read from the stage history as it stood at the report's as-of instant (now, or the
end of a past year): a case's stage is the last one it entered before that instant; its age
in that stage counts the days from the day it entered it to the as-of day (in Paris).
"""

from __future__ import annotations

from sqlalchemy import Connection

from models.types import Stage
from vigie.services.indicators.delays import stats_row, stats_sql
from vigie.services.indicators.dimensions import (
    PERIODS,
    Dimension,
    group_key,
    group_sql,
    ordered_keys,
    paris_day,
    time_window,
)
from vigie.services.indicators.model import Indicator, Row, Scope
from vigie.services.indicators.sql import CASE_JOIN, fetch, statement

OPEN_STAGES = [s.value for s in Stage if s is not Stage.CLOSED]

CURRENT = """
current AS (
    SELECT DISTINCT ON (h.case_id) h.case_id, h.to_stage AS stage,
           :as_of_day - (h.at AT TIME ZONE 'Europe/Paris')::date AS days
    FROM stage_history h
    WHERE h.at < :as_of
    ORDER BY h.case_id, h.at DESC, h.seq DESC
)"""

AGEING_SQL = statement(
    stats_sql(
        """
        SELECT stage AS grp, count(*) AS n, array_agg(days ORDER BY days) AS arr
        FROM current WHERE stage <> 'closed' GROUP BY 1
        """
    ),
    CURRENT,
)
AGEING_ALL_SQL = statement(
    stats_sql(
        """
        SELECT 'all' AS grp, count(*) AS n, array_agg(days ORDER BY days) AS arr
        FROM current WHERE stage <> 'closed' HAVING count(*) > 0
        """
    ),
    CURRENT,
)


def stage_indicators(conn: Connection, scope: Scope) -> list[Indicator]:
    found = {r["grp"]: r for r in fetch(conn, AGEING_SQL, scope.params())}
    ageing = [stats_row(s, found.get(s)) for s in OPEN_STAGES]
    overall = fetch(conn, AGEING_ALL_SQL, scope.params())
    whole = stats_row("all", overall[0] if overall else None)
    return [
        Indicator(
            key="cases_by_stage",
            id="cases_by_stage",
            unit="count",
            value=whole.parts["cases"],
            breakdown_by="stage",
            breakdown=[Row(r.key, r.parts["cases"]) for r in ageing],
        ),
        Indicator(
            key="ageing_by_stage",
            id="ageing_by_stage",
            unit="days",
            value=whole.value,
            parts=whole.parts,
            breakdown_by="stage",
            breakdown=ageing,
        ),
    ]


def _opened_sql(dim: Dimension) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, paris_day("c.opened_at"))} AS grp, count(*) AS n
    FROM fraud_case c JOIN target t ON t.id = c.target_id
    WHERE {time_window(dim, "c.opened_at")}
    GROUP BY 1
    """
    )


def _closed_sql(dim: Dimension) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, paris_day("h.at"))} AS grp, count(*) AS n
    FROM stage_history h {CASE_JOIN.format(alias="h")}
    WHERE h.to_stage = 'closed' AND {time_window(dim, "h.at")}
    GROUP BY 1
    """
    )


def _overdue_sql(dim: Dimension) -> str:
    late = "greatest(:as_of_day - (k.due_at AT TIME ZONE 'Europe/Paris')::date, 1)"
    return statement(
        f"""
    SELECT {group_sql(dim, "NULL::date")} AS grp, count(*) AS n, max({late}) AS most_late
    FROM task k {CASE_JOIN.format(alias="k")}
    WHERE k.due_at < :as_of AND k.created_at < :as_of
      AND ((k.status = 'open')
           OR (k.status <> 'open' AND k.completed_at >= :as_of))
    GROUP BY 1
    """
    )


def _counts(conn: Connection, sql: str, scope: Scope) -> dict[str | None, int]:
    return {group_key(r["grp"]): r["n"] for r in fetch(conn, sql, scope.params())}


def flow_indicators(conn: Connection, scope: Scope, dim: Dimension | None) -> list[Indicator]:
    """Cases opened and closed in the year (by month unless another dimension is asked)."""
    by = dim or Dimension.MONTH
    out = []
    for key, make in (("cases_opened", _opened_sql), ("cases_closed", _closed_sql)):
        whole = _counts(conn, make(Dimension.YEAR), scope).get(str(scope.year), 0)
        groups = _counts(conn, make(by), scope)
        if by is Dimension.MONTH:  # every month of the year, even empty ones
            months = [f"{scope.year}-{m:02d}" for m in range(1, 13)]
            groups = {m: groups.get(m, 0) for m in months}
        rows = [Row(k, groups[k]) for k in ordered_keys(groups)]
        out.append(Indicator(key, key, "count", whole, breakdown_by=by.value, breakdown=rows))
    return out


def overdue_indicator(conn: Connection, scope: Scope, dim: Dimension | None) -> Indicator:
    """Tasks past their due date and not done at the as-of instant, by investigator (the
    case's assignee) unless another case dimension is asked."""
    by = dim if dim is not None and dim not in PERIODS else Dimension.INVESTIGATOR
    rows = [
        Row(group_key(r["grp"]), r["n"], {"most_days_late": r["most_late"]})
        for r in fetch(conn, _overdue_sql(by), scope.params())
    ]
    rows.sort(key=lambda r: (r.key is None, r.key or ""))
    return Indicator(
        key="overdue_tasks",
        id="overdue_tasks",
        unit="count",
        value=sum(int(r.value or 0) for r in rows),
        breakdown_by=by.value,
        breakdown=rows,
    )
