"""Rebuild a case from its audit log alone.

Every audit row records its input: the opening, the action's command, or the deadline that
expired. Folding the rows in sequence through the same pure rules gives back the state the
workflow holds: the audit log is a complete event log of the case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


PolicySource = PolicySnapshot | Callable[[int | None], PolicySnapshot]


def fold(
    rows: Iterable[tuple[int, datetime, str, dict[str, Any]]],
    case_id: str,
    policy: PolicySource,
) -> CaseState:
    """``rows`` are (seq, at, action, details) audit entries, in any order. ``policy`` is a
    snapshot, or the policy versions (a function of the version number, None for the
    latest): the case is folded under the version it opened with, and its recorded hash
    must match, so a policy changed since never changes a case's past."""
    state: CaseState | None = None
    for seq, at, action, details in sorted(rows, key=lambda r: r[0]):
        if action == "open":
            opening = OpenCaseInput.model_validate(details["opening"])
            version = int(details.get("rules_version", 1))
            snapshot = policy_of(details, policy, case_id)
            state = open_case(opening, snapshot, case_id, at, version).state
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


def policy_of(details: dict[str, Any], policy: PolicySource, case_id: str) -> PolicySnapshot:
    """The policy the case opened under, checked against the hash its opening recorded."""
    if isinstance(policy, PolicySnapshot):
        return policy
    snapshot = policy(details.get("policy_version"))
    recorded = details.get("policy_hash")
    if recorded is not None and recorded != snapshot.digest():
        raise ValueError(
            f"{case_id} opened under policy version {details.get('policy_version')} "
            f"(sha256 {recorded[:12]}), which no longer reads the same (sha256 "
            f"{snapshot.digest()[:12]}): policy records must never be edited in place"
        )
    return snapshot
