"""Browser sessions: the same opaque token as the API's bearer token (stored hashed, 8 hours,
revoked at sign-out and at deactivation), carried in an HttpOnly, SameSite=Strict cookie.
Every form carries a CSRF token derived from the session token; a POST without the right
one is refused."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from sqlalchemy import Engine

from models import AppUser
from vigie.api.security import TOKEN_TTL, user_for_token

COOKIE = "vigie_session"
#: a session lasts as long as its token (``vigie.api.security``); then the pages ask to sign in
SESSION_SECONDS = int(TOKEN_TTL.total_seconds())
LANG_COOKIE = "lang"


def csrf_token(session_token: str) -> str:
    return hashlib.sha256(f"csrf:{session_token}".encode()).hexdigest()[:32]


def csrf_ok(request: Request, submitted: str | None) -> bool:
    token = request.cookies.get(COOKIE)
    return bool(token and submitted and hmac.compare_digest(csrf_token(token), submitted))


def session_user(request: Request, engine: Engine) -> AppUser | None:
    token = request.cookies.get(COOKIE)
    return user_for_token(engine, token) if token else None
