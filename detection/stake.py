"""Estimated stake (billing in excess of the peer norm) and capacity-aware selection."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from detection.peers import assign_groups
from detection.scorer import PeerAtypicalityScorer

CENT = Decimal("0.01")


def to_euros(value: float) -> Decimal:
    """Float euros -> Decimal rounded to the cent (never negative)."""
    return max(Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP), Decimal("0.00"))


def estimated_stake(
    features: pd.DataFrame, scorer: PeerAtypicalityScorer, rule_amount: pd.Series | None = None
) -> pd.Series:
    """Per provider, euros (Decimal): max of
    - billing above the peer norm: amount_billed - peer median amount per day x active days;
    - the billed amount of claims in rule evidence (duplicates, after death, ...).
    """
    group = assign_groups(features, scorer.groups_).to_numpy()
    norm_per_day = scorer.medians_.loc[group, "amount_per_day"].to_numpy(dtype=float)
    expected = np.nan_to_num(norm_per_day) * features["active_days"].to_numpy(dtype=float)
    excess = np.clip(features["amount_billed"].to_numpy(dtype=float) - expected, 0, None)
    if rule_amount is not None:
        evidence = rule_amount.reindex(features.index).fillna(0.0).to_numpy(dtype=float)
        excess = np.fmax(excess, evidence)
    # never more than the provider billed (rules can overlap on the same claims)
    excess = np.fmin(excess, features["amount_billed"].to_numpy(dtype=float))
    return pd.Series([to_euros(x) for x in excess], index=features.index, dtype=object)


def select_top_k(
    scores: pd.DataFrame, capacity: int, min_score: float = 0.5, rank_by: str = "recovery"
) -> pd.DataFrame:
    """At most `capacity` targets worth an investigator's time: at least as atypical as
    `min_score` (a floor, never relaxed) and with money at stake, ranked by expected recovery
    = score x estimated stake (then by score). Fewer than `capacity` when fewer qualify: an
    empty case costs an investigator's time and recovers nothing."""
    frame = scores.copy()
    stake = frame["estimated_stake"].map(float)
    frame["expected_recovery"] = [to_euros(x) for x in frame["score"] * stake]
    frame["_er"] = frame["score"] * stake
    qualified = frame[(frame["score"] >= min_score) & (stake > 0)]
    keys = ["_er", "score"] if rank_by == "recovery" else ["score", "_er"]
    ranked = qualified.sort_values(keys, ascending=False)
    return ranked.head(capacity).drop(columns=["_er"])
