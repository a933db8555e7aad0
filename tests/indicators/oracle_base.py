"""The independent recomputation, part 1: the raw rows, read back whole from Postgres, and
the plain-Python helpers every indicator uses. Nothing here imports the indicators package:
only the definitions written in docs/indicators.md."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

PARIS = ZoneInfo("Europe/Paris")
ZERO = Decimal("0")
TABLES = (
    "fraud_case",
    "target",
    "audit_log",
    "ledger_entry",
    "debt",
    "stage_history",
    "task",
    "detection_run",
    "alert",
)
Raw = dict[str, list[dict[str, Any]]]


def read_raw(engine: Engine) -> Raw:
    with engine.connect() as conn:
        return {
            t: [dict(r) for r in conn.execute(text(f"SELECT * FROM {t}")).mappings()]
            for t in TABLES
        }


def paris(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def rate(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


def plus_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    v, n = sorted(values), len(values)
    middle = Decimal(v[(n - 1) // 2] + v[n // 2]) / 2
    return middle


def p90(values: list[int]) -> int | None:
    if not values:
        return None
    v = sorted(values)
    rank = -(-9 * len(v) // 10)  # ceil(0.9 n), in integers
    return v[rank - 1]


@dataclass(frozen=True)
class Frame:
    """The report being checked: its year, today, now and the dimension asked."""

    year: int
    today: date
    now: datetime
    dim: str | None

    @property
    def as_of(self) -> datetime:
        return min(self.now, datetime.combine(date(self.year + 1, 1, 1), time(0), tzinfo=PARIS))

    @property
    def as_of_day(self) -> date:
        return min(self.today, date(self.year, 12, 31))

    def in_window(self, day: date, dim: str | None = "same") -> bool:
        dim = self.dim if dim == "same" else dim
        if dim == "year":
            return day.year <= self.year
        return day.year == self.year


class World:
    """The raw rows, indexed."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        self.cases = {c["id"]: c for c in raw["fraud_case"]}
        self.targets = {t["id"]: t for t in raw["target"]}
        reversed_refs = {
            (e["case_id"], e["reverses"]) for e in raw["ledger_entry"] if e["kind"] == "reversal"
        }
        self.live = [
            e
            for e in raw["ledger_entry"]
            if e["kind"] != "reversal"
            and (e["case_id"], f"{e['seq']}.{e['line']}") not in reversed_refs
        ]
        self.debts = {(d["case_id"], d["key"]): d for d in raw["debt"]}

    def group(self, dim: str | None, case_id: str, day: date | None) -> str | None:
        if dim is None:
            return "all"
        case = self.cases[case_id]
        target = self.targets[case["target_id"]]
        assert day is not None or dim not in ("month", "quarter", "year")
        by: dict[str, Callable[[], str | None]] = {
            "month": lambda: f"{day:%Y-%m}",
            "quarter": lambda: f"{day:%Y}-Q{(day.month - 1) // 3 + 1}",  # type: ignore[union-attr]
            "year": lambda: f"{day:%Y}",
            "actor_type": lambda: target["actor_type"],
            "profession": lambda: target["profession"],
            "region": lambda: target["region"],
            "investigator": lambda: case["assignee"],
        }
        return by[dim]()

    def day(self, entry: dict[str, Any]) -> date:
        return entry["effective_on"] or paris(entry["booked_at"])


def ordered(keys: Iterable[str | None]) -> list[str | None]:
    return sorted(set(keys), key=lambda k: (k is None, k or ""))
