"""What the routes are given: the engine, the Temporal client, and the signed-in user,
checked against the route table before the route runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from temporalio.client import Client

from models import AppUser
from vigie.api.errors import ForbiddenError, UnauthenticatedError, UnavailableError
from vigie.api.roles import PUBLIC, ROUTE_ROLES
from vigie.api.security import user_for_token

bearer = HTTPBearer(auto_error=False, description="a token from POST /api/auth/token")


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_client(request: Request) -> Client:
    client: Client | None = request.app.state.client
    if client is None:
        raise UnavailableError("temporal_unavailable", "Temporal is not reachable: try again")
    return client


EngineDep = Annotated[Engine, Depends(get_engine)]
ClientDep = Annotated[Client, Depends(get_client)]


def route_key(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    return request.method, getattr(route, "path", request.url.path)


def current_user(
    request: Request,
    engine: EngineDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AppUser:
    """The user of a valid token, allowed on this route by the route table; 401 without a
    valid token, 403 when the role is not in the route's roles (or the route has none)."""
    if credentials is None:
        raise UnauthenticatedError(
            "not_signed_in", "sign in first: POST /api/auth/token, then send the bearer token"
        )
    user = user_for_token(engine, credentials.credentials)
    if user is None:
        raise UnauthenticatedError(
            "invalid_token", "the token is unknown, expired or revoked: sign in again"
        )
    key = route_key(request)
    allowed = ROUTE_ROLES.get(key)
    if allowed is None and key not in PUBLIC:
        raise ForbiddenError("route_without_roles", f"{key[0]} {key[1]} is open to no role")
    if allowed is not None and user.role not in allowed:
        raise ForbiddenError(
            "role_not_allowed", f"the role {user.role} may not call {key[0]} {key[1]}"
        )
    return user


CurrentUser = Annotated[AppUser, Depends(current_user)]
