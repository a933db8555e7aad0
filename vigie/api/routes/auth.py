"""Sign-in (OAuth2 password form) and sign-out; who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, OAuth2PasswordRequestForm

from vigie.api.deps import CurrentUser, EngineDep, bearer
from vigie.api.errors import TooManyAttemptsError, UnauthenticatedError
from vigie.api.schemas import MeOut, TokenOut
from vigie.api.security import issue_token, revoke_token, verify_password
from vigie.api.throttle import SignInThrottle
from vigie.services.errors import InvalidInputError
from vigie.services.users import find_user

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenOut)
def sign_in(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], engine: EngineDep
) -> TokenOut:
    """A bearer token for 8 hours, for an active user with a password. After 5 failed
    attempts for a user name within 5 minutes, attempts are refused for a while (429)."""
    for field, value in (("username", form.username), ("password", form.password)):
        if "\x00" in value:  # Postgres text cannot hold it: refused before any query
            raise InvalidInputError(field, "\\x00", "a NUL character is not accepted")
    throttle: SignInThrottle = request.app.state.throttle
    wait = throttle.retry_after(form.username)
    if wait is not None:
        raise TooManyAttemptsError(
            "too_many_attempts", f"too many failed sign-ins: try again in {wait} s", wait
        )
    user = find_user(engine, form.username)
    ok = verify_password(form.password, user.password_hash if user else None)
    if user is None or not ok or not user.active:
        throttle.failed(form.username)
        raise UnauthenticatedError("bad_credentials", "unknown user or wrong password")
    throttle.succeeded(form.username)
    token, expires = issue_token(engine, user.id)
    return TokenOut(access_token=token, expires_at=expires)


@router.post("/auth/logout", status_code=204)
def sign_out(
    user: CurrentUser,
    engine: EngineDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Revoke the token used for this call."""
    if credentials is not None:
        revoke_token(engine, credentials.credentials)


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser) -> MeOut:
    return MeOut(
        id=user.id, display_name=user.display_name, role=user.role, supervisor_id=user.supervisor_id
    )
