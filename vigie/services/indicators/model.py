"""What a report is made of: its scope (year, as-of day), indicators and their breakdowns.

Amounts are exact ``Decimal`` euros; ratios are ``Decimal`` fractions rounded to 4 places
(0.01 %); delays are days (a median may end in .5); counts are ``int``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from models.local_time import PARIS

ZERO = Decimal("0")
RATIO_PLACES = Decimal("0.0001")
CENTS = Decimal("0.01")

Number = Decimal | int


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """``numerator / denominator`` rounded half-even to 4 places; None when nothing is due."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Scope:
    """One report: the year it is about, the day it is computed, and the as-of day of the
    snapshots (pipeline, ageing, overdue tasks): today, or the year's last day if past."""

    year: int
    today: date
    now: datetime

    @property
    def day_from(self) -> date:
        return date(self.year, 1, 1)

    @property
    def day_to(self) -> date:
        """The first day after the year (exclusive bound)."""
        return date(self.year + 1, 1, 1)

    @property
    def ts_from(self) -> datetime:
        return datetime.combine(self.day_from, time(0), tzinfo=PARIS)

    @property
    def ts_to(self) -> datetime:
        return datetime.combine(self.day_to, time(0), tzinfo=PARIS)

    @property
    def as_of_day(self) -> date:
        return min(self.today, date(self.year, 12, 31))

    @property
    def as_of(self) -> datetime:
        """The instant of the snapshots: now, or the end of the year's last day in Paris."""
        return min(self.now, self.ts_to)

    @property
    def elapsed_days(self) -> int:
        """Days of the year gone by at the as-of day (all of them for a past year)."""
        return max((self.as_of_day - self.day_from).days + 1, 0)

    @property
    def year_days(self) -> int:
        return (self.day_to - self.day_from).days

    def params(self) -> dict[str, Any]:
        return {
            "day_from": self.day_from,
            "day_to": self.day_to,
            "ts_from": self.ts_from,
            "ts_to": self.ts_to,
            "as_of_day": self.as_of_day,
            "as_of": self.as_of,
            "today": self.today,
        }


@dataclass
class Row:
    """One line of a breakdown: its group key (None: the cases without a value), its value
    and the figures it is computed from."""

    key: str | None
    value: Number | None
    parts: dict[str, Number | None] = field(default_factory=dict)


@dataclass
class TargetCheck:
    value: Number
    unit: str
    source: str
    direction: str  # at_least | at_most
    official: bool = True
    gap: Number | None = None
    on_track: bool | None = None
    projected: Number | None = None


@dataclass
class Indicator:
    key: str
    id: str
    unit: str  # EUR, ratio, days, count
    value: Number | None
    variant: str | None = None
    parts: dict[str, Number | None] = field(default_factory=dict)
    breakdown_by: str | None = None
    breakdown: list[Row] = field(default_factory=list)
    target: TargetCheck | None = None
