"""The worklist ("Mes dossiers"): my open tasks and cases, overdue first, with deadline
badges, filters kept in the URL, and "take the next case" from the triage queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from models.case_actions import Assign
from vigie.api.roles import READ_ANY_CASE
from vigie.services.case_commands import act
from vigie.services.case_lists import filter_values, next_unassigned, worklist
from vigie.services.errors import InvalidActionError
from vigie.services.task_queries import days_late, list_tasks
from vigie.web.forms import STAGES
from vigie.web.render import PageError, client_of, engine_of, render, signed_in
from vigie.web.session import csrf_ok

router = APIRouter(include_in_schema=False)
#: due within this many days: "due soon"
SOON_DAYS = 7


@dataclass(frozen=True)
class Badge:
    state: str  # overdue, soon, ok, none
    days: int


def badge(due: datetime | None, now: datetime) -> Badge:
    """Overdue by N days, due within a week (in N days), on time, or no deadline."""
    if due is None:
        return Badge("none", 0)
    late = days_late(due, now)
    if late:
        return Badge("overdue", late)
    left = (due - now).days
    return Badge("soon", left) if left < SOON_DAYS else Badge("ok", left)


@router.get("/dossiers")
def worklist_page(
    request: Request,
    stage: str = "",
    profession: str = "",
    region: str = "",
    overdue: str = "",
    taken: str = "",
) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    engine = engine_of(request)
    now = datetime.now(UTC)
    chosen = next((s for s in STAGES if s.value == stage), None)
    items = worklist(
        engine,
        viewer=user.id,
        sees_all=user.role in READ_ANY_CASE,
        stage=chosen,
        profession=profession or None,
        region=region or None,
        overdue=overdue == "1",
        now=now,
    )
    tasks = list_tasks(engine, user=user.id, limit=100, now=now)
    professions, regions = filter_values(engine)
    return render(
        request,
        "worklist.html",
        user,
        items=[(i, badge(i.next_due, now)) for i in items],
        tasks=[(t, badge(t.due_at, now)) for t in tasks],
        stages=STAGES,
        stage=stage,
        professions=professions,
        regions=regions,
        profession=profession,
        region=region,
        overdue=overdue == "1",
        taken=taken,
        may_take=user.role == "investigator",
    )


@router.post("/dossiers/suivant")
async def take_next(request: Request) -> Response:
    """Assign the triage queue's next case to me and open it."""
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        raise PageError(403, "The form has expired: reload the page.")
    case = next_unassigned(
        engine_of(request),
        profession=str(form.get("profession", "")) or None,
        region=str(form.get("region", "")) or None,
    )
    if case is None:
        return RedirectResponse("/dossiers?taken=none", 303)
    # one request id per case and state: two investigators taking the same case at once
    # send the same id with different payloads, and the workflow refuses the second
    command = Assign(
        actor=user.id,
        assignee=user.id,
        supervisor=user.supervisor_id,
        request_id=f"take:{case.id}:{case.last_seq}",
    )
    try:
        await act(client_of(request), case.id, command)
    except InvalidActionError as exc:
        if exc.rule == "request_id_reused":
            return RedirectResponse("/dossiers?taken=race", 303)
        raise PageError(409, "The action was refused.", exc.message) from exc
    return RedirectResponse(f"/dossiers/{case.id}?done=assign", 303)


__all__ = ["router"]
