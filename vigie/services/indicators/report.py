"""One report: every indicator of a year, set against its targets, and the money at risk.

All figures are read in one read-only transaction (``REPEATABLE READ``), so they agree with
each other even while cases move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine

from models.local_time import PARIS
from vigie.services.indicators.delays import delay_indicator
from vigie.services.indicators.detection_yield import yield_indicator
from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.harm import harm_indicators
from vigie.services.indicators.late_notifications import LateNotification, late_notifications
from vigie.services.indicators.litigation import litigation_indicators
from vigie.services.indicators.model import Indicator, Scope
from vigie.services.indicators.pipeline import (
    flow_indicators,
    overdue_indicator,
    stage_indicators,
)
from vigie.services.indicators.plans import PlanAtRisk, plans_at_risk
from vigie.services.indicators.prescriptions import DebtAtRisk, debts_at_risk
from vigie.services.indicators.recovery_rates import rate_indicators
from vigie.services.indicators.targets import TargetBook, apply_targets, load_targets


@dataclass
class MoneyAtRisk:
    as_of: date
    debts: list[DebtAtRisk] = field(default_factory=list)
    plans: list[PlanAtRisk] = field(default_factory=list)
    late_target_days: int | None = None
    late: list[LateNotification] = field(default_factory=list)


@dataclass
class Report:
    scope: Scope
    by: Dimension | None
    series: str
    indicators: list[Indicator]
    money_at_risk: MoneyAtRisk

    def get(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def indicators(conn: Connection, scope: Scope, by: Dimension | None) -> list[Indicator]:
    return [
        *rate_indicators(conn, scope, by),
        *harm_indicators(conn, scope, by),
        *litigation_indicators(conn, scope, by),
        delay_indicator(conn, scope, by),
        *stage_indicators(conn, scope),
        *flow_indicators(conn, scope, by),
        overdue_indicator(conn, scope, by),
        yield_indicator(conn, scope),
    ]


def money_at_risk(conn: Connection, scope: Scope, book: TargetBook, series: str) -> MoneyAtRisk:
    """Always as of today (``scope.today``), whatever the report's year."""
    now_scope = Scope(scope.today.year, scope.today, scope.now)
    out = MoneyAtRisk(scope.today, debts_at_risk(conn, now_scope), plans_at_risk(conn, now_scope))
    late = book.for_indicator(series, "delay_detection_notification", scope.today.year)
    if late is not None:
        out.late_target_days = int(late.value)
        out.late = late_notifications(conn, now_scope, out.late_target_days)
    return out


def build_report(
    engine: Engine,
    *,
    year: int | None = None,
    by: Dimension | None = None,
    series: str | None = None,
    now: datetime | None = None,
    book: TargetBook | None = None,
) -> Report:
    now = now or datetime.now(UTC)
    today = now.astimezone(PARIS).date()
    scope = Scope(year or today.year, today, now)
    book = book or load_targets()
    series = series or book.default_series
    if series not in book.series:
        raise ValueError(f"no targets for series {series!r}: choose one of {book.series}")
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**options) as conn:
        found = indicators(conn, scope, by)
        risk = money_at_risk(conn, scope, book, series)
        conn.rollback()
    apply_targets(found, book, series, scope)
    return Report(scope, by, series, found, risk)
