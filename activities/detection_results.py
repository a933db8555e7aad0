"""A detection run's results in Postgres: the ranked scores and the alerts of one target
type (providers or insured persons), replacing what an earlier attempt of the same
activity wrote, in the caller's transaction."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from detection.typology import typology
from models import Alert, Case, ProviderScore
from models.detection import INSURED
from models.detection_messages import AlertToOpen, alert_case_id
from models.types import ActorType

#: what a ranked frame holds here (the callers rename their identifier to ``target_id``;
#: ``profession`` is an insured person's peer class)
RESULT_COLUMNS = (
    "target_id",
    "profession",
    "region",
    "rank",
    "score",
    "estimated_stake",
    "rule_hits",
    "explanation",
    "explanation_items",
)


def expected_recovery(score: float, stake: Decimal) -> Decimal:
    """score x stake, in Decimal; an estimate, explicitly rounded half-up to the cent."""
    return (Decimal(repr(score)) * stake).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def store_results(
    session: Session,
    run_id: str,
    period: str,
    target_type: str,
    scores: pd.DataFrame,
    selected: pd.DataFrame,
) -> list[AlertToOpen]:
    """Store ``scores`` (RESULT_COLUMNS, in ranking order) and the ``selected`` alerts;
    return the alerts to open, each saying whether a case on its target and period is
    already recorded."""
    insured = target_type == INSURED
    for table in (ProviderScore, Alert):
        session.execute(
            delete(table).where(col(table.run_id) == run_id, col(table.target_type) == target_type)
        )
    if len(scores):
        session.execute(
            insert(ProviderScore).values(
                [
                    {
                        "run_id": run_id,
                        "target_type": target_type,
                        "provider_id": r.target_id,
                        "profession": str(r.profession)[:40],
                        "region": r.region,
                        "rank": int(r.rank),
                        "score": float(r.score),
                        "estimated_stake": r.estimated_stake,
                        "rule_hits": int(r.rule_hits),
                        "explanation": r.explanation[:2000],
                        "explanation_items": r.explanation_items,
                    }
                    for r in scores.itertuples()
                ]
            )
        )
    alerts: list[AlertToOpen] = []
    for r in selected.itertuples():
        alert_id = session.execute(
            insert(Alert)
            .values(
                run_id=run_id,
                target_type=target_type,
                provider_id=r.target_id,
                period=period,
                score=float(r.score),
                estimated_stake=r.estimated_stake,
                expected_recovery=expected_recovery(float(r.score), r.estimated_stake),
                explanation=r.explanation[:2000],
            )
            .returning(col(Alert.id))
        ).scalar_one()
        alerts.append(
            AlertToOpen(
                alert_id=alert_id,
                actor_type=ActorType.INSURED if insured else ActorType.PROFESSIONAL,
                provider_id=str(r.target_id),
                profession=None if insured else str(r.profession),
                region=str(r.region),
                score=float(r.score),
                estimated_stake=r.estimated_stake,
                explanation=r.explanation[:400],
                typology=typology("insured" if insured else str(r.profession), r.explanation_items),
            )
        )
    known = set(
        session.execute(
            select(col(Case.id)).where(col(Case.id).in_([alert_case_id(a, period) for a in alerts]))
        ).scalars()
    )
    for a in alerts:
        a.case_exists = alert_case_id(a, period) in known
    return alerts
