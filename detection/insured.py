"""Insured persons as targets: scored against their peers, explained, ranked by money.

The same peer scorer as for providers (detection.scorer), on the insured-person features
(detection.insured_features), with peers = age band x chronic status within a region
(falling back to the age band x chronic status nationally). An insured person has few
claims, so the credibility pseudo-count is in single claims (5), not 30.

Stake, in euros: the amount billed above the peers' median (credibility-weighted), plus
the deliveries that overlap another pharmacy's and the expensive deliveries on a
prescriber seen nowhere else; capped at what was billed.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from detection.feature_specs import INSURED_FEATURE_NAMES
from detection.peers import assign_groups
from detection.scorer import PeerAtypicalityScorer
from detection.stake import to_euros

logger = logging.getLogger(__name__)

INSURED_SHRINKAGE = 5.0
INSURED_MIN_GROUP = 30
INSURED_COLUMNS = (
    "rank",
    "beneficiary_id",
    "region",
    "peer_class",
    "score",
    "expected_recovery",
    "estimated_stake",
    "n_claims",
    "amount_billed",
    "explanation",
    "explanation_items",
)


def insured_stake(features: pd.DataFrame, scorer: PeerAtypicalityScorer) -> pd.DataFrame:
    """Per insured person, float euros: ``stake_volume``, ``stake_evidence``, ``stake``."""
    group = assign_groups(features, scorer.groups_).to_numpy()
    billed = features["amount_billed"].to_numpy(dtype=float)
    median = np.nan_to_num(scorer.raw_medians_.loc[group, "amount_billed"].to_numpy(dtype=float))
    n = features["n_claims"].to_numpy(dtype=float)
    volume = np.clip(billed - median, 0, None) * n / (n + scorer.shrinkage)
    evidence = features["overlapping_amount"].fillna(0).to_numpy(dtype=float) + features[
        "lone_prescriber_amount"
    ].fillna(0).to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "stake_volume": volume,
            "stake_evidence": evidence,
            "stake": np.fmin(volume + evidence, billed),
        },
        index=features.index,
    )


def score_insured(
    features: pd.DataFrame,
    top_k: int = 3,
    rank_by: str = "recovery",
    scorer_params: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per insured person, in ranking order (``rank``), like providers: by expected
    recovery (suspicion x stake) by default, or by suspicion."""
    if features.empty:
        return pd.DataFrame(columns=list(INSURED_COLUMNS))
    params: dict[str, Any] = {
        "features": INSURED_FEATURE_NAMES,
        "shrinkage": INSURED_SHRINKAGE,
        "min_group_size": INSURED_MIN_GROUP,
    } | (scorer_params or {})
    scorer = PeerAtypicalityScorer(**params).fit(features)
    score = scorer.score_samples(features)
    stake = insured_stake(features, scorer)
    items = scorer.explain(features, top_k=top_k)
    texts = []
    for row_items, (_, money) in zip(items, stake.iterrows(), strict=True):
        parts = [it["text"] for it in row_items]
        if parts and money["stake"] >= 0.005:
            parts.append(
                f"Stake {money['stake']:,.2f} EUR: {money['stake_volume']:,.2f} EUR above the "
                f"peers' care, {money['stake_evidence']:,.2f} EUR of overlapping or "
                "lone-prescriber deliveries"
            )
        texts.append("; ".join(parts) if parts else "No atypical indicator against peers")
    out = pd.DataFrame(
        {
            "beneficiary_id": features.index.astype(str),
            "region": features["region"].astype(str).to_numpy(),
            "peer_class": features["profession"].astype(str).to_numpy(),
            "score": np.round(score, 6),
            "estimated_stake": [to_euros(x) for x in stake["stake"]],
            "n_claims": features["n_claims"].astype(int).to_numpy(),
            "amount_billed": features["amount_billed"].round(2).to_numpy(),
            "explanation": texts,
            "explanation_items": items,
        }
    )
    out["expected_recovery"] = [
        to_euros(s * float(k)) for s, k in zip(out["score"], out["estimated_stake"], strict=True)
    ]
    keys = ["score", "beneficiary_id"]
    if rank_by == "recovery":
        out = out.assign(_er=out["expected_recovery"].map(float))
        keys = ["_er", *keys]
    out = out.sort_values(keys, ascending=[False] * (len(keys) - 1) + [True], ignore_index=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    if scorer.excluded_features_:
        logger.info("insured features left out: %s", scorer.excluded_features_)
    logger.info("scored %d insured persons", len(out))
    return out[list(INSURED_COLUMNS)]
