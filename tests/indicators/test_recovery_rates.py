"""Both definitions of the recovery rates (47: fraudulent, 48: non-fraudulent overpayments)
pinned on a hand-built ledger, with the expected figures worked out here.

Case A, fraud: 10,000.00 notified on 2026-02-10, reduced by 1,000.00 (CRA), so 9,000.00
due; 2,000.00 paid (2026-03-15), 1,500.00 offset (2026-05-10); 500.00 paid then reversed
(counts for nothing).
Case B, fraud: 4,000.00 notified on 2025-11-05; 1,000.00 paid (2025-12-01), 2,000.00 paid
(2026-02-01), 250.00 paid without a value date, booked 2025-12-31 23:30 UTC, that is
2026-01-01 in Paris (so in 2026); 500.00 written off (2026-06-01).
Case C, fault: 2,400.00 notified on 2026-03-01, paid in full (2026-04-30); a penalty of
1,000.00 notified and paid the same days is not an overpayment and counts nowhere.
Case D: error, 600.00 notified on 2026-01-15, 150.00 offset (2026-02-15); abuse, 300.00 not
notified yet, 100.00 paid (2026-05-05): in the flow (recovered in 2026), not in a cohort.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from tests.indicators.world import Rows
from vigie.services.indicators import build_report

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def d(day: str) -> date:
    return date.fromisoformat(day)


def line(kind: str, amount: str, day: str | None, debt: str = "debt-1", **more: object) -> dict:
    return {
        "kind": kind,
        "amount": amount,
        "debt": debt,
        "effective_on": d(day) if day else None,
        **more,
    }


@pytest.fixture(scope="module")
def ledger(own_engine: Engine) -> Engine:
    rows, tag = Rows(), uuid.uuid4().hex[:8]
    a = rows.case(f"rates-a-{tag}", at("2025-10-01"))
    a.debt(
        "debt-1",
        qualification="fraud",
        notified_on=d("2026-02-10"),
        established_at=at("2026-01-20"),
    )
    a.post(at("2026-01-20"), line("due", "10000.00", "2026-01-20", qualification="fraud"))
    a.post(at("2026-03-01"), line("due_reduced", "1000.00", "2026-03-01"))
    a.post(at("2026-03-15"), line("payment", "2000.00", "2026-03-15"))
    (reversed_ref,) = a.post(at("2026-04-01"), line("payment", "500.00", "2026-04-01"))
    a.post(at("2026-04-20"), line("reversal", "500.00", "2026-04-20", reverses=reversed_ref))
    a.post(at("2026-05-10"), line("offset", "1500.00", "2026-05-10"))

    b = rows.case(f"rates-b-{tag}", at("2025-06-01"))
    b.debt(
        "debt-1",
        qualification="fraud",
        notified_on=d("2025-11-05"),
        established_at=at("2025-10-20"),
    )
    b.post(at("2025-10-20"), line("due", "4000.00", "2025-10-20", qualification="fraud"))
    b.post(at("2025-12-01"), line("payment", "1000.00", "2025-12-01"))
    b.post(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), line("payment", "250.00", None))
    b.post(at("2026-02-01"), line("payment", "2000.00", "2026-02-01"))
    b.post(at("2026-06-01"), line("written_off", "500.00", "2026-06-01", reason="insolvency"))

    c = rows.case(f"rates-c-{tag}", at("2025-09-01"))
    c.debt(
        "debt-1",
        qualification="fault",
        notified_on=d("2026-03-01"),
        established_at=at("2026-02-01"),
    )
    c.debt("debt-2", kind="penalty", notified_on=d("2026-03-01"), established_at=at("2026-02-01"))
    c.post(
        at("2026-02-01"),
        line("due", "2400.00", "2026-02-01", qualification="fault"),
        line("penalty_due", "1000.00", "2026-02-01", debt="debt-2"),
    )
    c.post(
        at("2026-04-30"),
        line("payment", "2400.00", "2026-04-30"),
        line("payment", "1000.00", "2026-04-30", debt="debt-2"),
    )

    dd = rows.case(f"rates-d-{tag}", at("2025-09-01"))
    dd.debt(
        "debt-1",
        qualification="error",
        notified_on=d("2026-01-15"),
        established_at=at("2026-01-05"),
    )
    dd.debt("debt-2", qualification="abuse", established_at=at("2026-04-01"))
    dd.post(at("2026-01-05"), line("due", "600.00", "2026-01-05", qualification="error"))
    dd.post(at("2026-02-15"), line("offset", "150.00", "2026-02-15"))
    dd.post(at("2026-04-01"), line("due", "300.00", "2026-04-01", "debt-2"))
    dd.post(at("2026-05-05"), line("payment", "100.00", "2026-05-05", "debt-2"))
    rows.insert(own_engine)
    return own_engine


def test_cohort_rate_is_the_share_of_the_year_s_notified_debts_recovered_to_date(
    ledger: Engine,
) -> None:
    report = build_report(ledger, year=2026, now=NOW)
    fraud = report.get("recovery_rate_fraudulent_cohort")
    # A only: 3,500.00 recovered of 9,000.00 (the reversed payment counts for nothing)
    assert fraud.parts == {
        "notified": Decimal("9000.00"),
        "recovered": Decimal("3500.00"),
        "written_off": Decimal("0"),
        "written_off_rate": Decimal("0"),
        "debts": 1,
    }
    assert fraud.value == Decimal("0.3889")
    assert fraud.target is not None
    assert (fraud.target.value, fraud.target.gap) == (Decimal("0.62"), Decimal("-0.2311"))
    assert fraud.target.on_track is False
    # C's overpayment and D's error (D's abuse is not notified; C's penalty is no overpayment)
    other = report.get("recovery_rate_non_fraudulent_cohort")
    assert (other.parts["notified"], other.parts["recovered"]) == (Decimal("3000"), Decimal("2550"))
    assert other.value == Decimal("0.8500")
    assert other.target is not None and other.target.gap == Decimal("-0.1200")

    b_cohort = build_report(ledger, year=2025, now=NOW).get("recovery_rate_fraudulent_cohort")
    # B: 1,000 + 250 + 2,000 recovered to date of 4,000; 500 written off, shown apart
    assert b_cohort.value == Decimal("0.8125")
    assert (b_cohort.parts["written_off"], b_cohort.parts["written_off_rate"]) == (
        Decimal("500.00"),
        Decimal("0.1250"),
    )


def test_flow_rate_is_the_year_s_recoveries_over_the_year_s_notifications(
    ledger: Engine,
) -> None:
    report = build_report(ledger, year=2026, now=NOW)
    fraud = report.get("recovery_rate_fraudulent_flow")
    # 2026: A 2,000 + 1,500; B 2,000 + 250 (booked on 1 January in Paris) = 5,750 / 9,000
    assert fraud.parts == {
        "notified": Decimal("9000.00"),
        "recovered": Decimal("5750.00"),
        "written_off": Decimal("500.00"),
    }
    assert fraud.value == Decimal("0.6389")
    assert fraud.target is not None and fraud.target.gap == Decimal("0.0189")
    assert fraud.target.on_track is True
    other = report.get("recovery_rate_non_fraudulent_flow")
    # 2,400 + 150 + 100 (the abuse debt not notified yet still recovers in the year) / 3,000
    assert (other.parts["recovered"], other.value) == (Decimal("2650.00"), Decimal("0.8833"))

    past = build_report(ledger, year=2025, now=NOW).get("recovery_rate_fraudulent_flow")
    assert (past.parts["recovered"], past.parts["notified"]) == (Decimal("1000"), Decimal("4000"))
    assert past.value == Decimal("0.2500")
