"""Recovery rates of overpayments (indus): fraudulent (Cnam 47) and non-fraudulent (Cnam 48),
each in two definitions, since no official formula exists:

- **cohort**: the overpayment debts notified in the year; the share of their amount (due less
  reductions) recovered to date;
- **flow**: what was recovered in the year (by value date), on any overpayment debt, over
  the amount of the overpayment debts notified in the year.

Recovered is paid + offset; written off is shown apart (it is not recovered). Fraudulent means
a debt qualified fraud; every other overpayment debt is non-fraudulent. Penalties and damages
are not overpayments and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection

from vigie.services.indicators.dimensions import (
    Dimension,
    day_window,
    entry_window,
    group_key,
    group_sql,
    ordered_keys,
)
from vigie.services.indicators.model import ZERO, Indicator, Number, Row, Scope, ratio
from vigie.services.indicators.sql import CASE_JOIN, LIVE, balances, fetch, statement

FRAUDULENT = "coalesce(d.qualification = 'fraud', false)"
CLASSES = ((True, "47", "fraudulent"), (False, "48", "non_fraudulent"))

Sums = dict[tuple[str | None, bool], dict[str, Decimal]]


def _cohort_sql(dim: Dimension | None) -> str:
    where = (
        f"d.kind = 'overpayment' AND d.notified_on IS NOT NULL "
        f"AND {day_window(dim, 'd.notified_on')}"
    )
    return statement(
        f"""
    SELECT {group_sql(dim, "b.notified_on")} AS grp,
           coalesce(b.qualification = 'fraud', false) AS fraudulent,
           sum(b.net_due) AS notified, sum(b.recovered) AS recovered,
           sum(b.written_off) AS written_off, count(*) AS debts
    FROM bal b {CASE_JOIN.format(alias="b")}
    GROUP BY 1, 2
    """,
        LIVE,
        balances(where),
    )


def _flow_sql(dim: Dimension | None) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, "e.day")} AS grp, {FRAUDULENT} AS fraudulent,
           coalesce(sum(e.amount) FILTER (WHERE e.kind IN ('payment', 'offset')), 0)
             AS recovered,
           coalesce(sum(e.amount) FILTER (WHERE e.kind = 'written_off'), 0) AS written_off
    FROM live e
    JOIN debt d ON d.case_id = e.case_id AND d.key = e.debt
    {CASE_JOIN.format(alias="e")}
    WHERE d.kind = 'overpayment' AND e.kind IN ('payment', 'offset', 'written_off')
      AND {entry_window(dim, "e")}
    GROUP BY 1, 2
    """,
        LIVE,
    )


def _sums(conn: Connection, sql: str, scope: Scope) -> Sums:
    out: Sums = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in fetch(conn, sql, scope.params()):
        figures = out[(group_key(r["grp"]), bool(r["fraudulent"]))]
        for name, value in r.items():
            if name not in ("grp", "fraudulent"):
                figures[name] += value
    return out


def _cohort_parts(c: dict[str, Decimal]) -> dict[str, Number | None]:
    notified = c.get("notified", ZERO)
    return {
        "notified": notified,
        "recovered": c.get("recovered", ZERO),
        "written_off": c.get("written_off", ZERO),
        "written_off_rate": ratio(c.get("written_off", ZERO), notified),
        "debts": int(c.get("debts", 0)),
    }


def _flow_parts(c: dict[str, Decimal], f: dict[str, Decimal]) -> dict[str, Number | None]:
    return {
        "notified": c.get("notified", ZERO),
        "recovered": f.get("recovered", ZERO),
        "written_off": f.get("written_off", ZERO),
    }


def _value(parts: dict[str, Number | None]) -> Decimal | None:
    return ratio(parts["recovered"] or ZERO, parts["notified"] or ZERO)


def rate_indicators(conn: Connection, scope: Scope, dim: Dimension | None) -> list[Indicator]:
    cohort, flow = _sums(conn, _cohort_sql(None), scope), _sums(conn, _flow_sql(None), scope)
    by = dim.value if dim is not None else None
    g_cohort: Sums = _sums(conn, _cohort_sql(dim), scope) if dim is not None else {}
    g_flow: Sums = _sums(conn, _flow_sql(dim), scope) if dim is not None else {}
    empty: dict[str, Decimal] = {}
    out: list[Indicator] = []
    for fraudulent, number, name in CLASSES:
        whole_c = cohort.get(("all", fraudulent), empty)
        whole_f = flow.get(("all", fraudulent), empty)
        c_keys = {k for k, q in g_cohort if q == fraudulent}
        f_keys = c_keys | {k for k, q in g_flow if q == fraudulent}
        c_rows = []
        for key in ordered_keys(c_keys):
            parts = _cohort_parts(g_cohort[(key, fraudulent)])
            c_rows.append(Row(key, _value(parts), parts))
        f_rows = []
        for key in ordered_keys(f_keys):
            parts = _flow_parts(
                g_cohort.get((key, fraudulent), empty), g_flow.get((key, fraudulent), empty)
            )
            f_rows.append(Row(key, _value(parts), parts))
        c_parts, f_parts = _cohort_parts(whole_c), _flow_parts(whole_c, whole_f)
        out += [
            Indicator(
                key=f"recovery_rate_{name}_cohort",
                id=number,
                unit="ratio",
                value=_value(c_parts),
                variant="cohort",
                parts=c_parts,
                breakdown_by=by,
                breakdown=c_rows,
            ),
            Indicator(
                key=f"recovery_rate_{name}_flow",
                id=number,
                unit="ratio",
                value=_value(f_parts),
                variant="flow",
                parts=f_parts,
                breakdown_by=by,
                breakdown=f_rows,
            ),
        ]
    return out
