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
    (no claims) gets the lowest score."""
    merged = labels[["provider_id", "label"]].merge(
        scores[["provider_id", "score"]], on="provider_id", how="left"
    )
    floor = float(scores["score"].min()) - 1.0 if len(scores) else 0.0
    merged["score"] = merged["score"].fillna(floor)
    return merged
