"""Harm suffered (Cnam 49), harm avoided (Cnam 50) and their sum, "detected and stopped".

Harm counts in the year it was established: the day its ledger entry was booked (in Paris),
not the day the undue amount was paid (its ``effective_on``, which starts prescription).
Indicator 49 counts grievances qualified fraud, fault or abuse ("fraudulent and/or faulty");
those qualified error are shown apart and not counted.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection

from vigie.services.indicators.dimensions import (
    Dimension,
    group_key,
    group_sql,
    ordered_keys,
    paris_day,
    time_window,
)
from vigie.services.indicators.model import ZERO, Indicator, Number, Row, Scope
from vigie.services.indicators.sql import CASE_JOIN, LIVE, fetch, statement

FAULTY = ("fraud", "fault", "abuse")


def _query(dim: Dimension | None) -> str:
    return statement(
        f"""
    SELECT {group_sql(dim, paris_day("e.booked_at"))} AS grp, e.kind, e.qualification,
           sum(e.amount) AS amount
    FROM live e {CASE_JOIN.format(alias="e")}
    WHERE e.kind IN ('harm_suffered', 'harm_avoided') AND {time_window(dim, "e.booked_at")}
    GROUP BY 1, 2, 3
    """,
        LIVE,
    )


def _sums(
    conn: Connection, scope: Scope, dim: Dimension | None
) -> dict[str | None, dict[str, Decimal]]:
    """Per group: suffered by qualification, and avoided."""
    out: dict[str | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in fetch(conn, _query(dim), scope.params()):
        name = "avoided" if r["kind"] == "harm_avoided" else f"suffered_{r['qualification']}"
        out[group_key(r["grp"])][name] += r["amount"]
    return out


def _figures(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    suffered = sum((sums.get(f"suffered_{q}", ZERO) for q in FAULTY), ZERO)
    avoided = sums.get("avoided", ZERO)
    return {
        "harm_suffered": suffered,
        "harm_avoided": avoided,
        "detected_and_stopped": suffered + avoided,
        **{f"suffered_{q}": sums.get(f"suffered_{q}", ZERO) for q in (*FAULTY, "error")},
    }


def harm_indicators(conn: Connection, scope: Scope, dim: Dimension | None) -> list[Indicator]:
    whole = _figures(_sums(conn, scope, None).get("all", {}))
    by_group = _sums(conn, scope, dim) if dim is not None else {}
    groups = {k: _figures(by_group[k]) for k in ordered_keys(by_group)}

    def rows(key: str) -> list[Row]:
        return [Row(group, figures[key]) for group, figures in groups.items()]

    qualifications: dict[str, Number | None] = {
        k: v for k, v in whole.items() if k.startswith("suffered_")
    }
    by = dim.value if dim is not None else None
    return [
        Indicator(
            key="harm_suffered",
            id="49",
            unit="EUR",
            value=whole["harm_suffered"],
            parts=qualifications,
            breakdown_by=by,
            breakdown=rows("harm_suffered"),
        ),
        Indicator(
            key="harm_avoided",
            id="50",
            unit="EUR",
            value=whole["harm_avoided"],
            breakdown_by=by,
            breakdown=rows("harm_avoided"),
        ),
        Indicator(
            key="detected_and_stopped",
            id="detected_and_stopped",
            unit="EUR",
            value=whole["detected_and_stopped"],
            parts={k: whole[k] for k in ("harm_suffered", "harm_avoided")},
            breakdown_by=by,
            breakdown=rows("detected_and_stopped"),
        ),
    ]
