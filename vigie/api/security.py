"""Passwords and bearer tokens.

- Passwords: Argon2id (argon2-cffi's defaults), compared by the library in constant time.
- Tokens: 32 random bytes given once at sign-in; only their SHA-256 is stored, with an
  expiry (8 hours by default). A token is refused once expired, revoked (sign-out) or when
  its user is deactivated. Opaque tokens rather than signed ones: revocation takes effect at
  once, and nothing needs a signing key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from models import ApiToken, AppUser
from vigie.runtime.db import transaction

TOKEN_TTL = timedelta(hours=8)
HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        HASHER.hash(password)  # as long as a real check: no timing hint that the user is unknown
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(engine: Engine, user_id: str, ttl: timedelta = TOKEN_TTL) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + ttl
    with transaction(engine) as session:
        session.add(ApiToken(token_hash=token_digest(token), user_id=user_id, expires_at=expires))
    return token, expires


def user_for_token(engine: Engine, token: str, now: datetime | None = None) -> AppUser | None:
    """The active user the token belongs to, if it is known, unexpired and not revoked."""
    now = now or datetime.now(UTC)
    query = (
        select(AppUser)
        .join(ApiToken, col(ApiToken.user_id) == col(AppUser.id))
        .where(
            ApiToken.token_hash == token_digest(token),
            col(ApiToken.revoked_at).is_(None),
            col(ApiToken.expires_at) > now,
            col(AppUser.active).is_(True),
        )
    )
    with Session(engine) as session:
        user = session.exec(query).first()
        if user is not None:
            session.expunge(user)
        return user


def revoke_token(engine: Engine, token: str) -> None:
    with transaction(engine) as session:
        session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == token_digest(token))
            .values(revoked_at=datetime.now(UTC))
        )


def revoke_user_tokens(engine: Engine, user_id: str) -> None:
    """Called when a user is deactivated: every token of theirs stops at once."""
    with transaction(engine) as session:
        session.execute(
            update(ApiToken)
            .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


def set_password(engine: Engine, user_id: str, password: str) -> bool:
    with transaction(engine) as session:
        user = session.get(AppUser, user_id)
        if user is None:
            return False
        user.password_hash = hash_password(password)
        session.add(user)
    return True
