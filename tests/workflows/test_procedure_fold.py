"""The audit log alone rebuilds a case, on the pure rules (no Temporal, no Postgres): each
decision's details are the audit row the projection writes, and folding the rows gives back
the state, and the projected change carries the figures the case row shows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.case_actions import ACTION_TYPES
from models.case_messages import OpenCaseInput, TargetRef
from models.case_state import RULES_VERSION, CaseState
from models.types import ActorType, Stage
from tests.workflows.test_procedure_table import NOW, POLICY, TODAY
from workflows.procedure import InvalidAction, decide, on_deadline, open_case
from workflows.procedure.deadlines import catch_up
from workflows.procedure.fold import fold
from workflows.procedure.outcome import Outcome

CASE_ID = "case:professional:P1:2025"
Row = tuple[int, datetime, str, dict[str, Any]]


class Recorder:
    """Drives a case through the pure rules and keeps the audit rows they produce."""

    def __init__(self, rules_version: int | None = None) -> None:
        opening = OpenCaseInput(
            target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
            period="2025",
            request_id="open",
            estimated_stake=Decimal("900.00"),
        )
        version = {} if rules_version is None else {"rules_version": rules_version}
        self.rows: list[Row] = []
        self.state = self.keep(open_case(opening, POLICY, CASE_ID, NOW, **version))

    def keep(self, out: Outcome) -> CaseState:
        change = out.to_change()
        self.rows.append((change.seq, change.at, change.action, change.details))
        self.state = out.state
        return out.state

    def do(self, action: str, at: datetime = NOW, role: str = "manager", **fields: Any) -> Outcome:
        for due in catch_up(self.state, at):
            self.keep(due)
        cmd = ACTION_TYPES[action](request_id=f"r-{len(self.rows)}", actor="alice", **fields)
        out = decide(self.state, cmd, at, role)
        self.keep(out)
        return out


def walked_case(rules_version: int | None = None) -> Recorder:
    case = Recorder(rules_version)
    case.do("assign", assignee="alice", supervisor="marc")
    case.do("open_investigation")
    case.do("add_investigation_action", kind="hearing", due_at=NOW + timedelta(days=5))
    case.do("take_protective_measure", kind="payment_suspension", estimated_avoided="950.00")
    later = NOW + timedelta(days=6)  # the hearing is late: escalated by its deadline
    key = case.state.investigation[0].key
    case.do("complete_investigation_action", at=later, key=key, result="admitted")
    case.do(
        "record_grievance",
        at=later,
        qualification="fraud",
        description="double billing",
        lines=[{"description": "x", "amount": "1500.00", "paid_on": TODAY}],
    )
    case.do("conclude_investigation", at=later)
    case.do("decide_follow_ups", at=later, follow_ups=["financial_penalty"])
    case.do(
        "record_procedure_event", at=later, track="financial_penalty", event="grievances_notified"
    )
    return case


def test_folding_the_audit_rows_in_any_order_gives_back_the_state() -> None:
    case = walked_case()
    rows = list(case.rows)
    random.Random(7).shuffle(rows)
    assert fold(rows, CASE_ID, POLICY) == case.state
    assert any(action == "deadline_expired" for _, _, action, _ in case.rows)


def test_a_case_opened_under_rules_version_1_folds_under_version_1() -> None:
    case = walked_case(rules_version=1)
    assert fold(case.rows, CASE_ID, POLICY) == case.state
    assert case.state.rules_version == 1
    # rows written before the version was recorded: version 1
    seq, at, action, details = case.rows[0]
    legacy = {k: v for k, v in details.items() if k != "rules_version"}
    rows = [(seq, at, action, legacy), *case.rows[1:]]
    assert fold(rows, CASE_ID, POLICY).rules_version == 1


def test_an_opening_folds_under_the_version_it_recorded() -> None:
    case = Recorder()
    assert case.rows[0][3]["rules_version"] == RULES_VERSION
    assert fold(case.rows, CASE_ID, POLICY).rules_version == RULES_VERSION


def test_the_fold_judges_each_action_with_the_role_the_workflow_recorded() -> None:
    case = walked_case()
    case.do("waive_complaint", justification="prosecuted by another fund", role="manager")
    assert case.rows[-1][3]["role"] == "manager"
    assert fold(case.rows, CASE_ID, POLICY) == case.state


def test_rows_without_a_role_are_judged_with_the_claimed_role_or_as_an_investigator() -> None:
    case = walked_case()
    case.do("waive_complaint", justification="prosecuted by another fund", role="manager")
    seq, at, action, details = case.rows[-1]
    unrecorded = {k: v for k, v in details.items() if k != "role"}
    with pytest.raises(InvalidAction) as refused:
        fold([*case.rows[:-1], (seq, at, action, unrecorded)], CASE_ID, POLICY)
    assert refused.value.rule == "waiver_needs_manager"
    claimed = {**unrecorded, "command": {**unrecorded["command"], "role": "manager"}}
    assert fold([*case.rows[:-1], (seq, at, action, claimed)], CASE_ID, POLICY) == case.state


def test_an_audit_log_must_start_with_the_opening() -> None:
    case = walked_case()
    with pytest.raises(ValueError, match=f"audit log of {CASE_ID} does not start with its opening"):
        fold(case.rows[1:], CASE_ID, POLICY)


def test_an_audit_log_with_a_missing_row_is_refused() -> None:
    case = walked_case()
    with pytest.raises(ValueError, match=f"audit log of {CASE_ID} has a gap before seq 3"):
        fold([case.rows[0], *case.rows[2:]], CASE_ID, POLICY)  # no assign


def test_an_empty_audit_log_is_refused() -> None:
    with pytest.raises(ValueError, match=f"no audit rows for {CASE_ID}"):
        fold([], CASE_ID, POLICY)


def test_the_change_carries_everything_the_projection_writes() -> None:
    case = walked_case()
    out = case.do("assign", assignee="bruno", reason="holidays")
    change = out.to_change()
    s = out.state
    assert (change.case_id, change.seq, change.request_id, change.actor, change.action) == (
        CASE_ID,
        s.seq,
        out.request_id,
        "alice",
        "assign",
    )
    assert change.at == s.timeline[-1].at == NOW
    assert (change.from_stage, change.to_stage, change.reason) == (
        Stage.FOLLOW_UPS,
        Stage.FOLLOW_UPS,
        "holidays",
    )
    assert change.details == out.details and change.details["role"] == "manager"
    assert change.opening is None
    assert (change.tasks_opened, change.tasks_updated, change.ledger) == ([], [], [])
    assert change.debts == list(s.debts.values())
    figures = change.figures
    assert (figures.stage, figures.assignee, figures.estimated_stake) == (
        Stage.FOLLOW_UPS,
        "bruno",
        Decimal("900.00"),
    )
    assert (figures.harm_suffered, figures.harm_avoided, figures.amount_due) == (
        Decimal("1500.00"),
        Decimal("950.00"),
        Decimal("1500.00"),
    )
    assert figures.open_tracks == ["financial_penalty", "recovery"]
    assert (figures.close_reason, figures.closed_at) == (None, None)


def test_the_figures_count_what_was_recovered_and_written_off() -> None:
    case = walked_case()
    debt = next(iter(case.state.debts))
    case.do("record_payment", amount="500.00", paid_on=TODAY)
    out = case.do("write_off", debt=debt, write_off_reason="remission", reason="hardship")
    figures = out.to_change().figures
    assert (figures.amount_due, figures.amount_recovered, figures.amount_written_off) == (
        Decimal("1500.00"),
        Decimal("500.00"),
        Decimal("1000.00"),
    )
    assert figures.open_tracks == ["financial_penalty"]


def test_the_opening_change_carries_the_opening_and_its_triage_task() -> None:
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open",
    )
    out = open_case(opening, POLICY, CASE_ID, NOW)
    change = out.to_change()
    assert change.opening == opening
    assert [t.key for t in change.tasks_opened] == ["triage-1"]
    case = Recorder()
    opening_row = case.rows[0]
    assert opening_row[2] == "open"
    assert opening_row[3]["policy_version"] == POLICY.version
    assert opening_row[3]["opening"]["target"]["identifier"] == "P1"


def test_the_change_of_a_closing_carries_the_closing_figures() -> None:
    case = Recorder()
    out = case.do("dismiss", reason="no irregularity")
    change = out.to_change()
    assert (change.figures.close_reason, change.figures.closed_at) == ("no irregularity", NOW)
    assert [(u.key, u.status.value) for u in change.tasks_updated] == [("triage-1", "cancelled")]


def test_the_change_carries_the_ledger_lines_posted() -> None:
    case = Recorder()
    case.do("open_investigation")
    out = case.do("take_protective_measure", kind="payment_suspension", estimated_avoided="9.00")
    assert out.to_change().ledger == out.ledger != []


def test_a_deadline_row_names_the_deadline_it_applied() -> None:
    case = Recorder()
    triage = case.state.deadlines[0]
    out = on_deadline(case.state, triage.key, triage.due_at)
    assert out.to_change().details["deadline"] == triage.key
