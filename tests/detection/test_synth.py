from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from detection.synth import generate_claims
from detection.synth_regime import size_score
from detection.synth_world import build_world
from vigie.cli.synth import app as synth_app


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


# sha256 of the 16-column file the provider-only generator wrote (seed 11, 20k claims,
# 80 providers) before regimes, insured fraud and the beneficiary columns existed
PROVIDER_ONLY_DIGEST = "2acf1e8d00aa1272b7fb19bb0a365940c16206b11e268d9ab208ef51c8df13d1"


def test_uniform_regime_without_insured_fraud_reproduces_the_provider_only_generator(
    tmp_path: Path,
) -> None:
    claims = tmp_path / "c.csv"
    generate_claims(
        claims, tmp_path / "l.csv", n_claims=20_000, n_providers=80, seed=11, insured_fraud_share=0
    )
    lines = claims.read_text().splitlines()
    assert lines[0].endswith('"beneficiary_birth_year","beneficiary_chronic"')
    legacy = "".join(line.rsplit(",", 2)[0] + "\n" for line in lines)
    assert hashlib.sha256(legacy.encode()).hexdigest() == PROVIDER_ONLY_DIGEST


@pytest.mark.parametrize("regime", ["uniform", "size"])
def test_same_seed_gives_identical_files_in_each_regime(tmp_path: Path, regime: str) -> None:
    runs = []
    for name in ("a", "b"):
        files = [tmp_path / f"{name}{suffix}" for suffix in (".parquet", "_l.csv", "_i.csv")]
        generate_claims(
            files[0], files[1], n_claims=20_000, seed=5, regime=regime, insured_labels_path=files[2]
        )
        runs.append(tuple(_digest(f) for f in files))
    assert runs[0] == runs[1]


def _fraud_by_size_decile(regime: str) -> pd.Series:
    w = build_world(5_000_000, 6_000, 0.05, seed=9, regime=regime)
    score = size_score(w.prov_prof, w.prov_rate * w.prov_work.mean(axis=1))
    assert w.prov_fraud.sum() == 300  # the overall share is the requested one
    return pd.Series(w.prov_fraud).groupby(pd.qcut(score, 10, labels=False)).mean()


def test_size_regime_top_decile_is_at_least_twice_as_fraudulent_as_the_median() -> None:
    rate = _fraud_by_size_decile("size")
    assert rate[9] >= 2 * (rate[4] + rate[5]) / 2
    assert rate[0] < rate[9] / 3


def test_uniform_regime_fraud_does_not_depend_on_size() -> None:
    rate = _fraud_by_size_decile("uniform")
    assert rate[9] < 1.6 * (rate[4] + rate[5]) / 2


def test_unknown_regime_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown regime"):
        generate_claims(tmp_path / "c.csv", tmp_path / "l.csv", n_claims=5_000, regime="big")


def test_beneficiary_birth_year_and_chronic_status_are_plausible(synth_files) -> None:  # type: ignore[no-untyped-def]
    per = (
        pd.read_parquet(synth_files[0])
        .groupby("beneficiary_id")
        .agg(
            birth=("beneficiary_birth_year", "first"),
            births=("beneficiary_birth_year", "nunique"),
            chronic=("beneficiary_chronic", "first"),
            statuses=("beneficiary_chronic", "nunique"),
        )
    )
    assert (per["births"] == 1).all() and (per["statuses"] == 1).all()
    age = 2025 - per["birth"].astype(int)
    assert age.between(0, 100).all() and 30 < age.mean() < 55
    assert 0.1 < per["chronic"].astype(bool).mean() < 0.2
    chronic = per["chronic"].astype(bool)
    assert age[chronic].mean() > age[~chronic].mean() + 15  # chronic status rises with age


def test_cli_writes_insured_labels_in_size_regime(tmp_path: Path) -> None:
    out, labels, insured = tmp_path / "c.csv", tmp_path / "l.csv", tmp_path / "i.csv"
    args = ["--out", str(out), "--labels", str(labels), "--insured-labels", str(insured)]
    args += ["--claims", "10000", "--regime", "size", "--insured-fraud-share", "0.02"]
    res = CliRunner().invoke(synth_app, args)
    assert res.exit_code == 0, res.output
    lab = pd.read_csv(insured)
    assert lab["label"].sum() == round(0.02 * 2000)
    assert "size regime" in res.output
