"""The claims format rules (docs/claims-format.md) as SQL over a DuckDB relation.

The relation holds the file's format columns as loaded (CSV: text; Parquet or a frame:
their stored types) and ``_row``, the 0-based record number. Each `Rule` is a condition on
the value as the rules read it (``t(name)``: text without surrounding whitespace, '' when
missing) or as stored; `detection.claims_validation` runs them.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from detection.schema import DATE_COLUMNS, ID_COLUMNS, MONEY_COLUMNS

logger = logging.getLogger(__name__)

_MONEY_RE = r"\d{1,10}(\.\d{1,2})?"
_KM_RE = r"\d{1,6}(\.\d{1,3})?"
#: an integer, also when written with a zero fraction ("2.0", as float exports write it)
_INT_RE = r"\d{1,6}(\.0+)?"
#: a date, also as a midnight timestamp ("2025-01-06 00:00:00", "2025-01-06T00:00")
_DATE_RE = r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?"
_TIME_RE = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?"
_YEAR_RE = r"\d{4}(\.0+)?"
_BOOLEAN_RE = r"(?i)(true|false|[01](\.0+)?)"
FIRST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Rule:
    field: str
    reason: str
    bad: str  # SQL condition over the checked texts (see `_texts_sql`)
    shown: str  # SQL expression of the value quoted in the error


def kind(sql_type: str) -> str:
    """How a stored DuckDB type is checked: text, int, float, decimal, date or bool."""
    base = sql_type.split("(")[0].strip().upper()
    if base in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    if base.endswith("INT") or base in ("INTEGER", "UINTEGER"):
        return "int"
    if base == "DECIMAL":
        return "decimal"
    if base == "DATE" or base.startswith("TIMESTAMP"):
        return "date"
    if base == "BOOLEAN":
        return "bool"
    return "text"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _whitespace_class() -> str:
    """The characters Python's str.strip() removes, as an RE2 character class."""
    points = [c for c in range(0x3001) if chr(c).isspace()]
    return "[" + "".join(f"\\x{{{c:x}}}" for c in points) + "]"


SPACE = _whitespace_class()


def stripped(expr: str) -> str:
    """SQL of a text without its surrounding whitespace (as str.strip() does)."""
    return f"regexp_replace({expr}, '^{SPACE}+|{SPACE}+$', '', 'g')"


def maybe_spaced(name: str) -> str:
    """A cheap SQL test true for every value that starts or ends with whitespace (and for
    some others: any text with a character outside ASCII, whose last byte is not its last
    character). Only the columns where it holds are checked exactly (`spaced_columns`)."""
    x = f"CAST({quote(name)} AS VARCHAR)"
    return (
        f"({x} <> '' AND (ascii({x}) <= 32 OR ascii({x}) >= 127 "
        f"OR ascii(substr({x}, strlen({x}))) <= 32))"
    )


def text_expr(name: str, sql_type: str, spaced: frozenset[str] = frozenset()) -> str:
    """The value as the rules read it: text without surrounding whitespace, '' when
    missing."""
    col = quote(name)
    k = kind(sql_type)
    if k == "text":
        text = f"CAST({col} AS VARCHAR)"
        return f"coalesce({stripped(text) if name in spaced else text}, '')"
    if k == "float":
        return f"CASE WHEN isnan({col}) THEN '' ELSE coalesce(CAST({col} AS VARCHAR), '') END"
    return f"coalesce(CAST({col} AS VARCHAR), '')"


def raw_expr(name: str, sql_type: str) -> str:
    """The value as stored, for quoting (dates as timestamps, as the Parquet reader did)."""
    col = quote(name)
    if kind(sql_type) == "date":
        return f"coalesce(CAST(CAST({col} AS TIMESTAMP) AS VARCHAR), '')"
    if kind(sql_type) == "float":
        return f"CASE WHEN isnan({col}) THEN '' ELSE coalesce(CAST({col} AS VARCHAR), '') END"
    return f"coalesce(CAST({col} AS VARCHAR), '')"


def t(name: str) -> str:
    return quote(f"t:{name}")


def _full(name: str, pattern: str) -> str:
    return f"regexp_full_match({t(name)}, '{pattern}')"


def _date_value(name: str, types: dict[str, str]) -> str:
    """The date a column holds, NULL when missing or not a date (first 10 characters)."""
    if kind(types[name]) == "date":
        return f"CAST({quote(name)} AS DATE)"
    return f"try_strptime(nullif(substr({t(name)}, 1, 10), ''), '%Y-%m-%d')"


def _scale(sql_type: str) -> int:
    """The number of decimals of a DECIMAL(p,s) type."""
    return int(sql_type.split(",")[1].rstrip(") ")) if "," in sql_type else 0


def _number(name: str, types: dict[str, str]) -> str:
    if kind(types[name]) in ("int", "float", "bool", "decimal"):
        return f"CAST({quote(name)} AS DOUBLE)"
    return f"TRY_CAST({t(name)} AS DOUBLE)"


def _pattern(name: str, pattern: str, reason: str, required: bool) -> list[Rule]:
    rules = [Rule(name, "missing value", f"{t(name)} = ''", t(name))] if required else []
    return [*rules, Rule(name, reason, f"{t(name)} <> '' AND NOT {_full(name, pattern)}", t(name))]


def _bounded(name: str, sql_type: str, digits: int, decimals: int, reason: str) -> Rule:
    """`_pattern` for a number stored as an integer or a DECIMAL, whose text is its digits
    with exactly the type's decimals: the same verdict as the pattern
    ``\\d{1,digits}(\\.\\d{1,decimals})?``, without writing the number out."""
    col = quote(name)
    too_precise = "true" if _scale(sql_type) > decimals else "false"
    bad = f"{col} IS NOT NULL AND ({col} < 0 OR {col} >= 1e{digits} OR {too_precise})"
    return Rule(name, reason, bad, t(name))


def _stored_number(sql_type: str) -> bool:
    return kind(sql_type) in ("int", "decimal")


def _money(name: str, types: dict[str, str]) -> list[Rule]:
    raw = quote(f"r:{name}")
    if kind(types[name]) in ("int", "float", "bool"):
        x = f"CAST({quote(name)} AS DOUBLE)"
        return [
            Rule(name, "missing amount", f"({x} IS NULL OR isnan({x}))", raw),
            Rule(name, "negative amount", f"{x} < 0", raw),
            Rule(name, "more than 2 decimals", f"abs({x} * 100 - round({x} * 100)) > 1e-6", raw),
        ]
    if kind(types[name]) == "decimal":
        x, exact = quote(name), _scale(types[name]) <= 2
        negative = f"{x} < 0 AND {x} > -1e10" if exact else "false"
        return [
            Rule(name, "missing amount", f"{x} IS NULL", t(name)),
            Rule(name, "negative amount", negative, t(name)),
            Rule(
                name,
                "not a decimal amount with at most 2 decimals",
                f"{x} IS NOT NULL AND NOT ({negative}) AND ({x} >= 1e10 OR {x} <= -1e10 "
                f"OR {'false' if exact else 'true'})",
                t(name),
            ),
        ]
    negative = f"regexp_full_match({t(name)}, '-\\s*{_MONEY_RE}')"
    return [
        Rule(name, "missing amount", f"{t(name)} = ''", t(name)),
        Rule(name, "negative amount", negative, t(name)),
        Rule(
            name,
            "not a decimal amount with at most 2 decimals",
            f"{t(name)} <> '' AND NOT {negative} AND NOT {_full(name, _MONEY_RE)}",
            t(name),
        ),
    ]


def _date(name: str, types: dict[str, str]) -> list[Rule]:
    required = name == "service_date"
    if kind(types[name]) == "date":
        missing = f"{quote(name)} IS NULL"
        return [Rule(name, "missing date", missing, quote(f"r:{name}"))] if required else []
    rules = [Rule(name, "missing date", f"{t(name)} = ''", t(name))] if required else []
    bad = f"{t(name)} <> '' AND (NOT {_full(name, _DATE_RE)} OR {_date_value(name, types)} IS NULL)"
    return [*rules, Rule(name, "not a valid date (YYYY-MM-DD)", bad, t(name))]


def _year(name: str) -> Rule:
    last = datetime.date.today().year
    year = f"TRY_CAST(substr({t(name)}, 1, 4) AS INTEGER)"
    bad = (
        f"{t(name)} <> '' AND (NOT {_full(name, _YEAR_RE)} "
        f"OR {year} NOT BETWEEN {FIRST_BIRTH_YEAR} AND {last})"
    )
    return Rule(name, f"not a year between {FIRST_BIRTH_YEAR} and {last}", bad, t(name))


def rules_for(types: dict[str, str]) -> list[Rule]:
    """Every row-level rule that applies to the columns present, in reporting order."""
    rules = [Rule(name, "missing value", f"{t(name)} = ''", t(name)) for name in ID_COLUMNS]
    if kind(types["quantity"]) == "int":
        rules.append(Rule("quantity", "missing value", f"{quote('quantity')} IS NULL", "''"))
        rules.append(_bounded("quantity", types["quantity"], 6, 0, "not a positive integer"))
        zero = f"{quote('quantity')} = 0"
    else:
        rules += _pattern("quantity", _INT_RE, "not a positive integer", True)
        zero = f"regexp_full_match({t('quantity')}, '0+(\\.0+)?')"
    rules.append(Rule("quantity", "quantity must be at least 1", zero, quote("r:quantity")))
    for name in MONEY_COLUMNS:
        rules += _money(name, types)
    for name in DATE_COLUMNS:
        if name in types:
            rules += _date(name, types)
    if "distance_km" in types and _stored_number(types["distance_km"]):
        rules.append(
            _bounded("distance_km", types["distance_km"], 6, 3, "not a non-negative number")
        )
    elif "distance_km" in types:
        rules += _pattern("distance_km", _KM_RE, "not a non-negative number", False)
    if "service_time" in types:
        rules += _pattern("service_time", _TIME_RE, "not a time HH:MM", False)
    if "beneficiary_birth_year" in types:
        rules.append(_year("beneficiary_birth_year"))
    if "beneficiary_chronic" in types and kind(types["beneficiary_chronic"]) != "bool":
        rules += _pattern(
            "beneficiary_chronic", _BOOLEAN_RE, "not a boolean (true, false, 1 or 0)", False
        )
    return rules


def consistency_rules(types: dict[str, str]) -> list[Rule]:
    """Cross-field rules, checked only where both fields parse."""
    billed, reimbursed = _number("amount_billed", types), _number("amount_reimbursed", types)
    # NaN compares with nothing (in DuckDB it sorts above every number)
    over = (
        f"{reimbursed} > {billed} + 1e-9 AND {billed} >= 0 AND {reimbursed} >= 0 "
        f"AND NOT isnan({billed}) AND NOT isnan({reimbursed})"
    )
    rules = [
        Rule(
            "amount_reimbursed",
            "reimbursed exceeds billed amount",
            over,
            quote("r:amount_reimbursed"),
        )
    ]
    if "hospital_stay_start" in types and "hospital_stay_end" in types:
        start = _date_value("hospital_stay_start", types)
        end = _date_value("hospital_stay_end", types)
        shown = quote("r:hospital_stay_end")
        rules += [
            Rule(
                "hospital_stay_end",
                "stay start and end go together",
                f"(({start}) IS NULL) <> (({end}) IS NULL)",
                shown,
            ),
            Rule("hospital_stay_end", "stay ends before it starts", f"({end}) < ({start})", shown),
        ]
    return rules
