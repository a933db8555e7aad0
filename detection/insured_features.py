"""Per insured person (beneficiary) features, computed with DuckDB on the claims view.

An insured person is compared with peers of the same region, age band and chronic-condition
status (a chronic patient legitimately sees several doctors and gets many deliveries).
The features follow the insured-person fraud signals: doctor shopping (many distinct
general practitioners and prescribers), prescription nomadism (the same drug delivered by
several pharmacies within a few days), forged prescriptions (expensive deliveries on a
prescriber who prescribes nothing else for the person), sick-leave abuse (days of leave prescribed),
and the amounts.

Input: a DuckDB connection holding the view ``claims_v`` (see detection.claims_db), or a
claims frame (``insured_features_of_frame``). Absent optional columns read as NULL.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from detection.claims_db import claims_connection
from detection.feature_specs import INSURED_FEATURE_NAMES

#: deliveries of the same drug by another pharmacy within this many days overlap
OVERLAP_DAYS = 10
#: act code of a sick-leave prescription (quantity = days of leave)
SICK_LEAVE_CODE = "AAT"
AGE_BANDS = ((0, 16), (16, 30), (30, 45), (45, 60), (60, 75), (75, 200))
#: amounts the stake is priced from (detection.insured)
EVIDENCE_COLUMNS = ("gp_amount", "overlapping_amount", "lone_prescriber_amount")
INSURED_META = ("profession", "region", "n_claims", "age_band", "chronic")

_SQL = """
WITH c AS (
  SELECT beneficiary_id, provider_id, profession, region, act_code, service_date, quantity,
         amount_billed, nullif(prescriber_id, '') AS prescriber_id,
         beneficiary_birth_year AS birth_year,
         try_cast(beneficiary_chronic AS BOOLEAN) AS chronic,
         coalesce(_expensive, false) AS expensive
  FROM claims_v
),
presc_lines AS (
  -- per person and prescriber: the lines that are not expensive deliveries
  SELECT beneficiary_id, prescriber_id, count(*) FILTER (WHERE NOT expensive) AS other_lines
  FROM c WHERE prescriber_id IS NOT NULL GROUP BY ALL
),
pharma AS (
  SELECT c.*, lag(provider_id) OVER w AS prev_pharmacy, lag(service_date) OVER w AS prev_date
  FROM c WHERE profession = 'pharmacy'
  WINDOW w AS (PARTITION BY beneficiary_id, act_code ORDER BY service_date, provider_id)
),
overlap AS (
  SELECT beneficiary_id,
         avg((prev_pharmacy IS NOT NULL AND prev_pharmacy <> provider_id
              AND date_diff('day', prev_date::DATE, service_date::DATE) <= {overlap_days})::INTEGER)
           AS overlapping_delivery_share,
         sum(CASE WHEN prev_pharmacy IS NOT NULL AND prev_pharmacy <> provider_id
                   AND date_diff('day', prev_date::DATE, service_date::DATE) <= {overlap_days}
                  THEN amount_billed ELSE 0 END) AS overlapping_amount
  FROM pharma GROUP BY 1
),
lonely AS (
  SELECT p.beneficiary_id,
         avg((r.other_lines = 0 AND p.expensive)::INTEGER) AS lone_prescriber_expensive_share,
         sum(CASE WHEN r.other_lines = 0 AND p.expensive THEN p.amount_billed ELSE 0 END)
           AS lone_prescriber_amount
  FROM pharma p JOIN presc_lines r USING (beneficiary_id, prescriber_id) GROUP BY 1
),
b AS (
  SELECT beneficiary_id, mode(region) AS region, max(birth_year) AS birth_year,
         bool_or(chronic) AS chronic, count(*) AS n_claims, sum(amount_billed) AS amount_billed,
         count(DISTINCT CASE WHEN profession = 'gp' THEN provider_id END) AS distinct_gps,
         count(DISTINCT prescriber_id) AS distinct_prescribers,
         count(DISTINCT CASE WHEN profession = 'pharmacy' THEN provider_id END)
           AS distinct_pharmacies,
         count(DISTINCT provider_id) AS distinct_providers,
         sum(CASE WHEN act_code = '{sick_leave}' THEN quantity ELSE 0 END) AS sick_leave_days,
         count(DISTINCT CASE WHEN act_code = '{sick_leave}' THEN provider_id END)
           AS sick_leave_prescribers,
         sum(CASE WHEN profession = 'pharmacy' THEN amount_billed ELSE 0 END)
           AS pharmacy_amount,
         sum(CASE WHEN profession = 'gp' THEN amount_billed ELSE 0 END) AS gp_amount
  FROM c GROUP BY 1
)
SELECT b.*, coalesce(o.overlapping_delivery_share, 0) AS overlapping_delivery_share,
       coalesce(o.overlapping_amount, 0) AS overlapping_amount,
       coalesce(l.lone_prescriber_expensive_share, 0) AS lone_prescriber_expensive_share,
       coalesce(l.lone_prescriber_amount, 0) AS lone_prescriber_amount
FROM b LEFT JOIN overlap o USING (beneficiary_id) LEFT JOIN lonely l USING (beneficiary_id)
ORDER BY beneficiary_id
"""


def age_band(birth_year: pd.Series, reference_year: int) -> pd.Series:
    """'45-59', '75+' or 'age unknown'."""
    age = reference_year - pd.to_numeric(birth_year, errors="coerce")
    out = pd.Series("age unknown", index=birth_year.index, dtype=object)
    for low, high in AGE_BANDS:
        label = f"{low}+" if high >= 200 else f"{low}-{high - 1}"
        out[(age >= low) & (age < high)] = label
    return out


def compute_insured_features(
    con: duckdb.DuckDBPyConnection, reference_year: int | None = None
) -> pd.DataFrame:
    """One row per beneficiary: INSURED_META + INSURED_FEATURE_NAMES. The peer class (age
    band and chronic status) is in ``profession`` so that the peer scorer compares it like
    a profession, within a region. ``claims_v`` holds every format column (absent optional
    ones as NULL) and ``_expensive`` (detection.claims_db)."""
    sql = _SQL.format(overlap_days=OVERLAP_DAYS, sick_leave=SICK_LEAVE_CODE)
    out = con.execute(sql).df().set_index("beneficiary_id")
    out.index = out.index.astype(str)
    if reference_year is None:
        latest = next(
            iter(con.execute("SELECT max(year(service_date)) FROM claims_v").fetchall()), None
        )
        reference_year = int(latest[0]) if latest and latest[0] is not None else 2000
    out["age_band"] = age_band(out["birth_year"], reference_year)
    out["chronic"] = (
        out["chronic"].map({True: "chronic", False: "not chronic"}).fillna("chronic status unknown")
    )
    out["profession"] = out["age_band"] + ", " + out["chronic"]
    out["region"] = out["region"].astype(str)
    out[list(INSURED_FEATURE_NAMES)] = out[list(INSURED_FEATURE_NAMES)].astype("float64")
    evidence = out[list(EVIDENCE_COLUMNS)].astype("float64")
    return out[list(INSURED_META) + list(INSURED_FEATURE_NAMES)].join(evidence)


def insured_features_of_frame(claims: pd.DataFrame) -> pd.DataFrame:
    """The same on a validated claims frame."""
    with claims_connection(claims) as con:
        return compute_insured_features(con)
