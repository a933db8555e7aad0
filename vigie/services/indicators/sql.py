"""SQL shared by the indicators: the live ledger, the debts' balances, the detection day of a
case, and how a query runs (one read-only transaction per report)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, text

#: entries that count: a reversal moves nothing itself and cancels the entry it names
#: ('seq.line'); ``day`` is when the entry happened (its effective date, else its booking day
#: in Paris), ``booked_on`` when it was recorded
LIVE = """
live AS NOT MATERIALIZED (
    SELECT l.case_id, l.seq, l.line, l.kind, l.amount, l.qualification, l.debt,
           l.effective_on, l.booked_at,
           coalesce(l.effective_on, (l.booked_at AT TIME ZONE 'Europe/Paris')::date) AS day,
           (l.booked_at AT TIME ZONE 'Europe/Paris')::date AS booked_on
    FROM ledger_entry l
    WHERE l.kind <> 'reversal'
      AND NOT EXISTS (
        SELECT 1 FROM ledger_entry r
        WHERE r.case_id = l.case_id AND r.kind = 'reversal'
          AND r.reverses = l.seq::text || '.' || l.line::text)
)"""


def balances(where: str = "TRUE") -> str:
    """The debts matching ``where`` (on ``d``, table ``debt``), each with what the live
    ledger says of it: net due (due less reductions), recovered, written off."""
    return f"""
bal AS (
    SELECT d.case_id, d.key, d.kind, d.debtor, d.qualification, d.notified_on,
           d.prescribed_on,
           coalesce(sum(e.amount) FILTER (
               WHERE e.kind IN ('due', 'penalty_due', 'damages_due')), 0)
             - coalesce(sum(e.amount) FILTER (WHERE e.kind = 'due_reduced'), 0) AS net_due,
           coalesce(sum(e.amount) FILTER (WHERE e.kind IN ('payment', 'offset')), 0)
             AS recovered,
           coalesce(sum(e.amount) FILTER (WHERE e.kind = 'written_off'), 0) AS written_off
    FROM debt d
    LEFT JOIN live e ON e.case_id = d.case_id AND e.debt = d.key
    WHERE {where}
    GROUP BY d.id
)"""


#: the day a case was detected: when its alert or report was received (the opening entered
#: late says so), else when the case was opened; in Paris
DETECTED = """
detected AS (
    SELECT c.id AS case_id,
           (coalesce((o.details -> 'opening' ->> 'received_at')::timestamptz, c.opened_at)
              AT TIME ZONE 'Europe/Paris')::date AS day
    FROM fraud_case c
    LEFT JOIN audit_log o ON o.case_id = c.id AND o.seq = 1 AND o.action = 'open'
)"""

#: the case and its target, joined by every query (``c`` and ``t``)
CASE_JOIN = "JOIN fraud_case c ON c.id = {alias}.case_id JOIN target t ON t.id = c.target_id"


def statement(body: str, *ctes: str) -> str:
    """``WITH`` the common table expressions, then the body, each without its indentation."""
    main = textwrap.dedent(body).strip()
    if not ctes:
        return main + "\n"
    parts = [textwrap.dedent(c).strip() for c in ctes]
    return "WITH " + ",\n".join(parts) + "\n" + main + "\n"


def fetch(conn: Connection, sql: str, params: dict[str, Any]) -> Sequence[RowMapping]:
    return conn.execute(text(sql), params).mappings().all()
