"""A claims file brought into DuckDB as the relation ``claims_src``, ready to validate.

Parquet: a view over the file with its stored types (scanned where it lies), ``_row`` from
the file's row numbers. CSV: read once, every field as text, into a Parquet file of the
connection's private directory (rows keep their file order, so ``_row`` = line - 2), then
read as a Parquet file; with ``;`` between fields a comma in an amount or a distance is the
decimal separator. The header is checked first
(`detection.schema.header_errors`); a file that cannot be read at all is refused as
`detection.schema.unreadable` words it (the same messages as the pyarrow reader gave).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from detection.claims_checks import quote
from detection.schema import (
    MONEY_COLUMNS,
    ClaimsFormatError,
    csv_as_text,
    file_error,
    header_errors,
    is_parquet,
    split_header,
    unknown_columns,
    unreadable,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    types: dict[str, str]  # format column -> stored DuckDB type
    ignored: list[str]  # columns outside the format, left out
    staged: Path | None  # a CSV's fields, staged as a Parquet file of text


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_source(con: duckdb.DuckDBPyConnection, path: Path, unknown: str) -> Loaded:
    """Create ``claims_src`` over ``path``; `ClaimsFormatError` if it cannot be read or its
    header is wrong."""
    header = _parquet_header(path) if is_parquet(path) else _csv_header(path)[0]
    errors = header_errors(header, unknown)
    if errors:
        raise ClaimsFormatError(errors)
    ignored = unknown_columns(header) if unknown == "ignore" else []
    if ignored:
        logger.warning("ignoring columns outside the claims format: %s", ", ".join(ignored))
    kept = [name for name in header if name not in ignored]
    try:
        staged = None if is_parquet(path) else _csv_stage(con, path, kept)
        _parquet_view(con, staged or path, kept)
        described = con.execute("DESCRIBE claims_src").fetchall()
    except duckdb.Error as exc:
        raise _failure(path, exc) from exc
    types = {str(r[0]): str(r[1]) for r in described if r[0] != "_row"}
    return Loaded(types, ignored, staged)


def _parquet_header(path: Path) -> list[str]:
    try:
        return [str(name) for name in pq.ParquetDataset(path).schema.names]
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(path, exc) from exc


def _csv_header(path: Path) -> tuple[list[str], str]:
    try:
        # a spreadsheet's byte-order mark is dropped
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline().rstrip("\r\n")
        empty = path.stat().st_size == 0
    except (UnicodeDecodeError, OSError) as exc:
        raise unreadable(path, exc) from exc
    if empty:
        raise ClaimsFormatError([file_error("unreadable file: Empty CSV file")])
    return split_header(header)


def _parquet_view(con: duckdb.DuckDBPyConnection, path: Path, kept: list[str]) -> None:
    cols = ", ".join(quote(name) for name in kept)
    con.execute(
        f"CREATE VIEW claims_src AS SELECT file_row_number AS _row, {cols} "
        f"FROM read_parquet({_sql_text(str(path))}, file_row_number = true)"
    )


def _csv_stage(con: duckdb.DuckDBPyConnection, path: Path, kept: list[str]) -> Path:
    """The CSV's format columns, every field as text, written in file order to a Parquet
    file of the connection's private directory (bounded memory; its row numbers are the
    CSV's data lines)."""
    names, delimiter = _csv_header(path)
    fields = {f"c{i}": "VARCHAR" for i in range(len(names))}
    select = []
    for i, name in enumerate(names):
        if name not in kept:
            continue
        field = f"c{i}"
        if delimiter == ";" and name in (*MONEY_COLUMNS, "distance_km"):
            # French spreadsheets write "12,50": with ";" between fields the comma can only
            # be the decimal separator. Exact, nothing rounds; "1.234,50" stays refused.
            field = f"replace({field}, ',', '.')"
        select.append(f"{field} AS {quote(name)}")
    columns = "{" + ", ".join(f"{_sql_text(k)}: 'VARCHAR'" for k in fields) + "}"
    staged = Path(str(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]))
    staged = staged / "claims_text.parquet"
    con.execute(
        f"COPY (SELECT {', '.join(select)} FROM read_csv("
        f"{_sql_text(str(path))}, columns = {columns}, header = false, skip = 1, "
        f"delim = {_sql_text(delimiter)}, quote = '\"', escape = '\"', auto_detect = false)) "
        f"TO {_sql_text(str(staged))} (FORMAT parquet)"
    )
    return staged


def _failure(path: Path, exc: duckdb.Error) -> ClaimsFormatError:
    """A file DuckDB could not read, refused with the words of the pyarrow reader: the
    first line that is not UTF-8, else the first parse error (e.g. a row with a field too
    many), read again in a streaming pass; DuckDB's own first line otherwise."""
    if is_parquet(path):
        return unreadable(path, exc)
    names, delimiter = _csv_header(path)
    try:
        reader = pacsv.open_csv(path, **csv_as_text(names, delimiter))
        for _batch in reader:
            pass
    except (pa.ArrowException, UnicodeDecodeError, OSError) as arrow_exc:
        return unreadable(path, arrow_exc)
    return unreadable(path, exc)
