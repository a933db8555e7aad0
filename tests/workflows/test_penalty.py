"""The penalty calculator: caps by qualification, repeat doubling, flat PMSS amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from vigie.policy.loader import snapshot_from_file
from workflows.penalty import penalty_cap

POLICY = snapshot_from_file()
ZERO = Decimal("0")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
maybe = st.one_of(st.just(ZERO), amounts)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


def cap(fraud_sums: Decimal, other_sums: Decimal, repeat: bool, on: date) -> Decimal:
    return penalty_cap(
        POLICY,
        fraud_sums=fraud_sums,
        other_sums=other_sums,
        fraud=fraud_sums > 0,
        repeat_offence=repeat,
        on=on,
    )


@given(maybe, amounts, st.booleans(), days)
def test_each_qualification_is_capped_by_its_own_ratio_exactly_to_the_cent(
    fraud_sums: Decimal, other_sums: Decimal, repeat: bool, on: date
) -> None:
    result = cap(fraud_sums, other_sums, repeat, on)
    exact = (3 * fraud_sums + Decimal("0.70") * other_sums) * (2 if repeat else 1)
    assert result == result.quantize(Decimal("0.01"))
    assert exact - Decimal("0.01") < result <= exact


@given(amounts, amounts, maybe, days)
def test_the_cap_grows_with_the_sums_at_stake(
    a: Decimal, b: Decimal, fraud: Decimal, on: date
) -> None:
    low, high = sorted((a, b))
    assert cap(fraud, low, False, on) <= cap(fraud, high, False, on)
    assert cap(low, fraud, False, on) <= cap(high, fraud, False, on)


@given(maybe, amounts, days)
def test_a_repeat_offence_doubles_the_cap(fraud_sums: Decimal, other: Decimal, on: date) -> None:
    once, twice = cap(fraud_sums, other, False, on), cap(fraud_sums, other, True, on)
    assert twice - 2 * once in (Decimal("0"), Decimal("0.01"))


@given(amounts, days)
def test_the_same_sums_qualified_fraud_are_capped_higher(sums: Decimal, on: date) -> None:
    assert cap(sums, ZERO, False, on) >= cap(ZERO, sums, False, on)


def test_without_determined_sums_the_cap_is_a_flat_multiple_of_the_pmss() -> None:
    on = date(2025, 6, 1)
    flat = {"fraud_sums": ZERO, "other_sums": ZERO, "on": on}
    assert penalty_cap(POLICY, fraud=False, repeat_offence=False, **flat) == Decimal("15700.00")
    assert penalty_cap(POLICY, fraud=True, repeat_offence=True, **flat) == Decimal("62800.00")
