"""The pages, served by the API's application: sign-in, the worklist ("Mes dossiers"), the
case page, the team view ("Équipe") and the dashboard ("Pilotage"). Reads come from Postgres
through the same services as the API; actions go through the case workflow as the signed-in
user. Every page is in the pages' role table (``vigie.api.roles.WEB_ROUTE_ROLES``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter

from vigie.web.render import install_error_page
from vigie.web.routes import auth, case, dashboard, team, worklist

STATIC = Path(__file__).with_name("static")

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    worklist.router,
    case.router,
    team.router,
    dashboard.router,
)


def install(app: Any) -> None:
    """The pages, their static files and their error page, on the API's application."""
    from fastapi.staticfiles import StaticFiles

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), "static")
    install_error_page(app)
