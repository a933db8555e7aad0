"""The detection evidence behind a case: the alert's explanation against peers, and the
expert-rule hits with the claim ids that support them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models import Alert, ProviderFeatures, ProviderScore
from models.detection import PROFESSIONAL


@dataclass(frozen=True)
class RuleEvidence:
    rule: str
    detail: str
    amount: Decimal
    claim_ids: list[str]


@dataclass(frozen=True)
class CaseEvidence:
    run_id: str
    score: float
    explanation: str
    items: list[dict[str, Any]] = field(default_factory=list)
    rule_hits: list[RuleEvidence] = field(default_factory=list)


def case_evidence(engine: Engine, case_id: str) -> CaseEvidence | None:
    """The most recent detection alert that opened or joined ``case_id``; None for a case
    opened by hand or from a report."""
    with Session(engine) as session:
        alert = session.exec(
            select(Alert).where(Alert.case_id == case_id).order_by(col(Alert.id).desc())
        ).first()
        if alert is None:
            return None
        score = session.exec(
            select(ProviderScore).where(
                ProviderScore.run_id == alert.run_id,
                ProviderScore.target_type == alert.target_type,
                ProviderScore.provider_id == alert.provider_id,
            )
        ).first()
        # rule hits are the providers' (an insured person's evidence is in the explanation)
        features = (
            session.exec(
                select(ProviderFeatures).where(
                    ProviderFeatures.run_id == alert.run_id,
                    ProviderFeatures.provider_id == alert.provider_id,
                )
            ).first()
            if alert.target_type == PROFESSIONAL
            else None
        )
    hits = [
        RuleEvidence(
            rule=str(h["rule"]),
            detail=str(h.get("detail", "")),
            amount=Decimal(str(h.get("amount", "0"))),
            claim_ids=[str(c) for c in h.get("claim_ids", [])],
        )
        for h in (features.rule_hits if features else [])
    ]
    return CaseEvidence(
        run_id=alert.run_id,
        score=alert.score,
        explanation=score.explanation if score else alert.explanation,
        items=list(score.explanation_items) if score else [],
        rule_hits=hits,
    )
