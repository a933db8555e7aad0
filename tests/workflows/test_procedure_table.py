"""The transition table, exhaustively: every stage x every action."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_actions import ACTION_TYPES, ActionBase, GrievanceLine
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import CaseState
from models.types import ActorType, Stage
from vigie.policy.loader import snapshot_from_file
from workflows.procedure import InvalidAction, decide, open_case
from workflows.procedure.table import ACTIONS, ALLOWED, STAGES, TRANSITIONS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = snapshot_from_file()

SAMPLES: dict[str, dict[str, Any]] = {
    "assign": {"assignee": "bob"},
    "open_investigation": {},
    "dismiss": {"reason": "no irregularity"},
    "merge": {"into_case_id": "case:professional:P1:2024"},
    "add_investigation_action": {"kind": "hearing", "due_at": NOW + timedelta(days=9)},
    "complete_investigation_action": {"key": "action-9", "result": "done"},
    "record_grievance": {
        "qualification": "fault",
        "description": "overbilling",
        "lines": [
            GrievanceLine(description="x", amount=Decimal("10.00"), paid_on=date(2025, 5, 1))
        ],
    },
    "take_protective_measure": {"kind": "payment_suspension", "estimated_avoided": "5.00"},
    "lift_protective_measure": {"key": "measure-1"},
    "conclude_investigation": {},
    "decide_follow_ups": {"follow_ups": ["warning"]},
    "waive_complaint": {"justification": "already prosecuted elsewhere", "role": "manager"},
    "record_procedure_event": {"track": "recovery", "event": "recovery_ended"},
    "close": {"reason": "done"},
}


def command(action: str, n: int = 0) -> ActionBase:
    return ACTION_TYPES[action](request_id=f"{action}-{n}", actor="alice", **SAMPLES[action])


def step(state: CaseState, action: str, **fields: Any) -> CaseState:
    cmd = ACTION_TYPES[action](request_id=f"setup-{action}-{state.seq}", actor="alice", **fields)
    return decide(state, cmd, NOW).state


def state_in(stage: Stage) -> CaseState:
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open",
    )
    s = open_case(opening, POLICY, "case:professional:P1:2025", NOW).state
    if stage is Stage.ALERT:
        return s.model_copy(update={"stage": Stage.ALERT})
    if stage is Stage.CLOSED:
        return step(s, "dismiss", reason="test")
    if stage is Stage.TRIAGE:
        return s
    s = step(s, "open_investigation")
    if stage is Stage.INVESTIGATION:
        return s
    s = step(s, "record_grievance", **SAMPLES["record_grievance"])
    s = step(s, "conclude_investigation")
    if stage is Stage.FINDINGS:
        return s
    if stage is Stage.FOLLOW_UPS:
        return step(s, "decide_follow_ups", follow_ups=["financial_penalty"])
    return step(s, "decide_follow_ups", follow_ups=["warning"])


def test_the_table_covers_every_action_the_workflow_accepts() -> None:
    assert set(ALLOWED) == set(ACTION_TYPES)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.value)
def test_each_builder_state_is_in_its_stage(stage: Stage) -> None:
    assert state_in(stage).stage is stage


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.value)
def test_every_action_in_every_stage_is_allowed_exactly_as_the_table_says(
    stage: Stage, action: str
) -> None:
    state = state_in(stage)
    try:
        outcome = decide(state, command(action), NOW)
    except InvalidAction as refused:
        if stage is Stage.CLOSED:
            assert refused.rule == "case_closed"
        elif stage not in ALLOWED[action]:
            assert refused.rule == "action_not_allowed_in_stage"
        else:  # allowed here, refused by a domain rule that names itself
            assert refused.rule not in ("action_not_allowed_in_stage", "case_closed")
        return
    assert stage in ALLOWED[action] and stage is not Stage.CLOSED
    expected = TRANSITIONS.get((stage, action))
    if expected is not None:
        assert outcome.state.stage is expected
    assert outcome.state.seq == state.seq + 1
    assert state == state_in(stage), "decide must never mutate its input"
