"""API bearer tokens: opaque random strings given once at login, stored only as their
SHA-256, with an expiry; revoked at logout and when the user is deactivated."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import timestamp_column


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, description="sha256 of the token, hex")
    user_id: str = Field(foreign_key="app_user.id", max_length=60, index=True)
    created_at: datetime = timestamp_column(now_default=True)
    expires_at: datetime = timestamp_column()
    revoked_at: datetime | None = timestamp_column(nullable=True)
