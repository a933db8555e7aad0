"""Load a claims file into the month-partitioned ``claim`` table: validated, all or nothing.

The file is validated whole first (every error names its line, field and reason). Rows are
then streamed with COPY into a temporary staging table, checked against claim ids already
imported, and moved into the monthly partitions (created on demand), all in one transaction.
A file whose bytes were imported before (same SHA-256 as a ``claims_import`` row) is refused
once, naming that import, rather than once per claim.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Connection, Engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as sql

from detection.schema import (
    MAX_REPORTED_ERRORS,
    MONEY_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ClaimError,
    ClaimsFormatError,
    canonical_text,
    file_error,
    load_checked,
    unreadable,
    validate_claims,
)
from models.claim import PARTITION_PREFIX, Claim
from models.local_time import PARIS

log = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
CHUNK_ROWS = 200_000
HASH_CHUNK = 1 << 20
IMPORT_LOCK = 0x5649_4749  # "VIGI": the advisory lock serialising claims imports
CASTS = {
    "service_date": "date",
    "beneficiary_death_date": "date",
    "hospital_stay_start": "date",
    "hospital_stay_end": "date",
    "quantity": "integer",
    "amount_billed": "numeric(12,2)",
    "amount_reimbursed": "numeric(12,2)",
    "distance_km": "numeric(9,3)",
    "service_time": "time",
    "beneficiary_birth_year": "smallint",
    "beneficiary_chronic": "boolean",
}

#: the longest text each text column of ``claim`` holds (its VARCHAR length)
TEXT_LIMITS: dict[str, int] = {
    c.name: length
    for c in sa_inspect(Claim).columns
    if c.name in COLUMNS and isinstance(length := getattr(c.type, "length", None), int)
}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    import_id: int
    rows: int
    months: list[str]
    first_service_date: date
    last_service_date: date


def _as_copy_text(raw: pd.DataFrame) -> pd.DataFrame:
    """Every column as text (None for empty), in the staging table's column order."""
    out = pd.DataFrame(index=raw.index)
    for name in COLUMNS:
        if name not in raw.columns:
            out[name] = None
            continue
        col = raw[name]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            text = col.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(col.dtype):
            # validated floats are within 1e-6 of a cent: written as that exact cent value
            spec = ".2f" if name in MONEY_COLUMNS else ".0f" if name == "quantity" else "f"
            text = col.map(lambda v, spec=spec: None if pd.isna(v) else format(v, spec))
        else:
            text = col.astype("string")
        out[name] = text.where(text.notna() & (text != ""), None)
    return out


def _partition_ddl(month: date) -> str:
    # the bound after December 9999 is past Python's dates (not Postgres's): written as text
    nxt = f"{month.year + month.month // 12:04d}-{month.month % 12 + 1:02d}-01"
    name = f"{PARTITION_PREFIX}{month:%Y%m}"
    return (
        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF claim "
        f"FOR VALUES FROM ('{month.isoformat()}') TO ('{nxt}')"
    )


def unstorable(raw: pd.DataFrame, first_line: int) -> list[ClaimError]:
    """The values of a file with all its columns that the ``claim`` table cannot hold: a NUL
    character (Postgres text has none), or a text longer than its column as it would be
    stored (professions folded)."""
    stored = canonical_text(raw)
    errors: list[ClaimError] = []
    for name, longest in TEXT_LIMITS.items():
        if name not in raw.columns:
            continue
        text = raw[name].astype("string").fillna("")
        nul = text.str.contains("\x00", regex=False).to_numpy(dtype=bool)
        long = (stored[name].astype("string").fillna("").str.len() > longest).to_numpy(dtype=bool)
        for i in np.flatnonzero(nul | long):
            reason = "contains a NUL character" if nul[i] else f"longer than {longest} characters"
            errors.append(ClaimError(int(i) + first_line, name, reason, str(text.iloc[i])[:60]))
    return errors


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, read in chunks (claims files can be large); a file that
    cannot be read is refused as a `ClaimsFormatError`."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    return digest.hexdigest()


def refuse_if_imported(conn: Connection, digest: str) -> None:
    """Refuse, in one error, a file whose bytes were imported already."""
    row = conn.execute(
        sql("SELECT id, imported_at FROM claims_import WHERE sha256 = :d ORDER BY id LIMIT 1"),
        {"d": digest},
    ).first()
    if row is not None:
        day = row.imported_at.astimezone(PARIS).date()
        raise ClaimsFormatError(
            [file_error(f"this file was imported on {day} as import #{row.id}")]
        )


def import_claims(
    engine: Engine, path: Path, actor: str, progress: Progress | None = None
) -> ImportSummary:
    """Validate and load ``path``; raise ``ClaimsFormatError`` and load nothing on any error."""
    report = progress or (lambda stage, done, total: None)
    digest = file_sha256(path)
    with engine.connect() as conn:  # before validating: a re-import is refused at once
        refuse_if_imported(conn, digest)
    raw, first_line = load_checked(path)
    total = len(raw)
    report("validating", 0, total)
    errors = validate_claims(raw, first_line=first_line)
    if not any(e.line < first_line for e in errors):  # errors in the header come alone
        errors += unstorable(raw, first_line)
    if errors:
        raise ClaimsFormatError(errors[:MAX_REPORTED_ERRORS], total=len(errors))
    if total == 0:
        raise ClaimsFormatError([file_error("no claims in the file")])
    report("validating", total, total)
    copy_text = _as_copy_text(canonical_text(raw))
    copy_text.insert(0, "line_no", (pd.RangeIndex(total) + first_line).astype("string"))

    with engine.begin() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cur = dbapi.cursor()
        # one import at a time: the duplicate check and the insert must see the same table
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
        refuse_if_imported(conn, digest)  # the same file imported meanwhile
        cols = ", ".join(f"{c} text" for c in COLUMNS)
        cur.execute(f"CREATE TEMP TABLE claim_staging (line_no integer, {cols}) ON COMMIT DROP")
        with cur.copy(
            f"COPY claim_staging (line_no, {', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
        ) as copy:
            for start in range(0, total, CHUNK_ROWS):
                chunk = pa.Table.from_pandas(
                    copy_text.iloc[start : start + CHUNK_ROWS], preserve_index=False
                )
                buf = io.BytesIO()
                pacsv.write_csv(chunk, buf, pacsv.WriteOptions(include_header=False))
                copy.write(buf.getvalue())
                report("loading", min(start + CHUNK_ROWS, total), total)
        cur.execute(
            "SELECT s.line_no, s.claim_id FROM claim_staging s "
            "JOIN claim c ON c.claim_id = s.claim_id ORDER BY s.line_no LIMIT 1000"
        )
        clashes = cur.fetchall()
        if clashes:
            cur.execute(
                "SELECT count(*) FROM claim_staging s JOIN claim c ON c.claim_id = s.claim_id"
            )
            counted = cur.fetchone()
            raise ClaimsFormatError(
                [
                    ClaimError(line, "claim_id", f"claim id {cid!r} already imported")
                    for line, cid in clashes
                ],
                total=int(counted[0]) if counted else len(clashes),
            )
        cur.execute(
            "SELECT DISTINCT date_trunc('month', service_date::date)::date, "
            "min(service_date::date) OVER (), max(service_date::date) OVER () FROM claim_staging"
        )
        months_rows = cur.fetchall()
        months = sorted(r[0] for r in months_rows)
        first, last = months_rows[0][1], months_rows[0][2]
        for month in months:
            cur.execute(_partition_ddl(month))
        cur.execute(
            "INSERT INTO claims_import (file_name, sha256, rows, first_service_date, "
            "last_service_date, imported_at, imported_by) VALUES (%s, %s, %s, %s, %s, now(), %s) "
            "RETURNING id",
            (path.name, digest, total, first, last, actor),
        )
        row = cur.fetchone()
        assert row is not None
        import_id = int(row[0])
        select_list = ", ".join(f"{c}::{CASTS[c]}" if c in CASTS else c for c in COLUMNS)
        report("inserting", 0, total)
        cur.execute(
            f"INSERT INTO claim ({', '.join(COLUMNS)}, import_id) "
            f"SELECT {select_list}, %s FROM claim_staging",
            (import_id,),
        )
        report("inserting", total, total)
    log.info("imported %d claims from %s (import %d)", total, path.name, import_id)
    return ImportSummary(import_id, total, [f"{m:%Y-%m}" for m in months], first, last)
