"""A case at the step where each letter kind is due, built on the pure rules (no server)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.action_base import ActionBase
from models.case_actions import ACTION_TYPES
from models.case_state import CaseState
from models.letter import LetterKind, LetterRecord, content_hash
from models.types import Stage
from tests.workflows.test_procedure_table import (
    NOW,
    ROLE,
    TODAY,
    recovery_at,
    state_in,
    step,
)
from tests.workflows.test_procedure_tracks import PENALTY, at_final_decision, on_track
from vigie.letters.compose import compose
from vigie.letters.fund import Fund
from vigie.letters.render import render_html, template_version
from vigie.settings import Settings
from workflows.procedure import decide
from workflows.procedure.deadlines import catch_up

FUND = Fund.from_settings(Settings())
ADDRESSEE = "Dr Jeanne Martin"


def named(state: CaseState) -> CaseState:
    target = state.target.model_copy(update={"display_name": ADDRESSEE})
    return state.model_copy(update={"target": target})


def record(kind: LetterKind, state: CaseState, letter_id: str = "L-1") -> LetterRecord:
    """The letter Vigie would issue for ``state`` today (composed, checked, rendered)."""
    mentions = compose(kind, state, FUND, TODAY)
    html = render_html(kind, mentions)
    return LetterRecord(
        id=letter_id,
        kind=kind,
        issued_on=TODAY,
        content_hash=content_hash(html),
        html=html,
        template_version=template_version(kind),
        policy_version=str(state.policy.version),
        mentions=mentions,
    )


def act(state: CaseState, action: str, **fields: Any) -> CaseState:
    return step(state, action, **fields)


def case_for(kind: LetterKind) -> CaseState:
    """A case (professional, named) at the step where a ``kind`` letter is due."""
    if kind is LetterKind.GRIEVANCES:
        return named(state_in(Stage.FOLLOW_UPS))
    if kind is LetterKind.WARNING:
        return named(state_in(Stage.RECOVERY))
    if kind is LetterKind.PAYMENT_NOTICE:
        return named(recovery_at(Stage.RECOVERY, "to_notify"))
    if kind is LetterKind.FORMAL_NOTICE:
        return named(recovery_at(Stage.RECOVERY, "formal_notice_due"))
    if kind is LetterKind.CONTRAINTE:
        s = case_for(LetterKind.FORMAL_NOTICE)
        s = act(s, "issue_letter", letter=record(LetterKind.FORMAL_NOTICE, s, "L-notice"))
        s = act(s, "send_letter", letter_id="L-notice", sent_on=TODAY)
        s = act(s, "record_letter_receipt", letter_id="L-notice", received_on=TODAY)
        for due in catch_up(s, NOW + timedelta(days=40)):  # a month later: contrainte due
            s = due.state
        assert s.tracks["recovery"].step == "contrainte_due"
        return s
    if kind is LetterKind.INSTALMENT_PLAN:
        return named(recovery_at(Stage.RECOVERY, "instalment_plan"))
    s = at_final_decision()  # fraud: the national director's opinion, then the penalty
    s = on_track(s, PENALTY, "director_decision", outcome="request_national_opinion").state
    s = on_track(s, PENALTY, "national_opinion").state
    s = on_track(s, PENALTY, "director_decision", outcome="penalty", amount="10.00").state
    return named(s)


def issued(kind: LetterKind) -> tuple[CaseState, LetterRecord]:
    """The case after its ``kind`` letter was issued (the rules accept it at that step)."""
    state = case_for(kind)
    letter = record(kind, state)
    out = decide(state, command("issue_letter", {"letter": letter}), NOW, ROLE)
    return out.state, letter


def command(action: str, fields: dict[str, Any]) -> ActionBase:
    return ACTION_TYPES[action](request_id=f"{action}-test", actor="alice", **fields)
