"""The claims as a DuckDB view, ``claims_v``: read and validated in DuckDB, never as a
whole-file pandas frame.

``open_claims(source)`` takes a claims file (CSV or Parquet, validated here: all or
nothing, `ClaimsFormatError` as `detection.schema.read_claims` raises it) or a frame already
validated, and returns a DuckDB connection holding the view ``claims_v``. The caller closes
it (or uses ``claims_connection``). Contract of ``claims_v`` — one row per claim line:

=========================================================  ==============  ====================
column                                                     type            note
=========================================================  ==============  ====================
claim_id, provider_id, region, beneficiary_id, act_code    VARCHAR         trimmed
profession                                                 VARCHAR         canonical (nurse...)
service_date                                               DATE
quantity                                                   BIGINT          >= 1
amount_billed, amount_reimbursed                           DECIMAL(18,2)   exact euros
prescriber_id, service_time                                VARCHAR         NULL when empty
beneficiary_death_date, hospital_stay_start/_end           DATE            NULL when unknown
distance_km                                                DOUBLE
beneficiary_birth_year                                     INTEGER
beneficiary_chronic                                        BOOLEAN
_row                                                       BIGINT          0-based record number
                                                                           (file line - 2)
_care_minutes                                              DOUBLE          standard minutes x
                                                                           quantity (0: unknown)
_expensive                                                 BOOLEAN         catalogue flag, NULL
                                                                           for unknown codes
=========================================================  ==============  ====================

Optional columns absent from the file are typed NULLs, so SQL never needs to ask whether a
column exists; ``claims_columns(con)`` names those the file had. ``_care_minutes`` and
``_expensive`` come from joining ``act_lookup`` (one row per distinct profession x act code
as written, see `detection.care_time`). A Parquet file is scanned where it lies on every
query; a CSV file is loaded once into a compressed in-memory table. DuckDB works within
``memory_limit`` (``VIGIE_DUCKDB_MEMORY_LIMIT``, default 2GB) and spills to a private
directory under ``VIGIE_DUCKDB_TEMP_DIR`` (default: the system temp directory).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import numpy as np
import pandas as pd

from detection.care_time import act_lookup
from detection.claims_checks import kind, quote, stripped
from detection.claims_load import load_source
from detection.claims_validation import Outcome, check
from detection.schema import (
    ID_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ClaimsFormatError,
)

logger = logging.getLogger(__name__)

FORMAT_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
VIEW = "claims_v"
DEFAULT_MEMORY_LIMIT = "2GB"
_SQL_TYPES = {
    "service_date": "DATE",
    "beneficiary_death_date": "DATE",
    "hospital_stay_start": "DATE",
    "hospital_stay_end": "DATE",
    "quantity": "BIGINT",
    "amount_billed": "DECIMAL(18,2)",
    "amount_reimbursed": "DECIMAL(18,2)",
    "distance_km": "DOUBLE",
    "beneficiary_birth_year": "INTEGER",
    "beneficiary_chronic": "BOOLEAN",
}
ClaimsSource: TypeAlias = str | Path | pd.DataFrame


def connect(
    memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection bounded in memory, using every core, spilling to a private
    directory (which also holds a CSV's claims converted to Parquet) removed once the
    connection is closed and dropped, or at exit."""
    limit = memory_limit or os.environ.get("VIGIE_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
    root = temp_directory or os.environ.get("VIGIE_DUCKDB_TEMP_DIR") or tempfile.gettempdir()
    Path(root).mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="vigie-duckdb-", dir=root)
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": limit,
        "temp_directory": workdir,
        "threads": threads or os.cpu_count() or 1,
        "preserve_insertion_order": True,  # a CSV's rows keep their file order (line numbers)
    }
    try:
        con = duckdb.connect(":memory:", config=config)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    weakref.finalize(con, shutil.rmtree, workdir, ignore_errors=True)
    con.execute("SET enable_progress_bar = false")
    return con


def workdir(con: duckdb.DuckDBPyConnection) -> Path:
    """The connection's private directory (see `connect`)."""
    return Path(str(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]))


def open_claims(
    source: ClaimsSource,
    unknown: str = "refuse",
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection holding ``claims_v`` over ``source``: a claims file, validated here (any
    error raises `ClaimsFormatError` and returns nothing; ``unknown="ignore"`` leaves out the
    columns outside the format instead of refusing them), or a validated frame."""
    con = connect(memory_limit, temp_directory, threads)
    try:
        frame = isinstance(source, pd.DataFrame)
        if isinstance(source, pd.DataFrame):
            types = _register_frame(con, source)
            spaced: frozenset[str] = frozenset()
            rows, ignored = len(source), []
        else:
            loaded = load_source(con, Path(source), unknown)
            types, ignored = loaded.types, loaded.ignored
            outcome = check(con, "claims_src", types)
            if outcome.errors or outcome.total:
                raise ClaimsFormatError(outcome.errors, total=outcome.total)
            spaced, rows = outcome.spaced, outcome.rows
        _create_view(con, types, spaced, None if frame else loaded.staged)
        _set_variable(con, "claims_rows", str(int(rows)))
        _set_variable(con, "claims_columns", _list_literal(list(types)))
        _set_variable(con, "claims_ignored_columns", _list_literal(ignored))
    except BaseException:
        con.close()
        raise
    return con


def check_frame(frame: pd.DataFrame, first_line: int, limit: int) -> Outcome:
    """The format errors of a frame as loaded (see `detection.schema.validate_claims`)."""
    con = connect()
    try:
        types = _register_frame(con, frame)
        return check(con, "claims_src", types, first_line, limit)
    finally:
        con.close()


@contextmanager
def claims_connection(
    claims: ClaimsSource | duckdb.DuckDBPyConnection,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection holding ``claims_v``: the one given, or one opened (and closed after)
    on a file or a frame."""
    if isinstance(claims, duckdb.DuckDBPyConnection):
        yield claims
        return
    con = open_claims(claims)
    try:
        yield con
    finally:
        con.close()


def claims_rows(con: duckdb.DuckDBPyConnection) -> int:
    return int(_variable(con, "claims_rows"))


def claims_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The format columns the source had (the others are NULL in ``claims_v``)."""
    return list(_variable(con, "claims_columns"))


def ignored_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Columns of the file outside the format, left out (``unknown="ignore"``)."""
    return list(_variable(con, "claims_ignored_columns"))


def to_frame(con: duckdb.DuckDBPyConnection, money: str = "float") -> pd.DataFrame:
    """The claims as a pandas frame in file order, with the columns the file had: text
    (missing optional text as ''), dates as datetime64[s], quantity int64, money as float
    euros or exact `Decimal` objects (``money="decimal"``)."""
    exprs = []
    for name in (c for c in FORMAT_COLUMNS if c in claims_columns(con)):
        target = _SQL_TYPES.get(name, "VARCHAR")
        col = quote(name)
        if target == "DATE":
            col = f"CAST({col} AS TIMESTAMP)"
        elif target == "VARCHAR":
            col = f"coalesce({col}, '')"
        elif target.startswith("DECIMAL") and money != "decimal":
            col = f"CAST({col} AS DOUBLE)"
        exprs.append(f"{col} AS {quote(name)}")
    table = con.sql(f"SELECT {', '.join(exprs)} FROM {VIEW} ORDER BY _row").to_arrow_table()
    frame = table.to_pandas()
    for name in frame.columns:
        target = _SQL_TYPES.get(name, "VARCHAR")
        if target == "DATE":
            frame[name] = frame[name].astype("datetime64[s]")
        elif target == "INTEGER":
            frame[name] = frame[name].astype("Int64")
        elif target == "BOOLEAN":
            frame[name] = frame[name].astype("boolean")
        elif target == "VARCHAR":
            frame[name] = frame[name].astype("str")
    return frame


def _register_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> dict[str, str]:
    known = [c for c in frame.columns if str(c) in FORMAT_COLUMNS]
    view = frame[known].assign(_row=np.arange(len(frame), dtype=np.int64))
    con.register("claims_frame", view)
    con.execute("CREATE VIEW claims_src AS SELECT * FROM claims_frame")
    described = con.execute("DESCRIBE claims_src").fetchall()
    return {str(r[0]): str(r[1]) for r in described if r[0] != "_row"}


def _typed(name: str, types: dict[str, str], spaced: frozenset[str]) -> str:
    """SQL of a ``claims_v`` column from the stored one (validated, so casts succeed)."""
    target = _SQL_TYPES.get(name, "VARCHAR")
    if name not in types:
        return f"CAST(NULL AS {target}) AS {quote(name)}"
    col, k = quote(name), kind(types[name])
    text = col if k == "text" else f"CAST({col} AS VARCHAR)"
    text = stripped(text) if name in spaced else text
    if target == "VARCHAR":
        expr = text if name in ID_COLUMNS else f"nullif({text}, '')"
    elif target == "DATE":
        expr = (
            f"CAST({col} AS DATE)"
            if k == "date"
            else f"CAST(nullif(substr({text}, 1, 10), '') AS DATE)"
        )
    elif target == "BOOLEAN" and k != "bool":
        expr = (
            f"CASE WHEN lower({text}) = 'true' OR TRY_CAST({text} AS DOUBLE) = 1 THEN true "
            f"WHEN nullif({text}, '') IS NOT NULL THEN false END"
        )
    elif target.startswith("DECIMAL") and k == "float":
        expr = f"CAST(round({col}, 2) AS {target})"
    elif target in ("BIGINT", "INTEGER") and k in ("text", "decimal"):
        expr = f"CAST(CAST(nullif({text}, '') AS DOUBLE) AS {target})"
    else:
        expr = (
            f"CAST(nullif({text}, '') AS {target})" if k == "text" else f"CAST({col} AS {target})"
        )
    return f"{expr} AS {quote(name)}"


def _create_view(
    con: duckdb.DuckDBPyConnection,
    types: dict[str, str],
    spaced: frozenset[str],
    staged: Path | None,
) -> None:
    select = ", ".join([*(_typed(n, types, spaced) for n in FORMAT_COLUMNS), "_row"])
    if staged is not None:  # a CSV's text, staged as Parquet: converted once, then dropped
        typed = workdir(con) / "claims.parquet"
        con.execute(f"COPY (SELECT {select} FROM claims_src) TO '{typed}' (FORMAT parquet)")
        con.execute("DROP VIEW claims_src")
        staged.unlink(missing_ok=True)
        con.execute(f"CREATE VIEW claims_t AS SELECT * FROM read_parquet('{typed}')")
    else:
        con.execute(f"CREATE VIEW claims_t AS SELECT {select} FROM claims_src")
    pairs = con.execute("SELECT DISTINCT profession, act_code FROM claims_t").df()
    con.register("act_lookup_frame", act_lookup(pairs))
    con.execute("CREATE TABLE act_lookup AS SELECT * FROM act_lookup_frame")
    con.unregister("act_lookup_frame")
    con.execute(
        f"CREATE VIEW {VIEW} AS SELECT t.* REPLACE (coalesce(l.profession, t.profession) "
        "AS profession), t.quantity * coalesce(l.minutes, 0.0) AS _care_minutes, "
        "l.expensive AS _expensive FROM claims_t t LEFT JOIN act_lookup l "
        "ON l.src_profession = t.profession AND l.act_code = t.act_code"
    )


def _list_literal(values: list[str]) -> str:
    quoted = ["'" + v.replace("'", "''") + "'" for v in values]
    return f"CAST([{', '.join(quoted)}] AS VARCHAR[])"


def _set_variable(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    con.execute(f"SET VARIABLE {name} = {sql}")


def _variable(con: duckdb.DuckDBPyConnection, name: str) -> Any:
    row = con.execute(f"SELECT getvariable('{name}')").fetchall()[0]
    if row is None or row[0] is None:
        raise ValueError(f"not a claims connection (no {name}): open it with open_claims")
    return row[0]
