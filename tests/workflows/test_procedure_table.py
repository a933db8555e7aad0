"""The transition table, exhaustively: every stage x every action, with its exact outcome.

An action the table allows in a stage is applied from a state in which it is valid (a
measure in force to lift, a pending step to complete, every track ended to close, ...) and
must land in the stage ``TRANSITIONS`` names, or stay. An action the table does not allow
is refused by the table's own rule, never by some other rule that happens to fire first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_actions import ACTION_TYPES, ActionBase, GrievanceLine
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import RULES_VERSION, CaseState, TrackStatus
from models.letter import content_hash
from models.types import ActorType, Stage
from vigie.policy.loader import snapshot_from_file
from workflows.procedure import InvalidAction, decide, open_case
from workflows.procedure.deadlines import catch_up
from workflows.procedure.table import ACTIONS, ALLOWED, STAGES, TRANSITIONS, is_allowed

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)  # NOW's day in Paris

#: the role the workflow read from the registry for these actions
ROLE = "manager"
POLICY = snapshot_from_file()


def sample_letter(kind: str = "grievances", letter_id: str = "L-1") -> dict[str, Any]:
    html = f"<p>lettre {kind}</p>"
    return {
        "id": letter_id,
        "kind": kind,
        "issued_on": TODAY,
        "content_hash": content_hash(html),
        "html": html,
        "template_version": "test",
        "policy_version": "4",
        "mentions": {"objet": kind},
    }


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
    "waive_complaint": {"justification": "already prosecuted elsewhere"},
    "record_procedure_event": {"track": "recovery", "event": "recovery_ended"},
    "close": {"reason": "done"},
    "notify_debts": {"received_on": TODAY},
    "record_payment": {"amount": "4.00", "paid_on": TODAY},
    "grant_instalment_plan": {"instalments": 2, "first_due_on": TODAY + timedelta(days=30)},
    "cancel_instalment_plan": {"reason": "the debtor stopped paying"},
    "record_cra_appeal": {"received_on": TODAY},
    "record_cra_decision": {"decision": "partly_upheld", "reduced_by": "3.00"},
    "issue_formal_notice": {"received_on": TODAY},
    "issue_contrainte": {"received_on": TODAY},
    "record_opposition": {"received_on": TODAY},
    "record_opposition_judgment": {"decision": "rejected"},
    "write_off": {"debt": "debt-1", "write_off_reason": "insolvency", "reason": "insolvent"},
    "reverse_entry": {"entry": "9.0", "reason": "the cheque bounced"},
    "issue_letter": {"letter": sample_letter()},
    "send_letter": {"letter_id": "L-1", "sent_on": TODAY},
    "record_letter_receipt": {"letter_id": "L-1", "received_on": TODAY},
}


def command(action: str, n: int = 0, **fields: Any) -> ActionBase:
    payload = fields or SAMPLES[action]
    return ACTION_TYPES[action](request_id=f"{action}-{n}", actor="alice", **payload)


def step(state: CaseState, action: str, **fields: Any) -> CaseState:
    cmd = ACTION_TYPES[action](request_id=f"setup-{action}-{state.seq}", actor="alice", **fields)
    return decide(state, cmd, NOW, ROLE).state


def state_in(stage: Stage, rules_version: int = RULES_VERSION) -> CaseState:
    """A case on professional P1 in ``stage``: findings of 10 EUR (fault); follow-ups with
    the penalty track open; recovery after a warning, with only the recovery track open."""
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open",
    )
    s = open_case(opening, POLICY, "case:professional:P1:2025", NOW, rules_version).state
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


# --- a valid setting for every allowed (stage, action) -----------------------------------


@dataclass
class Ready:
    """A state in which the action is valid, its payload, and what applying it must do."""

    state: CaseState
    fields: dict[str, Any]
    did: Callable[[CaseState], bool]
    #: decide_follow_ups and track events: the next stage depends on the tracks left open
    #: (None: the stage TRANSITIONS names, or the same stage)
    lands_in: Stage | None = None


def with_measure(stage: Stage) -> CaseState:
    """A measure (measure-N) in force in ``stage``; in recovery, taken in findings."""
    if stage is Stage.RECOVERY:
        s = step(
            state_in(Stage.FINDINGS),
            "take_protective_measure",
            kind="prior_approval",
            estimated_avoided="7.00",
        )
        return step(s, "decide_follow_ups", follow_ups=["warning"])
    return step(
        state_in(stage), "take_protective_measure", kind="prior_approval", estimated_avoided="7.00"
    )


def measure_key(state: CaseState) -> str:
    return next(m.key for m in state.measures if m.lifted_at is None)


def lift(stage: Stage) -> Ready:
    s = with_measure(stage)
    key = measure_key(s)
    return Ready(
        s, {"key": key}, lambda out: next(m for m in out.measures if m.key == key).lifted_at == NOW
    )


def assign(stage: Stage) -> Ready:
    return Ready(
        state_in(stage),
        {"assignee": "bob", "supervisor": "marc"},
        lambda out: (out.assignee, out.supervisor) == ("bob", "marc"),
    )


def take(stage: Stage) -> Ready:
    s = state_in(stage)
    return Ready(
        s,
        SAMPLES["take_protective_measure"],
        lambda out: (
            [(m.kind.value, m.estimated_avoided, m.lifted_at) for m in out.measures]
            == [("payment_suspension", Decimal("5.00"), None)]
        ),
    )


def dismiss(stage: Stage) -> Ready:
    return Ready(
        state_in(stage),
        {"reason": "no irregularity"},
        lambda out: (
            (out.close_reason, out.closed_at, out.deadlines) == ("no irregularity", NOW, [])
        ),
    )


def grievance(stage: Stage) -> Ready:
    s = state_in(stage)
    return Ready(
        s,
        SAMPLES["record_grievance"],
        lambda out: (
            len(out.grievances) == len(s.grievances) + 1
            and out.harm_suffered == s.harm_suffered + Decimal("10.00")
        ),
    )


def waive(stage: Stage) -> Ready:
    return Ready(
        state_in(stage),
        SAMPLES["waive_complaint"],
        lambda out: out.complaint_waiver == "alice: already prosecuted elsewhere",
    )


def complete_in_investigation() -> Ready:
    s = step(
        state_in(Stage.INVESTIGATION),
        "add_investigation_action",
        **SAMPLES["add_investigation_action"],
    )
    key = s.investigation[0].key
    return Ready(
        s,
        {"key": key, "result": "three patients deny the care"},
        lambda out: (
            (out.investigation[0].done, out.investigation[0].result)
            == (True, "three patients deny the care")
            and not any(d.key == key for d in out.deadlines)
        ),
    )


def close_without_open_tracks(stage: Stage) -> Ready:
    """Findings before any track; follow-ups and recovery once every track has ended."""
    if stage is Stage.FINDINGS:
        s = state_in(stage)
    elif stage is Stage.FOLLOW_UPS:
        # a sanction track and recovery, both ended: the case stays in follow-ups
        s = step(
            state_in(Stage.FINDINGS), "decide_follow_ups", follow_ups=["conventional_sanction"]
        )
        s = pay(s, "10.00")  # everything recovered: the recovery ends by itself
        s = step(
            s, "record_procedure_event", track="conventional_sanction", event="sanction_decided"
        )
    else:
        s = pay(state_in(stage), "10.00")
    assert s.stage is stage and not s.open_tracks
    return Ready(
        s,
        {"reason": "every track ended"},
        lambda out: (
            (out.close_reason, out.closed_at) == ("every track ended", NOW)
            and out.close_outcome == ("nothing_due" if stage is Stage.FINDINGS else "recovered")
        ),
    )


# --- recovery (rules version 2): the step of the recovery track decides the rest ---------


def pay(state: CaseState, amount: str) -> CaseState:
    return step(state, "record_payment", amount=amount, paid_on=TODAY)


def after_deadlines(state: CaseState) -> CaseState:
    for due in catch_up(state, NOW):
        state = due.state
    return state


def recovery_at(stage: Stage, track_step: str) -> CaseState:
    """A case in ``stage`` (follow-ups: with the penalty track open beside it) whose recovery
    track is at ``track_step``; dates in the past let the legal periods run out by NOW."""
    s = state_in(stage)
    if track_step == "to_notify":
        return s
    if track_step in ("contrainte_due", "contrainte", "opposition"):
        s = step(s, "notify_debts", received_on=date(2025, 11, 3))
        s = after_deadlines(s)  # two months to pay: over
        s = step(s, "issue_formal_notice", received_on=date(2026, 1, 12))
        s = after_deadlines(s)  # a month after the formal notice: the contrainte is due
        if track_step != "contrainte_due":
            s = step(s, "issue_contrainte", received_on=TODAY)
        if track_step == "opposition":
            s = step(s, "record_opposition", received_on=TODAY)
    else:
        s = step(s, "notify_debts", received_on=TODAY)
        if track_step in ("cra_appeal", "formal_notice_due"):
            s = step(s, "record_cra_appeal", received_on=TODAY)
        if track_step == "formal_notice_due":
            s = step(s, "record_cra_decision", decision="rejected")
        if track_step == "instalment_plan":
            s = step(s, **{"action": "grant_instalment_plan", **SAMPLES["grant_instalment_plan"]})
    assert s.tracks["recovery"].step == track_step, s.tracks["recovery"].step
    return s


def recovery_step_is(track_step: str) -> Callable[[CaseState], bool]:
    return lambda out: out.tracks["recovery"].step == track_step


def letter_action(stage: Stage, action: str) -> Ready:
    """Issue, send, then receive a letter due in ``stage``; the receipt of the notification
    of grievances opens the observations period."""
    kind = "grievances" if stage is Stage.FOLLOW_UPS else "warning"
    s = state_in(stage)
    if action == "issue_letter":
        return Ready(
            s, {"letter": sample_letter(kind)}, lambda out: out.letters["L-1"].kind == kind
        )
    s = step(s, "issue_letter", letter=sample_letter(kind))
    if action == "send_letter":
        return Ready(
            s,
            SAMPLES[action],
            lambda out: (
                out.letters["L-1"].sent_on == TODAY
                and [d.kind for d in out.deadlines if d.policy_key == "letter.receipt_wait"]
                == ["letter_receipt"]
            ),
        )
    s = step(s, "send_letter", **SAMPLES["send_letter"])
    return Ready(
        s,
        SAMPLES[action],
        lambda out: (
            out.letters["L-1"].received_on == TODAY
            and not any(d.kind == "letter_receipt" for d in out.deadlines)
            and (kind != "grievances" or out.tracks["financial_penalty"].step == "observations")
        ),
        lands_in=stage,
    )


def recovery_action(stage: Stage, action: str) -> Ready:
    """Every recovery action from the recovery step in which it is possible."""
    if action == "notify_debts":
        return Ready(
            recovery_at(stage, "to_notify"),
            SAMPLES[action],
            lambda out: (
                out.tracks["recovery"].step == "payment_period"
                and all(d.notified_on == TODAY for d in out.debts.values())
            ),
        )
    if action == "record_payment":
        return Ready(
            recovery_at(stage, "payment_period"),
            SAMPLES[action],
            lambda out: (
                (out.balance.paid, out.balance.outstanding) == (Decimal("4.00"), Decimal("6.00"))
            ),
        )
    if action == "grant_instalment_plan":
        return Ready(
            recovery_at(stage, "payment_period"),
            SAMPLES[action],
            lambda out: (
                out.plan is not None
                and [i.amount for i in out.plan.instalments] == [Decimal("5.00")] * 2
                and out.tracks["recovery"].step == "instalment_plan"
            ),
        )
    if action == "cancel_instalment_plan":
        return Ready(
            recovery_at(stage, "instalment_plan"),
            SAMPLES[action],
            lambda out: (
                out.plan is not None
                and out.plan.status.value == "cancelled"
                and out.tracks["recovery"].step == "enforcement"
            ),
        )
    if action == "record_cra_appeal":
        return Ready(
            recovery_at(stage, "payment_period"), SAMPLES[action], recovery_step_is("cra_appeal")
        )
    if action == "record_cra_decision":
        return Ready(
            recovery_at(stage, "cra_appeal"),
            SAMPLES[action],
            lambda out: (
                out.balance.reduced == Decimal("3.00")
                and out.tracks["recovery"].step == "formal_notice_due"
            ),
        )
    if action == "issue_formal_notice":
        return Ready(
            recovery_at(stage, "formal_notice_due"),
            SAMPLES[action],
            recovery_step_is("formal_notice"),
        )
    if action == "issue_contrainte":
        return Ready(
            recovery_at(stage, "contrainte_due"), SAMPLES[action], recovery_step_is("contrainte")
        )
    if action == "record_opposition":
        return Ready(
            recovery_at(stage, "contrainte"), SAMPLES[action], recovery_step_is("opposition")
        )
    if action == "record_opposition_judgment":
        return Ready(
            recovery_at(stage, "opposition"), SAMPLES[action], recovery_step_is("enforcement")
        )
    if action == "write_off":
        s = recovery_at(stage, "to_notify")
        debt = next(iter(s.debts))
        return Ready(
            s,
            {**SAMPLES[action], "debt": debt},
            # nothing is left outstanding: the recovery ends by itself
            lambda out: (
                out.balance.written_off == Decimal("10.00")
                and out.tracks["recovery"].outcome == "written_off"
            ),
        )
    assert action == "reverse_entry"
    s = pay(recovery_at(stage, "payment_period"), "4.00")
    entry = next(e.ref for e in s.ledger if e.kind.value == "payment")
    return Ready(
        s,
        {**SAMPLES[action], "entry": entry},
        lambda out: (out.balance.paid, out.balance.outstanding) == (Decimal("0"), Decimal("10.00")),
    )


RECOVERY_ACTIONS = (
    "notify_debts",
    "record_payment",
    "grant_instalment_plan",
    "cancel_instalment_plan",
    "record_cra_appeal",
    "record_cra_decision",
    "issue_formal_notice",
    "issue_contrainte",
    "record_opposition",
    "record_opposition_judgment",
    "write_off",
    "reverse_entry",
)


SETUPS: dict[tuple[Stage, str], Callable[[], Ready]] = {
    # triage
    (Stage.TRIAGE, "assign"): lambda: assign(Stage.TRIAGE),
    (Stage.TRIAGE, "open_investigation"): lambda: Ready(
        state_in(Stage.TRIAGE), {}, lambda out: not any(d.kind == "triage" for d in out.deadlines)
    ),
    (Stage.TRIAGE, "dismiss"): lambda: dismiss(Stage.TRIAGE),
    (Stage.TRIAGE, "merge"): lambda: Ready(
        state_in(Stage.TRIAGE),
        SAMPLES["merge"],
        lambda out: out.merged_into == "case:professional:P1:2024" and out.closed_at == NOW,
    ),
    (Stage.TRIAGE, "take_protective_measure"): lambda: take(Stage.TRIAGE),
    (Stage.TRIAGE, "lift_protective_measure"): lambda: lift(Stage.TRIAGE),
    # investigation
    (Stage.INVESTIGATION, "assign"): lambda: assign(Stage.INVESTIGATION),
    (Stage.INVESTIGATION, "dismiss"): lambda: dismiss(Stage.INVESTIGATION),
    (Stage.INVESTIGATION, "add_investigation_action"): lambda: Ready(
        state_in(Stage.INVESTIGATION),
        SAMPLES["add_investigation_action"],
        lambda out: (
            [(s.kind.value, s.due_at, s.done) for s in out.investigation]
            == [("hearing", NOW + timedelta(days=9), False)]
            and [(d.key, d.due_at) for d in out.deadlines if d.kind == "action"]
            == [(out.investigation[0].key, NOW + timedelta(days=9))]
        ),
    ),
    (Stage.INVESTIGATION, "complete_investigation_action"): complete_in_investigation,
    (Stage.INVESTIGATION, "record_grievance"): lambda: grievance(Stage.INVESTIGATION),
    (Stage.INVESTIGATION, "take_protective_measure"): lambda: take(Stage.INVESTIGATION),
    (Stage.INVESTIGATION, "lift_protective_measure"): lambda: lift(Stage.INVESTIGATION),
    (Stage.INVESTIGATION, "conclude_investigation"): lambda: Ready(
        state_in(Stage.INVESTIGATION),
        {},
        lambda out: out.timeline[-1].summary == "findings: 0 EUR suffered, 0 avoided",
    ),
    # findings
    (Stage.FINDINGS, "assign"): lambda: assign(Stage.FINDINGS),
    (Stage.FINDINGS, "record_grievance"): lambda: grievance(Stage.FINDINGS),
    (Stage.FINDINGS, "take_protective_measure"): lambda: take(Stage.FINDINGS),
    (Stage.FINDINGS, "lift_protective_measure"): lambda: lift(Stage.FINDINGS),
    (Stage.FINDINGS, "decide_follow_ups"): lambda: Ready(
        state_in(Stage.FINDINGS),
        {"follow_ups": ["warning"]},
        # a warning opens no track; the harm suffered opens recovery, alone: recovery
        lambda out: out.open_tracks == ["recovery"] and out.warnings_issued == 1,
        lands_in=Stage.RECOVERY,
    ),
    (Stage.FINDINGS, "waive_complaint"): lambda: waive(Stage.FINDINGS),
    (Stage.FINDINGS, "close"): lambda: close_without_open_tracks(Stage.FINDINGS),
    # follow-ups
    (Stage.FOLLOW_UPS, "assign"): lambda: assign(Stage.FOLLOW_UPS),
    (Stage.FOLLOW_UPS, "take_protective_measure"): lambda: take(Stage.FOLLOW_UPS),
    (Stage.FOLLOW_UPS, "lift_protective_measure"): lambda: lift(Stage.FOLLOW_UPS),
    (Stage.FOLLOW_UPS, "waive_complaint"): lambda: waive(Stage.FOLLOW_UPS),
    (Stage.FOLLOW_UPS, "record_procedure_event"): lambda: Ready(
        state_in(Stage.FOLLOW_UPS),
        {"track": "financial_penalty", "event": "grievances_notified"},
        # the penalty track is still open: the case stays in follow-ups
        lambda out: out.tracks["financial_penalty"].step == "observations",
        lands_in=Stage.FOLLOW_UPS,
    ),
    (Stage.FOLLOW_UPS, "close"): lambda: close_without_open_tracks(Stage.FOLLOW_UPS),
    # recovery
    (Stage.RECOVERY, "assign"): lambda: assign(Stage.RECOVERY),
    (Stage.RECOVERY, "lift_protective_measure"): lambda: lift(Stage.RECOVERY),
    (Stage.RECOVERY, "record_procedure_event"): lambda: Ready(
        state_in(Stage.RECOVERY),
        {"track": "recovery", "event": "recovery_transferred"},
        # the last track ends: the case waits in recovery to be closed
        lambda out: (
            out.tracks["recovery"].status is TrackStatus.ENDED
            and out.tracks["recovery"].outcome == "transferred"
            and not out.open_tracks
        ),
        lands_in=Stage.RECOVERY,
    ),
    (Stage.RECOVERY, "close"): lambda: close_without_open_tracks(Stage.RECOVERY),
    # letters: a notification of grievances in follow-ups, a warning in recovery
    **{
        (stage, action): (lambda stage=stage, action=action: letter_action(stage, action))
        for stage in (Stage.FOLLOW_UPS, Stage.RECOVERY)
        for action in ("issue_letter", "send_letter", "record_letter_receipt")
    },
    # recovery actions, beside the sanction tracks or alone
    **{
        (stage, action): (lambda stage=stage, action=action: recovery_action(stage, action))
        for stage in (Stage.FOLLOW_UPS, Stage.RECOVERY)
        for action in RECOVERY_ACTIONS
    },
}

#: allowed by the table, yet no state lets the action apply: see the report in
#: docs/mutation.md ("complete_investigation_action in findings")
ALLOWED_PAIRS = [
    (stage, action) for action in ACTIONS for stage in STAGES if is_allowed(stage, action)
]
REFUSED_PAIRS = [
    (stage, action) for action in ACTIONS for stage in STAGES if not is_allowed(stage, action)
]


def pair_id(pair: tuple[Stage, str]) -> str:
    return f"{pair[0].value}-{pair[1]}"


def test_the_table_covers_every_action_the_workflow_accepts() -> None:
    assert set(ALLOWED) == set(ACTION_TYPES)
    assert set(ACTIONS) == set(ALLOWED)


def test_the_table_lists_every_stage_once_in_procedure_order() -> None:
    assert STAGES == tuple(Stage)


def test_nothing_is_allowed_in_the_alert_or_closed_stage() -> None:
    for action in ACTIONS:
        assert not is_allowed(Stage.ALERT, action)
        assert not is_allowed(Stage.CLOSED, action)


def test_an_unknown_action_is_allowed_nowhere() -> None:
    assert not any(is_allowed(stage, "pay_the_investigator") for stage in STAGES)


def test_every_transition_starts_from_a_stage_where_its_action_is_allowed() -> None:
    assert all(is_allowed(stage, action) for stage, action in TRANSITIONS)


def test_every_allowed_stage_and_action_has_a_valid_setting_here() -> None:
    assert set(SETUPS) == set(ALLOWED_PAIRS)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.value)
def test_each_builder_state_is_in_its_stage(stage: Stage) -> None:
    assert state_in(stage).stage is stage


@pytest.mark.parametrize(
    ("stage", "action"), ALLOWED_PAIRS, ids=[pair_id(p) for p in ALLOWED_PAIRS]
)
def test_an_allowed_action_applies_and_lands_in_the_stage_the_table_names(
    stage: Stage, action: str
) -> None:
    ready = SETUPS[(stage, action)]()
    state = ready.state
    assert state.stage is stage
    before = state.model_copy(deep=True)
    outcome = decide(state, command(action, **ready.fields), NOW, ROLE)
    expected = ready.lands_in or TRANSITIONS.get((stage, action), stage)
    assert (outcome.from_stage, outcome.to_stage) == (stage, expected)
    assert outcome.state.stage is expected
    assert outcome.state.seq == state.seq + 1
    assert outcome.state.timeline[-1].action == action
    assert outcome.state.applied_requests[f"{action}-0"] == outcome.state.seq
    assert ready.did(outcome.state), f"{action} applied without its effect"
    assert state == before, "decide must never mutate its input"


@pytest.mark.parametrize("role", ["manager", "investigator", None])
@pytest.mark.parametrize(
    ("stage", "action"), REFUSED_PAIRS, ids=[pair_id(p) for p in REFUSED_PAIRS]
)
def test_an_action_the_table_does_not_allow_is_refused_by_the_table_rule_whatever_the_role(
    stage: Stage, action: str, role: str | None
) -> None:
    state = state_in(stage)
    before = state.model_copy(deep=True)
    with pytest.raises(InvalidAction) as refused:
        decide(state, command(action), NOW, role)
    if stage is Stage.CLOSED:
        assert refused.value.rule == "case_closed"
        assert refused.value.message == f"the case is closed; {action} is not possible"
    else:
        assert refused.value.rule == "action_not_allowed_in_stage"
        assert refused.value.message == f"{action} is not allowed in stage {stage.value}"
    assert state == before, "decide must never mutate its input"
