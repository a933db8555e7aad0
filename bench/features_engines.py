"""Where to compute detection features: in Postgres, or in a columnar engine (DuckDB)?

Same 1M synthetic claims, same feature subset (daily acts, patients and amounts, their
distribution per provider), computed (a) by Postgres on the partitioned claim table and
(b) by DuckDB on the claims frame; plus what the detection activity really pays: loading a
month from Postgres into a frame, and DuckDB's full feature set. Also the COPY import rate.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
from sqlalchemy import create_engine, text

from activities.claims_import import import_claims
from activities.claims_loader import load_claims
from bench.harness import Figure, Result, best_of, scratch_database
from detection.features import compute_features
from detection.schema import read_claims
from detection.synth import generate_claims
from vigie.runtime.migrate import upgrade_head

log = logging.getLogger(__name__)

MONTH_SQL = "SELECT * FROM claim WHERE service_date >= :start AND service_date < :end"

SUBSET_PG = """
WITH c AS (
  SELECT provider_id, profession, beneficiary_id, service_date, amount_billed
  FROM claim WHERE service_date >= :start AND service_date < :end
),
daily AS (
  SELECT provider_id, service_date, count(*) AS acts,
         count(DISTINCT beneficiary_id) AS patients, sum(amount_billed) AS amount
  FROM c GROUP BY provider_id, service_date
),
dstats AS (
  SELECT provider_id, count(*) AS active_days, avg(acts) AS acts_mean,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY acts) AS acts_p95,
         avg(patients) AS patients_mean, max(patients) AS patients_max,
         avg(amount) AS amount_per_day
  FROM daily GROUP BY provider_id
),
pstats AS (
  SELECT provider_id, mode() WITHIN GROUP (ORDER BY profession) AS profession,
         count(*) AS n_claims, count(DISTINCT beneficiary_id) AS n_patients,
         sum(amount_billed) AS amount_billed
  FROM c GROUP BY provider_id
)
SELECT * FROM pstats JOIN dstats USING (provider_id)
"""

SUBSET_DUCK = """
WITH c AS (SELECT provider_id, profession, beneficiary_id, service_date, amount_billed FROM f),
daily AS (
  SELECT provider_id, service_date, count(*) AS acts,
         count(DISTINCT beneficiary_id) AS patients, sum(amount_billed) AS amount
  FROM c GROUP BY provider_id, service_date
),
dstats AS (
  SELECT provider_id, count(*) AS active_days, avg(acts) AS acts_mean,
         quantile_cont(acts, 0.95) AS acts_p95,
         avg(patients) AS patients_mean, max(patients) AS patients_max,
         avg(amount) AS amount_per_day
  FROM daily GROUP BY provider_id
),
pstats AS (
  SELECT provider_id, mode(profession) AS profession,
         count(*) AS n_claims, count(DISTINCT beneficiary_id) AS n_patients,
         sum(amount_billed) AS amount_billed
  FROM c GROUP BY provider_id
)
SELECT * FROM pstats JOIN dstats USING (provider_id)
"""


def run(n_claims: int = 1_000_000) -> Result:
    with tempfile.TemporaryDirectory() as tmp, scratch_database() as url:
        path = Path(tmp) / "claims.parquet"
        generate_claims(path, Path(tmp) / "labels.csv", n_claims=n_claims, seed=42)
        upgrade_head(url)
        engine = create_engine(url)
        import_s, _ = best_of(lambda: import_claims(engine, path, "bench"), repeat=1)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE claim"))
        frame = read_claims(path)
        start, end = frame["service_date"].min(), frame["service_date"].max()
        params = {"start": start.date(), "end": (end + pd.Timedelta(days=1)).date()}

        def pg_subset() -> int:
            with engine.connect() as conn:
                return len(conn.execute(text(SUBSET_PG), params).all())

        def duck_subset() -> int:
            con = duckdb.connect()
            con.register("f", frame)
            n = len(con.execute(SUBSET_DUCK).fetchall())
            con.close()
            return n

        def copy_from_pg() -> int:
            return len(load_claims(engine, params["start"], params["end"]))

        def read_sql_from_pg() -> int:
            with engine.connect() as conn:
                return len(
                    pd.read_sql_query(
                        text(MONTH_SQL),
                        conn,
                        params=params,
                    )
                )

        assert pg_subset() == duck_subset()
        pg_s = best_of(pg_subset)
        duck_s = best_of(duck_subset)
        load_s = best_of(read_sql_from_pg, repeat=1)
        copy_s = best_of(copy_from_pg)
        full_s = best_of(lambda: compute_features(frame))
        engine.dispose()
    rows = [
        ("Postgres, feature subset, in place", f"{pg_s[0]:.2f}", f"{pg_s[1]:.2f}"),
        ("DuckDB, same subset, on the frame", f"{duck_s[0]:.2f}", f"{duck_s[1]:.2f}"),
        ("DuckDB, full feature set (21 features)", f"{full_s[0]:.2f}", f"{full_s[1]:.2f}"),
        ("load the month: pandas.read_sql (baseline)", f"{load_s[0]:.2f}", f"{load_s[1]:.2f}"),
        ("load the month: COPY TO STDOUT + pyarrow", f"{copy_s[0]:.2f}", f"{copy_s[1]:.2f}"),
        (
            "COPY import of the file (validate + load)",
            f"{import_s:.2f}",
            f"{n_claims / import_s:,.0f} rows/s",
        ),
    ]
    speedup = pg_s[0] / duck_s[0]
    faster = "DuckDB" if speedup > 1 else "Postgres"
    notes = [
        f"{n_claims:,} claims; best and median of 3 runs (1 run for load and import).",
        f"Baseline: Postgres in place. On the same subset {faster} is "
        f"{max(speedup, 1 / speedup):.1f}x faster (DuckDB/Postgres time ratio {1 / speedup:.2f}).",
        f"Loading with COPY is {load_s[0] / copy_s[0]:.1f}x faster than read_sql; the "
        "detection activities load with COPY (activities/claims_loader.py).",
        f"COPY load plus DuckDB's full set: {copy_s[0] + full_s[0]:.2f} s for the whole month, "
        f"against {pg_s[0]:.2f} s for Postgres computing only the subset in place. Decision: "
        "DuckDB computes the features (percentiles, modes, cross-provider joins in one pass) "
        "inside the partition activities, each loading one profession x region; Postgres keeps "
        "the records.",
    ]
    figures = [
        Figure("features subset: DuckDB", duck_s[0], "s", pg_s[0], "Postgres in place"),
        Figure("features: DuckDB full set", full_s[0], "s", pg_s[0], "Postgres subset in place"),
        Figure("load a month: COPY + pyarrow", copy_s[0], "s", load_s[0], "pandas.read_sql"),
        Figure("COPY import of the claims file", n_claims / import_s, "rows/s"),
    ]
    return Result(
        "Detection features: Postgres vs DuckDB",
        rows,
        ("what", "best s", "median s"),
        notes,
        figures,
    )
