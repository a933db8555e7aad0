from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detection.evaluation import (
    compare_with_baselines,
    evaluate,
    join_scores_labels,
    precision_at_k,
    recall_at_k,
)


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


def test_a_ranking_is_set_against_total_billed_and_claim_count_with_euros_captured() -> None:
    merged = pd.DataFrame(
        {
            "provider_id": list("abcdef"),
            "label": [1, 0, 1, 0, 0, 1],
            "score": [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0],  # the file's ranks 1..6
            "amount_billed": [1000.0, 9000.0, 500.0, 8000.0, 100.0, 300.0],
            "n_claims": [10.0, 90.0, 5.0, 80.0, 1.0, 3.0],
        }
    )
    table = compare_with_baselines(merged, k=2)
    assert list(table.index) == ["this ranking", "total billed", "claim count"]
    # the top 2 of this ranking hold one fraud billing 1,000 EUR; of total billed, none
    assert table.loc["this ranking", "euros_captured_at_2"] == 1000.0
    assert table.loc["total billed", "euros_captured_at_2"] == 0.0
    assert table.loc["this ranking", "roc_auc"] > table.loc["total billed", "roc_auc"]
    assert "roc_auc_within_size_bands" in table.columns


def test_a_ranked_file_is_evaluated_in_its_own_order() -> None:
    scores = pd.DataFrame(
        {
            "provider_id": ["a", "b"],
            "rank": [2, 1],
            "score": [0.9, 0.1],
            "amount_billed": [1, 2],
            "n_claims": [1, 1],
        }
    )
    labels = pd.DataFrame({"provider_id": ["a", "b"], "label": [0, 1]})
    merged = join_scores_labels(scores, labels)
    assert evaluate(merged["label"].to_numpy(), merged["score"].to_numpy(), k=1)["roc_auc"] == 1.0
