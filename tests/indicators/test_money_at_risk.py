"""The money at risk on a hand-built example, today being 2026-06-30 in Paris.

- debts prescribed on 2026-08-15 (700.00 left), 2026-11-30 (1,000.00 due, 250.00 paid:
  750.00 left), 2027-05-31 (400.00 left) and 2027-07-15 (beyond 12 months: not listed);
  one prescribed on 2026-06-01 and never written off (300.00 left); one prescribed on
  2026-07-10 but paid in full (not listed);
- a plan of 3 instalments of 300.00 from 2026-04-30 (agreed 2026-04-15, recorded with 900.00
  outstanding): 600.00 due by today, 300.00 paid: 300.00 short;
- a case detected on 2025-10-01 (272 days ago), 5,000.00 of harm, nothing notified: late
  against the 180-day target; another detected 2026-03-01 (121 days): not late yet.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine

from tests.indicators.world import Rows
from vigie.services.indicators import build_report

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
OPENED = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)


def due(amount: str, debt: str) -> dict[str, object]:
    return {"kind": "due", "amount": amount, "debt": debt, "qualification": "fault"}


def test_debts_soon_prescribed_plans_behind_and_late_notifications(own_engine: Engine) -> None:
    rows, tag = Rows(), uuid.uuid4().hex[:8]
    soon = rows.case(f"risk-debts-{tag}", OPENED, stage="recovery")
    for key, prescribed, amount in (
        ("debt-1", "2026-08-15", "700.00"),
        ("debt-2", "2026-11-30", "1000.00"),
        ("debt-3", "2027-05-31", "400.00"),
        ("debt-4", "2027-07-15", "900.00"),
        ("debt-5", "2026-06-01", "300.00"),
        ("debt-6", "2026-07-10", "200.00"),
    ):
        soon.debt(
            key,
            qualification="fault",
            notified_on=date(2025, 11, 2),
            prescribed_on=date.fromisoformat(prescribed),
            established_at=OPENED,
        )
        soon.post(OPENED, due(amount, key))
    soon.post(
        NOW,
        {"kind": "payment", "amount": "250.00", "debt": "debt-2", "effective_on": date(2026, 5, 2)},
        {"kind": "payment", "amount": "200.00", "debt": "debt-6", "effective_on": date(2026, 5, 2)},
    )

    plan = rows.case(f"risk-plan-{tag}", OPENED, actor_type="insured", stage="recovery")
    plan.debt("debt-1", qualification="error", notified_on=date(2026, 3, 1), established_at=OPENED)
    plan.post(OPENED, due("900.00", "debt-1"))
    plan.event(
        "grant_instalment_plan",
        datetime(2026, 4, 15, 9, 0, tzinfo=UTC),
        {
            "command": {"instalments": 3, "first_due_on": "2026-04-30", "granted_on": None},
            "figures": {"amount_due": "900.00", "amount_recovered": "0", "amount_written_off": "0"},
        },
    )
    plan.post(
        NOW,
        {
            "kind": "payment",
            "amount": "300.00",
            "debt": "debt-1",
            "effective_on": date(2026, 4, 29),
        },
    )

    late = rows.case(f"risk-late-{tag}", OPENED, stage="investigation")
    late.post(OPENED, {"kind": "harm_suffered", "amount": "5000.00", "qualification": "fraud"})
    recent = rows.case(f"risk-recent-{tag}", datetime(2026, 3, 1, 9, tzinfo=UTC))
    recent.post(NOW, {"kind": "harm_suffered", "amount": "800.00", "qualification": "fault"})
    rows.insert(own_engine)

    risk = build_report(own_engine, now=NOW).money_at_risk
    listed = [
        (d.debt, d.prescribed_on.isoformat(), d.outstanding, d.within_months)
        for d in risk.debts
        if d.case_id == soon.case_id
    ]
    assert listed == [
        ("debt-5", "2026-06-01", Decimal("300.00"), None),
        ("debt-1", "2026-08-15", Decimal("700.00"), 3),
        ("debt-2", "2026-11-30", Decimal("750.00"), 6),
        ("debt-3", "2027-05-31", Decimal("400.00"), 12),
    ]
    (behind,) = [p for p in risk.plans if p.case_id == plan.case_id]
    assert (behind.spread, behind.expected_to_date, behind.paid_to_date, behind.shortfall) == (
        Decimal("900.00"),
        Decimal("600.00"),
        Decimal("300.00"),
        Decimal("300.00"),
    )
    assert behind.next_due_on == date(2026, 6, 30)  # due today: not late yet
    assert risk.late_target_days == 180
    assert [(c.case_id, c.days, c.harm_suffered) for c in risk.late] == [
        (late.case_id, 272, Decimal("5000.00"))
    ]
