"""The ledger's money rules as properties: random sequences of payments, offsets, write-offs,
reductions and reversals, applied through the real pure rules (``decide`` as a manager, and
``money.post`` on an ``Outcome`` for bare reductions), on a case in recovery with several
debts.

After every operation: no balance is negative; no debt has more paid, offset and written off
than its net due; an operation that would break that is refused (by the rule that says so)
and leaves the state as it was; what an accepted operation did is what a model of the rules
predicts; and the case figures equal a recomputation, written here, from the raw ledger
lines each accepted change carried (never through ``models.balances``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models.case_actions import ACTION_TYPES, GrievanceLine
from models.case_messages import LedgerLine, OpenCaseInput, TargetRef
from models.case_state import RECOVERY, CaseState, TrackStatus
from models.types import ActorType, LedgerKind
from vigie.policy.loader import snapshot_from_file
from workflows.procedure import InvalidAction, Outcome, decide, open_case
from workflows.procedure.money import post
from workflows.procedure.outcome import figures
from workflows.procedure.steps import begin, finish
from workflows.procedure.table_recovery import STEPS_FOR

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)  # NOW's day in Paris
POLICY = snapshot_from_file()
ZERO = Decimal("0")
CENT = Decimal("0.01")
FIELDS = ("due", "reduced", "paid", "offset", "written_off")
#: what each kind of entry moves on its debt (harm measures move nothing)
MOVES = {
    LedgerKind.DUE: "due",
    LedgerKind.PENALTY_DUE: "due",
    LedgerKind.DAMAGES_DUE: "due",
    LedgerKind.DUE_REDUCED: "reduced",
    LedgerKind.PAYMENT: "paid",
    LedgerKind.OFFSET: "offset",
    LedgerKind.WRITTEN_OFF: "written_off",
}
REVERSIBLE_KINDS = {LedgerKind.PAYMENT, LedgerKind.OFFSET, LedgerKind.WRITTEN_OFF}


# --- the independent recomputation ---------------------------------------------------------
def sums(lines: list[LedgerLine]) -> dict[str | None, dict[str, Decimal]]:
    """Per debt, each column, from the raw lines: a reversal cancels the line it names and
    moves nothing itself."""
    cancelled = {line.reverses for line in lines if line.kind is LedgerKind.REVERSAL}
    out: dict[str | None, dict[str, Decimal]] = {}
    for line in lines:
        column = MOVES.get(line.kind)
        if column is None or line.ref in cancelled:
            continue
        out.setdefault(line.debt, dict.fromkeys(FIELDS, ZERO))[column] += line.amount
    return out


def outstanding(cols: dict[str, Decimal]) -> Decimal:
    return cols["due"] - cols["reduced"] - cols["paid"] - cols["offset"] - cols["written_off"]


def debt_order(lines: list[LedgerLine]) -> list[str]:
    """The debts in the order they were established (the order of their first due line)."""
    order: list[str] = []
    for line in lines:
        if line.kind is LedgerKind.DUE and line.debt and line.debt not in order:
            order.append(line.debt)
    return order


def left_on(lines: list[LedgerLine], debt: str) -> Decimal:
    cols = sums(lines).get(debt)
    return ZERO if cols is None else outstanding(cols)


def total_left(lines: list[LedgerLine]) -> Decimal:
    return sum((max(left_on(lines, d), ZERO) for d in debt_order(lines)), ZERO)


# --- the case --------------------------------------------------------------------------------
@dataclass
class Run:
    """The state the rules hold, and the lines the accepted changes carried (in order)."""

    state: CaseState
    lines: list[LedgerLine] = field(default_factory=list)
    n: int = 0

    def request(self) -> str:
        self.n += 1
        return f"r-{self.n}"

    def accept(self, out: Outcome) -> CaseState:
        for i, line in enumerate(out.ledger):  # numbered as Postgres stores them
            assert line.ref == f"{out.state.seq}.{i}"
        self.lines.extend(out.ledger)
        self.state = out.state
        return self.state

    def act(self, action: str, role: str = "manager", **fields: Any) -> CaseState:
        cmd = ACTION_TYPES[action](request_id=self.request(), actor="alice", **fields)
        return self.accept(decide(self.state, cmd, NOW, role))


def case_in_recovery(grievances: list[list[Decimal]]) -> Run:
    """Professional P1: one grievance (fault) per list of line amounts, a warning, and the
    debts (one per grievance) notified today."""
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open",
    )
    first = open_case(opening, POLICY, "case:professional:P1:2025", NOW)
    run = Run(first.state)
    run.accept(first)
    run.act("open_investigation")
    for amounts in grievances:
        run.act(
            "record_grievance",
            qualification="fault",
            description="acts billed but not performed",
            lines=[
                GrievanceLine(description="act", amount=a, paid_on=date(2025, 5, 1))
                for a in amounts
            ],
        )
    run.act("conclude_investigation")
    run.act("decide_follow_ups", follow_ups=["warning"])
    run.act("notify_debts", received_on=TODAY)
    return run


# --- operations ------------------------------------------------------------------------------
amounts = st.decimals(min_value=CENT, max_value=Decimal("3000.00"), places=2)
#: an absolute amount, or one a few cents around what is outstanding (the edge of the rule)
amount_specs = st.one_of(
    st.tuples(st.just("abs"), amounts),
    st.tuples(st.just("near"), st.integers(min_value=-3, max_value=3)),
)
#: a debt by its position among the case's debts, none, or one the case does not have
debt_choices = st.one_of(st.none(), st.integers(min_value=0, max_value=5), st.just("debt-99"))

payments = st.tuples(
    st.just("pay"), st.sampled_from(["transfer", "cheque", "offset"]), debt_choices, amount_specs
)
#: an entry among the payments, offsets and write-offs (mostly), or among all entries
reversals = st.tuples(
    st.just("reverse"), st.integers(min_value=0, max_value=60), st.sampled_from([True, True, False])
)
operations = st.one_of(
    payments,
    payments,
    st.tuples(
        st.just("write_off"),
        st.sampled_from(["insolvency", "remission", "decision_cancelled"]),
        debt_choices,
        st.one_of(st.none(), amount_specs),
        st.sampled_from(["manager", "manager", "investigator"]),
    ),
    reversals,
    reversals,
    st.tuples(st.just("reduce"), st.integers(min_value=0, max_value=5), amount_specs),
    st.tuples(
        st.just("cra"),
        st.sampled_from(["rejected", "partly_upheld", "partly_upheld", "upheld"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
        amount_specs,
    ),
)
grievance_amounts = st.lists(
    st.lists(
        st.decimals(min_value=CENT, max_value=Decimal("2000.00"), places=2), min_size=1, max_size=2
    ),
    min_size=1,
    max_size=4,
)


def resolve(spec: tuple[str, Any], edge: Decimal) -> Decimal:
    kind, value = spec
    if kind == "abs":
        return Decimal(value)
    return max(edge + value * CENT, CENT)


def debt_key(run: Run, choice: int | str | None) -> str | None:
    if isinstance(choice, int):
        debts = debt_order(run.lines)
        return debts[choice % len(debts)]
    return choice


def recovery_open(state: CaseState) -> bool:
    return state.tracks[RECOVERY].status is TrackStatus.OPEN


@dataclass
class Expect:
    """What the model of the rules predicts: refused by ``rule``, or accepted with these
    per-debt moves (column, amount) and whether the recovery ends."""

    rule: str | None = None
    moves: list[tuple[str, str, Decimal]] = field(default_factory=list)
    #: the moves are lines of their own (False: a reversal, which cancels a line)
    posted: bool = True
    #: a rule that ends the recovery once nothing is outstanding (a bare post does not)
    settles: bool = True


def expect_payment(run: Run, method: str, debt: str | None, amount: Decimal) -> Expect:
    if not recovery_open(run.state):
        return Expect("recovery_not_open")
    if debt is not None and debt not in debt_order(run.lines):
        return Expect("unknown_debt")
    targets = [d for d in debt_order(run.lines) if debt in (None, d) and left_on(run.lines, d) > 0]
    if amount > sum((left_on(run.lines, d) for d in targets), ZERO):
        return Expect("exceeds_outstanding")
    column = "offset" if method == "offset" else "paid"
    moves, rest = [], amount
    for d in targets:  # the oldest debts first
        share = min(rest, left_on(run.lines, d))
        if share <= 0:
            break
        moves.append((d, column, share))
        rest -= share
    return Expect(moves=moves)


def expect_write_off(run: Run, debt: str | None, amount: Decimal | None, role: str) -> Expect:
    if not recovery_open(run.state):
        return Expect("recovery_not_open")
    if role != "manager":
        return Expect("write_off_needs_manager")
    owed = [d for d in debt_order(run.lines) if left_on(run.lines, d) > 0]
    if debt is None:
        if len(owed) != 1:
            return Expect("which_debt")
        debt = owed[0]
    if debt not in debt_order(run.lines):
        return Expect("unknown_debt")
    left = max(left_on(run.lines, debt), ZERO)
    amount = left if amount is None else amount
    if amount <= 0:
        return Expect("nothing_outstanding")
    if amount > left:
        return Expect("exceeds_outstanding")
    return Expect(moves=[(debt, "written_off", amount)])


def expect_reduction(run: Run, debt: str | None, amount: Decimal | None) -> Expect:
    """A reduction of ``amount`` (None: all that is left) on ``debt`` (None: the oldest
    debt with something outstanding), as ``reduce`` does it."""
    owed = [d for d in debt_order(run.lines) if left_on(run.lines, d) > 0]
    chosen = next((d for d in owed if debt in (None, d)), None)
    if chosen is None:
        return Expect("nothing_outstanding")
    left = left_on(run.lines, chosen)
    cut = left if amount is None else amount
    if cut > left:
        return Expect("exceeds_outstanding")
    return Expect(moves=[(chosen, "reduced", cut)])


def apply_expected(
    lines: list[LedgerLine], moves: list[tuple[str, str, Decimal]]
) -> dict[str | None, dict[str, Decimal]]:
    after = {d: dict(cols) for d, cols in sums(lines).items()}
    for debt, column, amount in moves:
        after[debt][column] += amount
    return after


# --- the checks --------------------------------------------------------------------------------
def check_invariants(run: Run) -> None:
    s = run.state
    assert s.ledger == run.lines, "the state's ledger is exactly the lines the changes carried"
    refs = [line.ref for line in run.lines]
    assert len(set(refs)) == len(refs)
    per_debt = sums(run.lines)
    for debt, cols in per_debt.items():
        assert all(v >= 0 for v in cols.values()), (debt, cols)
        net_due = cols["due"] - cols["reduced"]
        assert net_due >= 0, (debt, cols)
        assert cols["paid"] + cols["offset"] + cols["written_off"] <= net_due, (debt, cols)
    for line in run.lines:
        if line.kind is LedgerKind.REVERSAL:  # only ever a payment, offset or write-off
            [target] = [x for x in run.lines if x.ref == line.reverses]
            assert target.kind in REVERSIBLE_KINDS and target.amount == line.amount
    # models.balances agrees with the recomputation
    assert {
        d: {f: getattr(b, f) for f in FIELDS} for d, b in s.debt_balances.items() if d is not None
    } == {d: cols for d, cols in per_debt.items() if d is not None}
    # the case figures the projection writes
    total = dict.fromkeys(FIELDS, ZERO)
    for cols in per_debt.values():
        for f in FIELDS:
            total[f] += cols[f]
    harm = sum((x.amount for x in run.lines if x.kind is LedgerKind.HARM_SUFFERED), ZERO)
    fig = figures(s)
    assert fig.amount_due == total["due"] - total["reduced"]
    assert fig.amount_recovered == total["paid"] + total["offset"]
    assert fig.amount_written_off == total["written_off"]
    assert fig.harm_suffered == harm
    # the recovery is open exactly while something is outstanding (or was reopened)
    if total_left(run.lines) > 0:
        assert recovery_open(s) or s.tracks[RECOVERY].outcome == "transferred"


def check_refused(run: Run, rule: str, attempt: Any) -> None:
    before = run.state.model_dump()
    with pytest.raises(InvalidAction) as refused:
        attempt()
    assert refused.value.rule == rule, refused.value
    assert run.state.model_dump() == before, "a refused operation changed the state"


def check_accepted(run: Run, expect: Expect, attempt: Any) -> None:
    expected = apply_expected(run.lines, expect.moves)
    count = len(run.lines)
    attempt()
    assert sums(run.lines) == expected
    if expect.posted:
        moved = [x for x in run.lines[count:] if x.kind in MOVES]
        assert [(x.debt, MOVES[x.kind], x.amount) for x in moved] == expect.moves
    if total_left(run.lines) == 0 and expect.moves and expect.settles:
        track = run.state.tracks[RECOVERY]
        assert track.status is TrackStatus.ENDED and track.outcome in (
            "recovered",
            "written_off",
            "partly_recovered_written_off",
            "nothing_due",
        )
        assert not [d for d in run.state.deadlines if d.track == RECOVERY]


def run_operation(run: Run, op: tuple[Any, ...]) -> None:
    name = op[0]
    if name == "pay":
        _, method, choice, spec = op
        debt = debt_key(run, choice)
        edge = left_on(run.lines, debt) if debt else total_left(run.lines)
        amount = resolve(spec, max(edge, ZERO))
        expect = expect_payment(run, method, debt, amount)

        def attempt() -> CaseState:
            return run.act("record_payment", amount=amount, paid_on=TODAY, method=method, debt=debt)

    elif name == "write_off":
        _, reason, choice, spec, role = op
        debt = debt_key(run, choice)
        edge = left_on(run.lines, debt) if debt else total_left(run.lines)
        written = None if spec is None else resolve(spec, max(edge, ZERO))
        expect = expect_write_off(run, debt, written, role)

        def attempt() -> CaseState:
            return run.act(
                "write_off",
                role=role,
                debt=debt,
                amount=written,
                write_off_reason=reason,
                reason="decided by the manager",
            )

    elif name == "reverse":
        _, index, among_reversible = op
        pool = [x for x in run.lines if x.kind in REVERSIBLE_KINDS] if among_reversible else []
        pool = pool or run.lines
        ref = pool[index % len(pool)].ref
        assert ref is not None
        entry = next(x for x in run.lines if x.ref == ref)
        if entry.kind not in REVERSIBLE_KINDS:
            expect = Expect("entry_not_reversible")
        elif any(x.reverses == ref for x in run.lines):
            expect = Expect("entry_already_reversed")
        else:
            assert entry.debt is not None
            expect = Expect(moves=[(entry.debt, MOVES[entry.kind], -entry.amount)], posted=False)

        ended = not recovery_open(run.state)

        def attempt() -> CaseState:
            state = run.act("reverse_entry", entry=ref, reason="bounced or misallocated")
            track = state.tracks[RECOVERY]
            assert track.status is TrackStatus.OPEN  # a reversal reopens an ended recovery
            if ended:  # at enforcement, with a task to enforce what is owed again
                assert track.step == "enforcement" and track.task is not None
                assert run.state.timeline[-1].seq == state.seq
            return state

    elif name == "reduce":  # a bare reduction, posted on an Outcome
        _, choice, spec = op
        debt = debt_key(run, choice)
        assert debt is not None
        cut = resolve(spec, max(left_on(run.lines, debt), ZERO))
        left = left_on(run.lines, debt)
        expect = (
            Expect("exceeds_outstanding")
            if cut > left
            else Expect(moves=[(debt, "reduced", cut)], settles=False)
        )

        def attempt() -> CaseState:
            out = begin(run.state, "reduce", "alice")
            post(out, LedgerLine(kind=LedgerKind.DUE_REDUCED, amount=cut, debt=debt))
            return run.accept(finish(out, NOW, f"{debt} reduced by {cut}"))

    else:  # an appeal to the CRA, then its decision
        _, decision, choice, spec = op
        if not recovery_open(run.state):
            event("cra: recovery_not_open")
            check_refused(
                run,
                "recovery_not_open",
                lambda: run.act("record_cra_appeal", received_on=TODAY),
            )
            return
        if run.state.tracks[RECOVERY].step not in STEPS_FOR["record_cra_appeal"]:
            event("cra: not_allowed_in_recovery_step")
            check_refused(
                run,
                "not_allowed_in_recovery_step",
                lambda: run.act("record_cra_appeal", received_on=TODAY),
            )
            return
        run.act("record_cra_appeal", received_on=TODAY)
        debt = debt_key(run, choice)
        edge = max(left_on(run.lines, debt) if debt else total_left(run.lines), ZERO)
        reduced_by = resolve(spec, edge) if decision == "partly_upheld" else None
        if decision == "rejected":
            expect = Expect()
        elif decision == "partly_upheld":
            expect = expect_reduction(run, debt, reduced_by)
        else:
            owed = [d for d in debt_order(run.lines) if left_on(run.lines, d) > 0]
            expect = Expect(
                moves=[(d, "reduced", left_on(run.lines, d)) for d in owed if debt in (None, d)]
            )

        def attempt() -> CaseState:
            return run.act(
                "record_cra_decision", decision=decision, debt=debt, reduced_by=reduced_by
            )

    event(f"{name}: {expect.rule or 'accepted'}")
    if expect.rule is not None:
        check_refused(run, expect.rule, attempt)
    else:
        check_accepted(run, expect, attempt)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grievance_amounts, st.lists(operations, min_size=3, max_size=25))
def test_no_sequence_of_ledger_operations_settles_more_than_is_due(
    grievances: list[list[Decimal]], ops: list[tuple[Any, ...]]
) -> None:
    run = case_in_recovery(grievances)
    assert [sums(run.lines)[d]["due"] for d in debt_order(run.lines)] == [
        sum(g, ZERO) for g in grievances
    ]
    check_invariants(run)
    for op in ops:
        run_operation(run, op)
        check_invariants(run)


def test_a_payment_without_a_debt_settles_the_oldest_debts_first() -> None:
    """Four grievances: their debts' keys run from debt-8 past debt-9, and the debts are
    settled in the order they were established (not in the order of their keys as text)."""
    run = case_in_recovery([[Decimal("10.00")] for _ in range(4)])
    order = debt_order(run.lines)
    assert order == [run.state.debts[d].key for d in run.state.debts]
    assert {len(key) for key in order} == {len("debt-9"), len("debt-10")}  # keys cross a digit
    assert [run.state.debts[d].origin for d in order] == [g.key for g in run.state.grievances]
    run.act("record_payment", amount=Decimal("25.00"), paid_on=TODAY)
    paid = [(x.debt, x.amount) for x in run.lines if x.kind is LedgerKind.PAYMENT]
    assert paid == [
        (order[0], Decimal("10.00")),
        (order[1], Decimal("10.00")),
        (order[2], Decimal("5.00")),
    ]
    check_invariants(run)


def test_a_cent_more_than_outstanding_is_refused_exactly_outstanding_ends_recovery() -> None:
    run = case_in_recovery([[Decimal("100.00"), Decimal("0.01")], [Decimal("50.00")]])
    check_refused(
        run,
        "exceeds_outstanding",
        lambda: run.act("record_payment", amount=Decimal("150.02"), paid_on=TODAY),
    )
    state = run.act("record_payment", amount=Decimal("150.01"), paid_on=TODAY, method="offset")
    assert state.tracks[RECOVERY].outcome == "recovered"
    assert figures(state).amount_recovered == Decimal("150.01")
    check_invariants(run)
