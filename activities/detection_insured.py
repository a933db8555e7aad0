"""Detection of insured persons: the month's claims -> insured-person features -> scores
-> alerts, in one activity after the providers' scoring.

An insured person's claims span every profession (their doctors, pharmacies, nurses), so
this activity reads the whole month rather than one profession x region partition. The
scored table is small (one row per insured person); only the first ``STORED_SCORES`` of the
ranking are stored, with their explanation, beside the alerts.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, update
from sqlmodel import col
from temporalio import activity

from activities.claims_loader import load_claims
from activities.detection_results import store_results
from activities.detection_run import DUCKDB_LOCK, month_bounds
from detection.insured import score_insured
from detection.insured_features import insured_features_of_frame
from detection.stake import select_top_k
from models import DetectionRun
from models.detection import INSURED
from models.detection_messages import ScoreOutcome
from models.identifiers import looks_like_nir, pseudonymise
from vigie.runtime.db import transaction

log = logging.getLogger(__name__)
STORED_SCORES = 1000


class InsuredDetectionActivities:
    def __init__(self, engine: Engine, pseudonym_key: str) -> None:
        self.engine = engine
        self.pseudonym_key = pseudonym_key

    def _identifier(self, beneficiary_id: str) -> str:
        """A raw NIR never enters a case: it is pseudonymised with the fund's key."""
        if looks_like_nir(beneficiary_id):
            return pseudonymise(beneficiary_id, self.pseudonym_key)
        return beneficiary_id

    @activity.defn(name="score_insured_run")
    def score_insured_run(
        self, run_id: str, period: str, capacity: int, min_score: float, rank_by: str
    ) -> ScoreOutcome:
        """Score the insured persons of the month against their peers; store the first of
        the ranking and the alerts (at most ``capacity``, above the floor, with a stake)."""
        start, end = month_bounds(period)
        activity.heartbeat("loading the month's claims")
        claims = load_claims(self.engine, start, end)
        activity.heartbeat(f"insured-person features of {len(claims)} claims")
        with DUCKDB_LOCK:  # see DUCKDB_LOCK
            features = insured_features_of_frame(claims)
        activity.heartbeat(f"scoring {len(features)} insured persons")
        scores = score_insured(features, rank_by=rank_by)
        scores["beneficiary_id"] = scores["beneficiary_id"].map(self._identifier)
        selected = select_top_k(scores, capacity, min_score, rank_by)
        as_results = {"beneficiary_id": "target_id", "peer_class": "profession"}
        with transaction(self.engine) as session:
            alerts = store_results(
                session,
                run_id,
                period,
                INSURED,
                scores.head(STORED_SCORES).rename(columns=as_results).assign(rule_hits=0),
                selected.rename(columns=as_results).assign(rule_hits=0),
            )
            session.execute(
                update(DetectionRun)
                .where(col(DetectionRun.id) == run_id)
                .values(alerts=DetectionRun.alerts + len(alerts))
            )
        log.info("scored %d insured persons, %d alerts", len(scores), len(alerts))
        return ScoreOutcome(providers=len(scores), alerts=alerts)
