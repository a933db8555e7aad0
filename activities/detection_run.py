"""Detection activities: plan a run, extract features per partition, score, persist alerts.

Partitions are profession x region for one month. Each partition activity loads only its
claims, computes features and rule hits, and heartbeats; scoring then runs once on the
(small) per-provider feature table, so peer groups can fall back to the whole profession.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select, text, update
from sqlalchemy.dialects.postgresql import insert
from temporalio import activity

from activities.claims_loader import load_claims
from activities.detection_results import store_results
from detection.claims_db import claims_connection
from detection.code_stats import CODE_STATS_COLUMNS, code_stats
from detection.features import compute_features
from detection.pipeline import score_features
from detection.ranker import load_model
from detection.rules import RuleHit, run_rules
from detection.stake import select_top_k
from models import Alert, DetectionRun, ProviderFeatures
from models.detection import PROFESSIONAL
from models.detection_messages import (
    AlertOutcome,
    DetectionRunResult,
    Partition,
    PartitionResult,
    ScoreOutcome,
)
from models.identifiers import pseudonymise
from models.types import utcnow
from vigie.runtime.db import transaction

log = logging.getLogger(__name__)
META = ("profession", "region")
#: the key, in a provider's stored features, of its lines and amount per act code (stake)
CODES_KEY = "_codes"
#: DuckDB scanning pandas frames from several activity threads at once crashed the worker
#: process (std::bad_cast, then terminate) on the demo's 70 partitions. DuckDB parallelises
#: each query itself, so one feature query at a time costs little.
DUCKDB_LOCK = threading.Lock()


def month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def _json_row(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, float) and math.isnan(value):
            out[str(key)] = None
        elif hasattr(value, "item"):
            out[str(key)] = value.item()
        else:
            out[str(key)] = value
    return out


def _hit_json(hit: RuleHit, pseudonym_key: str) -> dict[str, Any]:
    """Rule evidence as stored: the beneficiary is pseudonymised (personal data)."""
    beneficiary = pseudonymise(hit.beneficiary_id, pseudonym_key) if hit.beneficiary_id else None
    return {
        "rule": hit.rule,
        "provider_id": hit.provider_id,
        "claim_ids": list(hit.claim_ids),
        "dates": list(hit.dates),
        "amount": str(hit.amount),
        "detail": hit.detail,
        "beneficiary_id": beneficiary,
    }


def _hit_from_json(d: dict[str, Any]) -> RuleHit:
    return RuleHit(
        rule=d["rule"],
        provider_id=d["provider_id"],
        claim_ids=tuple(d["claim_ids"]),
        dates=tuple(d["dates"]),
        amount=Decimal(d["amount"]),
        detail=d["detail"],
        beneficiary_id=d.get("beneficiary_id"),
    )


class DetectionActivities:
    def __init__(self, engine: Engine, pseudonym_key: str) -> None:
        self.engine = engine
        self.pseudonym_key = pseudonym_key

    @activity.defn(name="plan_detection")
    def plan_detection(self, run_id: str, period: str) -> list[Partition]:
        """Record the run and list its partitions (profession x region with claims)."""
        start, end = month_bounds(period)
        with transaction(self.engine) as session:
            session.execute(
                insert(DetectionRun)
                .values(id=run_id, period=period, status="running", started_at=utcnow())
                .on_conflict_do_nothing(index_elements=["id"])
            )
            rows = session.execute(
                text(
                    "SELECT profession, region, count(*) FROM claim "
                    "WHERE service_date >= :s AND service_date < :e "
                    "GROUP BY profession, region ORDER BY profession, region"
                ),
                {"s": start, "e": end},
            ).all()
            partitions = [Partition(profession=p, region=r, claims=n) for p, r, n in rows]
            session.execute(
                update(DetectionRun)
                .where(DetectionRun.id == run_id)  # type: ignore[arg-type]
                .values(partitions=len(partitions), claims=sum(p.claims for p in partitions))
            )
        return partitions

    @activity.defn(name="extract_partition")
    def extract_partition(self, run_id: str, period: str, part: Partition) -> PartitionResult:
        """Features and rule hits of one profession x region for the month."""
        start, end = month_bounds(period)
        activity.heartbeat("loading claims")
        claims = load_claims(self.engine, start, end, part.profession, part.region)
        activity.heartbeat(f"features of {len(claims)} claims")
        # one connection for features, per-code table and rules (they share its aggregates),
        # all inside the lock: the rules are DuckDB queries on the frame too
        with DUCKDB_LOCK, claims_connection(claims) as con:  # see DUCKDB_LOCK
            features = compute_features(con)
            codes = code_stats(con)
            activity.heartbeat("rules")
            hits = run_rules(con)
        per_code: dict[str, dict[str, list[float]]] = {}
        for c in codes.itertuples():
            per_code.setdefault(str(c.provider_id), {})[str(c.act_code)] = [
                int(c.lines),
                float(c.amount),
            ]
        by_provider: dict[str, list[dict[str, Any]]] = {}
        for hit in hits:
            by_provider.setdefault(hit.provider_id, []).append(_hit_json(hit, self.pseudonym_key))
        rows = [
            {
                "run_id": run_id,
                "provider_id": str(pid),
                "profession": str(row["profession"]),
                "region": str(row["region"]),
                "features": _json_row(row.drop(labels=list(META)))
                | {CODES_KEY: per_code.get(str(pid), {})},
                "rule_hits": by_provider.get(str(pid), []),
            }
            for pid, row in features.iterrows()
        ]
        with transaction(self.engine) as session:
            if rows:
                session.execute(
                    insert(ProviderFeatures)
                    .values(rows)
                    .on_conflict_do_nothing(constraint="uq_features_run_provider")
                )
        return PartitionResult(
            profession=part.profession, region=part.region, providers=len(rows), rule_hits=len(hits)
        )

    @activity.defn(name="score_run")
    def score_run(
        self,
        run_id: str,
        period: str,
        capacity: int,
        min_score: float,
        model_path: str | None = None,
        rank_by: str = "recovery",
    ) -> ScoreOutcome:
        """Score every provider of the run against peers (re-ranked by the supervised model
        when one is given); persist scores and the alerts."""
        with self.engine.connect() as conn:
            stored = conn.execute(
                select(ProviderFeatures).where(ProviderFeatures.run_id == run_id)  # type: ignore[arg-type]
            ).all()
        if not stored:
            return ScoreOutcome(providers=0, alerts=[])
        codes = pd.DataFrame(
            [
                (r.provider_id, code, lines, amount)
                for r in stored
                for code, (lines, amount) in (r.features.get(CODES_KEY) or {}).items()
            ],
            columns=list(CODE_STATS_COLUMNS),
        )
        features = pd.DataFrame(
            [
                {k: v for k, v in r.features.items() if k != CODES_KEY}
                | {"profession": r.profession, "region": r.region}
                for r in stored
            ],
            index=pd.Index([r.provider_id for r in stored], name="provider_id"),
        )
        for name in features.columns:
            if name not in META:
                features[name] = pd.to_numeric(features[name], errors="coerce")
        features["profession"] = features["profession"].astype("string")
        features["region"] = features["region"].astype("string")
        hits = [_hit_from_json(h) for r in stored for h in r.rule_hits]
        activity.heartbeat(f"scoring {len(features)} providers")
        model = load_model(model_path) if model_path else None
        scores = score_features(
            features, hits, model=model, rank_by=rank_by, code_stats=codes if len(codes) else None
        )
        selected = (
            select_top_k(scores, capacity, min_score, rank_by) if capacity else scores.head(0)
        )
        as_results = {"provider_id": "target_id"}
        with transaction(self.engine) as session:
            alerts = store_results(
                session,
                run_id,
                period,
                PROFESSIONAL,
                scores.rename(columns=as_results),
                selected.rename(columns=as_results),
            )
            session.execute(
                update(DetectionRun)
                .where(DetectionRun.id == run_id)  # type: ignore[arg-type]
                .values(providers=len(scores), alerts=len(alerts), model=model_path)
            )
        return ScoreOutcome(providers=len(scores), alerts=alerts)

    @activity.defn(name="finish_detection")
    def finish_detection(self, result: DetectionRunResult, outcomes: list[AlertOutcome]) -> None:
        with transaction(self.engine) as session:
            for o in outcomes:
                session.execute(
                    update(Alert)
                    .where(Alert.id == o.alert_id)  # type: ignore[arg-type]
                    .values(case_id=o.case_id, outcome=o.outcome)
                )
            session.execute(
                update(DetectionRun)
                .where(DetectionRun.id == result.run_id)  # type: ignore[arg-type]
                .values(status="done", finished_at=utcnow(), cases_opened=result.cases_opened)
            )
