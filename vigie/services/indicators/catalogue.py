"""The SQL each indicator runs, as docs/indicators.md shows it (a test checks that copy).

Regenerate the doc's copy with ``python -m vigie.services.indicators.catalogue
docs/indicators.md``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from vigie.services.indicators import (
    delays,
    detection_yield,
    harm,
    late_notifications,
    litigation,
    pipeline,
    plans,
    prescriptions,
    recovery_rates,
)
from vigie.services.indicators.dimensions import Dimension, group_sql
from vigie.services.indicators.sql import DETECTED, LIVE

START, END = "<!-- indicator-sql:start -->", "<!-- indicator-sql:end -->"


def queries() -> list[tuple[str, str]]:
    """(what it computes, its SQL) without a breakdown, or with its own one."""
    return [
        ("47 and 48, cohort (and the flow's denominator)", recovery_rates._cohort_sql(None)),
        ("47 and 48, flow: recovered and written off in the year", recovery_rates._flow_sql(None)),
        ("49, 50, detected and stopped", harm._query(None)),
        ("Litigation actions", litigation._actions_sql(None)),
        ("Share of fraud cases with a litigation follow-up", litigation._share_sql(None)),
        ("Delay from detection to notification", delays._sql(None)),
        ("Cases by stage, ageing (by stage)", pipeline.AGEING_SQL),
        ("Cases opened (by month)", pipeline._opened_sql(Dimension.MONTH)),
        ("Cases closed (by month)", pipeline._closed_sql(Dimension.MONTH)),
        ("Overdue tasks (by investigator)", pipeline._overdue_sql(Dimension.INVESTIGATOR)),
        ("Detection yield (by run)", detection_yield.SQL),
        ("Money at risk: debts prescribed or soon prescribed", prescriptions.SQL),
        ("Money at risk: instalment plans", plans.SQL),
        ("Money at risk: late notifications", late_notifications.SQL),
    ]


#: the common table expressions several queries share: shown once, named in the others
SHARED = {"live": LIVE, "detected": DETECTED, "follow_ups": litigation.FOLLOW_UPS}


def tidy(sql: str) -> str:
    """The statement with the shared expressions named, without trailing blanks."""
    for name, cte in SHARED.items():
        sql = sql.replace(textwrap.dedent(cte).strip(), f"{name} AS (...)")
    return "\n".join(line.rstrip() for line in sql.strip().splitlines())


def sql_markdown() -> str:
    out = ["Shared by several queries:", ""]
    for cte in SHARED.values():
        out += ["```sql", textwrap.dedent(cte).strip(), "```", ""]
    out += ["A breakdown (`--by`) replaces the group `'all'::text` with:", ""]
    out += ["| --by | group |", "|---|---|"]
    out += [f"| `{d.value}` | `{group_sql(d, 'day')}` |" for d in Dimension]
    for title, sql in queries():
        out += ["", f"#### {title}", "", "```sql", tidy(sql), "```"]
    return "\n".join(out)


def refresh_doc(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{START}\n{sql_markdown()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":  # python -m vigie.services.indicators.catalogue docs/indicators.md
    import sys

    refresh_doc(Path(sys.argv[1]))
