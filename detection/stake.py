"""Estimated stake: the euros a provider billed above what its peers would have billed for
the same activity, and capacity-aware selection.

The stake has three parts, each stated in the explanation:

* **volume**: for each act code, the lines billed above the peer expectation (the peers'
  median lines of that code per working day x the provider's working days), priced at the
  peers' median price of a line of that code. Lines below expectation count negatively, so
  billing AMI4 where peers bill AMI1 (upcoding) counts the price difference, not twice the
  act; the sum is floored at zero;
* **price**: for each act code, the amount above the peers' median price of a line;
* **rules**: the amount billed in rule evidence (duplicates, acts after death, ...).

The volume and price parts are credibility-weighted by claims (``n / (n + k)``, see
detection.credibility): a provider with a handful of claims has little of either. The sum
is capped at what the provider billed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from detection.peers import assign_groups
from detection.scorer import PeerAtypicalityScorer

CENT = Decimal("0.01")
STAKE_PARTS = ("stake_volume", "stake_price", "stake_rules")


def to_euros(value: float) -> Decimal:
    """Float euros -> Decimal rounded to the cent (never negative)."""
    return max(Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP), Decimal("0.00"))


def stake_parts(
    features: pd.DataFrame,
    scorer: PeerAtypicalityScorer,
    codes: pd.DataFrame | None = None,
    rule_amount: pd.Series | None = None,
) -> pd.DataFrame:
    """Per provider (float euros): ``stake_volume``, ``stake_price``, ``stake_rules`` and
    their capped sum ``stake``. Without the per-code table (``codes``, see
    detection.code_stats), volume is priced per working day against the peers' median."""
    index = features.index.astype(str)
    billed = features["amount_billed"].to_numpy(dtype=float)
    group = assign_groups(features, scorer.groups_).to_numpy()
    if codes is not None and len(codes):
        volume, price = _per_code(features, group, codes, scorer.shrinkage)
    else:
        norm_per_day = scorer.medians_.loc[group, "amount_per_day"].to_numpy(dtype=float)
        expected = np.nan_to_num(norm_per_day) * features["active_days"].to_numpy(dtype=float)
        volume, price = np.clip(billed - expected, 0, None), np.zeros(len(features))
    rules = np.zeros(len(features))
    if rule_amount is not None:
        rules = rule_amount.reindex(features.index).fillna(0.0).to_numpy(dtype=float)
    parts = pd.DataFrame(
        {"stake_volume": volume, "stake_price": price, "stake_rules": rules}, index=index
    )
    # never more than the provider billed (parts can overlap on the same claims)
    parts["stake"] = np.fmin(parts[list(STAKE_PARTS)].sum(axis=1).to_numpy(), billed)
    return parts


def _per_code(
    features: pd.DataFrame, group: np.ndarray, codes: pd.DataFrame, pseudo_count: float
) -> tuple[np.ndarray, np.ndarray]:
    providers = pd.DataFrame(
        {
            "provider_id": features.index.astype(str),
            "group": group,
            "profession": features["profession"].astype(str).to_numpy(),
            "days": features["active_days"].to_numpy(dtype=float),
            "n": features["n_claims"].to_numpy(dtype=float),
        }
    )
    table = codes.merge(providers, on="provider_id", how="inner")
    # every provider x every code of its profession (absent = 0 lines): a code a provider
    # never bills is a code it bills below expectation
    grid = providers.merge(
        table[["profession", "act_code"]].drop_duplicates(), on="profession", how="inner"
    ).merge(table[["provider_id", "act_code", "lines", "amount"]], how="left")
    grid[["lines", "amount"]] = grid[["lines", "amount"]].fillna(0.0)
    grid["per_day"] = grid["lines"] / grid["days"].clip(lower=1)
    billed_lines = grid[grid["lines"] > 0]
    line_price = (
        (billed_lines["amount"] / billed_lines["lines"])
        .groupby([billed_lines["group"], billed_lines["act_code"]])
        .median()
    )
    # a code too rare in the fine group is priced by its profession
    coarse_price = (
        (billed_lines["amount"] / billed_lines["lines"])
        .groupby([billed_lines["profession"], billed_lines["act_code"]])
        .median()
    )
    rate = grid.groupby(["group", "act_code"])["per_day"].median()
    keys = pd.MultiIndex.from_frame(grid[["group", "act_code"]])
    price = line_price.reindex(keys).to_numpy()
    fallback = coarse_price.reindex(pd.MultiIndex.from_frame(grid[["profession", "act_code"]]))
    price = np.where(np.isnan(price), fallback.to_numpy(), price)
    price = np.nan_to_num(price)
    expected_lines = rate.reindex(keys).to_numpy() * grid["days"].to_numpy()
    credibility = grid["n"] / (grid["n"] + pseudo_count) if pseudo_count else 1.0
    grid["volume"] = (grid["lines"] - expected_lines) * price * credibility
    own_price = grid["amount"] / grid["lines"].where(grid["lines"] > 0)
    over = np.clip(np.nan_to_num(own_price.to_numpy() - price), 0, None)
    grid["price"] = over * grid["lines"] * grid["lines"] / (grid["lines"] + pseudo_count)
    sums = grid.groupby("provider_id")[["volume", "price"]].sum()
    sums = sums.reindex(providers["provider_id"]).fillna(0.0)
    return np.clip(sums["volume"].to_numpy(), 0, None), sums["price"].to_numpy()


def estimated_stake(
    features: pd.DataFrame,
    scorer: PeerAtypicalityScorer,
    rule_amount: pd.Series | None = None,
    codes: pd.DataFrame | None = None,
) -> pd.Series:
    """Per provider, the capped stake in euros (Decimal); see ``stake_parts``."""
    parts = stake_parts(features, scorer, codes, rule_amount)
    return pd.Series([to_euros(x) for x in parts["stake"]], index=features.index, dtype=object)


def stake_sentence(volume: float, price: float, rules: float, stake: float) -> str:
    """'Stake 12,345.67 EUR: 8,000.00 above the peers' volume, ...' (parts above zero)."""
    named = (
        (volume, "above the peers' volume of acts"),
        (price, "above the peers' prices"),
        (rules, "in rule evidence"),
    )
    parts = [f"{value:,.2f} EUR {what}" for value, what in named if value >= 0.005]
    if not parts:
        return ""
    return f"Stake {stake:,.2f} EUR: " + ", ".join(parts)


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
