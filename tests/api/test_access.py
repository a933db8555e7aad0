"""Who may do what through the API: identity from the token, roles from the registry."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from sqlmodel import Session, select

from models import CaseAccess
from tests.api.conftest import ERROR_RESPONSES, PASSWORD, Users, token_for
from vigie.api.roles import PUBLIC, ROUTE_ROLES, UNSAFE, routes_without_roles
from vigie.api.security import issue_token

Opener = Callable[[], Awaitable[str]]


def _act(action: str, **fields: object) -> dict[str, object]:
    return {"action": action, "request_id": uuid.uuid4().hex, **fields}


async def test_a_request_without_credentials_or_with_a_forged_or_expired_token_gets_401(
    api: httpx.AsyncClient, users: Users, engine: Engine
) -> None:
    expired, _ = issue_token(engine, users.manager, ttl=timedelta(seconds=-1))
    for headers in (
        {},
        {"Authorization": "Bearer forged-token"},
        {"Authorization": f"Bearer {expired}"},
    ):
        response = await api.get("/api/cases", headers=headers)
        assert response.status_code == 401, headers
    bad = await api.post("/api/auth/token", data={"username": users.manager, "password": "no"})
    assert bad.status_code == 401 and bad.json()["code"] == "bad_credentials"


async def test_a_revoked_token_gets_401(api: httpx.AsyncClient, users: Users) -> None:
    headers = await token_for(api, users.manager)
    assert (await api.get("/api/me", headers=headers)).json()["role"] == "manager"
    assert (await api.post("/api/auth/logout", headers=headers)).status_code == 204
    assert (await api.get("/api/me", headers=headers)).status_code == 401


async def test_an_investigator_gets_403_acting_on_another_investigator_s_case_and_a_supervisor_reassigns(  # noqa: E501
    api: httpx.AsyncClient, open_test_case: Opener, users: Users, engine: Engine
) -> None:
    case_id = await open_test_case()
    sup = await token_for(api, users.supervisor)
    inv, inv2 = (
        await token_for(api, users.investigator),
        await token_for(api, users.other_investigator),
    )
    url = f"/api/cases/{case_id}/actions"

    assign = _act("assign", assignee=users.investigator, supervisor=users.supervisor)
    response = await api.post(url, json=assign, headers=sup)
    assert response.status_code == 200, response.text
    assert response.json()["assignee"] == users.investigator

    refused = await api.post(url, json=_act("open_investigation"), headers=inv2)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_case"
    assert (await api.get(f"/api/cases/{case_id}", headers=inv2)).status_code == 403

    opened = await api.post(url, json=_act("open_investigation"), headers=inv)
    assert opened.status_code == 200 and opened.json()["stage"] == "investigation"

    reassign = _act("assign", assignee=users.other_investigator, supervisor=users.supervisor)
    assert (await api.post(url, json=reassign, headers=sup)).status_code == 200
    lost = await api.post(url, json=_act("dismiss", reason="x"), headers=inv)
    assert lost.status_code == 403
    listed = (await api.get("/api/cases", headers=inv)).json()["items"]
    assert case_id not in [c["id"] for c in listed], "the investigator no longer sees it"
    assert case_id in [c["id"] for c in (await api.get("/api/cases", headers=inv2)).json()["items"]]

    page = await api.get(f"/api/cases/{case_id}", headers=inv2)
    assert page.status_code == 200 and page.json()["assignee"] == users.other_investigator
    with Session(engine) as session:
        reads = session.exec(
            select(CaseAccess).where(CaseAccess.case_id == case_id, CaseAccess.via == "api")
        ).all()
    assert users.other_investigator in {r.actor for r in reads}, "the read was logged"


async def test_an_action_breaking_a_procedure_rule_gets_409_naming_the_rule(
    api: httpx.AsyncClient, open_test_case: Opener, users: Users
) -> None:
    case_id = await open_test_case()
    sup = await token_for(api, users.supervisor)
    response = await api.post(
        f"/api/cases/{case_id}/actions", json=_act("conclude_investigation"), headers=sup
    )
    assert response.status_code == 409
    assert response.json()["code"] == "action_not_allowed_in_stage", response.json()
    claimed = _act("dismiss", reason="x", role="manager")
    response = await api.post(f"/api/cases/{case_id}/actions", json=claimed, headers=sup)
    assert response.status_code in (409, 422) and "role" in response.json()["message"]


async def test_an_auditor_gets_403_on_every_unsafe_route(
    api: httpx.AsyncClient, open_test_case: Opener, users: Users
) -> None:
    case_id = await open_test_case()
    aud = await token_for(api, users.auditor)
    unsafe = [
        (method, path)
        for (method, path), roles in ROUTE_ROLES.items()
        if method in UNSAFE and path != "/api/auth/logout"
    ]
    assert unsafe, "the table lists unsafe routes"
    for method, path in unsafe:
        url = path.replace("{case_id}", case_id)
        response = await api.request(method, url, json=_act("dismiss", reason="x"), headers=aud)
        assert response.status_code == 403, (method, path, response.text)
    assert (await api.get(f"/api/cases/{case_id}/timeline", headers=aud)).status_code == 200
    assert (await api.get("/api/access-log", headers=aud)).status_code == 200


def test_every_route_is_in_the_role_table_and_a_route_added_without_roles_is_caught(
    app: FastAPI,
) -> None:
    paths = app.openapi()["paths"]
    assert len(paths) >= 8
    assert routes_without_roles(paths) == set()
    routes = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert not (set(ROUTE_ROLES) | PUBLIC) - routes, "the table names routes that do not exist"

    extra = APIRouter()

    @extra.delete("/api/cases/{case_id}")
    def forgotten(case_id: str) -> None: ...

    app.include_router(extra)
    app.openapi_schema = None
    assert routes_without_roles(app.openapi()["paths"]) == {("DELETE", "/api/cases/{case_id}")}


def test_every_error_response_met_so_far_had_a_code_and_a_message() -> None:
    """The check runs on each response (tests/api/conftest.py); this names how many."""
    assert all(body.get("code") and body.get("message") for _, body in ERROR_RESPONSES)


async def test_sign_in_is_refused_for_a_while_after_five_failures(
    api: httpx.AsyncClient, users: Users
) -> None:
    wrong = {"username": users.investigator, "password": "wrong"}
    codes = [(await api.post("/api/auth/token", data=wrong)).status_code for _ in range(5)]
    assert codes == [401] * 5
    right = {"username": users.investigator, "password": PASSWORD}
    blocked = await api.post("/api/auth/token", data=right)
    assert blocked.status_code == 429 and blocked.json()["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0
    other = await api.post(
        "/api/auth/token", data={"username": users.auditor, "password": PASSWORD}
    )
    assert other.status_code == 200, "another user is not affected"
