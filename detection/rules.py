"""Expert rules and cross-checks, each hit carrying its evidence (claim ids, dates, amounts).

Thresholds live in `RulePolicy` (policy-like parameters), not in the rule code. Each rule
is one SQL query on the ``claims_v`` view of `detection.claims_db` that returns only the
offending groups, already aggregated (claim ids in file order, distinct dates, exact billed
amount); Python only turns those rows into `RuleHit` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import duckdb
import pandas as pd

from detection.claims_db import ClaimsSource, claims_connection
from detection.repeats import ACT_LINES, repeat_groups, usual_repeats_sql


@dataclass(frozen=True)
class RulePolicy:
    max_care_hours_per_day: float = 12.0
    # a stay's admission and discharge days are normal outpatient days
    hospital_stay_exclusive_bounds: bool = True
    after_death_grace_days: int = 0
    max_claim_ids_per_hit: int = 50


@dataclass(frozen=True)
class RuleHit:
    rule: str
    provider_id: str
    claim_ids: tuple[str, ...]
    dates: tuple[str, ...]
    amount: Decimal  # billed amount of the claims in evidence, euros
    detail: str
    beneficiary_id: str | None = None
    extra: dict[str, float] = field(default_factory=dict)


CENT = Decimal("0.01")

#: per (provider, beneficiary): the evidence of the offending lines selected by ``{rows}``
_PER_PATIENT = """
WITH offending AS ({rows})
SELECT provider_id, beneficiary_id, list(claim_id ORDER BY _row)[1:{cap}] AS claim_ids,
       list(DISTINCT strftime(service_date, '%Y-%m-%d')) AS dates,
       sum(amount_billed) AS amount, count(*) AS n
FROM offending GROUP BY provider_id, beneficiary_id ORDER BY provider_id, beneficiary_id
"""

#: without times: the groups beyond the usual daily repeats of their act, the 99.9th
#: percentile of the group sizes across providers (pandas' "higher" interpolation: the
#: value at rank ceil(q * (n - 1))), at least 2
_UNTIMED_NORMAL = "ceil(0.999::DOUBLE * (total - 1))"

#: the lines of the excess groups beyond the first ``normal`` ones, in file order
_DUPLICATES = """
WITH {excess},
ranked AS (
  SELECT k.claim_id, k.provider_id, k.beneficiary_id, k.service_date, k.amount_billed, k._row,
         e.normal, row_number() OVER (
           PARTITION BY k.provider_id, k.beneficiary_id, k.act_code, k.service_date, {time}
           ORDER BY k._row) - 1 AS rank
  FROM claims_v k JOIN excess e
    ON k.provider_id = e.provider_id AND k.beneficiary_id = e.beneficiary_id
   AND k.act_code = e.act_code AND k.service_date = e.service_date
   AND {time} = e.service_time
)
SELECT * FROM ranked WHERE rank >= normal
"""

_IMPOSSIBLE_DAYS = """
WITH days AS (
  SELECT provider_id, service_date, sum(_care_minutes) AS minutes
  FROM claims_v GROUP BY ALL HAVING sum(_care_minutes) / 60.0 > {limit}
)
SELECT k.provider_id, k.service_date, list(k.claim_id ORDER BY k._row)[1:{cap}] AS claim_ids,
       sum(k.amount_billed) AS amount, any_value(d.minutes) AS minutes
FROM claims_v k JOIN days d USING (provider_id, service_date)
GROUP BY ALL ORDER BY k.provider_id, k.service_date
"""


def _money(x: object) -> Decimal:
    if isinstance(x, Decimal):
        return x.quantize(CENT)
    return Decimal(str(round(float(str(x)), 2))).quantize(CENT)


def _per_patient(
    con: duckdb.DuckDBPyConnection, rule: str, rows: str, detail: str, policy: RulePolicy
) -> list[RuleHit]:
    sql = _PER_PATIENT.format(rows=rows, cap=int(policy.max_claim_ids_per_hit))
    hits = []
    for provider, bene, claim_ids, dates, amount, n in con.execute(sql).fetchall():
        days = sorted(dates)
        hits.append(
            RuleHit(
                rule=rule,
                provider_id=str(provider),
                claim_ids=tuple(str(c) for c in claim_ids),
                dates=tuple(days),
                amount=_money(amount),
                detail=detail.format(n=n, first=days[0], last=days[-1]),
                beneficiary_id=str(bene),
            )
        )
    return hits


def duplicate_billing(con: duckdb.DuckDBPyConnection, policy: RulePolicy) -> list[RuleHit]:
    """Same provider, beneficiary, act and day, billed more often than it can be.

    With service times (on every line), the same act at the same time twice is a
    duplicate. Without them, a repeat counts only beyond what is usual for that act code
    across all providers (its 99.9th percentile of daily repeats, at least 2: twice-daily
    injections are legitimate), so only extreme repeats are flagged; the peer-relative
    `duplicate_share` feature covers the rest. The evidence is the extra lines only (in
    file order, the first line of a group is the legitimate one)."""
    row = con.execute("SELECT count(*) = count(service_time) FROM claims_v").fetchall()[0]
    timed = bool(row[0])
    repeats = repeat_groups(con, with_time=timed)
    if timed:  # the same act at the same time twice: every repeat is excess
        excess, time = f"excess AS (SELECT *, 1 AS normal FROM {repeats})", "k.service_time"
    else:
        usual = usual_repeats_sql(repeats, "act_lines", _UNTIMED_NORMAL)
        excess = (
            f"act_lines AS ({ACT_LINES}), {usual.strip()}, "
            "normal AS (SELECT act_code, greatest(usual, 2) AS normal FROM usual), "
            f"excess AS (SELECT g.*, normal FROM {repeats} g JOIN normal USING (act_code) "
            "WHERE g.n > normal)"
        )
        time = "''"
    rows = _DUPLICATES.format(excess=excess, time=time)
    detail = (
        "{n} extra claims for the same act, patient and day ({first} to {last})"
        if timed
        else "{n} extra claims for the same act, patient and day beyond the usual repeats "
        "for the act (no service time available) ({first} to {last})"
    )
    return _per_patient(con, "duplicate_billing", rows, detail, policy)


def acts_after_death(con: duckdb.DuckDBPyConnection, policy: RulePolicy) -> list[RuleHit]:
    grace = int(policy.after_death_grace_days)
    rows = (
        f"SELECT * FROM claims_v WHERE service_date > beneficiary_death_date + INTERVAL {grace} DAY"
    )
    return _per_patient(
        con,
        "acts_after_death",
        rows,
        "{n} acts billed after the patient's death ({first} to {last})",
        policy,
    )


def acts_during_hospital_stay(con: duckdb.DuckDBPyConnection, policy: RulePolicy) -> list[RuleHit]:
    inside = (
        "service_date > hospital_stay_start AND service_date < hospital_stay_end"
        if policy.hospital_stay_exclusive_bounds
        else "service_date >= hospital_stay_start AND service_date <= hospital_stay_end"
    )
    return _per_patient(
        con,
        "hospital_stay",
        f"SELECT * FROM claims_v WHERE {inside}",
        "{n} outpatient acts billed while the patient was in hospital ({first} to {last})",
        policy,
    )


def impossible_days(con: duckdb.DuckDBPyConnection, policy: RulePolicy) -> list[RuleHit]:
    """Days whose summed standard care time exceeds a feasible working day. The evidence
    amount is the share of that day's billing beyond the feasible hours."""
    limit = float(policy.max_care_hours_per_day)
    sql = _IMPOSSIBLE_DAYS.format(limit=limit, cap=int(policy.max_claim_ids_per_hit))
    hits = []
    for provider, day, claim_ids, amount, minutes in con.execute(sql).fetchall():
        hours = float(minutes) / 60.0
        date = day.strftime("%Y-%m-%d")
        # exact: the billed amount x the share of the day's minutes beyond the limit
        spent = Decimal(str(minutes))
        beyond = (spent - Decimal(str(limit)) * 60) / spent
        hits.append(
            RuleHit(
                rule="impossible_day",
                provider_id=str(provider),
                claim_ids=tuple(str(c) for c in claim_ids),
                dates=(date,),
                amount=(Decimal(amount) * beyond).quantize(CENT, ROUND_HALF_EVEN),
                detail=f"{hours:.1f} h of standard care time billed on {date} (limit {limit:g} h)",
                extra={"care_hours": round(hours, 2)},
            )
        )
    return hits


RULES = (duplicate_billing, acts_after_death, acts_during_hospital_stay, impossible_days)


def run_rules(
    claims: ClaimsSource | duckdb.DuckDBPyConnection, policy: RulePolicy | None = None
) -> list[RuleHit]:
    """All rule hits on validated claims: a connection from
    `detection.claims_db.open_claims`, a claims file or a validated frame."""
    policy = policy or RulePolicy()
    hits: list[RuleHit] = []
    with claims_connection(claims) as con:
        for rule in RULES:
            hits.extend(rule(con, policy))
    return hits


def hits_frame(hits: list[RuleHit]) -> pd.DataFrame:
    """Per provider: number of hits, and billed amount in evidence (float euros)."""
    if not hits:
        return pd.DataFrame(columns=["rule_hits", "rule_amount"]).rename_axis("provider_id")
    frame = pd.DataFrame(
        {"provider_id": [h.provider_id for h in hits], "amount": [float(h.amount) for h in hits]}
    )
    grouped = frame.groupby("provider_id")["amount"]
    return pd.DataFrame({"rule_hits": grouped.size(), "rule_amount": grouped.sum()})
