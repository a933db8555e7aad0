"""Replay captured histories of representative cases against the current workflow code.

A change that makes the workflow non-deterministic for cases already running fails here.
``v1-*`` histories were recorded before the ``policy-local-activity`` patch and keep
replaying the old branch; the others follow the current code. Version a change with
``workflow.patched`` and add fresh captures (``VIGIE_CAPTURE_HISTORIES=1 make test``);
never overwrite the old ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.fraud_case import FraudCaseWorkflow

HISTORIES = sorted(Path(__file__).with_name("histories").glob("*.json"))


def test_representative_histories_are_captured() -> None:
    assert len(HISTORIES) >= 5


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_captured_case_history_replays_deterministically(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=[FraudCaseWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
