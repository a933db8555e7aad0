"""Rebuild a case from its audit log alone.

Every audit row records its input: the opening, the action's command, or the deadline that
expired. Folding the rows in sequence through the same pure rules gives back the state the
workflow holds: the audit log is a complete event log of the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from models.action_base import LEGACY_DEFAULT_ROLE
from models.case_actions import CaseAction
from models.case_messages import OpenCaseInput
from models.case_state import CaseState
from models.policy_snapshot import PolicySnapshot
from workflows.procedure.actions import decide, open_case
from workflows.procedure.deadlines import DEADLINE_ACTION, on_deadline

ACTION_ADAPTER: TypeAdapter[Any] = TypeAdapter(CaseAction)


def fold(
    rows: Iterable[tuple[int, datetime, str, dict[str, Any]]],
    case_id: str,
    policy: PolicySnapshot,
) -> CaseState:
    """``rows`` are (seq, at, action, details) audit entries, in any order."""
    state: CaseState | None = None
    for seq, at, action, details in sorted(rows, key=lambda r: r[0]):
        if action == "open":
            opening = OpenCaseInput.model_validate(details["opening"])
            version = int(details.get("rules_version", 1))
            state = open_case(opening, policy, case_id, at, version).state
        elif state is None:
            raise ValueError(f"audit log of {case_id} does not start with its opening")
        elif action == DEADLINE_ACTION:
            state = on_deadline(state, details["deadline"], at).state
        else:
            cmd = ACTION_ADAPTER.validate_python(details["command"])
            # the role the workflow read from the registry (rows written before: the claim)
            role = details.get("role", cmd.claimed_role or LEGACY_DEFAULT_ROLE)
            state = decide(state, cmd, at, role).state
        if state.seq != seq:
            raise ValueError(f"audit log of {case_id} has a gap before seq {seq}")
    if state is None:
        raise ValueError(f"no audit rows for {case_id}")
    return state
