"""The supervisor's team view ("Équipe"): cases and overdue cases per investigator, the
team's open cases to reassign one or several at once, and the justified complaint waivers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from models.case_actions import Assign
from vigie.services.case_commands import act
from vigie.services.case_lists import worklist
from vigie.services.errors import InvalidActionError, NotFoundError
from vigie.services.team import members, team_load, waivers
from vigie.web.render import PageError, client_of, engine_of, render, signed_in
from vigie.web.routes.worklist import badge
from vigie.web.session import csrf_ok

router = APIRouter(include_in_schema=False)


@router.get("/equipe")
def team_page(request: Request, moved: int = 0, refused: str = "") -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    engine = engine_of(request)
    # a supervisor sees their team; a manager or an auditor every investigator
    people = members(engine, user.id if user.role == "supervisor" else None)
    now = datetime.now(UTC)
    items = worklist(
        engine,
        viewer=user.id,
        sees_all=True,
        assignees=[u.id for u in people],
        with_unassigned=True,
        size=300,
        now=now,
    )
    return render(
        request,
        "team.html",
        user,
        load=team_load(engine, people, now),
        people=people,
        names={u.id: u.display_name for u in people},
        items=[(i, badge(i.next_due, now)) for i in items],
        waivers=waivers(engine),
        moved=moved,
        refused=[r for r in refused.split(",") if r],
        may_reassign=user.role in ("supervisor", "manager"),
    )


@router.post("/equipe/reaffecter")
async def reassign(request: Request) -> Response:
    """Reassign the chosen cases to one investigator, each through its workflow."""
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        raise PageError(403, "The form has expired: reload the page.")
    assignee = str(form.get("assignee", ""))
    people = members(engine_of(request), user.id if user.role == "supervisor" else None)
    if assignee not in {u.id for u in people}:
        raise PageError(422, "Choose an investigator of your team.", assignee)
    reason = str(form.get("reason", "")).strip() or None
    client = client_of(request)
    moved, refused = 0, []
    for case_id in form.getlist("case"):
        command = Assign(
            actor=user.id,
            assignee=assignee,
            reason=reason,
            request_id=uuid.uuid4().hex,
            supervisor=user.id if user.role == "supervisor" else None,
        )
        try:
            await act(client, str(case_id), command)
            moved += 1
        except (InvalidActionError, NotFoundError):
            refused.append(str(case_id))
    return RedirectResponse(f"/equipe?moved={moved}&refused={quote(','.join(refused))}", 303)
