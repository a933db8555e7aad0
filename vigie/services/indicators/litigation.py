"""Litigation actions by kind, and the share of fraud cases with a litigation follow-up.

Actions are the follow-ups decided on a case (audit action ``decide_follow_ups``), counted on
the day they were decided: financial penalties, criminal complaints, conventional sanctions,
disciplinary complaints, and warnings (pre-litigation, counted as their own kind). A prior
approval regime (MSAP) is a measure, not a sanction: it is not counted.

A fraud case of the year is a case whose first grievance qualified fraud was recorded that
year; it has a litigation follow-up when a penalty, a complaint or a sanction was decided on
it (a warning alone is not litigation), whenever that was.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from vigie.services.indicators.dimensions import (
    Dimension,
    day_window,
    group_key,
    group_sql,
    ordered_keys,
    paris_day,
    time_window,
)
from vigie.services.indicators.model import Indicator, Row, Scope, ratio
from vigie.services.indicators.sql import CASE_JOIN, LIVE, fetch, statement

LITIGATION = (
    "financial_penalty",
    "criminal_complaint",
    "conventional_sanction",
    "disciplinary_complaint",
)
KINDS = (*LITIGATION, "warning")
_KINDS_SQL = ", ".join(f"'{k}'" for k in KINDS)
_LITIGATION_SQL = ", ".join(f"'{k}'" for k in LITIGATION)

FOLLOW_UPS = """
follow_ups AS (
    SELECT a.case_id, a.at, f.kind
    FROM audit_log a
    CROSS JOIN LATERAL json_array_elements_text(a.details -> 'command' -> 'follow_ups') f(kind)
    WHERE a.action = 'decide_follow_ups'
)"""


#: a fraud case and the day its first grievance qualified fraud was recorded
FRAUD_CASES = """
fraud_cases AS (
    SELECT e.case_id, min(e.booked_on) AS day
    FROM live e
    WHERE e.kind = 'harm_suffered' AND e.qualification = 'fraud'
    GROUP BY e.case_id
)"""
LITIGATED = f"""
litigated AS (
    SELECT DISTINCT case_id FROM follow_ups WHERE kind IN ({_LITIGATION_SQL})
)"""


def _actions_sql(dim: Dimension | None) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, paris_day("a.at"))} AS grp, a.kind, count(*) AS n
    FROM follow_ups a {CASE_JOIN.format(alias="a")}
    WHERE a.kind IN ({_KINDS_SQL}) AND {time_window(dim, "a.at")}
    GROUP BY 1, 2
    """,
        FOLLOW_UPS,
    )


def _share_sql(dim: Dimension | None) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, "f.day")} AS grp, count(*) AS cases,
           count(l.case_id) AS litigated
    FROM fraud_cases f
    LEFT JOIN litigated l ON l.case_id = f.case_id
    {CASE_JOIN.format(alias="f")}
    WHERE {day_window(dim, "f.day")}
    GROUP BY 1
    """,
        LIVE,
        FOLLOW_UPS,
        FRAUD_CASES,
        LITIGATED,
    )


def _actions(
    conn: Connection, scope: Scope, dim: Dimension | None
) -> dict[str | None, dict[str, int]]:
    out: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for r in fetch(conn, _actions_sql(dim), scope.params()):
        out[group_key(r["grp"])][r["kind"]] += r["n"]
    return out


def litigation_indicators(conn: Connection, scope: Scope, dim: Dimension | None) -> list[Indicator]:
    whole = _actions(conn, scope, None).get("all", dict.fromkeys(KINDS, 0))
    if dim is None:  # by kind
        by, rows = "kind", [Row(kind, whole[kind]) for kind in KINDS]
    else:
        groups = _actions(conn, scope, dim)
        by = dim.value
        rows = [Row(k, sum(groups[k].values()), dict(groups[k])) for k in ordered_keys(groups)]
    actions = Indicator(
        key="litigation_actions",
        id="litigation_actions",
        unit="count",
        value=sum(whole.values()),
        parts=dict(whole),
        breakdown_by=by,
        breakdown=rows,
    )
    shares = {
        group_key(r["grp"]): (r["cases"], r["litigated"])
        for r in fetch(conn, _share_sql(None), scope.params())
    }
    cases, litigated = shares.get("all", (0, 0))
    share_rows: list[Row] = []
    if dim is not None:
        groups_share = {
            group_key(r["grp"]): (r["cases"], r["litigated"])
            for r in fetch(conn, _share_sql(dim), scope.params())
        }
        for key in ordered_keys(groups_share):
            n, lit = groups_share[key]
            share_rows.append(Row(key, ratio(lit, n), {"fraud_cases": n, "litigated": lit}))
    share = Indicator(
        key="fraud_cases_with_litigation",
        id="fraud_cases_with_litigation",
        unit="ratio",
        value=ratio(litigated, cases),
        parts={"fraud_cases": cases, "litigated": litigated},
        breakdown_by=dim.value if dim is not None else None,
        breakdown=share_rows,
    )
    return [actions, share]
