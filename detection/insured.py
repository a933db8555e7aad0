"""Insured persons as targets: scored against their peers, explained, ranked by money.

The same peer scorer as for providers (detection.scorer), on the insured-person features
(detection.insured_features), with peers = age band x chronic status within a region
(falling back to the age band x chronic status nationally). An insured person has few
claims, so the credibility pseudo-count is in single claims (5), not 30.

Stake, in euros: what the suspicious part of the care cost, not what the person's care
cost (a seriously ill person bills a lot and is no fraudster):

* doctors: the general practitioners' fees in the share of GPs beyond the peers' median
  (9 GPs where peers see 2: 7/9 of the GP fees);
* overlapping deliveries: a drug delivered again by another pharmacy within 10 days;
* lone-prescriber deliveries: expensive deliveries on a prescriber who prescribes nothing
  else for the person;
* sick leave: the days of leave beyond the peers' median, at an average daily allowance
  (``daily_allowance``: the fund's own figure; the claims carry no allowance amounts).
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
#: euros per day of sick leave: an average daily allowance, to be set to the fund's figure
DAILY_ALLOWANCE = 40.0
#: insured persons explained, from the top of the ranking
EXPLAIN_FIRST = 5000
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


def insured_stake(
    features: pd.DataFrame, scorer: PeerAtypicalityScorer, daily_allowance: float = DAILY_ALLOWANCE
) -> pd.DataFrame:
    """Per insured person, float euros: each part and ``stake``, their sum."""
    group = assign_groups(features, scorer.groups_).to_numpy()

    def beyond_peers(name: str) -> np.ndarray:
        median = scorer.raw_medians_.loc[group, name].to_numpy(dtype=float)
        own = features[name].to_numpy(dtype=float)
        return np.clip(np.nan_to_num(own - median), 0, None)

    gps = features["distinct_gps"].to_numpy(dtype=float)
    extra_gp_share = np.divide(
        beyond_peers("distinct_gps"), gps, out=np.zeros(len(gps)), where=gps > 0
    )
    parts = pd.DataFrame(
        {
            "stake_doctors": extra_gp_share * features["gp_amount"].fillna(0).to_numpy(float),
            "stake_overlapping": features["overlapping_amount"].fillna(0).to_numpy(float),
            "stake_lone_prescriber": features["lone_prescriber_amount"].fillna(0).to_numpy(float),
            "stake_sick_leave": beyond_peers("sick_leave_days") * daily_allowance,
        },
        index=features.index,
    )
    parts["stake"] = parts.sum(axis=1)
    return parts


STAKE_WORDS = {
    "stake_doctors": "of fees of GPs beyond the peers' number",
    "stake_overlapping": "of deliveries overlapping another pharmacy's",
    "stake_lone_prescriber": "of expensive deliveries on a lone prescriber",
    "stake_sick_leave": "of daily allowances for leave beyond the peers'",
}


def _stake_sentence(money: pd.Series) -> str:
    parts = [
        f"{money[k]:,.2f} EUR {words}" for k, words in STAKE_WORDS.items() if money[k] >= 0.005
    ]
    return f"Stake {money['stake']:,.2f} EUR: " + ", ".join(parts) if parts else ""


def score_insured(
    features: pd.DataFrame,
    top_k: int = 3,
    rank_by: str = "recovery",
    scorer_params: dict[str, Any] | None = None,
    explain_first: int | None = EXPLAIN_FIRST,
) -> pd.DataFrame:
    """One row per insured person, in ranking order (``rank``), like providers: by expected
    recovery (suspicion x stake) by default, or by suspicion. Insured persons are many
    (85,000 for a million claims): only the first ``explain_first`` of the ranking are
    explained (None: all); the others read "Not explained: rank beyond N"."""
    if features.empty:
        return pd.DataFrame(columns=list(INSURED_COLUMNS))
    params: dict[str, Any] = {
        "features": INSURED_FEATURE_NAMES,
        "shrinkage": INSURED_SHRINKAGE,
        "min_group_size": INSURED_MIN_GROUP,
    } | (scorer_params or {})
    scorer = PeerAtypicalityScorer(**params).fit(features)
    stake = insured_stake(features, scorer)
    out = pd.DataFrame(
        {
            "beneficiary_id": features.index.astype(str),
            "region": features["region"].astype(str).to_numpy(),
            "peer_class": features["profession"].astype(str).to_numpy(),
            "score": np.round(scorer.score_samples(features), 6),
            "estimated_stake": [to_euros(x) for x in stake["stake"]],
            "n_claims": features["n_claims"].astype(int).to_numpy(),
            "amount_billed": features["amount_billed"].round(2).to_numpy(),
            "_row": np.arange(len(features)),
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
    n = len(out) if explain_first is None else min(explain_first, len(out))
    rows = out["_row"].to_numpy()[:n]
    items = scorer.explain(features.iloc[rows], top_k=top_k)
    texts = []
    for row_items, (_, money) in zip(items, stake.iloc[rows].iterrows(), strict=True):
        parts = [it["text"] for it in row_items]
        stake_text = _stake_sentence(money)
        if parts and stake_text:
            parts.append(stake_text)
        texts.append("; ".join(parts) if parts else "No atypical indicator against peers")
    rest = len(out) - n
    out["explanation"] = texts + [f"Not explained: rank beyond {n:,}"] * rest
    out["explanation_items"] = items + [[] for _ in range(rest)]
    if scorer.excluded_features_:
        logger.info("insured features left out: %s", scorer.excluded_features_)
    logger.info("scored %d insured persons, explained the first %d", len(out), n)
    return out[list(INSURED_COLUMNS)]
