"""The case's path through Temporal: an opening and an action each take one workflow task,
the projection running as a local activity inside it (``projection-local-activity``)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from tests.workflows.case_driver import CaseDriver
from tests.workflows.conftest import CaseFactory
from workflows.procedure.steps import begin

TASK_DONE = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED


async def history(case: CaseDriver) -> WorkflowHistory:
    return await case.env.client.get_workflow_handle(case.case_id).fetch_history()


def markers(h: WorkflowHistory) -> list[str]:
    return [
        e.marker_recorded_event_attributes.marker_name
        for e in h.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
    ]


async def test_a_case_opens_in_one_workflow_task_with_one_patch_marker(
    new_case: CaseFactory,
) -> None:
    case = await new_case()
    opened = await history(case)
    kinds = [e.event_type for e in opened.events]
    # up to the triage timer, the opening's last command (a query may add empty tasks after)
    kinds = kinds[: kinds.index(EventType.EVENT_TYPE_TIMER_STARTED) + 1]
    assert kinds.count(TASK_DONE) == 1
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in kinds
    # one patch, then the policy and the projection as local activities
    assert markers(opened) == ["core_patch", "core_local_activity", "core_local_activity"]
    assert case.case_row().stage.value == "triage"  # projected by then


async def test_an_action_is_answered_in_one_workflow_task(new_case: CaseFactory) -> None:
    case = await new_case()
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    after = await history(case)
    kinds = [e.event_type for e in after.events]
    accepted = kinds.index(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    completed = kinds.index(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    assert TASK_DONE not in kinds[accepted:completed]  # accepted and answered together
    # the actor's role, then the projection: no further patch marker
    assert markers(after)[3:] == ["core_local_activity", "core_local_activity"]
    assert case.case_row().assignee == "alice"


async def test_a_decision_copies_the_state_but_shares_its_read_only_policy(
    case: CaseDriver,
) -> None:
    state = await case.state()
    out = begin(state, "assign", "marc")
    assert out.state.policy is state.policy
    out.state.timeline.clear()
    out.state.applied_requests["x"] = 9
    assert state.timeline and "x" not in state.applied_requests  # the rest is a deep copy
