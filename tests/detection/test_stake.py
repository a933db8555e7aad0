"""The stake: euros billed above what peers would bill for the same activity, from the
per-act-code table; its parts are stated; never more than was billed."""

from __future__ import annotations

import pandas as pd

from detection.feature_specs import FEATURE_NAMES
from detection.scorer import PeerAtypicalityScorer
from detection.stake import stake_parts, stake_sentence

PRICE = {"AMI1": 3.15, "AMI4": 12.60}
DAYS = 20


def _providers(n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n nurses billing 10 AMI1 and 2 AMI4 lines a day, each at the tariff."""
    ids = [f"N{i:03d}" for i in range(n)]
    codes = pd.DataFrame(
        [(p, "AMI1", 10 * DAYS, 10 * DAYS * PRICE["AMI1"]) for p in ids]
        + [(p, "AMI4", 2 * DAYS, 2 * DAYS * PRICE["AMI4"]) for p in ids],
        columns=["provider_id", "act_code", "lines", "amount"],
    )
    features = pd.DataFrame(
        {name: 1.0 + (i % 7) * 0.01 for i, name in enumerate(FEATURE_NAMES)},
        index=pd.Index(ids, name="provider_id"),
    )
    features.insert(0, "profession", "nurse")
    features.insert(1, "region", "bretagne")
    features["n_claims"] = 12 * DAYS
    features["active_days"] = DAYS
    features["amount_billed"] = 10 * DAYS * PRICE["AMI1"] + 2 * DAYS * PRICE["AMI4"]
    return features, codes


def _replace(
    features: pd.DataFrame, codes: pd.DataFrame, pid: str, ami1: int, ami4: int, p4: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = codes[codes["provider_id"] != pid]
    rows = pd.DataFrame(
        [(pid, "AMI1", ami1, ami1 * PRICE["AMI1"]), (pid, "AMI4", ami4, ami4 * p4)],
        columns=codes.columns,
    )
    features = features.copy()
    features.loc[pid, "amount_billed"] = ami1 * PRICE["AMI1"] + ami4 * p4
    features.loc[pid, "n_claims"] = ami1 + ami4
    return features, pd.concat([codes, rows], ignore_index=True)


def _parts(features: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    scorer = PeerAtypicalityScorer(shrinkage=0.0).fit(features)
    return stake_parts(features, scorer, codes)


def test_a_provider_billing_like_its_peers_has_nothing_at_stake() -> None:
    features, codes = _providers()
    assert _parts(features, codes)["stake"].abs().max() < 1e-9


def test_upcoding_counts_the_price_difference_not_the_whole_act() -> None:
    features, codes = _providers()
    # 5 of the 10 daily AMI1 billed as AMI4 instead: 100 lines shifted over 20 days
    features, codes = _replace(features, codes, "N000", 5 * DAYS, 7 * DAYS, PRICE["AMI4"])
    stake = _parts(features, codes).loc["N000"]
    assert round(stake["stake_volume"], 2) == round(100 * (PRICE["AMI4"] - PRICE["AMI1"]), 2)
    assert stake["stake_price"] == 0.0


def test_extra_acts_and_a_higher_price_are_each_counted_in_their_part() -> None:
    features, codes = _providers()
    # 40 AMI4 lines more than peers, each at 20.00 instead of 12.60
    features, codes = _replace(features, codes, "N000", 10 * DAYS, 2 * DAYS + 40, 20.0)
    stake = _parts(features, codes).loc["N000"]
    assert round(stake["stake_volume"], 2) == round(40 * PRICE["AMI4"], 2)
    assert round(stake["stake_price"], 2) == round((2 * DAYS + 40) * (20.0 - PRICE["AMI4"]), 2)


def test_the_stake_grows_with_the_excess_and_never_exceeds_what_was_billed() -> None:
    features, codes = _providers()
    stakes = []
    for extra in (0, 10, 50, 5_000):
        f, c = _replace(features, codes, "N000", 10 * DAYS + extra, 2 * DAYS, PRICE["AMI4"])
        parts = _parts(f, c).loc["N000"]
        assert parts["stake"] <= f.loc["N000", "amount_billed"] + 1e-9
        stakes.append(parts["stake"])
    assert stakes == sorted(stakes) and stakes[0] == 0.0 < stakes[1]


def test_rule_evidence_is_added_and_the_sum_capped_at_the_amount_billed() -> None:
    features, codes = _providers()
    scorer = PeerAtypicalityScorer(shrinkage=0.0).fit(features)
    billed = float(features.loc["N001", "amount_billed"])
    rules = pd.Series({"N000": 50.0, "N001": 10 * billed})
    parts = stake_parts(features, scorer, codes, rules)
    assert parts.loc["N000", "stake"] == 50.0
    assert parts.loc["N001", "stake"] == billed


def test_the_stake_sentence_names_each_part_above_zero() -> None:
    text = stake_sentence(1200.0, 0.0, 34.5, 1234.5)
    assert text == (
        "Stake 1,234.50 EUR: 1,200.00 EUR above the peers' volume of acts, "
        "34.50 EUR in rule evidence"
    )
    assert stake_sentence(0.0, 0.0, 0.0, 0.0) == ""
