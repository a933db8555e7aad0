"""Per provider and act code: lines, quantity and amount billed. The stake is priced from
this small table (providers x codes), never from the claims themselves."""

from __future__ import annotations

import duckdb
import pandas as pd

CODE_STATS_COLUMNS = ("provider_id", "act_code", "lines", "amount")

_SQL = """
SELECT provider_id, act_code, count(*) AS lines, sum(amount_billed) AS amount
FROM claims_v GROUP BY ALL ORDER BY provider_id, act_code
"""


def code_stats(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The table on the claims view ``claims_v`` (see detection.claims_db)."""
    out = con.execute(_SQL).df()
    out["provider_id"] = out["provider_id"].astype(str)
    out["act_code"] = out["act_code"].astype(str)
    out["lines"] = out["lines"].astype("int64")
    out["amount"] = out["amount"].astype("float64")
    return out[list(CODE_STATS_COLUMNS)]
