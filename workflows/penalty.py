"""The financial-penalty calculator (L114-17-1 CSS): pure, and driven by policy records.

- proportional cap: each qualification's ratio of its own sums at stake (70 % of the sums
  qualified fault or abuse, 300 % of those qualified fraud); errors are not sanctioned;
- flat cap when no sum can be determined: a multiple of the PMSS of the decision year
  (the fraud multiple when the facts are qualified fraud);
- a repeat offence multiplies the cap (doubling).

The cap is truncated to the cent, never rounded up: a penalty may never exceed the legal
maximum. Amounts are Decimal end to end.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from models.policy_snapshot import PolicySnapshot

CENT = Decimal("0.01")
ZERO = Decimal("0")


def penalty_cap(
    policy: PolicySnapshot,
    *,
    fraud_sums: Decimal,
    other_sums: Decimal,
    fraud: bool,
    repeat_offence: bool,
    on: date,
) -> Decimal:
    """The maximum penalty the director may notify, in euros.

    ``fraud_sums``: undue amounts qualified fraud; ``other_sums``: qualified fault or abuse;
    ``fraud``: whether the facts are qualified fraud (chooses the flat cap)."""
    if fraud_sums < 0 or other_sums < 0:
        raise ValueError("sums at stake cannot be negative")
    if fraud_sums or other_sums:
        cap = (
            policy.value("penalty.cap_ratio.fraud", on) * fraud_sums
            + policy.value("penalty.cap_ratio.non_fraud", on) * other_sums
        )
    else:
        qualifier = "fraud" if fraud else "non_fraud"
        cap = policy.value(f"penalty.flat_cap.{qualifier}", on) * policy.pmss(on.year)
    if repeat_offence:
        cap *= policy.value("penalty.repeat_multiplier", on)
    return max(cap, ZERO).quantize(CENT, rounding=ROUND_DOWN)
