"""Signing in and out (a session cookie holding the same opaque, expiring token as the
API's), choosing the language, and the home page that sends each role to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigie.api.security import issue_token, revoke_token, verify_password
from vigie.services.users import find_user
from vigie.web.i18n import pick
from vigie.web.render import PageError, engine_of, render, signed_in
from vigie.web.session import COOKIE, LANG_COOKIE, SESSION_SECONDS, csrf_ok

router = APIRouter(include_in_schema=False)


def _local(target: str) -> str:
    """Only a path of this site: never another host (an open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/", expired: str = "") -> HTMLResponse:
    return render(
        request, "login.html", None, next=_local(next), error=None, expired=expired == "1"
    )


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = _local(str(form.get("next") or "/"))
    engine = engine_of(request)
    user = find_user(engine, username)
    if user is None or not user.active or not verify_password(password, user.password_hash):
        return render(
            request, "login.html", None, status=401, next=target, error=True, expired=False
        )
    token, _ = issue_token(engine, user.id)
    response = RedirectResponse(target, 303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=SESSION_SECONDS)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        raise PageError(403, "The form has expired: reload the page.")
    revoke_token(engine_of(request), request.cookies[COOKIE])
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE)
    return response


@router.post("/lang")
async def choose_language(request: Request) -> Response:
    form = await request.form()
    response = RedirectResponse(_local(str(form.get("back") or "/")), 303)
    response.set_cookie(
        LANG_COOKIE, pick(str(form.get("lang"))), samesite="strict", max_age=365 * 86400
    )
    return response


@router.get("/")
def home(request: Request) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    page = {"manager": "/pilotage", "auditor": "/pilotage", "supervisor": "/equipe"}
    return RedirectResponse(page.get(user.role, "/dossiers"), 303)
