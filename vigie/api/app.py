"""The API application: ``create_app`` wires the routers, the error format and the
resources (a Postgres engine, a Temporal client) given by the caller or opened here."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from temporalio.client import Client

from vigie.api import errors
from vigie.api.routes import auth, cases, reports
from vigie.api.schemas import ErrorOut
from vigie.api.throttle import SignInThrottle
from vigie.web import pages

log = logging.getLogger(__name__)

ERRORS = {status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422, 429, 500, 503)}


def create_app(engine: Engine, client: Client | None) -> FastAPI:
    """The API on an open engine and Temporal client (None: reads only; actions answer 503
    ``temporal_unavailable``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine, app.state.client = engine, client
        yield

    app = FastAPI(
        title="Vigie",
        version="1",
        description="Fraud cases from detection to recovery: read from Postgres, act "
        "through the case workflows. Sign in with POST /api/auth/token.",
        lifespan=lifespan,
        responses=ERRORS,  # type: ignore[arg-type]
    )
    app.state.engine, app.state.client = engine, client
    app.state.throttle = SignInThrottle()
    errors.install(app)
    for router in (auth.router, cases.router, reports.router):
        app.include_router(router)
    pages.install(app)
    return app
