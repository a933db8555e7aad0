from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from detection.claims_db import open_claims
from detection.rules import RulePolicy, run_rules


def _claims(rows: list[dict]) -> pd.DataFrame:
    base = {
        "provider_id": "P1",
        "profession": "nurse",
        "region": "bretagne",
        "beneficiary_id": "B1",
        "act_code": "AMI1",
        "quantity": 1,
        "amount_billed": 3.15,
        "amount_reimbursed": 1.89,
        "service_time": "08:00",
        "beneficiary_death_date": pd.NaT,
        "hospital_stay_start": pd.NaT,
        "hospital_stay_end": pd.NaT,
    }
    df = pd.DataFrame([{**base, "claim_id": f"C{i}", **row} for i, row in enumerate(rows)])
    for col in (
        "service_date",
        "beneficiary_death_date",
        "hospital_stay_start",
        "hospital_stay_end",
    ):
        df[col] = pd.to_datetime(df[col])
    return df


def test_the_same_act_billed_twice_at_the_same_time_is_a_duplicate_of_its_extra_line() -> None:
    hits = run_rules(_claims([{"service_date": "2025-01-06"}, {"service_date": "2025-01-06"}]))
    dup = [h for h in hits if h.rule == "duplicate_billing"]
    assert len(dup) == 1
    assert dup[0].claim_ids == ("C1",)  # the first line is the legitimate one
    assert str(dup[0].amount) == "3.15"


def test_without_service_times_only_repeats_beyond_the_usual_for_the_act_are_duplicates() -> None:
    rows = []
    for provider in range(1000):  # twice-daily injections are usual for this act
        for _ in range(2):
            rows.append({"provider_id": f"P{provider}", "service_date": "2025-01-06"})
    rows += [{"provider_id": "PX", "service_date": "2025-01-06"}] * 5
    claims = _claims(rows).drop(columns="service_time")
    dup = [h for h in run_rules(claims) if h.rule == "duplicate_billing"]
    assert [(h.provider_id, len(h.claim_ids)) for h in dup] == [("PX", 3)]
    assert "no service time available" in dup[0].detail


def test_same_act_twice_a_day_at_different_times_is_not_a_duplicate() -> None:
    rows = [{"service_date": "2025-01-06"}, {"service_date": "2025-01-06", "service_time": "19:00"}]
    assert not [h for h in run_rules(_claims(rows)) if h.rule == "duplicate_billing"]


def test_act_after_death_is_flagged_with_its_date() -> None:
    rows = [
        {"service_date": "2025-01-06", "beneficiary_death_date": "2025-01-07"},
        {"service_date": "2025-01-09", "beneficiary_death_date": "2025-01-07"},
    ]
    hits = [h for h in run_rules(_claims(rows)) if h.rule == "acts_after_death"]
    assert [(h.claim_ids, h.dates) for h in hits] == [(("C1",), ("2025-01-09",))]


def test_act_inside_a_hospital_stay_is_flagged_but_not_on_admission_day() -> None:
    stay = {"hospital_stay_start": "2025-01-06", "hospital_stay_end": "2025-01-10"}
    rows = [{"service_date": "2025-01-06", **stay}, {"service_date": "2025-01-08", **stay}]
    hits = [h for h in run_rules(_claims(rows)) if h.rule == "hospital_stay"]
    assert [h.claim_ids for h in hits] == [("C1",)]


def test_impossible_day_threshold_is_a_policy_parameter() -> None:
    # 30 AIS3 acts x 30 min = 15 h in one day
    rows = [
        {"service_date": "2025-01-06", "act_code": "AIS3", "beneficiary_id": f"B{i}"}
        for i in range(30)
    ]
    df = _claims(rows)
    hits = [h for h in run_rules(df) if h.rule == "impossible_day"]
    assert len(hits) == 1 and hits[0].extra["care_hours"] == 15.0
    lenient = RulePolicy(max_care_hours_per_day=16.0)
    assert not [h for h in run_rules(df, lenient) if h.rule == "impossible_day"]


def test_rules_read_a_claims_file_or_its_connection_as_they_read_the_frame(
    tmp_path: Path,
) -> None:
    rows = [
        {"service_date": "2025-01-06", "act_code": "AIS3", "beneficiary_id": f"B{i}"}
        for i in range(30)
    ] + [{"service_date": "2025-01-07"}, {"service_date": "2025-01-07"}]
    frame = _claims(rows)
    path = tmp_path / "claims.parquet"
    frame.to_parquet(path)
    con = open_claims(path)
    try:
        from_connection = run_rules(con)
    finally:
        con.close()
    assert from_connection == run_rules(path) == run_rules(frame)
    assert [h.rule for h in from_connection] == ["duplicate_billing", "impossible_day"]


def test_the_impossible_day_amount_is_the_exact_share_beyond_the_feasible_hours() -> None:
    # 80 AMI1 acts x 10 min = 13 h 20 min: the share beyond 12 h is exactly 1/10
    rows = [
        {"service_date": "2025-01-06", "beneficiary_id": f"B{i}", "amount_billed": 3.85}
        for i in range(80)
    ]
    (hit,) = [h for h in run_rules(_claims(rows)) if h.rule == "impossible_day"]
    assert hit.amount == Decimal("30.80")  # 308.00 x 0.1, in cents, no float rounding
    assert hit.extra["care_hours"] == 13.33
