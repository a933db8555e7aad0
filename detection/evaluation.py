"""Ranking metrics against ground-truth labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score


def _top_k(y_true: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    return y_true[order[: min(k, len(order))]]


def precision_at_k(y_true: np.ndarray, scores: np.ndarray, k: int) -> float:
    top = _top_k(np.asarray(y_true), np.asarray(scores, dtype=float), k)
    return float(top.sum() / k) if k > 0 else 0.0


def recall_at_k(y_true: np.ndarray, scores: np.ndarray, k: int) -> float:
    y = np.asarray(y_true)
    positives = y.sum()
    if positives == 0:
        return 0.0
    return float(_top_k(y, np.asarray(scores, dtype=float), k).sum() / positives)


def evaluate(y_true: np.ndarray, scores: np.ndarray, k: int = 100) -> dict[str, float]:
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=float)
    both = len(np.unique(y)) == 2
    return {
        "n": float(len(y)),
        "positives": float(y.sum()),
        "roc_auc": float(roc_auc_score(y, s)) if both else float("nan"),
        "average_precision": float(average_precision_score(y, s)) if both else float("nan"),
        f"precision_at_{k}": precision_at_k(y, s, k),
        f"recall_at_{k}": recall_at_k(y, s, k),
    }


def join_scores_labels(scores: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Labelled providers with their score; a labelled provider absent from the scores
    (no claims) gets the lowest score. With a ranked file (``rank``), the score evaluated is
    the ranking itself (rank 1 first), so what is evaluated is the order the file proposes."""
    columns = [c for c in ("score", "rank", "amount_billed", "n_claims") if c in scores]
    merged = labels[["provider_id", "label"]].merge(
        scores[["provider_id", *columns]], on="provider_id", how="left"
    )
    floor = float(scores["score"].min()) - 1.0 if len(scores) else 0.0
    merged["score"] = merged["score"].fillna(floor)
    if "rank" in merged:
        merged["score"] = -merged["rank"].fillna(len(scores) + 1).astype(float)
    for name in ("amount_billed", "n_claims"):
        if name in merged:
            merged[name] = merged[name].astype(float).fillna(0.0)
    return merged


#: the trivial rankings a score must beat: a score that only re-sorts by size shows here
BASELINES = {"total billed": "amount_billed", "claim count": "n_claims"}
SIZE_BANDS = 3


def euros_captured_at_k(
    y_true: np.ndarray, scores: np.ndarray, billed: np.ndarray, k: int
) -> float:
    """Euros billed by the positives among the top ``k``: the money a ranking puts first."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:k]
    return float((np.asarray(billed)[order] * np.asarray(y_true)[order]).sum())


def auc_within_size_bands(y_true: np.ndarray, scores: np.ndarray, billed: np.ndarray) -> float:
    """Mean ROC-AUC inside terciles of total billed (bands with both classes only): how well
    a ranking separates fraud from the rest among providers of similar size."""
    bands = pd.qcut(pd.Series(billed).rank(method="first"), SIZE_BANDS, labels=False)
    aucs = []
    for band in range(SIZE_BANDS):
        mask = (bands == band).to_numpy()
        if len(np.unique(y_true[mask])) == 2:
            aucs.append(roc_auc_score(y_true[mask], scores[mask]))
    return float(np.mean(aucs)) if aucs else float("nan")


def compare_with_baselines(merged: pd.DataFrame, k: int = 100) -> pd.DataFrame:
    """One row per ranking (the file's, then the baselines), the same metrics for each."""
    y = merged["label"].to_numpy().astype(int)
    billed = merged["amount_billed"].to_numpy() if "amount_billed" in merged else None
    rankings = {"this ranking": merged["score"].to_numpy(dtype=float)}
    for name, column in BASELINES.items():
        if column in merged:
            rankings[name] = merged[column].to_numpy(dtype=float)
    rows = []
    for name, scores in rankings.items():
        row: dict[str, float | str] = {"ranking": name, **evaluate(y, scores, k)}
        if billed is not None:
            row[f"euros_captured_at_{k}"] = euros_captured_at_k(y, scores, billed, k)
            row["roc_auc_within_size_bands"] = auc_within_size_bands(y, scores, billed)
        rows.append(row)
    return pd.DataFrame(rows).set_index("ranking")
