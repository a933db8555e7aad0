"""Every indicator, and the money at risk, against an independent recomputation in plain
Python from the raw rows (``oracle_*``), on random case histories written straight into
Postgres: random ledgers (reversals, entries without a value date, debts without a row),
debts, follow-ups, instalment plans, stage histories, tasks and detection runs, for a random
year, "now" and breakdown dimension.

The database is this module's own and only grows: each example writes fresh case ids (the
ledger and the audit log refuse DELETE), and the recomputation reads back every row.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from models.local_time import PARIS
from tests.indicators import oracle_cases, oracle_money, oracle_risk
from tests.indicators.oracle_base import Frame, World, read_raw
from tests.indicators.strategies import NOWS, build, world
from vigie.services.indicators import Dimension, Report, build_report

DIMENSIONS = [None, *Dimension]


def expected_indicators(w: World, f: Frame) -> dict[str, Any]:
    return {
        **oracle_money.rates(w, f),
        **oracle_money.harm(w, f),
        **oracle_cases.litigation(w, f),
        **oracle_cases.delay(w, f),
        **oracle_cases.pipeline(w, f),
        **oracle_cases.opened_closed(w, f),
        **oracle_cases.overdue(w, f),
        **oracle_cases.detection_yield(w, f),
    }


def computed_indicators(report: Report) -> dict[str, Any]:
    return {
        i.key: (i.value, i.parts, i.breakdown_by, [(r.key, r.value, r.parts) for r in i.breakdown])
        for i in report.indicators
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=world,
    year=st.sampled_from([2024, 2025, 2026, 2027]),
    now=st.sampled_from(NOWS),
    dim=st.sampled_from(DIMENSIONS),
)
def test_every_indicator_equals_a_recomputation_from_the_raw_rows(
    own_engine: Engine, plan: dict[str, Any], year: int, now: Any, dim: Dimension | None
) -> None:
    build(plan, uuid.uuid4().hex[:10]).insert(own_engine)
    report = build_report(own_engine, year=year, by=dim, now=now)

    today = now.astimezone(PARIS).date()
    w = World(read_raw(own_engine))
    frame = Frame(year, today, now, dim.value if dim else None)
    expected = expected_indicators(w, frame)
    computed = computed_indicators(report)
    assert computed.keys() == expected.keys()
    for key, value in expected.items():
        assert computed[key] == value, key

    risk = report.money_at_risk
    debts = [
        (d.case_id, d.debt, d.prescribed_on, d.outstanding, d.within_months) for d in risk.debts
    ]
    assert debts == oracle_risk.prescriptions(w, today)
    plans = [
        (p.case_id, p.spread, p.expected_to_date, p.paid_to_date, p.outstanding) for p in risk.plans
    ]
    assert plans == oracle_risk.plans(w, today)
    assert risk.late_target_days == 180
    late = [(c.case_id, c.days, c.harm_suffered) for c in risk.late]
    assert late == oracle_risk.late(w, today, 180)
