"""Per-provider (and optionally per-period) features, computed with DuckDB.

DuckDB was measured against pandas on 1M claims (docs/detection.md): it is faster on the
daily aggregation, the percentiles and the cross-provider joins, and it is the engine used.
The features are SQL on the ``claims_v`` view of `detection.claims_db` (a file scanned where
it lies, or a frame registered zero-copy); care minutes and the catalogue's expensive flag
come with the view.
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

from detection.claims_db import ClaimsSource, claims_connection
from detection.feature_specs import FEATURE_NAMES
from detection.repeats import repeat_groups, usual_repeats_sql

DEFAULT_MAX_CARE_HOURS = 12.0
META_COLUMNS = (
    "profession",
    "region",
    "n_claims",
    "n_patients",
    "active_days",
    "amount_billed",
    "amount_reimbursed",
)

#: DuckDB's quantile_disc(n, 0.99): the value at rank ceil(0.99 x count) - 1
_DISC_99 = "greatest(ceil(total * 0.99::DOUBLE) - 1, 0)"

_SQL = """
-- c is scanned again by each aggregate (never materialised: it is the whole claims table)
WITH c AS NOT MATERIALIZED (
  SELECT k.*, {period} AS period,
         k._care_minutes AS care_min,
         k.amount_billed / k.quantity AS unit_amount,
         (dayofweek(k.service_date) IN (0, 6)) OR coalesce(
            try_cast(substr(k.service_time, 1, 2) AS INTEGER) < 7
            OR try_cast(substr(k.service_time, 1, 2) AS INTEGER) >= 20, false) AS off_hours
  FROM claims_v k
),
thr AS (SELECT profession, quantile_cont(unit_amount, 0.9) AS p90 FROM c GROUP BY profession),
daily AS (
  SELECT provider_id, period, service_date, count(*) AS acts,
         count(DISTINCT beneficiary_id) AS patients, sum(care_min) / 60.0 AS care_h,
         sum(amount_billed) AS amount
  FROM c GROUP BY ALL
),
dstats AS (
  SELECT provider_id, period, count(*) AS active_days,
         avg(acts) AS acts_per_day_mean, quantile_cont(acts, 0.95) AS acts_per_day_p95,
         avg(patients) AS patients_per_day_mean, max(patients) AS patients_per_day_max,
         avg(care_h) AS care_hours_per_day_mean,
         quantile_cont(care_h, 0.95) AS care_hours_per_day_p95,
         avg((care_h > {max_care})::INTEGER) AS share_days_over_limit,
         avg(amount) AS amount_per_day
  FROM daily GROUP BY ALL
),
pstats AS (
  SELECT provider_id, period, mode(profession) AS profession, mode(region) AS region,
         count(*) AS n_claims,
         sum(amount_billed) AS amount_billed, sum(amount_reimbursed) AS amount_reimbursed,
         avg(unit_amount) AS unit_amount_mean,
         -- the catalogue says which known acts are expensive; unknown codes are compared
         -- with their profession's 90th price percentile (strictly above: a common price
         -- tied at p90 is not expensive)
         avg(coalesce(_expensive, unit_amount > thr.p90)::INTEGER) AS expensive_share,
         avg(off_hours::INTEGER) AS night_weekend_share,
         avg(distance_km) AS km_per_trip_mean,
         quantile_cont(distance_km, 0.95) AS km_per_trip_p95,
         avg(coalesce(service_date > beneficiary_death_date, false)::INTEGER)
            AS after_death_share,
         avg(coalesce(service_date > hospital_stay_start AND service_date < hospital_stay_end,
                      false)::INTEGER) AS hospital_stay_share
  FROM c JOIN thr USING (profession) GROUP BY provider_id, period
),
act_lines AS (
  SELECT act_code, count(*) AS lines, count(service_time) AS timed_lines FROM c GROUP BY 1
),
{usual},
normal AS (
  -- with times, the same act at the same time twice is a duplicate; without them, only
  -- repeats beyond what is usual for that act (twice-daily injections are legitimate): the
  -- 99th percentile of its group sizes (as quantile_disc: rank ceil(0.99 x groups) - 1)
  SELECT act_code, CASE WHEN timed_lines = lines THEN 1 ELSE greatest(1, usual) END AS normal_n
  FROM act_lines LEFT JOIN usual USING (act_code)
),
dups AS (
  -- the repeated groups (detection.repeats): a single line is never a duplicate
  SELECT provider_id, {period} AS period, sum(greatest(n - normal_n, 0)) AS dup_lines
  FROM {repeats} JOIN normal USING (act_code) GROUP BY ALL
),
pb AS (SELECT provider_id, period, beneficiary_id FROM c GROUP BY ALL),
patients AS (SELECT provider_id, period, count(*) AS n_patients FROM pb GROUP BY ALL),
bene_prov AS (
  SELECT beneficiary_id, count(DISTINCT provider_id) AS n_prov FROM pb GROUP BY 1
),
isolated AS (
  SELECT provider_id, period, avg((b.n_prov = 1)::INTEGER) AS isolated_patient_share
  FROM pb JOIN bene_prov b USING (beneficiary_id) GROUP BY ALL
),
pp AS (
  SELECT provider_id, period, profession, prescriber_id, count(*) AS n FROM c
  WHERE prescriber_id IS NOT NULL AND prescriber_id <> '' GROUP BY ALL
),
ptot AS (SELECT prescriber_id, period, profession, sum(n) AS tot FROM pp GROUP BY ALL),
presc AS (
  SELECT provider_id, period, max(n) / sum(n) AS top_prescriber_share,
         -- the top prescriber; between prescribers tied on lines, the more exclusive one
         -- (a deterministic choice, whatever order the claims come in)
         arg_max(n / tot, (n, n / tot)) AS top_prescriber_exclusivity
  FROM pp JOIN ptot USING (prescriber_id, period, profession) GROUP BY ALL
)
SELECT p.*, n.n_patients, d.* EXCLUDE (provider_id, period),
       p.amount_billed / n.n_patients AS amount_per_patient,
       p.n_claims / n.n_patients AS acts_per_patient,
       coalesce(u.dup_lines, 0) / p.n_claims AS duplicate_share,
       i.isolated_patient_share, r.top_prescriber_share, r.top_prescriber_exclusivity
FROM pstats p
JOIN patients n USING (provider_id, period)
JOIN dstats d USING (provider_id, period)
LEFT JOIN dups u USING (provider_id, period)
LEFT JOIN isolated i USING (provider_id, period)
LEFT JOIN presc r USING (provider_id, period)
ORDER BY provider_id, period
"""


def compute_features(
    claims: ClaimsSource | duckdb.DuckDBPyConnection,
    period: Literal["month", "quarter", "year"] | None = None,
    max_care_hours: float = DEFAULT_MAX_CARE_HOURS,
) -> pd.DataFrame:
    """One row per provider (or provider x period): metadata columns + FEATURE_NAMES.

    `claims` is a connection from `detection.claims_db.open_claims` (its ``claims_v``), a
    claims file (validated on the way) or a validated frame (see
    detection.schema.read_claims). Features that do not apply (e.g. km for a nurse, no
    prescriber column) are NaN.
    """
    period_sql = (
        "'all'" if period is None else f"strftime(date_trunc('{period}', service_date), '%Y-%m')"
    )
    with claims_connection(claims) as con:
        repeats = repeat_groups(con, with_time=True)
        sql = _SQL.format(
            period=period_sql,
            max_care=float(max_care_hours),
            repeats=repeats,
            usual=usual_repeats_sql(repeats, "act_lines", _DISC_99).strip(),
        )
        out = con.execute(sql).df()
    index = ["provider_id"] if period is None else ["provider_id", "period"]
    out = (
        out.set_index(index)
        if period is not None
        else out.drop(columns="period").set_index("provider_id")
    )
    cols = [c for c in META_COLUMNS if c in out.columns] + list(FEATURE_NAMES)
    out = out[cols]
    out[list(FEATURE_NAMES)] = out[list(FEATURE_NAMES)].astype("float64")
    out[["amount_billed", "amount_reimbursed"]] = out[
        ["amount_billed", "amount_reimbursed"]
    ].astype("float64")
    return out
