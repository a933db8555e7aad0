"""Insured persons as targets: compared with peers of their region, age band and chronic
status; doctor shopping, prescription nomadism and forged prescriptions stand out, each
explained; a chronic patient's many deliveries do not, among chronic peers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from detection.insured import score_insured
from detection.insured_features import age_band, insured_features_of_frame
from detection.typology import typology

START = date(2025, 3, 3)
rows: list[dict[str, object]] = []


def _claim(
    bene: str,
    provider: str,
    profession: str,
    code: str,
    day: int,
    amount: float,
    prescriber: str | None = None,
    birth: int = 1960,
    chronic: bool = False,
) -> dict[str, object]:
    return {
        "claim_id": f"C{len(rows)}-{bene}-{provider}-{day}-{code}",
        "provider_id": provider,
        "profession": profession,
        "region": "bretagne",
        "beneficiary_id": bene,
        "act_code": code,
        "service_date": pd.Timestamp(START + timedelta(days=day)),
        "quantity": 1,
        "amount_billed": amount,
        "amount_reimbursed": amount * 0.7,
        "prescriber_id": prescriber,
        "beneficiary_birth_year": birth,
        "beneficiary_chronic": chronic,
    }


def _population(seed: int = 5) -> pd.DataFrame:
    """300 ordinary patients (60 chronic): one GP, one or two pharmacies, deliveries a
    month apart; chronic patients see two GPs and get more deliveries."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(300):
        chronic = i < 60
        bene = f"B{i:04d}"
        gp = f"GP{i % 20:02d}"
        gps = [gp, f"GP{(i + 7) % 20:02d}"] if chronic else [gp]
        for k, doctor in enumerate(gps):
            out.append(_claim(bene, doctor, "gp", "G", 2 + k, 26.5, birth=1950, chronic=chronic))
        pharmacies = [f"PH{i % 15:02d}", f"PH{(i + 1) % 15:02d}"][: 1 + int(rng.random() < 0.3)]
        deliveries = 4 if chronic else 1 + int(rng.integers(0, 2))
        for d in range(deliveries):
            out.append(
                _claim(
                    bene,
                    pharmacies[d % len(pharmacies)],
                    "pharmacy",
                    "PH7",
                    5 + 11 * d,
                    8.0,
                    prescriber=f"R{i % 20:02d}",
                    birth=1950,
                    chronic=chronic,
                )
            )
    return pd.DataFrame(out)


def _shopper() -> pd.DataFrame:
    return pd.DataFrame(
        [_claim("SHOP", f"GP{k:02d}", "gp", "G", 1 + 2 * k, 26.5, birth=1950) for k in range(9)]
    )


def _nomad() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _claim("NOMAD", f"PH{k:02d}", "pharmacy", "PH7", 3 + k, 8.0, f"R{k:02d}", birth=1950)
            for k in range(6)
        ]
    )


def _forger() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _claim("FORGE", "PH03", "pharmacy", "PH1", 4 + k, 600.0, "R-NOWHERE", birth=1950)
            for k in range(3)
        ]
    )


def _scored(*extra: pd.DataFrame) -> pd.DataFrame:
    claims = pd.concat([_population(), *extra], ignore_index=True)
    return score_insured(insured_features_of_frame(claims)).set_index("beneficiary_id")


def test_a_doctor_shopper_is_first_and_explained_by_the_number_of_doctors() -> None:
    scored = _scored(_shopper())
    assert scored.loc["SHOP", "rank"] == 1
    assert scored.loc["SHOP", "score"] >= 0.5
    assert "General practitioners consulted: 9.0" in scored.loc["SHOP", "explanation"]
    items = scored.loc["SHOP", "explanation_items"]
    assert typology("insured", items) == "insured_doctor_shopping"


def test_deliveries_by_several_pharmacies_within_days_stand_out_as_nomadism() -> None:
    scored = _scored(_nomad())
    assert scored.loc["NOMAD", "score"] >= 0.5
    features = [item["feature"] for item in scored.loc["NOMAD", "explanation_items"]]
    assert {"overlapping_delivery_share", "distinct_pharmacies"} & set(features)


def test_expensive_deliveries_on_a_prescriber_seen_nowhere_else_are_evidence_at_stake() -> None:
    scored = _scored(_forger())
    assert scored.loc["FORGE", "rank"] == 1
    # the three deliveries (1,800.00) are evidence: the stake holds them
    assert float(scored.loc["FORGE", "estimated_stake"]) >= 1800.0
    assert "of expensive deliveries on a lone prescriber" in scored.loc["FORGE", "explanation"]


def test_a_chronic_patient_is_compared_with_chronic_peers_of_the_same_age() -> None:
    scored = _scored()
    assert scored.loc["B0000", "peer_class"] == "75+, chronic"
    assert scored.loc["B0100", "peer_class"] == "75+, not chronic"
    chronic = scored[scored["peer_class"] == "75+, chronic"]
    assert chronic["score"].max() < 0.5  # two GPs and four deliveries: usual among them


def test_age_bands_are_counted_from_the_year_of_the_claims() -> None:
    bands = age_band(pd.Series([2025, 2000, 1980, 1966, 1950, None]), 2025)
    assert list(bands) == ["0-15", "16-29", "45-59", "45-59", "75+", "age unknown"]


def test_a_heavy_but_ordinary_consumer_of_care_has_little_at_stake() -> None:
    """Stake is the cost of the suspicious part: billing a lot is not, by itself, a stake."""
    heavy = pd.DataFrame(
        [
            _claim("HEAVY", "PH01", "pharmacy", "PH7", 3 + 7 * k, 300.0, "R01", 1950)
            for k in range(3)
        ]
    )
    scored = _scored(heavy, _forger())
    assert float(scored.loc["HEAVY", "estimated_stake"]) == 0.0
    assert scored.loc["FORGE", "rank"] < scored.loc["HEAVY", "rank"]
