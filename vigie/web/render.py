"""What every page shares: the templates, the signed-in user checked against the pages'
role table, and the page errors (rendered as a page with their status, in the user's
language)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from temporalio.client import Client

from models import AppUser
from vigie.api.roles import WEB_PUBLIC, WEB_ROUTE_ROLES
from vigie.web import labels
from vigie.web.i18n import Formats, pick, translations
from vigie.web.session import COOKIE, LANG_COOKIE, csrf_token, session_user

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
)


class PageError(Exception):
    """A page that cannot be shown to this user: rendered with its status. ``message`` is
    an English message id, translated when shown; ``detail`` is shown as is."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(f"{message} {detail}".strip())
        self.status, self.message, self.detail = status, message, detail


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def language(request: Request) -> str:
    return pick(request.cookies.get(LANG_COOKIE))


def render(
    request: Request, name: str, user: AppUser | None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    lang = language(request)
    t = translations(lang)
    token = request.cookies.get(COOKIE)
    html = TEMPLATES.get_template(name).render(
        _=t.gettext,
        f=Formats(lang),
        L=labels.Labels(t.gettext, lang),
        lang=lang,
        user=user,
        csrf=csrf_token(token) if token else "",
        path=request.url.path,
        query=request.url.query,
        **ctx,
    )
    return HTMLResponse(html, status)


def signed_in(request: Request) -> AppUser | RedirectResponse:
    """The user of the session, allowed on this page by the route table; a redirect to the
    sign-in page without a session (saying so when it has expired); 403 when the role may
    not open the page."""
    user = session_user(request, engine_of(request))
    if user is None:
        target = quote(
            str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
        )
        expired = "&expired=1" if request.cookies.get(COOKIE) else ""
        response = RedirectResponse(f"/login?next={target}{expired}", 303)
        response.delete_cookie(COOKIE)
        return response
    route = request.scope.get("route")
    key = (request.method, getattr(route, "path", request.url.path))
    allowed = WEB_ROUTE_ROLES.get(key)
    if allowed is None and key not in WEB_PUBLIC:
        raise PageError(403, "No role may open this page.", f"{key[0]} {key[1]}")
    if allowed is not None and user.role not in allowed:
        raise PageError(403, "Your role may not open this page.", key[1])
    return user


def install_error_page(app: Any) -> None:
    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> HTMLResponse:
        user = session_user(request, engine_of(request))
        return render(
            request, "error.html", user, status=exc.status, message=exc.message,
            detail=exc.detail,
        )  # fmt: skip


def client_of(request: Request) -> Client:
    """The Temporal client actions go through; 503 when the application has none."""
    client: Client | None = request.app.state.client
    if client is None:
        raise PageError(503, "Actions are unavailable: the workflow service is not reachable.")
    return client
