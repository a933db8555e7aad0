"""Users and roles: investigators, managers, and who escalations go to."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Field, SQLModel


class AppUser(SQLModel, table=True):
    __tablename__ = "app_user"

    id: str = Field(primary_key=True, max_length=60)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20, description="investigator, supervisor, manager, auditor")
    supervisor_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=60)
    active: bool = Field(default=True, description="a deactivated user can no longer act")
    password_hash: str | None = Field(
        default=None, max_length=200, description="scrypt hash; None: cannot sign in to the API"
    )


class ActorProfile(BaseModel):
    """What the case workflow learns about an actor from the registry (a local activity)."""

    user_id: str
    registered: bool
    active: bool = False
    role: str = "investigator"
