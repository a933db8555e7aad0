"""The case page: header and figures, detection evidence, the timeline as sentences
(filtered by kind), grievances with their lines, tracks and deadlines, tasks, and the
actions the current stage allows as forms; an action confirms with the new state."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from models import AppUser, Case, Target
from vigie.api.roles import ANY_CASE, READ_ANY_CASE
from vigie.letters.render import render_pdf
from vigie.letters.service import list_letters, verified_html
from vigie.services.case_access import log_access, read_case
from vigie.services.case_evidence import case_evidence
from vigie.services.task_queries import list_tasks
from vigie.web import forms
from vigie.web.i18n import translations
from vigie.web.labels import KINDS, Labels
from vigie.web.render import PageError, client_of, engine_of, language, render, signed_in
from vigie.web.session import csrf_ok
from vigie.web.timeline import sentences

router = APIRouter(include_in_schema=False)


def _people(request: Request) -> list[AppUser]:
    with Session(engine_of(request)) as session:
        return list(session.exec(select(AppUser).where(col(AppUser.active).is_(True))).all())


def _readable(request: Request, user: AppUser, case_id: str) -> tuple[Case, Target | None]:
    """The case row and its target, if ``user`` may read the case (404 / 403 otherwise)."""
    with Session(engine_of(request)) as session:
        row = session.get(Case, case_id)
        target = session.get(Target, row.target_id) if row else None
    if row is None:
        raise PageError(404, "No such case.", case_id)
    if user.role not in READ_ANY_CASE and row.assignee not in (None, user.id):
        raise PageError(403, "This case is assigned to another investigator.", case_id)
    return row, target


def _context(request: Request, user: AppUser, case_id: str, kind: str) -> dict[str, Any]:
    engine = engine_of(request)
    row, target = _readable(request, user, case_id)
    state = read_case(engine, case_id, user.id, via="web")
    may_act = user.role in ANY_CASE or (user.role == "investigator" and row.assignee == user.id)
    people = _people(request)
    lang = language(request)
    gettext = translations(lang).gettext
    names = {u.id: u.display_name for u in people}
    return {
        "case": row,
        "target": target,
        "state": state,
        "names": names,
        "tasks": list_tasks(engine, case_id=case_id),
        "letters": list_letters(engine, case_id),
        "evidence": case_evidence(engine, case_id),
        "may_act": may_act,
        "read_only": user.role not in ANY_CASE and user.role != "investigator",
        "actions": forms.actions_for(state, people, user.role) if may_act else [],
        "kinds": KINDS,
        "kind": kind if kind in KINDS else "",
        "timeline": sentences(
            state.timeline,
            names,
            Labels(gettext, lang),
            gettext("Vigie (automatic)"),
            kind if kind in KINDS else None,
        ),
    }


@router.get("/dossiers/{case_id}")
def case_view(
    request: Request, case_id: str, done: str = "", note: str = "", kind: str = ""
) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    ctx = _context(request, user, case_id, kind)
    return render(
        request,
        "case.html",
        user,
        done=done,
        note=note,
        errors={},
        failed=None,
        open_form=None,
        values={},
        **ctx,
    )


@router.get("/dossiers/{case_id}/courriers/{letter_id}.pdf")
def letter_pdf(request: Request, case_id: str, letter_id: str) -> Response:
    """A letter of the case as PDF/A, rendered from its stored content (checked by hash)."""
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    _readable(request, user, case_id)  # the case page's access rule
    engine = engine_of(request)
    letter, html = verified_html(engine, letter_id)
    if letter.case_id != case_id:
        raise PageError(404, "No such letter on this case.", letter_id)
    log_access(engine, user.id, case_id, "web")  # a letter names people: its reading is logged
    return Response(
        render_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{letter_id}.pdf"'},
    )


@router.post("/dossiers/{case_id}/actions/{action}")
async def case_action(request: Request, case_id: str, action: str) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not csrf_ok(request, form.pop("csrf", None)):
        raise PageError(403, "The form has expired: reload the page.")
    ctx = _context(request, user, case_id, "")
    if not ctx["may_act"]:
        raise PageError(403, "You may read this case, not act on it.", case_id)
    gettext = translations(language(request)).gettext
    outcome = await forms.submit(client_of(request), case_id, action, user.id, form, gettext)
    if outcome.summary is not None:
        query = f"done={quote(action)}&note={quote(outcome.summary)}"
        return RedirectResponse(f"/dossiers/{quote(case_id)}?{query}#result", 303)
    ctx = _context(request, user, case_id, "")
    return render(
        request,
        "case.html",
        user,
        status=422 if outcome.errors else 409,
        done="",
        note="",
        errors=outcome.errors,
        failed=outcome.refusal,
        open_form=action,
        values=form,
        **ctx,
    )
