from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from detection.synth import generate_claims


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        claims, labels = tmp_path / f"{name}.csv", tmp_path / f"{name}_labels.csv"
        generate_claims(claims, labels, n_claims=20_000, n_providers=80, seed=11)
        runs.append((_digest(claims), _digest(labels)))
    assert runs[0] == runs[1]


def test_other_seed_gives_other_claims(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    generate_claims(a, tmp_path / "la.csv", n_claims=5_000, n_providers=40, seed=1)
    generate_claims(b, tmp_path / "lb.csv", n_claims=5_000, n_providers=40, seed=2)
    assert _digest(a) != _digest(b)


def test_requested_claim_count_and_fraud_share_are_honoured(synth_files) -> None:  # type: ignore[no-untyped-def]
    claims, labels = synth_files
    assert len(pd.read_parquet(claims, columns=["claim_id"])) == 60_000
    lab = pd.read_csv(labels)
    assert list(lab.columns) == ["provider_id", "label", "pattern"]
    assert lab["label"].sum() == 36  # 12 % of 300
    assert (lab.loc[lab["label"] == 1, "pattern"].str.len() > 0).all()


def test_fraudsters_bill_mostly_normal_claims(claims_df, labels_df) -> None:  # type: ignore[no-untyped-def]
    """Fraud is partial: a fraudster's claims are not all anomalous (no trivial split)."""
    dup = claims_df.duplicated(
        ["provider_id", "beneficiary_id", "act_code", "service_date", "service_time"]
    )
    fraud_ids = set(labels_df.loc[labels_df["label"] == 1, "provider_id"])
    share = dup[claims_df["provider_id"].isin(fraud_ids)].mean()
    assert share < 0.1
