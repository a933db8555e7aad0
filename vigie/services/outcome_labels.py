"""Labels for the supervised re-ranker, learned from closed-case outcomes.

A closed case on a professional is a positive (1) when a grievance was qualified as fraud,
and a negative (0) when it closed with no harm found (dismissed, nothing irregular). Cases
closed on fault, abuse or error only are left out: they are neither confirmed fraud nor
clean, and would blur what the model learns.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, text

LABELS_SQL = """
SELECT t.identifier AS provider_id,
       max(CASE WHEN l.qualification = 'fraud' AND l.kind = 'harm_suffered' THEN 1 ELSE 0 END)
         AS fraud,
       sum(c.harm_suffered) AS harm
FROM fraud_case c
JOIN target t ON t.id = c.target_id
LEFT JOIN ledger_entry l ON l.case_id = c.id
WHERE c.stage = 'closed' AND t.actor_type = 'professional'
GROUP BY t.identifier
"""


def outcome_labels(engine: Engine) -> pd.DataFrame:
    """``provider_id,label`` from closed cases (one row per provider)."""
    with engine.connect() as conn:
        rows = pd.read_sql_query(text(LABELS_SQL), conn)
    positive = rows["fraud"] == 1
    negative = (rows["fraud"] == 0) & (rows["harm"].astype(float) == 0)
    labelled = rows[positive | negative].assign(label=positive.astype(int))
    return labelled[["provider_id", "label"]].sort_values("provider_id", ignore_index=True)
