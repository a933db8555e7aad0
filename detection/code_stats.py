"""Per provider and act code: lines, quantity and amount billed. The stake is priced from
this small table (providers x codes), never from the claims themselves."""

from __future__ import annotations

import duckdb
import pandas as pd

CODE_STATS_COLUMNS = ("provider_id", "act_code", "lines", "amount")

_SQL = """
SELECT provider_id, act_code, count(*) AS lines, sum(amount_billed) AS amount
FROM {view} GROUP BY ALL ORDER BY provider_id, act_code
"""


def code_stats(con: duckdb.DuckDBPyConnection, view: str = "claims_v") -> pd.DataFrame:
    """The table on a DuckDB view of validated claims (see detection.claims_db)."""
    out = con.execute(_SQL.format(view=view)).df()
    out["provider_id"] = out["provider_id"].astype(str)
    out["act_code"] = out["act_code"].astype(str)
    out["lines"] = out["lines"].astype("int64")
    out["amount"] = out["amount"].astype("float64")
    return out[list(CODE_STATS_COLUMNS)]


def code_stats_of_frame(claims: pd.DataFrame) -> pd.DataFrame:
    """The same table from a claims frame."""
    con = duckdb.connect()
    try:
        con.register("claims_frame", claims[["provider_id", "act_code", "amount_billed"]])
        return code_stats(con, "claims_frame")
    finally:
        con.close()
