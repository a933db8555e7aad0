"""Concurrent actions through the API. Two conflicting actions sent at the same moment on one
case: one applies, the other is answered 409 with the rule it broke. A thousand actions sent
at once over a hundred cases all apply, once each, and every count agrees afterwards
(Postgres's audit log, ledger and tasks, the case row, the workflow's own state).

The cases run on the Temporal dev server (``dev_env``/``dev_worker``): nothing here waits for
a legal deadline, and a hundred cases waiting on timers would stall the time-skipping server
for the tests after these. Every case opened is terminated at teardown."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from models import AuditEntry, Case, LedgerEntry, Task
from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from tests.api.conftest import Users, token_for
from vigie.api.app import create_app
from vigie.api.errors import INPUT_RULES, refusal_status
from vigie.services.case_commands import act, current_state, open_case

log = logging.getLogger(__name__)

Opener = Callable[[int], Awaitable[list[str]]]

#: the rules a loser of a race meets: the case moved under it (see vigie/api/errors.py)
RACE_RULES = frozenset(
    {"action_not_allowed_in_stage", "request_id_reused", "case_closed", "case_not_running"}
)
ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture
def app(engine: Engine, dev_env: WorkflowEnvironment) -> FastAPI:
    """Overrides tests/api/conftest.py's ``app``: the same application on the dev server (so
    ``api`` and its check of every error body apply here too)."""
    return create_app(engine, dev_env.client)


async def _terminate(client: Client, case_id: str) -> None:
    handle = client.get_workflow_handle(case_id)
    if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("test over")


@pytest.fixture
async def open_cases(dev_env: WorkflowEnvironment, dev_worker: str) -> AsyncIterator[Opener]:
    """Opens ``n`` cases at once on the dev worker (each projected before it is returned);
    terminates those still running at teardown."""
    client = dev_env.client
    opened: list[str] = []
    gate = asyncio.Semaphore(25)

    async def one() -> str:
        opening = OpenCaseInput(
            target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier=uuid.uuid4().hex[:10]),
            period="2025",
            request_id=f"conc-{uuid.uuid4().hex[:8]}",
        )
        async with gate:
            case_id = await open_case(client, dev_worker, opening)
            opened.append(case_id)
            await current_state(client, case_id)  # the opening is projected
        return case_id

    async def make(n: int) -> list[str]:
        return list(await asyncio.gather(*(one() for _ in range(n))))

    yield make
    await asyncio.gather(*(_terminate(client, case_id) for case_id in opened))


def _act(action: str, **fields: object) -> dict[str, object]:
    return {"action": action, "request_id": uuid.uuid4().hex, **fields}


def _audit(engine: Engine, case_ids: list[str]) -> dict[str, list[tuple[int, str | None]]]:
    """(seq, request id) of every audit row of these cases, by case, in seq order."""
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEntry.case_id, AuditEntry.seq, AuditEntry.request_id)
            .where(col(AuditEntry.case_id).in_(case_ids))
            .order_by(col(AuditEntry.case_id), col(AuditEntry.seq))
        ).all()
    found: dict[str, list[tuple[int, str | None]]] = {case_id: [] for case_id in case_ids}
    for case_id, seq, request_id in rows:
        found[case_id].append((seq, request_id))
    return found


def _count_by_case(engine: Engine, column: Any, case_ids: list[str]) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(column, func.count()).where(column.in_(case_ids)).group_by(column)
        ).all()
    counts = dict.fromkeys(case_ids, 0)
    counts.update({case_id: n for case_id, n in rows})
    return counts


def _cases(engine: Engine, case_ids: list[str]) -> dict[str, Case]:
    with Session(engine) as session:
        return {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_(case_ids)))}


# --- two conflicting actions at the same moment --------------------------------------------

Pair = tuple[dict[str, object], dict[str, object]]


def _twice_open_investigation(users: Users, case_id: str) -> Pair:
    return _act("open_investigation"), _act("open_investigation")


def _open_investigation_or_merge(users: Users, case_id: str) -> Pair:
    _, actor_type, identifier, _period = case_id.split(":")
    into = f"case:{actor_type}:{identifier}:2024"  # same target: merge is allowed in triage
    return _act("open_investigation"), _act("merge", into_case_id=into)


def _one_request_id_two_assignees(users: Users, case_id: str) -> Pair:
    first = _act("assign", assignee=users.investigator, supervisor=users.supervisor)
    second = _act("assign", assignee=users.other_investigator, supervisor=users.supervisor)
    return first, {**second, "request_id": first["request_id"]}


CONFLICTS: dict[str, tuple[Callable[[Users, str], Pair], frozenset[str]]] = {
    # the second finds the case in investigation
    "open_investigation twice": (
        _twice_open_investigation,
        frozenset({"action_not_allowed_in_stage"}),
    ),
    # whichever comes second finds the case in investigation, or closed by the merge
    "open_investigation or merge": (
        _open_investigation_or_merge,
        frozenset({"action_not_allowed_in_stage", "case_closed"}),
    ),
    # one request id, two payloads: the second is another request under a used id
    "one request id, two assignees": (
        _one_request_id_two_assignees,
        frozenset({"request_id_reused"}),
    ),
}
ROUNDS = 4  # cases per conflict, each raced once


@pytest.mark.parametrize("conflict", list(CONFLICTS))
async def test_two_conflicting_actions_at_once_apply_one_and_refuse_the_other_with_409_naming_the_rule(  # noqa: E501
    conflict: str,
    api: httpx.AsyncClient,
    open_cases: Opener,
    users: Users,
    engine: Engine,
) -> None:
    make_pair, rules = CONFLICTS[conflict]
    case_ids = await open_cases(ROUNDS)
    # two people at once: the supervisor and the manager may both act on any case
    headers = (await token_for(api, users.supervisor), await token_for(api, users.manager))
    before = _audit(engine, case_ids)

    async def timed(case_id: str, payload: dict[str, object], auth: dict[str, str]) -> Any:
        start = time.perf_counter()
        response = await api.post(f"/api/cases/{case_id}/actions", json=payload, headers=auth)
        return start, time.perf_counter(), payload, response

    async def race(case_id: str) -> list[Any]:
        pair = make_pair(users, case_id)
        return list(
            await asyncio.gather(
                *(timed(case_id, p, h) for p, h in zip(pair, headers, strict=True))
            )
        )

    races = await asyncio.gather(*(race(case_id) for case_id in case_ids))
    after = _audit(engine, case_ids)
    rows = _cases(engine, case_ids)

    codes = [r.json().get("code") for sent in races for *_, r in sent if r.status_code != 200]
    log.info("%s, %d races: refused with %s", conflict, len(races), sorted(map(str, codes)))
    for case_id, sent in zip(case_ids, races, strict=True):
        starts, ends = [s[0] for s in sent], [s[1] for s in sent]
        assert max(starts) < min(ends), "both requests were in flight at the same moment"
        statuses = sorted(s[3].status_code for s in sent)
        assert statuses == [200, 409], (conflict, [(s[3].status_code, s[3].text) for s in sent])
        (_, _, won_payload, won), (_, _, _, lost) = sorted(sent, key=lambda s: s[3].status_code)

        refusal = lost.json()
        assert set(refusal) == ERROR_KEYS, refusal
        assert refusal["code"] in rules, (conflict, refusal)
        assert refusal["message"], refusal

        # exactly one change was written, the winner's, and the case is as the winner left it
        seq = won.json()["seq"]
        assert after[case_id] == [*before[case_id], (seq, won_payload["request_id"])]
        assert rows[case_id].last_seq == seq
        assert rows[case_id].stage.value == won.json()["stage"]
        assert rows[case_id].assignee == won.json()["assignee"]


async def test_a_refusal_of_the_request_itself_answers_422_and_one_by_the_case_s_state_409(
    api: httpx.AsyncClient, open_cases: Opener, users: Users, engine: Engine
) -> None:
    (case_id,) = await open_cases(1)
    sup = await token_for(api, users.supervisor)
    url = f"/api/cases/{case_id}/actions"
    before = _audit(engine, [case_id])

    bad_request = await api.post(url, json=_act("dismiss"), headers=sup)  # no reason
    assert bad_request.status_code == 422, bad_request.text
    assert bad_request.json()["code"] == "dismissal_needs_reason"

    wrong_stage = await api.post(url, json=_act("conclude_investigation"), headers=sup)
    assert wrong_stage.status_code == 409, wrong_stage.text
    assert wrong_stage.json()["code"] == "action_not_allowed_in_stage"
    assert set(wrong_stage.json()) == set(bad_request.json()) == ERROR_KEYS
    assert _audit(engine, [case_id]) == before, "a refusal writes nothing"


def test_every_input_rule_is_a_rule_the_procedure_raises_and_no_race_rule_is_among_them() -> None:
    """``INPUT_RULES`` names rules that exist (a misspelt name would leave its rule at 409
    unnoticed), and the rules a race produces answer 409."""
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "workflows").rglob("*.py"), root / "vigie/services/case_commands.py"]
    source = "\n".join(p.read_text() for p in files)
    raised = set(re.findall(r'"([a-z_0-9]+)"', source))
    assert INPUT_RULES <= raised, INPUT_RULES - raised
    assert RACE_RULES <= raised
    assert not RACE_RULES & INPUT_RULES
    assert {refusal_status(rule) for rule in RACE_RULES} == {409}
    assert {refusal_status(rule) for rule in INPUT_RULES} == {422}


# --- a thousand actions at once over a hundred cases ---------------------------------------

CASES, PER_CASE, CONCURRENCY = 100, 10, 50


def _repeatable(i: int, case_no: int) -> tuple[str, dict[str, object], Decimal]:
    """The ``i``-th action sent to a case in investigation: each can be repeated, and each
    applies whatever order they arrive in. Returns (kind, payload, amount)."""
    amount = Decimal(f"{100 + i}.{case_no % 100:02d}")
    if i % 3 == 0:
        due = (date.today() + timedelta(days=200 + i)).isoformat()
        fields: dict[str, object] = {"kind": "hearing", "due_at": due, "description": f"h{i}"}
        return "add_investigation_action", _act("add_investigation_action", **fields), amount
    if i % 3 == 1:
        line = {"description": f"undue {i}", "amount": str(amount), "paid_on": "2025-03-01"}
        fields = {"qualification": "fraud", "description": f"g{i}", "lines": [line]}
        return "record_grievance", _act("record_grievance", **fields), amount
    fields = {"kind": "payment_suspension", "estimated_avoided": str(amount)}
    return "take_protective_measure", _act("take_protective_measure", **fields), amount


async def test_a_thousand_concurrent_actions_over_a_hundred_cases_all_apply_once_and_every_count_agrees(  # noqa: E501
    api: httpx.AsyncClient,
    open_cases: Opener,
    users: Users,
    engine: Engine,
    dev_env: WorkflowEnvironment,
) -> None:
    client = dev_env.client
    setup_started = time.perf_counter()
    case_ids = await open_cases(CASES)
    assignees = [
        users.investigator if k % 2 == 0 else users.other_investigator for k in range(CASES)
    ]

    async def investigate(case_id: str, assignee: str) -> None:
        sup = users.supervisor
        assign = {"assignee": assignee, "supervisor": sup, "actor": sup}
        await act(client, case_id, ACTION_TYPES["assign"](request_id=uuid.uuid4().hex, **assign))
        opening = ACTION_TYPES["open_investigation"](request_id=uuid.uuid4().hex, actor=assignee)
        await act(client, case_id, opening)

    await asyncio.gather(*(investigate(c, a) for c, a in zip(case_ids, assignees, strict=True)))
    tokens = {u: await token_for(api, u) for u in (users.investigator, users.other_investigator)}
    audit_before = _audit(engine, case_ids)
    ledger_before = _count_by_case(engine, col(LedgerEntry.case_id), case_ids)
    tasks_before = _count_by_case(engine, col(Task.case_id), case_ids)
    setup = time.perf_counter() - setup_started

    # each case is sent PER_CASE actions by its investigator, all cases mixed in one order
    plan = [
        (case_id, assignee, *_repeatable(i, k))
        for k, (case_id, assignee) in enumerate(zip(case_ids, assignees, strict=True))
        for i in range(PER_CASE)
    ]
    random.Random(1000).shuffle(plan)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(case_id: str, assignee: str, payload: dict[str, object]) -> httpx.Response:
        async with gate:
            url = f"/api/cases/{case_id}/actions"
            return await api.post(url, json=payload, headers=tokens[assignee])

    started = time.perf_counter()
    responses = await asyncio.gather(*(send(c, a, p) for c, a, _, p, _ in plan))
    took = time.perf_counter() - started
    log.info(
        "%d actions over %d cases, %d at a time: %.1f s (%.0f actions/s); setup %.1f s",
        len(plan),
        CASES,
        CONCURRENCY,
        took,
        len(plan) / took,
        setup,
    )

    assert len(plan) == CASES * PER_CASE == 1000
    failed = [(r.status_code, r.text) for r in responses if not 200 <= r.status_code < 300]
    assert not failed, f"{len(failed)} of {len(plan)} failed, first: {failed[:3]}"
    assert all(r.json()["stage"] == "investigation" for r in responses)

    # what each case was sent
    sent: dict[str, dict[str, int]] = {c: {} for c in case_ids}
    money: dict[str, dict[str, Decimal]] = {c: {} for c in case_ids}
    request_ids: dict[str, set[str]] = {c: set() for c in case_ids}
    for case_id, _, kind, payload, amount in plan:
        sent[case_id][kind] = sent[case_id].get(kind, 0) + 1
        if kind != "add_investigation_action":
            money[case_id][kind] = money[case_id].get(kind, Decimal(0)) + amount
        request_ids[case_id].add(str(payload["request_id"]))
    assert all(sum(kinds.values()) == PER_CASE for kinds in sent.values())

    # Postgres: one audit row per action sent, on top of the setup's, seqs 1..n without gap
    audit = _audit(engine, case_ids)
    ledger = _count_by_case(engine, col(LedgerEntry.case_id), case_ids)
    tasks = _count_by_case(engine, col(Task.case_id), case_ids)
    rows = _cases(engine, case_ids)
    states = await asyncio.gather(*(current_state(client, c) for c in case_ids))
    for case_id, state in zip(case_ids, states, strict=True):
        kinds, base = sent[case_id], audit_before[case_id]
        entries = audit[case_id]
        assert entries[: len(base)] == base, "the setup rows are untouched"
        assert len(entries) == len(base) + PER_CASE, case_id
        assert [seq for seq, _ in entries] == list(range(1, len(entries) + 1)), "no gap, no twin"
        new_ids = [str(request_id) for _, request_id in entries[len(base) :]]
        assert sorted(new_ids) == sorted(request_ids[case_id]), "each action once, none else"

        grievances = kinds.get("record_grievance", 0)
        measures = kinds.get("take_protective_measure", 0)
        hearings = kinds.get("add_investigation_action", 0)
        assert ledger[case_id] == ledger_before[case_id] + grievances + measures
        assert tasks[case_id] == tasks_before[case_id] + hearings
        row = rows[case_id]
        assert row.last_seq == len(entries)
        assert row.harm_suffered == money[case_id].get("record_grievance", Decimal(0))
        assert row.harm_avoided == money[case_id].get("take_protective_measure", Decimal(0))

        # the workflow agrees: same seq, same timeline, each request at the seq Postgres holds
        assert state.seq == len(entries)
        assert [e.seq for e in state.timeline] == [seq for seq, _ in entries]
        for seq, request_id in entries[len(base) :]:
            assert request_id is not None and state.applied_requests[request_id] == seq
        assert (len(state.investigation), len(state.grievances), len(state.measures)) == (
            hearings,
            grievances,
            measures,
        )
