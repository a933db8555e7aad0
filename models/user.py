"""Users and roles: investigators, managers, and who escalations go to."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class AppUser(SQLModel, table=True):
    __tablename__ = "app_user"

    id: str = Field(primary_key=True, max_length=60)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20, description="investigator, manager, admin")
    supervisor_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=60)
