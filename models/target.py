"""The target of a case: a professional, an establishment, an insured person or an employer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import ActorType, enum_column, timestamp_column


class TargetBase(SQLModel):
    actor_type: ActorType = enum_column(ActorType)
    identifier: str = Field(
        max_length=64, description="RPPS/ADELI, FINESS, SIRET, or the pseudonymised NIR"
    )
    profession: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=40)
    display_name: str | None = Field(default=None, max_length=200)


class TargetCreate(TargetBase):
    pass


class Target(TargetBase, table=True):
    id: str = Field(primary_key=True, max_length=100)
    created_at: datetime = timestamp_column(now_default=True)


class TargetPublic(TargetBase):
    id: str


def target_key(actor_type: ActorType, identifier: str) -> str:
    """The stable id of a target: its actor type and identifier."""
    return f"{actor_type.value}:{identifier}"
