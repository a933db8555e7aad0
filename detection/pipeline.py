"""End-to-end scoring of a claims frame: features -> peer scorer -> rules -> stake.

This is the function the workflow activities call; it touches no database or network.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from detection.claims_db import ClaimsSource, claims_connection, claims_rows
from detection.code_stats import code_stats
from detection.features import compute_features
from detection.ranker import SupervisedRanker
from detection.rules import RuleHit, RulePolicy, hits_frame, run_rules
from detection.scorer import PeerAtypicalityScorer
from detection.stake import stake_parts, stake_sentence, to_euros

logger = logging.getLogger(__name__)

OUTPUT_COLUMNS = (
    "rank",
    "provider_id",
    "profession",
    "region",
    "score",
    "expected_recovery",
    "atypicality_score",
    "estimated_stake",
    "rule_hits",
    "n_claims",
    "amount_billed",
    "explanation",
    "explanation_items",
)


#: how targets are ordered: by the money a case can expect to recover (suspicion x stake),
#: the default, or by suspicion alone (size-neutral)
RANK_BY = ("recovery", "suspicion")


def rank(out: pd.DataFrame, rank_by: str = "recovery") -> pd.DataFrame:
    """Order the scored targets and number them: the row order is the ranking."""
    if rank_by not in RANK_BY:
        raise ValueError(f"rank_by {rank_by!r}: one of {', '.join(RANK_BY)}")
    keys = ["score", "provider_id"]
    if rank_by == "recovery":
        out = out.assign(_er=out["expected_recovery"].map(float))
        keys = ["_er", *keys]
    ranked = out.sort_values(keys, ascending=[False] * (len(keys) - 1) + [True], ignore_index=True)
    ranked = ranked.drop(columns=["_er"], errors="ignore")
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


def ranker_inputs(
    z: pd.DataFrame,
    atypicality: np.ndarray,
    features: pd.DataFrame | None = None,
    stake: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Supervised model inputs: peer z-scores, the unsupervised score and, when given,
    size and money (log amount billed, log claims, log stake and its parts): where audited
    outcomes track size, the model must see it. A model trained on fewer inputs reads only
    the ones it knows (SupervisedRanker selects its columns)."""
    inputs = z.assign(atypicality_score=atypicality)
    if features is not None:
        inputs["log_amount_billed"] = np.log1p(features["amount_billed"].to_numpy(dtype=float))
        inputs["log_claims"] = np.log1p(features["n_claims"].to_numpy(dtype=float))
    if stake is not None:
        for name in ("stake", "stake_volume", "stake_price", "stake_rules"):
            values = stake[name].reindex(z.index.astype(str)).to_numpy(dtype=float)
            inputs[f"log_{name}"] = np.log1p(np.clip(values, 0, None))
    return inputs


def supervised_inputs(
    features: pd.DataFrame,
    hits: list[RuleHit],
    code_stats: pd.DataFrame | None = None,
    scorer_params: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """What ``detect train`` learns from and ``score_features`` feeds a trained model: the
    same function for both, so the columns always match."""
    scorer = fit_scorer(features, **(scorer_params or {}))
    rule_amount = hits_frame(hits).reindex(features.index)["rule_amount"]
    stake = stake_parts(features, scorer, code_stats, rule_amount)
    return ranker_inputs(
        scorer.transform(features), scorer.score_samples(features), features, stake
    )


def fit_scorer(features: pd.DataFrame, **params: Any) -> PeerAtypicalityScorer:
    return PeerAtypicalityScorer(**params).fit(features)


def _rule_sentence(hits: list[RuleHit]) -> str:
    counts = Counter(h.rule for h in hits)
    parts = [f"{n} {rule.replace('_', ' ')} hit(s)" for rule, n in sorted(counts.items())]
    return "Rules: " + ", ".join(parts) if parts else ""


def score_claims(
    claims: ClaimsSource | duckdb.DuckDBPyConnection,
    model: SupervisedRanker | None = None,
    policy: RulePolicy | None = None,
    top_k: int = 3,
    scorer_params: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    rank_by: str = "recovery",
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per provider, in ranking order (``rank``): by expected recovery (suspicion x
    estimated stake, in euros) by default, or by suspicion (``rank_by="suspicion"``).

    `claims` is a claims file (CSV or Parquet: read and validated in DuckDB, never loaded
    whole into pandas; `ClaimsFormatError` if refused), a connection from
    `detection.claims_db.open_claims`, or a validated frame.

    `score` is the atypicality in [0, 1], or the supervised probability when `model` is
    given (the atypicality is kept in `atypicality_score`). `estimated_stake` is Decimal
    euros; `explanation_items` a list of dicts (feature, value, peer_median, percentile...).
    `timings`, when given, receives the seconds of each stage (features, rules, scoring).
    """
    step = progress or (lambda message: logger.info("%s", message))
    spent = timings if timings is not None else {}
    policy = policy or RulePolicy()
    with claims_connection(claims) as con:
        n = claims_rows(con)
        step(f"computing features on {n:,} claims")
        started = time.perf_counter()
        features = compute_features(con, max_care_hours=policy.max_care_hours_per_day)
        spent["features"] = time.perf_counter() - started
        logger.info("features: %.1f s", spent["features"])
        step(f"running rules and cross-checks on {n:,} claims")
        started = time.perf_counter()
        hits = run_rules(con, policy)
        codes = code_stats(con)  # the stake is priced per act code
        spent["rules"] = time.perf_counter() - started
        logger.info("rules: %.1f s", spent["rules"])
    step(f"scoring {len(features):,} providers against their peers")
    started = time.perf_counter()
    out = score_features(features, hits, model, top_k, scorer_params, rank_by, codes)
    spent["scoring"] = time.perf_counter() - started
    logger.info("scoring and explanations: %.1f s", spent["scoring"])
    return out


def score_features(
    features: pd.DataFrame,
    hits: list[RuleHit],
    model: SupervisedRanker | None = None,
    top_k: int = 3,
    scorer_params: dict[str, Any] | None = None,
    rank_by: str = "recovery",
    code_stats: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The scoring half of ``score_claims``, on features and rule hits computed elsewhere
    (e.g. by partition activities that each saw one profession x region)."""
    if features.empty:
        return pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    scorer = fit_scorer(features, **(scorer_params or {}))
    atypicality = scorer.score_samples(features)
    per_provider = hits_frame(hits).reindex(features.index)
    stake = stake_parts(features, scorer, code_stats, per_provider["rule_amount"])
    score = atypicality
    if model is not None:
        inputs = ranker_inputs(scorer.transform(features), atypicality, features, stake)
        score = model.score_samples(inputs)
    items = scorer.explain(features, top_k=top_k)
    hits_by_provider: dict[str, list[RuleHit]] = {}
    for h in hits:
        hits_by_provider.setdefault(h.provider_id, []).append(h)
    texts = []
    for pid, row_items in zip(features.index, items, strict=True):
        parts = [it["text"] for it in row_items]
        rules_text = _rule_sentence(hits_by_provider.get(str(pid), []))
        if rules_text:
            parts.append(rules_text)
        money = stake.loc[str(pid)]
        stake_text = stake_sentence(
            money["stake_volume"], money["stake_price"], money["stake_rules"], money["stake"]
        )
        if stake_text and parts:
            parts.append(stake_text)
        texts.append("; ".join(parts) if parts else "No atypical indicator against peers")
    out = pd.DataFrame(
        {
            "provider_id": features.index.astype(str),
            "profession": features["profession"].to_numpy(),
            "region": features["region"].to_numpy(),
            "score": np.round(score, 6),
            "atypicality_score": np.round(atypicality, 6),
            "estimated_stake": [to_euros(x) for x in stake["stake"]],
            "rule_hits": per_provider["rule_hits"].fillna(0).astype(int).to_numpy(),
            "n_claims": features["n_claims"].astype(int).to_numpy(),
            "amount_billed": features["amount_billed"].round(2).to_numpy(),
            "explanation": texts,
            "explanation_items": items,
        }
    )
    out["expected_recovery"] = [
        to_euros(s * float(stake))
        for s, stake in zip(out["score"], out["estimated_stake"], strict=True)
    ]
    out = rank(out, rank_by)[list(OUTPUT_COLUMNS)]
    # features that could not speak in this run, with why (constant, absent, duplicate)
    out.attrs["excluded_features"] = dict(scorer.excluded_features_)
    logger.info("scored %d providers, %d rule hits", len(out), len(hits))
    return out
