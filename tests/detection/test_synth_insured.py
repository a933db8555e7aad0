"""Insured-person fraud planted by the synthetic generator: labels and traces per pattern."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from detection.synth import generate_claims

SHARE = 0.03


@pytest.fixture(scope="module")
def insured(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    root = tmp_path_factory.mktemp("insured")
    claims, labels, insured = root / "c.parquet", root / "l.csv", root / "i.csv"
    generate_claims(
        claims,
        labels,
        n_claims=300_000,
        seed=8,
        insured_fraud_share=SHARE,
        insured_labels_path=insured,
    )
    lab = pd.read_csv(insured, dtype={"beneficiary_id": str, "pattern": str}).fillna("")
    return pd.read_parquet(claims), lab


def _per_beneficiary(claims: pd.DataFrame, lab: pd.DataFrame) -> pd.DataFrame:
    con = duckdb.connect()
    con.register("c", claims)
    traces = con.execute(
        """
        WITH ph AS (SELECT * FROM c WHERE profession = 'pharmacy'),
        win AS (
          SELECT a.beneficiary_id, count(DISTINCT b.provider_id) AS pharmacies
          FROM ph a JOIN ph b USING (beneficiary_id, act_code)
          WHERE b.service_date BETWEEN a.service_date AND a.service_date + 4
          GROUP BY a.beneficiary_id, a.act_code, a.service_date
        ),
        other AS (
          SELECT DISTINCT beneficiary_id, prescriber_id FROM c
          WHERE prescriber_id IS NOT NULL AND act_code <> 'PH1'
        ),
        forged AS (
          SELECT p.beneficiary_id, max((o.prescriber_id IS NULL)::INT) AS foreign_ph1
          FROM (SELECT * FROM c WHERE act_code = 'PH1') p
          LEFT JOIN other o USING (beneficiary_id, prescriber_id) GROUP BY 1
        )
        SELECT beneficiary_id, any_value(beneficiary_chronic) AS chronic,
          count(DISTINCT CASE WHEN profession = 'gp' THEN provider_id END) AS gps,
          coalesce(sum(CASE WHEN act_code = 'AAT' THEN quantity END), 0) AS leave_days,
          count(DISTINCT CASE WHEN act_code = 'AAT' THEN provider_id END) AS leave_gps,
          coalesce(max(w.pharmacies), 0) AS pharmacies, max(f.foreign_ph1) AS foreign_ph1
        FROM c LEFT JOIN (SELECT beneficiary_id, max(pharmacies) AS pharmacies FROM win
                          GROUP BY 1) w USING (beneficiary_id)
        LEFT JOIN forged f USING (beneficiary_id)
        GROUP BY beneficiary_id
        """
    ).df()
    return traces.merge(lab, on="beneficiary_id", validate="one_to_one")


@pytest.fixture(scope="module")
def traces(insured: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return _per_beneficiary(*insured)


def _with(traces: pd.DataFrame, pattern: str) -> pd.DataFrame:
    return traces[traces["pattern"].str.contains(pattern)]


def test_insured_labels_cover_every_beneficiary_with_claims_once(
    insured: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    claims, lab = insured
    assert list(lab.columns) == ["beneficiary_id", "label", "pattern"]
    assert lab["beneficiary_id"].is_unique
    assert set(lab["beneficiary_id"]) == set(claims["beneficiary_id"])
    n_bene = 300_000 // 12
    assert lab["label"].sum() == round(SHARE * n_bene)
    assert (lab.loc[lab["label"] == 1, "pattern"].str.len() > 0).all()
    assert (lab.loc[lab["label"] == 0, "pattern"] == "").all()


def test_doctor_shoppers_see_more_gps_than_honest_non_chronic_peers(traces: pd.DataFrame) -> None:
    honest = traces[(traces["label"] == 0) & ~traces["chronic"]]
    p99 = honest["gps"].quantile(0.99)
    shoppers = _with(traces, "doctor_shopping")
    assert len(shoppers) > 50
    assert (shoppers["gps"] > p99).mean() > 0.9


def test_chronic_patients_legitimately_overlap_doctor_shoppers(traces: pd.DataFrame) -> None:
    """Look-alikes: some honest chronic patients see as many GPs as a typical shopper."""
    typical = _with(traces, "doctor_shopping")["gps"].quantile(0.25)
    honest_chronic = traces[(traces["label"] == 0) & traces["chronic"]]
    assert (honest_chronic["gps"] >= typical).sum() >= 10


def test_nomads_get_the_same_drug_from_several_pharmacies_within_days(traces: pd.DataFrame) -> None:
    honest = traces[(traces["label"] == 0) & ~traces["chronic"]]
    nomads = _with(traces, "pharmacy_nomadism")
    assert len(nomads) > 50
    assert (nomads["pharmacies"] > honest["pharmacies"].quantile(0.99)).mean() > 0.75


def test_nomads_pharmacy_lines_carry_distinct_prescribers(
    insured: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    claims, lab = insured
    nomads = lab.loc[lab["pattern"].str.contains("pharmacy_nomadism"), "beneficiary_id"]
    ph = claims[(claims["profession"] == "pharmacy") & claims["beneficiary_id"].isin(nomads)]
    per = ph.groupby("beneficiary_id")["prescriber_id"].nunique()
    assert (per >= 3).mean() > 0.9


def test_forged_prescriptions_use_a_prescriber_who_prescribes_nothing_else(
    traces: pd.DataFrame,
) -> None:
    forgers = _with(traces, "forged_prescription")
    honest = traces[(traces["label"] == 0) & traces["foreign_ph1"].notna()]
    assert len(forgers) > 30
    assert (forgers["foreign_ph1"] == 1).mean() > 0.85
    rate = (honest["foreign_ph1"] == 1).mean()
    assert 0 < rate < 0.2  # look-alikes exist (hospital prescriptions) but are rarer


def test_sick_leave_abusers_get_long_leaves_from_several_gps(traces: pd.DataFrame) -> None:
    abusers = _with(traces, "sick_leave_abuse")
    on_leave = traces[(traces["label"] == 0) & (traces["leave_days"] > 0)]
    assert len(abusers) > 20 and len(on_leave) > 100
    assert (abusers["leave_gps"] >= 2).all()
    assert (abusers["leave_days"] > on_leave["leave_days"].median()).mean() > 0.9
    assert (on_leave["leave_gps"] >= 2).sum() > 0  # honest look-alikes


def test_insured_fraud_is_billed_by_providers_of_the_right_profession(
    insured: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    claims, _ = insured
    assert set(claims.loc[claims["act_code"] == "AAT", "profession"]) == {"gp"}
    assert set(claims.loc[claims["act_code"] == "PH1", "profession"]) == {"pharmacy"}


def test_insured_fraud_leaves_provider_labels_and_claim_count_unchanged(tmp_path: Path) -> None:
    runs = []
    for share in (0.0, 0.05):
        claims, labels = tmp_path / f"c{share}.parquet", tmp_path / f"l{share}.csv"
        generate_claims(claims, labels, n_claims=30_000, seed=4, insured_fraud_share=share)
        runs.append((len(pd.read_parquet(claims, columns=["claim_id"])), labels.read_text()))
    assert runs[0] == runs[1]
