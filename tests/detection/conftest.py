from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from detection.schema import read_claims
from detection.synth import generate_claims


@pytest.fixture(scope="session")
def synth_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synth")
    claims, labels = root / "claims.parquet", root / "labels.csv"
    generate_claims(claims, labels, n_claims=60_000, n_providers=300, fraud_share=0.12, seed=3)
    return claims, labels


@pytest.fixture(scope="session")
def claims_df(synth_files: tuple[Path, Path]) -> pd.DataFrame:
    return read_claims(synth_files[0])


@pytest.fixture(scope="session")
def labels_df(synth_files: tuple[Path, Path]) -> pd.DataFrame:
    return pd.read_csv(synth_files[1], dtype={"provider_id": str})
