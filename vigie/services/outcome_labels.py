"""Labels for the supervised re-ranker, learned from closed-case outcomes.

Only a case whose outcome says something about fraud gives a label. Each closed case on a
professional is read from its ledger (the grievances: ``harm_suffered`` entries and their
qualification) and from the audit row of the change that closed it (its action and the stage
it closed from):

- **fraud**: at least one grievance qualified as fraud. Its harm is the fraud-qualified harm
  suffered of the case.
- **nothing found**: the case was investigated (closed from investigation or findings: a
  dismissal after investigation, or a close after findings) and no grievance at all was
  recorded. A protective measure alone (harm avoided) establishes nothing and does not change
  this.
- **other grievance**: grievances qualified as fault, abuse or error only (or unqualified).
  Neither confirmed fraud nor clean.
- **no outcome**, never labelled and never counted: a case merged into another (closed by
  ``merge``, close reason ``merged into …``: its facts live on in the other case); a case
  dismissed at triage, without investigation; a case still open; a case with no audit row for
  its closing change.

A provider (the target's identifier) is labelled 1 when one of its cases is fraud, 0 when at
least one case is nothing found and no case is fraud or other grievance, and is left out
otherwise: a fault or an error is not clean and would blur what the model learns.

Each case counts once: the ledger is aggregated per case and exactly one closing row is kept
per case before anything is joined to the case, so a case with several ledger entries (or a
provider with several alerts, tasks or stage changes) never has its harm counted twice.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from models.types import ActorType, LedgerKind, Qualification, Stage

#: stages a case can only have reached through ``open_investigation``
INVESTIGATED_STAGES = (Stage.INVESTIGATION, Stage.FINDINGS, Stage.FOLLOW_UPS, Stage.RECOVERY)

OUTCOMES_SQL = """
WITH closing AS (
    -- the change that closed each case (a closed case accepts no further action): one row
    SELECT DISTINCT ON (a.case_id) a.case_id, a.action, a.from_stage
    FROM audit_log a
    WHERE a.to_stage = :closed AND a.from_stage IS DISTINCT FROM :closed
    ORDER BY a.case_id, a.seq
),
grievances AS (
    -- the harm suffered of each case, aggregated before any join: one row per case
    SELECT l.case_id,
           count(*) FILTER (WHERE l.qualification = :fraud) AS fraud_lines,
           count(*) FILTER (WHERE l.qualification IS DISTINCT FROM :fraud) AS other_lines,
           coalesce(sum(l.amount) FILTER (WHERE l.qualification = :fraud), 0) AS fraud_harm
    FROM ledger_entry l
    WHERE l.kind = :harm_suffered
    GROUP BY l.case_id
),
outcomes AS (
    SELECT t.identifier AS provider_id,
           CASE
               WHEN k.action = 'merge' THEN NULL
               WHEN coalesce(g.fraud_lines, 0) > 0 THEN 'fraud'
               WHEN coalesce(g.other_lines, 0) > 0 THEN 'other'
               WHEN k.from_stage IN :investigated THEN 'nothing_found'
           END AS outcome,
           coalesce(g.fraud_harm, 0) AS fraud_harm
    FROM fraud_case c
    JOIN target t ON t.id = c.target_id
    JOIN closing k ON k.case_id = c.id
    LEFT JOIN grievances g ON g.case_id = c.id
    WHERE c.stage = :closed AND t.actor_type = :professional
)
SELECT provider_id,
       count(*) FILTER (WHERE outcome = 'fraud') AS fraud_cases,
       count(*) FILTER (WHERE outcome = 'nothing_found') AS clean_cases,
       count(*) FILTER (WHERE outcome = 'other') AS other_cases,
       coalesce(sum(fraud_harm) FILTER (WHERE outcome = 'fraud'), 0) AS fraud_harm
FROM outcomes
WHERE outcome IS NOT NULL
GROUP BY provider_id
"""

OUTCOME_COLUMNS = ["provider_id", "label", "fraud_cases", "clean_cases", "fraud_harm"]


def provider_outcomes(engine: Engine) -> pd.DataFrame:
    """One row per labelled provider: ``provider_id``, ``label`` (1 fraud, 0 nothing found),
    the number of fraud and nothing-found cases, and ``fraud_harm`` (Decimal, each case once)."""
    investigated = [stage.value for stage in INVESTIGATED_STAGES]
    query = text(OUTCOMES_SQL).bindparams(
        bindparam("investigated", investigated, expanding=True),
        closed=Stage.CLOSED.value,
        fraud=Qualification.FRAUD.value,
        harm_suffered=LedgerKind.HARM_SUFFERED.value,
        professional=ActorType.PROFESSIONAL.value,
    )
    with engine.connect() as conn:
        rows = pd.read_sql_query(query, conn, coerce_float=False)  # money stays Decimal
    rows = rows.astype({"fraud_cases": int, "clean_cases": int, "other_cases": int})
    positive = rows["fraud_cases"] > 0
    negative = ~positive & (rows["clean_cases"] > 0) & (rows["other_cases"] == 0)
    labelled = rows[positive | negative].assign(label=positive.astype(int))
    return labelled[OUTCOME_COLUMNS].sort_values("provider_id", ignore_index=True)


def outcome_labels(engine: Engine) -> pd.DataFrame:
    """``provider_id,label`` from closed cases (one row per labelled provider)."""
    return provider_outcomes(engine)[["provider_id", "label"]]
