"""Claims file format: columns, a vectorised validator and an all-or-nothing reader.

See docs/claims-format.md. `validate_claims` works on a frame as loaded (strings from CSV,
or typed columns from Parquet) and returns every error with its file line and field;
`read_claims` raises `ClaimsFormatError` if there is any error and returns nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
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

_MONEY_RE = r"\d{1,10}(\.\d{1,2})?"
_KM_RE = r"\d{1,6}(\.\d{1,3})?"
#: an integer, also when written with a zero fraction ("2.0", as float exports write it)
_INT_RE = r"\d{1,6}(\.0+)?"
#: a date, also as a midnight timestamp ("2025-01-06 00:00:00", "2025-01-06T00:00")
_DATE_RE = r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?"
_TIME_RE = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?"


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


class _Collector:
    def __init__(self, first_line: int, limit: int) -> None:
        self.first_line = first_line
        self.limit = limit
        self.errors: list[ClaimError] = []
        self.total = 0

    def add_mask(self, mask: np.ndarray, values: pd.Series, field: str, reason: str) -> None:
        idx = np.flatnonzero(mask)
        self.total += len(idx)
        room = self.limit - len(self.errors)
        for i in idx[: max(room, 0)]:
            self.errors.append(
                ClaimError(int(i) + self.first_line, field, reason, _shown(values.iloc[i]))
            )

    def add(self, error: ClaimError) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)[:60]


def _as_text(col: pd.Series) -> pd.Series:
    """String view of a column; missing values become ''."""
    if pd.api.types.is_float_dtype(col.dtype):
        text = col.map(repr, na_action="ignore")
        return text.astype("str").fillna("")
    return col.astype("str").fillna("").str.strip()


def _empty(text: pd.Series) -> np.ndarray:
    return (text == "").to_numpy(dtype=bool)


def _check_money(col: pd.Series, name: str, out: _Collector) -> None:
    if pd.api.types.is_numeric_dtype(col.dtype):
        x = col.to_numpy(dtype=float, na_value=np.nan)
        out.add_mask(np.isnan(x), col, name, "missing amount")
        out.add_mask(x < 0, col, name, "negative amount")
        cents = x * 100
        out.add_mask(np.abs(cents - np.round(cents)) > 1e-6, col, name, "more than 2 decimals")
        return
    text = _as_text(col)
    empty = _empty(text)
    out.add_mask(empty, text, name, "missing amount")
    negative = text.str.fullmatch(r"-\s*" + _MONEY_RE).to_numpy(dtype=bool)
    out.add_mask(negative, text, name, "negative amount")
    bad = ~empty & ~negative & ~text.str.fullmatch(_MONEY_RE).to_numpy(dtype=bool)
    out.add_mask(bad, text, name, "not a decimal amount with at most 2 decimals")


def _check_date(col: pd.Series, name: str, required: bool, out: _Collector) -> None:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        if required:
            out.add_mask(col.isna().to_numpy(dtype=bool), col, name, "missing date")
        return
    text = _as_text(col)
    empty = _empty(text)
    if required:
        out.add_mask(empty, text, name, "missing date")
    parsed = pd.to_datetime(text.str.slice(0, 10).where(~empty), format="%Y-%m-%d", errors="coerce")
    shape_ok = text.str.fullmatch(_DATE_RE).to_numpy(dtype=bool)
    bad = ~empty & (~shape_ok | parsed.isna().to_numpy(dtype=bool))
    out.add_mask(bad, text, name, "not a valid date (YYYY-MM-DD)")


def _check_pattern(
    col: pd.Series, name: str, pattern: str, reason: str, required: bool, out: _Collector
) -> None:
    text = _as_text(col)
    if pd.api.types.is_integer_dtype(col.dtype):
        text = col.astype("str")
    empty = _empty(text)
    if required:
        out.add_mask(empty, text, name, "missing value")
    bad = ~empty & ~text.str.fullmatch(pattern).to_numpy(dtype=bool)
    out.add_mask(bad, text, name, reason)


def validate_claims(
    df: pd.DataFrame, first_line: int = 2, max_errors: int = MAX_REPORTED_ERRORS
) -> list[ClaimError]:
    """Every format error of a claims frame (vectorised). Empty list means valid.

    `first_line` is the file line of the first data row (2 for a CSV with a header).
    At most `max_errors` errors are returned (the count beyond is logged).
    """
    out = _Collector(first_line, max_errors)
    header = [str(c) for c in df.columns]
    for name in unknown_columns(header):
        out.add(ClaimError(1, name, "unknown column"))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            out.add(ClaimError(1, name, "missing required column"))
    if len(set(header)) != len(header):
        out.add(ClaimError(1, ",".join(header), "duplicated column name"))
    if out.total:
        return out.errors

    for name in ID_COLUMNS:
        text = _as_text(df[name])
        out.add_mask(_empty(text), text, name, "missing value")
    _check_pattern(df["quantity"], "quantity", _INT_RE, "not a positive integer", True, out)
    qty_zero = _as_text(df["quantity"]).str.fullmatch(r"0+(\.0+)?").to_numpy(dtype=bool)
    out.add_mask(qty_zero, df["quantity"], "quantity", "quantity must be at least 1")
    for name in MONEY_COLUMNS:
        _check_money(df[name], name, out)
    for name in DATE_COLUMNS:
        if name in df.columns:
            _check_date(df[name], name, name == "service_date", out)
    if "distance_km" in df.columns:
        _check_pattern(
            df["distance_km"], "distance_km", _KM_RE, "not a non-negative number", False, out
        )
    if "service_time" in df.columns:
        _check_pattern(df["service_time"], "service_time", _TIME_RE, "not a time HH:MM", False, out)
    _check_duplicates(df, out)
    _check_consistency(df, out)
    if out.total > len(out.errors):
        logger.info("claims validation: %d errors, %d reported", out.total, len(out.errors))
    return out.errors


def _check_duplicates(df: pd.DataFrame, out: _Collector) -> None:
    ids = _as_text(df["claim_id"])
    dup = ids.duplicated(keep="first").to_numpy(dtype=bool)
    if not dup.any():
        return
    first_pos = pd.Series(np.arange(len(ids)), index=pd.Index(ids)).groupby(level=0).min()
    for i in np.flatnonzero(dup)[: max(out.limit - len(out.errors), 0)]:
        first = int(first_pos[ids.iloc[i]]) + out.first_line
        out.errors.append(
            ClaimError(
                int(i) + out.first_line,
                "claim_id",
                f"duplicated claim_id, first seen at line {first}",
                str(ids.iloc[i]),
            )
        )
    out.total += int(dup.sum())


def _check_consistency(df: pd.DataFrame, out: _Collector) -> None:
    """Cross-field rules, checked only where both fields parse."""
    billed = pd.to_numeric(_as_text(df["amount_billed"]), errors="coerce").to_numpy()
    reimbursed = pd.to_numeric(_as_text(df["amount_reimbursed"]), errors="coerce").to_numpy()
    with np.errstate(invalid="ignore"):
        over = (reimbursed > billed + 1e-9) & (billed >= 0) & (reimbursed >= 0)
    out.add_mask(
        over, df["amount_reimbursed"], "amount_reimbursed", "reimbursed exceeds billed amount"
    )
    if "hospital_stay_start" in df.columns and "hospital_stay_end" in df.columns:
        start = _to_dates(df["hospital_stay_start"])
        end = _to_dates(df["hospital_stay_end"])
        one_sided = (start.isna() != end.isna()).to_numpy(dtype=bool)
        out.add_mask(
            one_sided,
            df["hospital_stay_end"],
            "hospital_stay_end",
            "stay start and end go together",
        )
        out.add_mask(
            (end < start).to_numpy(dtype=bool),
            df["hospital_stay_end"],
            "hospital_stay_end",
            "stay ends before it starts",
        )


def _to_dates(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    text = _as_text(col)
    return pd.to_datetime(
        text.str.slice(0, 10).where(text != ""), format="%Y-%m-%d", errors="coerce"
    )


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


def coerce_claims(df: pd.DataFrame, money: Literal["float", "decimal"] = "float") -> pd.DataFrame:
    """Typed frame from a *validated* one: dates as datetime64, quantity int64, money as
    float euros (analytics) or exact `Decimal` objects (`money="decimal"`, for imports)."""
    df = canonical_text(df)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for name in ID_COLUMNS:
        out[name] = _as_text(df[name])
    out["service_date"] = _to_dates(df["service_date"]).astype("datetime64[s]")
    out["quantity"] = pd.to_numeric(_as_text(df["quantity"])).astype("int64")
    for name in MONEY_COLUMNS:
        euros = pd.to_numeric(_as_text(df[name])).astype("float64")
        if money == "decimal":
            cents = np.round(euros.to_numpy() * 100).astype(np.int64)
            out[name] = pd.Series([Decimal(int(c)).scaleb(-2) for c in cents], dtype=object)
        else:
            out[name] = np.round(euros, 2)
    for name in OPTIONAL_COLUMNS:
        if name not in df.columns:
            continue
        if name in DATE_COLUMNS:
            out[name] = _to_dates(df[name]).astype("datetime64[s]")
        elif name == "distance_km":
            out[name] = pd.to_numeric(_as_text(df[name]).replace("", None)).astype("float64")
        else:
            out[name] = _as_text(df[name])
    return out


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
    line = None if path.suffix.lower() in (".parquet", ".pq") else first_non_utf8_line(path)
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
    if path.suffix.lower() in (".parquet", ".pq"):
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
    delimiter = sniff_delimiter(header)
    names = [h.strip().strip('"') for h in header.split(delimiter)]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )
    frame = table.to_pandas()
    if delimiter == ";":
        # French spreadsheets write "12,50": with ";" between fields the comma can only be
        # the decimal separator. Exact, nothing rounds; "1.234,50" stays refused.
        for name in (*MONEY_COLUMNS, "distance_km"):
            if names.count(name) == 1:  # a repeated column is refused as such by validation
                frame[name] = frame[name].str.replace(",", ".", regex=False)
    return frame, 2


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


def read_claims(
    path: str | Path,
    money: Literal["float", "decimal"] = "float",
    unknown: Literal["refuse", "ignore"] = "refuse",
) -> pd.DataFrame:
    """Read and validate a claims file (CSV or Parquet); all or nothing.

    Raises `ClaimsFormatError` listing line, field and reason of each error. With
    ``unknown="ignore"`` (scoring an extract that carries extra columns), columns outside the
    format are dropped before validation and named in ``frame.attrs["ignored_columns"]``;
    imports keep the default and refuse them."""
    raw, first_line = load_checked(path)
    ignored = unknown_columns(list(raw.columns)) if unknown == "ignore" else []
    if ignored:
        logger.warning("ignoring columns outside the claims format: %s", ", ".join(ignored))
        raw = raw.drop(columns=ignored)
    errors = validate_claims(raw, first_line=first_line)
    if errors:
        raise ClaimsFormatError(errors)
    frame = coerce_claims(raw, money=money)
    frame.attrs["ignored_columns"] = ignored
    return frame
