"""Credibility: a mean measured on a few claims is believed little, and features that
cannot speak (constant, or duplicating another) are left out of the score and reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detection.credibility import screen_features, shrink_towards
from detection.feature_specs import FEATURE_NAMES
from detection.scorer import PeerAtypicalityScorer

N_PEERS = 200


def _peers(seed: int = 1) -> pd.DataFrame:
    """200 nurses of one region; every feature varies a little around its own level."""
    rng = np.random.default_rng(seed)
    index = pd.Index([f"N{i:03d}" for i in range(N_PEERS)], name="provider_id")
    levels = np.linspace(1.0, 40.0, len(FEATURE_NAMES))
    values = levels * (1 + 0.1 * rng.standard_normal((N_PEERS, len(FEATURE_NAMES))))
    frame = pd.DataFrame(values, index=index, columns=list(FEATURE_NAMES))
    meta = pd.DataFrame(
        {
            "profession": "nurse",
            "region": "bretagne",
            "n_claims": rng.integers(300, 3000, N_PEERS),
            "amount_billed": 10_000.0,
            "active_days": 20,
        },
        index=index,
    )
    return pd.concat([meta, frame], axis=1)


def _with(peers: pd.DataFrame, name: str, n_claims: int, **values: float) -> pd.DataFrame:
    row = peers.iloc[[0]].copy()
    row.index = pd.Index([name], name="provider_id")
    row[list(FEATURE_NAMES)] = peers[list(FEATURE_NAMES)].median().to_numpy()
    row["n_claims"] = n_claims
    for key, value in values.items():
        row[key] = value
    return pd.concat([peers, row])


def test_two_claims_of_an_expensive_act_do_not_make_a_provider_extreme_on_price() -> None:
    peers = _peers()
    price = float(peers["unit_amount_mean"].median()) * 10
    frame = _with(
        _with(peers, "FEW", 2, unit_amount_mean=price), "MANY", 900, unit_amount_mean=price
    )
    unshrunk = PeerAtypicalityScorer(multivariate="none", shrinkage=0.0).fit(frame)
    raw_z = unshrunk.transform(frame.loc[["FEW", "MANY"]])["unit_amount_mean"]
    assert raw_z["FEW"] == raw_z["MANY"]  # read at face value, two claims weigh like 900

    scorer = PeerAtypicalityScorer(multivariate="none").fit(frame)
    z = scorer.transform(frame.loc[["FEW", "MANY"]])["unit_amount_mean"]
    assert z["FEW"] < 0.2 * z["MANY"]
    scores = pd.Series(scorer.score_samples(frame), index=frame.index)
    assert scores["MANY"] > scores["FEW"]


def test_shrinkage_moves_a_value_towards_the_prior_by_k_over_n_plus_k() -> None:
    values = pd.DataFrame({"price": [100.0, np.nan]})
    out = shrink_towards(values, np.array([[10.0], [10.0]]), np.array([30, 30]), 30.0)
    assert out.loc[0, "price"] == 55.0  # (30 x 100 + 30 x 10) / 60
    assert np.isnan(out.loc[1, "price"])  # a feature that does not apply stays missing


def test_a_constant_feature_and_a_duplicated_feature_are_left_out_and_reported() -> None:
    peers = _peers()
    peers["km_per_trip_mean"] = np.nan  # no distances in the file
    peers["after_death_share"] = 0.0
    peers["acts_per_day_p95"] = peers["acts_per_day_mean"]
    excluded = screen_features(peers[list(FEATURE_NAMES)])
    assert excluded["km_per_trip_mean"] == "absent from every provider"
    assert excluded["after_death_share"].startswith("constant")
    assert excluded["acts_per_day_p95"] == "duplicate of acts_per_day_mean"
    assert "acts_per_day_mean" not in excluded

    scorer = PeerAtypicalityScorer().fit(peers)
    assert set(scorer.excluded_features_) == {
        "km_per_trip_mean",
        "after_death_share",
        "acts_per_day_p95",
    }
    target = _with(peers, "T", 1000, acts_per_day_p95=1e6)
    # the duplicate is left out of the score even where it is extreme
    assert scorer.transform(target.loc[["T"]])["acts_per_day_p95"].iloc[0] == 0.0


def test_the_seven_workload_measures_count_as_one_piece_of_evidence() -> None:
    peers = _peers()
    scorer = PeerAtypicalityScorer().fit(peers)
    workload = [
        "care_hours_per_day_mean",
        "care_hours_per_day_p95",
        "share_days_over_limit",
        "acts_per_day_mean",
        "acts_per_day_p95",
        "patients_per_day_mean",
        "patients_per_day_max",
    ]
    assert sorted(len(f) for f in scorer.families_)[-1] == len(workload)
    assert len(scorer.families_) == len(FEATURE_NAMES) - len(workload) + 1
