"""Which actions are allowed in which stage, and where stage-changing actions lead.

Read it as the procedure: a case is triaged (open an investigation, dismiss, or merge), then
investigated (actions, grievances, protective measures), then its findings lead to follow-ups
(parallel sanction tracks and recovery), and it closes once every track has ended.
"""

from __future__ import annotations

from models.types import Stage

A, T, I, F, U, R, C = (  # noqa: E741 - one letter per stage keeps the table readable
    Stage.ALERT,
    Stage.TRIAGE,
    Stage.INVESTIGATION,
    Stage.FINDINGS,
    Stage.FOLLOW_UPS,
    Stage.RECOVERY,
    Stage.CLOSED,
)

#: action -> the stages in which it is allowed
ALLOWED: dict[str, frozenset[Stage]] = {
    "assign": frozenset({T, I, F, U, R}),
    "open_investigation": frozenset({T}),
    "dismiss": frozenset({T, I}),
    "merge": frozenset({T}),
    "add_investigation_action": frozenset({I}),
    "complete_investigation_action": frozenset({I}),
    "record_grievance": frozenset({I, F}),
    "take_protective_measure": frozenset({T, I, F, U}),
    "lift_protective_measure": frozenset({T, I, F, U, R}),
    "conclude_investigation": frozenset({I}),
    "decide_follow_ups": frozenset({F}),
    "waive_complaint": frozenset({F, U}),
    "record_procedure_event": frozenset({U, R}),
    "close": frozenset({F, U, R}),
    # recovery (rules version 2); the step of the recovery track decides the rest
    # (workflows/procedure/table_recovery.py)
    "notify_debts": frozenset({U, R}),
    "record_payment": frozenset({U, R}),
    "grant_instalment_plan": frozenset({U, R}),
    "cancel_instalment_plan": frozenset({U, R}),
    "record_cra_appeal": frozenset({U, R}),
    "record_cra_decision": frozenset({U, R}),
    "issue_formal_notice": frozenset({U, R}),
    "issue_contrainte": frozenset({U, R}),
    "record_opposition": frozenset({U, R}),
    "record_opposition_judgment": frozenset({U, R}),
    "write_off": frozenset({U, R}),
    "reverse_entry": frozenset({U, R}),
    # letters (workflows/procedure/letters.py): each kind says when it is due
    "issue_letter": frozenset({U, R}),
    "send_letter": frozenset({U, R}),
    "record_letter_receipt": frozenset({U, R}),
}

#: (stage, action) -> the stage it leads to. Actions absent here keep the stage, except
#: decide_follow_ups and track events, whose next stage depends on the open tracks.
TRANSITIONS: dict[tuple[Stage, str], Stage] = {
    (T, "open_investigation"): I,
    (T, "dismiss"): C,
    (I, "dismiss"): C,
    (T, "merge"): C,
    (I, "conclude_investigation"): F,
    (F, "close"): C,
    (U, "close"): C,
    (R, "close"): C,
}

ACTIONS: tuple[str, ...] = tuple(ALLOWED)
STAGES: tuple[Stage, ...] = (A, T, I, F, U, R, C)


def is_allowed(stage: Stage, action: str) -> bool:
    return stage in ALLOWED.get(action, frozenset())
