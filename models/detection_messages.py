"""Messages of the detection run workflow (pydantic, across the Temporal boundary)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from models.case_messages import PERIOD_RE, TargetRef, case_workflow_id
from models.types import ActorType, Money


class DetectionRunInput(BaseModel):
    period: str | None = Field(
        default=None, description="YYYY-MM; unset: the month before the run (scheduled runs)"
    )
    capacity: int = Field(default=20, ge=0, description="how many alerts investigators can take")
    insured_capacity: int = Field(
        default=0,
        ge=0,
        description="how many insured-person alerts to select as well (insured persons are "
        "scored when above 0)",
    )
    min_score: float = Field(default=0.5, ge=0, le=1)
    open_cases: bool = True
    model_path: str | None = Field(
        default=None, description="supervised re-ranker file; unset: unsupervised score only"
    )
    rank_by: Literal["recovery", "suspicion"] = Field(
        default="recovery",
        description="recovery: suspicion x stake in euros (as `detect score`); suspicion alone",
    )

    @field_validator("period")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 7 or not PERIOD_RE.match(value)):
            raise ValueError("period must be YYYY-MM")
        return value


class Partition(BaseModel):
    profession: str
    region: str
    claims: int


class PartitionResult(BaseModel):
    profession: str
    region: str
    providers: int
    rule_hits: int


class AlertToOpen(BaseModel):
    alert_id: int
    actor_type: ActorType = ActorType.PROFESSIONAL
    provider_id: str = Field(description="the provider's, or the insured person's, identifier")
    profession: str | None
    region: str
    score: float
    estimated_stake: Money
    explanation: str
    typology: str = Field(default="atypical_activity", max_length=60)
    case_exists: bool = Field(
        default=False, description="a case on this target and period is already recorded"
    )


def alert_target(alert: AlertToOpen) -> TargetRef:
    """The alert's target: a professional, or an insured person (no profession)."""
    return TargetRef(
        actor_type=alert.actor_type,
        identifier=alert.provider_id,
        profession=alert.profession if alert.actor_type is ActorType.PROFESSIONAL else None,
        region=alert.region,
    )


def alert_case_id(alert: AlertToOpen, period: str) -> str:
    return case_workflow_id(alert_target(alert), period)


class ScoreOutcome(BaseModel):
    providers: int
    alerts: list[AlertToOpen]


class AlertOutcome(BaseModel):
    alert_id: int
    case_id: str
    outcome: str = Field(description="opened, already_open")


class DetectionRunResult(BaseModel):
    run_id: str
    period: str
    model: str | None = None
    partitions: int = 0
    claims: int = 0
    providers: int = 0
    insured: int = Field(default=0, description="insured persons scored")
    alerts: int = Field(default=0, description="providers' and insured persons' alerts")
    insured_alerts: int = 0
    cases_opened: int = 0
    already_open: int = 0
