from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from detection.pipeline import score_claims
from detection.ranker import InsufficientLabelsError, SupervisedRanker, load_model
from detection.stake import select_top_k
from vigie.cli.detect import app as detect_app
from vigie.cli.synth import app as synth_app


def test_ranker_refuses_when_too_few_labels() -> None:
    x = pd.DataFrame({"a": np.arange(100.0)})
    y = np.r_[np.ones(10), np.zeros(90)]
    with pytest.raises(InsufficientLabelsError, match="positive"):
        SupervisedRanker(min_positives=30).fit(x, y)


def test_ranker_reports_cross_validated_metrics() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (x["a"] + 0.3 * rng.normal(size=200) > 0.5).astype(int)
    ranker = SupervisedRanker().fit(x, y)
    assert ranker.cv_roc_auc_ > 0.8 and 0 < ranker.cv_average_precision_ <= 1


def test_training_keeps_the_candidate_with_the_better_out_of_fold_average_precision() -> None:
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    y = (x["a"] - 0.5 * x["b"] + 0.5 * rng.normal(size=400) > 0.8).astype(int)  # linear
    ranker = SupervisedRanker().fit(x, y)
    assert set(ranker.candidates_) == {"boosting", "logistic"}
    best = max(ranker.candidates_.values(), key=lambda c: c["average_precision"])
    assert ranker.candidates_[ranker.kept_] == best
    assert ranker.cv_average_precision_ == best["average_precision"]
    proba = ranker.predict_proba(x)[:, 1]
    assert ((0 < proba) & (proba < 1)).all()  # calibrated probabilities


def test_score_claims_ranks_providers_with_decimal_stake(claims_df: pd.DataFrame) -> None:
    out = score_claims(claims_df)
    assert out["provider_id"].is_unique
    # ranked by expected recovery (suspicion x stake) by default, the rank column states it
    assert list(out["rank"]) == list(range(1, len(out) + 1))
    assert out["expected_recovery"].map(float).is_monotonic_decreasing
    by_suspicion = score_claims(claims_df, rank_by="suspicion")
    assert by_suspicion["score"].is_monotonic_decreasing
    assert set(by_suspicion["provider_id"]) == set(out["provider_id"])
    assert all(isinstance(x, Decimal) and x >= 0 for x in out["estimated_stake"])
    assert {"profession", "region", "rule_hits", "explanation", "explanation_items"} <= set(
        out.columns
    )
    top = select_top_k(out, capacity=5, min_score=0.0)
    assert len(top) == 5 and "expected_recovery" in top.columns


def test_cli_synth_score_train_evaluate(tmp_path: Path) -> None:
    runner = CliRunner()
    claims, labels = tmp_path / "c.csv", tmp_path / "l.csv"
    res = runner.invoke(
        synth_app,
        [
            "--out",
            str(claims),
            "--labels",
            str(labels),
            "--claims",
            "40000",
            "--providers",
            "250",
            "--fraud-share",
            "0.15",
            "--seed",
            "5",
        ],
    )
    assert res.exit_code == 0, res.output
    scores, model = tmp_path / "s.csv", tmp_path / "m.joblib"
    res = runner.invoke(detect_app, ["score", "--claims", str(claims), "--out", str(scores)])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(scores)
    assert list(out.columns[:5]) == ["rank", "provider_id", "profession", "region", "score"]
    res = runner.invoke(
        detect_app, ["evaluate", "--scores", str(scores), "--labels", str(labels), "--k", "20"]
    )
    assert res.exit_code == 0 and "roc_auc" in res.output
    # the file's ranking is set against the size baselines, euros included
    assert "total billed" in res.output and "claim count" in res.output
    assert "euros_captured_at_20" in res.output
    res = runner.invoke(
        detect_app,
        ["train", "--claims", str(claims), "--labels", str(labels), "--model", str(model)],
    )
    assert res.exit_code == 0, res.output
    assert isinstance(load_model(model), SupervisedRanker)
    # both candidates' cross-validated figures, and which one was kept
    assert re.search(r"boosting\s+cross-validated ROC-AUC 0\.\d{4}, AP 0\.\d{4}", res.output)
    assert re.search(r"logistic\s+cross-validated ROC-AUC 0\.\d{4}, AP 0\.\d{4}", res.output)
    assert re.search(r"kept (boosting|logistic) \(better out-of-fold AP\)", res.output)
    res = runner.invoke(
        detect_app,
        [
            "score",
            "--claims",
            str(claims),
            "--out",
            str(tmp_path / "s2.parquet"),
            "--model",
            str(model),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "atypicality_score" in pd.read_parquet(tmp_path / "s2.parquet").columns


def test_cli_refuses_bad_claims_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("claim_id,provider_id\nC1,P1\n", encoding="utf-8")
    res = CliRunner().invoke(detect_app, ["score", "--claims", str(bad), "--out", "x.csv"])
    assert res.exit_code == 2
    assert "missing required column" in res.output


def test_cli_scores_insured_persons_into_their_own_file_and_evaluates_them(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    claims, labels, insured = tmp_path / "c.parquet", tmp_path / "l.csv", tmp_path / "i.csv"
    res = runner.invoke(
        synth_app,
        [
            *("--out", str(claims), "--labels", str(labels), "--insured-labels", str(insured)),
            *("--claims", "60000", "--seed", "5", "--insured-fraud-share", "0.05"),
        ],
    )
    assert res.exit_code == 0, res.output
    scores, insured_scores = tmp_path / "s.csv", tmp_path / "si.csv"
    res = runner.invoke(
        detect_app,
        [
            *("score", "--claims", str(claims), "--out", str(scores)),
            *("--insured-out", str(insured_scores)),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Top insured persons by recovery" in res.output
    # the time of each stage, on one line (bench/detection_scale.py reads it)
    assert re.search(r"stages: import [\d.]+ s, features [\d.]+ s, rules [\d.]+ s", res.output)
    assert re.search(r"insured persons [\d.]+ s, write [\d.]+ s", res.output)
    out = pd.read_csv(insured_scores, dtype={"beneficiary_id": str})
    assert list(out.columns[:4]) == ["rank", "beneficiary_id", "region", "peer_class"]
    assert list(out["rank"]) == list(range(1, len(out) + 1))
    assert "peers' median" in out["explanation"].iloc[0]
    res = runner.invoke(
        detect_app,
        ["evaluate", "--scores", str(insured_scores), "--labels", str(insured), "--k", "50"],
    )
    assert res.exit_code == 0, res.output
    auc = re.search(r"roc_auc\s+│\s+(0\.\d{4})\s+│\s+(0\.\d{4})", res.output)
    assert auc is not None, res.output
    assert float(auc.group(1)) > float(auc.group(2))  # ahead of sorting by total billed


def test_features_a_file_cannot_feed_are_named_as_left_out_of_the_score(
    synth_files: tuple[Path, Path], tmp_path: Path
) -> None:
    from detection.schema import REQUIRED_COLUMNS

    required_only = tmp_path / "required.parquet"
    pd.read_parquet(synth_files[0], columns=list(REQUIRED_COLUMNS)).to_parquet(required_only)
    res = CliRunner().invoke(
        detect_app, ["score", "--claims", str(required_only), "--out", str(tmp_path / "s.csv")]
    )
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    # no distances in the file: the kilometre features say nothing and are named
    assert "left out of the providers' score" in flat
    assert "km_per_trip_mean (absent from every provider)" in flat
