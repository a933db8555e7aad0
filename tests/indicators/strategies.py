"""Random case histories for the property test: cases with targets, debts, ledger entries
(some reversed), follow-ups decided, instalment plans granted and cancelled, stage changes,
tasks, and a detection run whose alerts opened some of them.

Moments and days are drawn from short lists around the edges that matter: the turn of a
year in Paris (23:30 UTC on 31 December is already 1 January there), quarters, the report's
today and the 3, 6 and 12 months after it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.indicators.world import CaseRows, Rows

MOMENTS = [
    datetime(2024, 12, 31, 22, 30, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 30, tzinfo=UTC),  # 2025-01-01 in Paris
    datetime(2025, 3, 31, 21, 30, tzinfo=UTC),
    datetime(2025, 3, 31, 22, 30, tzinfo=UTC),  # 2025-04-01 in Paris
    datetime(2025, 6, 15, 10, 0, tzinfo=UTC),
    datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 2026-01-01 in Paris
    datetime(2026, 2, 10, 8, 0, tzinfo=UTC),
    datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
    datetime(2026, 6, 30, 9, 0, tzinfo=UTC),
    datetime(2026, 6, 30, 10, 0, tzinfo=UTC),  # the first "now", exactly
    datetime(2026, 6, 30, 11, 0, tzinfo=UTC),
    datetime(2026, 9, 30, 22, 30, tzinfo=UTC),  # 2026-10-01 in Paris
    datetime(2026, 12, 31, 22, 59, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # the second "now", exactly
]
DAYS = [
    date.fromisoformat(d)
    for d in (
        "2024-12-31",
        "2025-01-01",
        "2025-03-31",
        "2025-04-01",
        "2025-12-31",
        "2026-01-01",
        "2026-03-15",
        "2026-06-29",
        "2026-06-30",
        "2026-07-01",
        "2026-09-30",
        "2026-10-01",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
        "2027-04-01",
        "2027-04-02",
        "2027-06-30",
        "2027-07-01",
        "2028-01-01",
        "2028-01-02",
    )
]
#: the report's "now": mid-2026, and a moment that is already 2027 in Paris
NOWS = [datetime(2026, 6, 30, 10, 0, tzinfo=UTC), datetime(2026, 12, 31, 23, 30, tzinfo=UTC)]

moment = st.sampled_from(MOMENTS)
day = st.sampled_from(DAYS)
amount = st.integers(1, 2_000_000).map(lambda cents: Decimal(cents) / 100)
maybe = st.none().__or__
QUALIFICATIONS = [None, "fraud", "fraud", "fault", "abuse", "error"]
MONEY_KINDS = [
    "harm_suffered",
    "harm_avoided",
    "due",
    "penalty_due",
    "damages_due",
    "due_reduced",
    "payment",
    "offset",
    "written_off",
]
REVERSIBLE = {"payment", "offset", "written_off"}
FOLLOW_UPS = [
    "warning",
    "financial_penalty",
    "criminal_complaint",
    "conventional_sanction",
    "disciplinary_complaint",
    "msap",
]
DUE_KIND = {"overpayment": "due", "penalty": "penalty_due", "damages": "damages_due"}
STAGES = ["alert", "triage", "investigation", "findings", "follow_ups", "recovery", "closed"]

line = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(MONEY_KINDS),
        "amount": amount,
        "debt": st.sampled_from([0, 0, 1, 2, 3]),  # an index in the case's debts; past them, none
        "qualification": st.sampled_from(QUALIFICATIONS),
        "effective_on": maybe(day),
    }
)
event = st.one_of(
    st.tuples(st.just("post"), moment, st.lists(line, min_size=1, max_size=3)),
    st.tuples(st.just("reverse"), moment, st.integers(0, 20)),
    st.tuples(st.just("follow_ups"), moment, st.lists(st.sampled_from(FOLLOW_UPS), max_size=3)),
    st.tuples(
        st.just("grant"),
        moment,
        st.fixed_dictionaries(
            {
                "instalments": st.integers(2, 4),
                "first_due_on": day,
                "granted_on": maybe(day),
                "figures": st.tuples(amount, amount, amount),
            }
        ),
    ),
    st.tuples(st.just("cancel"), moment, st.none()),
)
debt = st.fixed_dictionaries(
    {
        "amount": amount,
        "settled": st.lists(
            st.tuples(st.sampled_from(["payment", "offset", "written_off"]), amount, maybe(day)),
            max_size=2,
        ),
        "kind": st.sampled_from(["overpayment", "overpayment", "penalty", "damages"]),
        "qualification": st.sampled_from(QUALIFICATIONS),
        "notified_on": maybe(day),
        "prescribed_on": maybe(day),
    }
)
task = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["open", "done", "cancelled"]),
        "due_at": maybe(moment),
        "created_at": moment,
        "completed_at": maybe(moment),
    }
)
case = st.fixed_dictionaries(
    {
        "actor_type": st.sampled_from(["professional", "establishment", "insured"]),
        "profession": st.sampled_from([None, "nurse", "pharmacist"]),
        "region": st.sampled_from([None, "IDF", "PACA"]),
        "assignee": st.sampled_from([None, "alice", "bruno"]),
        "stage": st.sampled_from(STAGES),
        "opened_at": moment,
        "received_at": maybe(moment),
        "debts": st.lists(debt, min_size=1, max_size=3),
        "events": st.lists(event, max_size=8),
        "stages": st.lists(st.tuples(st.sampled_from(STAGES), moment), max_size=4),
        "tasks": st.lists(task, max_size=3),
        "alert": st.sampled_from([None, "opened", "opened", "already_open"]),
    }
)
world = st.fixed_dictionaries(
    {
        "cases": st.lists(case, min_size=2, max_size=6),
        "run_started_at": maybe(moment),
    }
)


def _events(c: CaseRows, plan: dict[str, Any], debts: list[str]) -> None:
    reversible: list[tuple[str, dict[str, Any]]] = []
    for kind, at, payload in plan["events"]:
        if kind == "post":
            lines = [
                {**ln, "debt": debts[ln["debt"]] if ln["debt"] < len(debts) else None}
                for ln in payload
            ]
            refs = c.post(at, *lines)
            reversible += [
                (r, ln) for r, ln in zip(refs, lines, strict=True) if ln["kind"] in REVERSIBLE
            ]
        elif kind == "reverse" and reversible:
            ref, ln = reversible.pop(payload % len(reversible))
            c.post(at, {**ln, "kind": "reversal", "reverses": ref, "effective_on": None})
        elif kind == "follow_ups":
            c.event("decide_follow_ups", at, {"command": {"follow_ups": payload}})
        elif kind == "grant":
            due, recovered, written_off = payload["figures"]
            command = {
                "instalments": payload["instalments"],
                "first_due_on": payload["first_due_on"].isoformat(),
                "granted_on": payload["granted_on"] and payload["granted_on"].isoformat(),
            }
            figures = {
                "amount_due": str(due + recovered + written_off),
                "amount_recovered": str(recovered),
                "amount_written_off": str(written_off),
            }
            c.event("grant_instalment_plan", at, {"command": command, "figures": figures})
        elif kind == "cancel":
            c.event("cancel_instalment_plan", at)


def _debts(c: CaseRows, plan: dict[str, Any], keys: list[str]) -> None:
    """Each debt's row, what is due on it (as when it is established), then what settled it
    (payments, offsets, write-offs, with or without a value date)."""
    dues, settled = [], []
    for key, d in zip(keys, plan["debts"], strict=True):
        c.debt(
            key,
            established_at=plan["opened_at"],
            kind=d["kind"],
            qualification=d["qualification"],
            notified_on=d["notified_on"],
            prescribed_on=d["prescribed_on"],
        )
        dues.append(
            {
                "kind": DUE_KIND[d["kind"]],
                "amount": d["amount"],
                "debt": key,
                "qualification": d["qualification"],
                "effective_on": d["notified_on"],
            }
        )
        settled += [
            {"kind": kind, "amount": paid, "debt": key, "effective_on": on}
            for kind, paid, on in d["settled"]
        ]
    if dues:
        c.post(plan["opened_at"], *dues)
    if settled:
        c.post(plan["opened_at"], *settled)


def build(plan: dict[str, Any], tag: str) -> Rows:
    rows = Rows()
    opened: list[tuple[str, str]] = []
    for n, p in enumerate(plan["cases"]):
        case_id = f"prop-{tag}-{n}"
        c = rows.case(
            case_id,
            p["opened_at"],
            actor_type=p["actor_type"],
            profession=p["profession"],
            region=p["region"],
            assignee=p["assignee"],
            stage=p["stage"],
            received_at=p["received_at"],
        )
        debts = [f"debt-{i + 1}" for i in range(len(p["debts"]))]
        _debts(c, p, debts)
        _events(c, p, debts)
        for i, (stage, at) in enumerate(p["stages"], start=1):
            c.stage(i, stage, at)
        for i, t in enumerate(p["tasks"], start=1):
            c.task(f"task-{i}", assignee=p["assignee"], **t)
        if p["alert"]:
            opened.append((case_id, p["alert"]))
    if plan["run_started_at"] is not None:
        run = f"run-{tag}"
        rows.add_run(run, plan["run_started_at"], opened)
    return rows
