"""Which targets a detection run opens cases for: never one below the score floor, never one
with nothing at stake, at most the capacity, fewer when fewer qualify."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from detection.pipeline import rank
from detection.stake import select_top_k, to_euros

TARGETS = pd.DataFrame(
    {
        "provider_id": ["a", "b", "c", "d", "e", "f", "g"],
        "score": [0.95, 0.90, 0.85, 0.80, 0.40, 0.99, 0.70],
        "estimated_stake": [
            Decimal("100.00"),
            Decimal("5000.00"),
            Decimal("0.00"),  # atypical, but nothing to recover
            Decimal("800.00"),
            Decimal("90000.00"),  # a large stake, below the floor
            Decimal("0.00"),
            Decimal("10.00"),
        ],
    }
)


def test_a_run_of_capacity_5_opens_no_case_below_the_floor_or_with_a_zero_stake() -> None:
    chosen = select_top_k(TARGETS, capacity=5, min_score=0.75)
    assert list(chosen["provider_id"]) == ["b", "d", "a"]  # by expected recovery
    assert (chosen["score"] >= 0.75).all()
    assert (chosen["estimated_stake"].map(float) > 0).all()
    assert list(chosen["expected_recovery"]) == [
        Decimal("4500.00"),
        Decimal("640.00"),
        Decimal("95.00"),
    ]


def test_the_capacity_caps_the_selection() -> None:
    assert list(select_top_k(TARGETS, capacity=2, min_score=0.0)["provider_id"]) == ["e", "b"]


def test_nothing_qualifies_nothing_is_selected() -> None:
    assert select_top_k(TARGETS, capacity=5, min_score=0.999).empty


def test_the_ranking_is_by_expected_recovery_unless_asked_by_suspicion() -> None:
    frame = TARGETS.assign(
        expected_recovery=[
            to_euros(s * float(k))
            for s, k in zip(TARGETS["score"], TARGETS["estimated_stake"], strict=True)
        ]
    )
    by_money = rank(frame)
    assert list(by_money["provider_id"][:3]) == ["e", "b", "d"]  # 36,000 > 4,500 > 640 EUR
    assert list(by_money["rank"]) == list(range(1, 8))
    by_suspicion = rank(frame, "suspicion")
    assert list(by_suspicion["provider_id"][:3]) == ["f", "a", "b"]  # 0.99 > 0.95 > 0.90
    chosen = select_top_k(frame, capacity=2, min_score=0.75, rank_by="suspicion")
    assert list(chosen["provider_id"]) == ["a", "b"]  # f has nothing at stake
