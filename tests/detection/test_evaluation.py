from __future__ import annotations

import numpy as np
import pytest

from detection.evaluation import evaluate, precision_at_k, recall_at_k


def test_metrics_on_a_known_ranking() -> None:
    y = np.array([1, 0, 1, 0, 0, 1])
    s = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    assert precision_at_k(y, s, 2) == 0.5
    assert recall_at_k(y, s, 3) == pytest.approx(2 / 3)
    m = evaluate(y, s, k=3)
    assert m["roc_auc"] == pytest.approx(5 / 9)
    assert m["precision_at_3"] == pytest.approx(2 / 3)


def test_perfect_ranking_scores_one() -> None:
    y = np.array([0, 1, 0, 1])
    s = np.array([0.1, 0.9, 0.2, 0.8])
    m = evaluate(y, s, k=2)
    assert m["roc_auc"] == 1.0 and m["average_precision"] == 1.0
    assert m["precision_at_2"] == 1.0 and m["recall_at_2"] == 1.0
