"""The dimensions an indicator can be broken down by, and the SQL that groups by them.

Every query of the package joins its facts to the case (``c``, table ``fraud_case``) and to
the case's target (``t``); a fact also has a day (a ``date`` expression, in Paris time).
The group expressions below are fixed strings chosen from an enum: nothing typed by a user
is ever put into SQL text.
"""

from __future__ import annotations

from enum import StrEnum


class Dimension(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ACTOR_TYPE = "actor_type"
    PROFESSION = "profession"
    REGION = "region"
    INVESTIGATOR = "investigator"


PERIODS = frozenset({Dimension.MONTH, Dimension.QUARTER, Dimension.YEAR})

#: the group of a fact that is about its case (its target, its investigator)
_CASE_GROUPS = {
    Dimension.ACTOR_TYPE: "t.actor_type",
    Dimension.PROFESSION: "t.profession",
    Dimension.REGION: "t.region",
    Dimension.INVESTIGATOR: "c.assignee",
}


def paris_day(timestamp_sql: str) -> str:
    """The calendar day in Paris of a ``timestamptz`` expression."""
    return f"(({timestamp_sql}) AT TIME ZONE 'Europe/Paris')::date"


def group_sql(dim: Dimension | None, day_sql: str) -> str:
    """The group key (text, or NULL when the case has no value) of a fact on ``day_sql``."""
    if dim is None:
        return "'all'::text"
    if dim is Dimension.MONTH:
        return f"to_char({day_sql}, 'YYYY-MM')"
    if dim is Dimension.QUARTER:
        return f"(to_char({day_sql}, 'YYYY') || '-Q' || to_char({day_sql}, 'Q'))"
    if dim is Dimension.YEAR:
        return f"to_char({day_sql}, 'YYYY')"
    return f"({_CASE_GROUPS[dim]})::text"


def day_window(dim: Dimension | None, day_sql: str) -> str:
    """Facts of the report's year (``:day_from`` <= day < ``:day_to``); broken down by year,
    every year up to the report's."""
    if dim is Dimension.YEAR:
        return f"({day_sql} < :day_to)"
    return f"({day_sql} >= :day_from AND {day_sql} < :day_to)"


def time_window(dim: Dimension | None, timestamp_sql: str) -> str:
    """The same window on a ``timestamptz`` (``:ts_from``/``:ts_to`` are the year's bounds in
    Paris), so that an index on the timestamp serves it."""
    if dim is Dimension.YEAR:
        return f"({timestamp_sql} < :ts_to)"
    return f"({timestamp_sql} >= :ts_from AND {timestamp_sql} < :ts_to)"


def group_key(value: object) -> str | None:
    """A group key read back from SQL ('all' for the whole, None for a missing value)."""
    return None if value is None else str(value)


def ordered_keys(keys: object) -> list[str | None]:
    """Group keys in order, the cases without a value last."""
    return sorted(keys, key=lambda k: (k is None, k or ""))  # type: ignore[call-overload]


def entry_window(dim: Dimension | None, alias: str) -> str:
    """The window on a ledger entry's day (its effective date, else its booking day), written
    so that the indexes on ``(kind, effective_on)`` and ``(kind, booked_at)`` serve it."""
    return (
        f"({day_window(dim, f'{alias}.effective_on')} OR ({alias}.effective_on IS NULL "
        f"AND {time_window(dim, f'{alias}.booked_at')}))"
    )
