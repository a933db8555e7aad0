"""Replay captured histories against the current workflow code.

A change that makes a workflow non-deterministic for executions already running fails here.
Histories keep the branches of the patches they predate: ``v1-*`` were recorded before the
``policy-local-activity`` patch; ``rules3-*`` before ``rules-version-4`` (sanction deadlines
counted from the recorded instant); ``rules1-*`` and the ``proj1-*`` ones recorded before
``rules-version-2`` replay rules version 1 (and, before ``actor-role-from-registry``, the
role their payload carried); ``proj1-*`` were all recorded before
``projection-local-activity`` (the projection an activity, a marker per older patch); the
unprefixed case histories follow the current code (one marker, the projection a local
activity). Version a change with ``workflow.patched`` and capture the tests that exercise it:
``VIGIE_CAPTURE_HISTORIES=1 pytest <those tests>`` writes ``<test name>.json`` for each test
that opens one case. Capturing overwrites a file of the same name: give the old histories a
prefix first (as ``v1-``, ``rules1-``), never overwrite them, and check ``git status``.

Every workflow type and every action kind (each update, and each deadline expiry with a rule
of its own) must appear in at least one history: a new action, deadline rule or workflow
ships with a captured history, or this fails. ``detection_run-*`` histories hold
``DetectionRunWorkflow`` runs, captured once by hand (the capture fixture records only case
workflows).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from models.case_actions import ACTION_TYPES
from models.case_run import CaseRunInput
from tests.conftest import CONVERTER
from worker import WORKFLOWS
from workflows.fraud_case import FraudCaseWorkflow
from workflows.procedure.deadlines import DEADLINE_ACTION, EXPIRY

HISTORIES = sorted(Path(__file__).with_name("histories").glob("*.json"))
PROJECTION_ACTIVITY = "apply_case_change"


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def events(history: WorkflowHistory, kind: EventType.ValueType) -> Iterator[HistoryEvent]:
    return (e for e in history.events if e.event_type == kind)


def workflow_type(history: WorkflowHistory) -> str:
    started = next(events(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
    return started.workflow_execution_started_event_attributes.workflow_type.name


def applied_changes(history: WorkflowHistory) -> Iterator[dict[str, object]]:
    """The changes a case workflow committed (the projection activity's input): the applied
    actions, and the deadlines that expired. A refused action commits nothing. A local
    activity's input is not in the history: the changes are read from the ``proj1-*``
    histories, which every later version still replays."""
    for event in events(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED):
        attrs = event.activity_task_scheduled_event_attributes
        if attrs.activity_type.name == PROJECTION_ACTIVITY:
            yield json.loads(attrs.input.payloads[0].data)


def update_names(history: WorkflowHistory) -> Iterator[str]:
    for event in events(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED):
        yield event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name


def test_every_workflow_type_and_action_kind_has_a_captured_history() -> None:
    histories = [load(path) for path in HISTORIES]
    types = {workflow_type(h) for h in histories}
    changes = [change for h in histories for change in applied_changes(h)]
    applied = {str(change["action"]) for change in changes}
    updates = {name for h in histories for name in update_names(h)}
    expired = {
        str(change["details"]["kind"])  # type: ignore[index]
        for change in changes
        if change["action"] == DEADLINE_ACTION
    }
    missing = {
        "workflow types": sorted({w.__name__ for w in WORKFLOWS} - types),
        "actions sent as updates": sorted(set(ACTION_TYPES) - updates),
        "actions applied": sorted((set(ACTION_TYPES) | {DEADLINE_ACTION}) - applied),
        "deadline kinds expired": sorted(set(EXPIRY) - expired),
    }
    assert not any(missing.values()), (
        f"no captured history for {missing}: add a test that opens one case and takes it "
        "there, then capture it (VIGIE_CAPTURE_HISTORIES=1 pytest <that test>)"
    )


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_captured_history_replays_deterministically(path: Path) -> None:
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=CONVERTER)
    await replayer.replay_workflow(load(path))


@workflow.defn(name="FraudCaseWorkflow", sandboxed=False)
class TimerFirstWorkflow(FraudCaseWorkflow):
    """A careless change: a timer the recorded histories never had, before anything else."""

    @workflow.run
    async def run(self, inp: CaseRunInput) -> str:
        await workflow.sleep(timedelta(seconds=1))
        return await super().run(inp)


async def test_a_change_that_is_not_versioned_fails_to_replay_the_recorded_histories() -> None:
    replayer = Replayer(workflows=[TimerFirstWorkflow], data_converter=CONVERTER)
    history = load(next(p for p in HISTORIES if p.stem.startswith("a_case_taken_through")))
    with pytest.raises(workflow.NondeterminismError, match=r"[Nn]ondetermin"):
        await replayer.replay_workflow(history)
