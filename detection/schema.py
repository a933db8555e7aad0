"""Claims file format: columns, errors, and the all-or-nothing reader.

See docs/claims-format.md. The rules run in DuckDB (`detection.claims_checks`) on the file
where it lies (`detection.claims_db.open_claims`, which the scoring CLI uses without ever
building a pandas frame); `read_claims` returns the validated claims as a pandas frame and
`validate_claims` checks a frame already loaded. Both report every error with its file line
and field, and `read_claims` raises `ClaimsFormatError` on any error and returns nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from detection.professions import canonical_professions

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "provider_id",
    "profession",
    "region",
    "beneficiary_id",
    "act_code",
    "service_date",
    "quantity",
    "amount_billed",
    "amount_reimbursed",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "prescriber_id",
    "beneficiary_death_date",
    "hospital_stay_start",
    "hospital_stay_end",
    "distance_km",
    "service_time",
    "beneficiary_birth_year",
    "beneficiary_chronic",
)
ID_COLUMNS = ("claim_id", "provider_id", "profession", "region", "beneficiary_id", "act_code")
DATE_COLUMNS = (
    "service_date",
    "beneficiary_death_date",
    "hospital_stay_start",
    "hospital_stay_end",
)
MONEY_COLUMNS = ("amount_billed", "amount_reimbursed")
MAX_REPORTED_ERRORS = 1000
#: the `line` of an error about the file as a whole (shown without a line number)
WHOLE_FILE = 0
NOT_UTF8 = "not UTF-8: re-save it as UTF-8 (CSV UTF-8 in a spreadsheet)"


@dataclass(frozen=True)
class ClaimError:
    """One problem in a claims file. `line` is the physical CSV line (header = 1);
    for Parquet it is the 1-based record number plus one, so both read the same way.
    `WHOLE_FILE` (0) and an empty `field` mark an error about the file itself: its text
    names no line, or no field."""

    line: int
    field: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line != WHOLE_FILE else []
        where += [f"field {self.field}"] if self.field else []
        shown = f" (value {self.value!r})" if self.value else ""
        prefix = f"{', '.join(where)}: " if where else ""
        return f"{prefix}{self.reason}{shown}"


def file_error(reason: str, line: int = WHOLE_FILE) -> ClaimError:
    """An error about the file itself (not one claim's field), at ``line`` if it has one."""
    return ClaimError(line, "", reason)


class ClaimsFormatError(ValueError):
    """The claims file is refused as a whole; `errors` lists what is wrong."""

    def __init__(self, errors: list[ClaimError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        head = "; ".join(str(e) for e in errors[:20])
        more = f" (+{self.total - 20} more)" if self.total > 20 else ""
        super().__init__(f"claims file refused, {self.total} error(s): {head}{more}")


def _as_text(col: pd.Series) -> pd.Series:
    """String view of a column; missing values become ''."""
    if pd.api.types.is_float_dtype(col.dtype):
        text = col.map(repr, na_action="ignore")
        return text.astype("str").fillna("")
    return col.astype("str").fillna("").str.strip()


def header_errors(header: list[str], unknown: str = "refuse") -> list[ClaimError]:
    """The errors of a header (line 1): columns outside the format (unless ``unknown`` is
    "ignore"), required columns missing, a column named twice."""
    ignored = unknown_columns(header)
    errors = [] if unknown == "ignore" else [ClaimError(1, n, "unknown column") for n in ignored]
    kept = [name for name in header if unknown != "ignore" or name not in ignored]
    for name in REQUIRED_COLUMNS:
        if name not in kept:
            errors.append(ClaimError(1, name, "missing required column"))
    if len(set(kept)) != len(kept):
        errors.append(ClaimError(1, ",".join(kept), "duplicated column name"))
    return errors


def validate_claims(
    df: pd.DataFrame, first_line: int = 2, max_errors: int = MAX_REPORTED_ERRORS
) -> list[ClaimError]:
    """Every format error of a claims frame, checked in DuckDB (the same rules as
    `read_claims`). Empty list means valid.

    `first_line` is the file line of the first data row (2 for a CSV with a header).
    At most `max_errors` errors are returned (the count beyond is logged).
    """
    from detection.claims_db import check_frame  # the SQL rules need the format first

    errors = header_errors([str(c) for c in df.columns])
    if errors:
        return errors[:max_errors]
    return check_frame(df, first_line, max_errors).errors


def canonical_text(df: pd.DataFrame) -> pd.DataFrame:
    """A *validated* frame with the spellings the format tolerates made canonical: integer
    quantities without their zero fraction ("2.0" -> "2"), dates without their midnight time,
    professions mapped to the known values. Typed (Parquet) columns are left as they are."""
    out = df.copy(deep=False)  # columns are replaced, never modified in place
    out["profession"] = canonical_professions(_as_text(out["profession"]))
    if _is_text(out["quantity"]):
        out["quantity"] = _as_text(out["quantity"]).str.replace(r"\.0+$", "", regex=True)
    for name in DATE_COLUMNS:
        if name in out.columns and _is_text(out[name]):
            out[name] = _as_text(out[name]).str.slice(0, 10)
    return out


def _is_text(col: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(col.dtype)
    )


def first_non_utf8_line(path: str | Path) -> int | None:
    """The line (first = 1) holding the file's first byte that is not UTF-8, if any. Lines
    are split on the newline byte, which never occurs inside a UTF-8 character."""
    with Path(path).open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def unreadable(path: str | Path, exc: BaseException) -> ClaimsFormatError:
    """The refusal of a file that cannot be read at all: not UTF-8 (with the line of the
    first bad byte), missing, or not a CSV/Parquet file."""
    path = Path(path)
    if isinstance(exc, FileNotFoundError):
        return ClaimsFormatError([file_error(f"no such file: {path}")])
    if isinstance(exc, OSError):
        return ClaimsFormatError([file_error(f"cannot read the file: {exc.strerror or exc}")])
    line = None if is_parquet(path) else first_non_utf8_line(path)
    if line is not None:
        return ClaimsFormatError([file_error(NOT_UTF8, line)])
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return ClaimsFormatError([file_error(f"unreadable file: {first}")])


def load_checked(path: str | Path) -> tuple[pd.DataFrame, int]:
    """`load_raw`, with a file that cannot be read refused as a `ClaimsFormatError`."""
    try:
        return load_raw(path)
    except (pa.ArrowException, UnicodeDecodeError, OSError) as exc:
        raise unreadable(path, exc) from exc


def load_raw(path: str | Path) -> tuple[pd.DataFrame, int]:
    """Load without interpretation: CSV as strings, Parquet as stored. Returns (frame,
    file line of the first data row)."""
    path = Path(path)
    if is_parquet(path):
        table = pq.read_table(path)
        cols = {}
        for name, column in zip(table.column_names, table.columns, strict=True):
            if pa.types.is_decimal(column.type):
                column = column.cast(pa.string())
            elif pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
                column = column.cast(pa.timestamp("s"))
            cols[name] = column
        return pa.table(cols).to_pandas(), 2
    with path.open(encoding="utf-8-sig") as fh:  # a spreadsheet's byte-order mark is dropped
        header = fh.readline().rstrip("\r\n")
    names, delimiter = split_header(header)
    table = pacsv.read_csv(path, **csv_as_text(names, delimiter))
    frame = table.to_pandas()
    if delimiter == ";":
        # French spreadsheets write "12,50": with ";" between fields the comma can only be
        # the decimal separator. Exact, nothing rounds; "1.234,50" stays refused.
        for name in (*MONEY_COLUMNS, "distance_km"):
            if names.count(name) == 1:  # a repeated column is refused as such by validation
                frame[name] = frame[name].str.replace(",", ".", regex=False)
    return frame, 2


def split_header(header: str) -> tuple[list[str], str]:
    """A CSV header line's column names (unquoted, trimmed) and its delimiter."""
    delimiter = sniff_delimiter(header)
    return [h.strip().strip('"') for h in header.split(delimiter)], delimiter


def csv_as_text(names: list[str], delimiter: str) -> dict[str, Any]:
    """pyarrow CSV options reading every column as text, empty cells as empty strings."""
    return {
        "read_options": pacsv.ReadOptions(column_names=names, skip_rows=1),
        "parse_options": pacsv.ParseOptions(delimiter=delimiter),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    }


def sniff_delimiter(header: str) -> str:
    """The field separator of a CSV header line: ",", ";" or a tab, whichever splits it the
    most (",", the documented one, when none does)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def unknown_columns(columns: list[str]) -> list[str]:
    """Columns that are in neither the required nor the optional list."""
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    return [str(c) for c in columns if str(c) not in known]


def is_parquet(path: str | Path) -> bool:
    """Parquet is chosen by the file's extension (.parquet or .pq); anything else is CSV."""
    return Path(path).suffix.lower() in (".parquet", ".pq")


def read_claims(
    path: str | Path,
    money: Literal["float", "decimal"] = "float",
    unknown: Literal["refuse", "ignore"] = "refuse",
) -> pd.DataFrame:
    """Read and validate a claims file (CSV or Parquet) in DuckDB; all or nothing.

    Raises `ClaimsFormatError` listing line, field and reason of each error (the first
    `MAX_REPORTED_ERRORS`, with the total count). Money is float euros, or exact `Decimal`
    objects with ``money="decimal"``; dates are datetime64[s]; the optional columns the file
    lacks are absent. With ``unknown="ignore"`` (scoring an extract that carries extra
    columns), columns outside the format are left out and named in
    ``frame.attrs["ignored_columns"]``; imports keep the default and refuse them."""
    from detection.claims_db import ignored_columns, open_claims, to_frame

    con = open_claims(path, unknown=unknown)
    try:
        frame = to_frame(con, money=money)
        frame.attrs["ignored_columns"] = ignored_columns(con)
    finally:
        con.close()
    return frame
