"""The policy records a workflow needs, as a pydantic value that crosses the Temporal boundary.

An activity reads the records from Postgres; the workflow keeps the snapshot in its state, so
every deadline it computes is deterministic and traceable to a record and its source.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel


class PolicyMissingError(LookupError):
    """No policy record for a key at a date: the policy data must be completed."""


class PolicyValue(BaseModel):
    key: str
    value: Decimal
    unit: str
    effective_from: date
    effective_to: date | None = None
    source: str
    uncertain: bool = False

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months: 31 January + 1 month is the last day of February."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class PolicySnapshot(BaseModel):
    version: int
    records: list[PolicyValue]

    def digest(self) -> str:
        """SHA-256 of the records (in a canonical order and spelling): two snapshots with the
        same digest apply the same rules."""
        rows = sorted(
            (
                r.key,
                r.effective_from.isoformat(),
                str(r.value.normalize()),
                r.unit,
                r.effective_to.isoformat() if r.effective_to else "",
                r.source,
                r.uncertain,
            )
            for r in self.records
        )
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()

    def record(self, key: str, on: date) -> PolicyValue:
        for rec in self.records:
            if rec.key == key and rec.in_force(on):
                return rec
        raise PolicyMissingError(f"no policy record {key!r} in force on {on.isoformat()}")

    def value(self, key: str, on: date) -> Decimal:
        return self.record(key, on).value

    def pmss(self, year: int) -> Decimal:
        """The PMSS of a calendar year (for thresholds, the year of the facts)."""
        return self.value("pmss", date(year, 7, 1))

    def in_pmss(self, key: str, on: date, facts_year: int) -> Decimal:
        """A threshold expressed in PMSS multiples, in euros for the year of the facts."""
        rec = self.record(key, on)
        if rec.unit != "pmss":
            raise PolicyMissingError(f"policy record {key!r} is in {rec.unit}, not pmss")
        return rec.value * self.pmss(facts_year)

    def deadline(self, key: str, start: datetime) -> datetime:
        """``start`` plus the duration of policy record ``key`` in force on that day."""
        rec = self.record(key, start.date())
        amount = int(rec.value)
        if rec.unit == "days":
            return start + timedelta(days=amount)
        if rec.unit == "months":
            return add_months(start, amount)
        raise PolicyMissingError(f"policy record {key!r} is in {rec.unit}, not a duration")
