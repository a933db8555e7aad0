"""Repeated billing: the same act billed for the same patient on the same day by the same
provider (and at the same time, when times are known), more than once.

Grouping ten million claims by provider, patient, act, day and time is the costliest
aggregation of a scoring run; the duplicate feature (`detection.features`) and the duplicate
rule (`detection.rules`) both need it. It runs once per connection: the groups of more than
one line (a few per thousand claims) are kept in a temporary table, and the group sizes of
the rest follow from line counts (every group not in the table is a single line).
"""

from __future__ import annotations

import duckdb

#: per act code: its lines, and those with a service time
ACT_LINES = """
SELECT act_code, count(*) AS lines, count(service_time) AS timed_lines
FROM claims_v GROUP BY act_code
"""


def repeat_groups(con: duckdb.DuckDBPyConnection, with_time: bool) -> str:
    """The name of a temporary table of the groups of lines of ``claims_v`` with the same
    provider_id, beneficiary_id, act_code, service_date (and service_time, lines without a
    time forming their own groups, when ``with_time``; '' otherwise) billed more than once,
    with their size ``n``. Created on first use, then reused (``claims_v`` never changes)."""
    name = "claims_repeats_timed" if with_time else "claims_repeats_untimed"
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [name]
    ).fetchall()
    if not found[0][0]:
        time = "service_time" if with_time else "'' AS service_time"
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT provider_id, beneficiary_id, act_code, "
            f"service_date, {time}, count(*) AS n FROM claims_v GROUP BY ALL HAVING count(*) > 1"
        )
    return name


def usual_repeats_sql(repeats: str, act_lines: str, rank: str) -> str:
    """CTEs (to follow a WITH) ending in ``usual(act_code, usual)``: per act code, the group
    size at 0-based rank ``rank`` (SQL of ``total``, the number of groups of the act) in the
    sorted sizes of all its groups, single lines included."""
    return f"""
rep_lines AS (SELECT act_code, sum(n) AS lines FROM {repeats} GROUP BY act_code),
hist AS (
  SELECT act_code, n, count(*) AS c FROM {repeats} GROUP BY ALL
  UNION ALL
  SELECT a.act_code, 1 AS n, a.lines - coalesce(r.lines, 0) AS c
  FROM {act_lines} a LEFT JOIN rep_lines r USING (act_code)
),
cum AS (
  SELECT act_code, n, sum(c) OVER (PARTITION BY act_code ORDER BY n) AS below,
         sum(c) OVER (PARTITION BY act_code) AS total
  FROM hist WHERE c > 0
),
usual AS (SELECT act_code, min(n) AS usual FROM cum WHERE below > {rank} GROUP BY act_code)
"""
