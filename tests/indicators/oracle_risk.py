"""The independent recomputation, part 4: the money at risk (debts soon prescribed, plans
behind schedule, late notifications), from the raw rows, in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tests.indicators.oracle_base import ZERO, World, paris, plus_months
from tests.indicators.oracle_cases import detected_on
from tests.indicators.oracle_money import balance


def prescriptions(w: World, today: date) -> list[tuple[Any, ...]]:
    """(case, debt, prescribed on, outstanding, within months or None if already)."""
    ends = {m: plus_months(today, m) for m in (3, 6, 12)}
    out = []
    for (case_id, key), d in w.debts.items():
        day = d["prescribed_on"]
        if day is None or day > ends[12]:
            continue
        b = balance(w, case_id, key)
        left = b["net_due"] - b["recovered"] - b["written_off"]
        if left > 0:
            within = None if day <= today else min(m for m in ends if day <= ends[m])
            out.append((case_id, key, day, left, within))
    return sorted(out, key=lambda r: (r[2], r[0], r[1]))


def case_outstanding(w: World, case_id: str) -> Decimal:
    signs = {
        "due": 1,
        "penalty_due": 1,
        "damages_due": 1,
        "due_reduced": -1,
        "payment": -1,
        "offset": -1,
        "written_off": -1,
    }
    return sum(
        (signs.get(e["kind"], 0) * e["amount"] for e in w.live if e["case_id"] == case_id), ZERO
    )


def plans(w: World, today: date) -> list[tuple[Any, ...]]:
    """(case, spread, expected to date, paid to date, outstanding) of the plans behind."""
    audit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in w.raw["audit_log"]:
        audit[a["case_id"]].append(a)
    out = []
    for case_id in sorted(audit):
        grants = [a for a in audit[case_id] if a["action"] == "grant_instalment_plan"]
        if not grants or case_id not in w.cases:
            continue
        g = max(grants, key=lambda a: a["seq"])
        if any(
            a["action"] == "cancel_instalment_plan" and a["seq"] > g["seq"] for a in audit[case_id]
        ):
            continue
        cmd, fig = g["details"]["command"], g["details"]["figures"]
        granted = date.fromisoformat(cmd["granted_on"]) if cmd.get("granted_on") else paris(g["at"])
        entries = [e for e in w.raw["ledger_entry"] if e["case_id"] == case_id]
        cancelled_then = {
            e["reverses"] for e in entries if e["kind"] == "reversal" and e["seq"] < g["seq"]
        }
        before = sum(
            (
                e["amount"]
                for e in entries
                if e["seq"] < g["seq"]
                and e["kind"] in ("payment", "offset")
                and e["effective_on"] is not None
                and e["effective_on"] > granted
                and f"{e['seq']}.{e['line']}" not in cancelled_then
            ),
            ZERO,
        )
        since = sum(
            (
                e["amount"]
                for e in w.live
                if e["case_id"] == case_id
                and e["kind"] in ("payment", "offset")
                and e["effective_on"] is not None
                and granted < e["effective_on"] <= today
            ),
            ZERO,
        )
        left = case_outstanding(w, case_id)
        n, first = cmd["instalments"], date.fromisoformat(cmd["first_due_on"])
        if left <= 0:
            continue
        spread = (
            Decimal(fig["amount_due"])
            - Decimal(fig["amount_recovered"])
            - Decimal(fig["amount_written_off"])
            + before
        )
        share = (spread / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        amounts = [share] * (n - 1) + [spread - share * (n - 1)]
        expected = sum((amounts[i] for i in range(n) if plus_months(first, i) < today), ZERO)
        if since < expected:
            out.append((case_id, spread, expected, since, left))
    return out


def late(w: World, today: date, target_days: int) -> list[tuple[str, int, Decimal]]:
    detected = detected_on(w)
    harm: dict[str, Decimal] = defaultdict(Decimal)
    for e in w.live:
        if e["kind"] == "harm_suffered":
            harm[e["case_id"]] += e["amount"]
    notified = {
        d["case_id"]
        for d in w.debts.values()
        if d["kind"] == "overpayment" and d["notified_on"] is not None
    }
    out = []
    for case_id, case in w.cases.items():
        days = (today - detected[case_id]).days
        if (
            case["stage"] != "closed"
            and harm.get(case_id, ZERO) > 0
            and case_id not in notified
            and days > target_days
        ):
            out.append((case_id, days, harm[case_id]))
    return sorted(out, key=lambda r: (-r[1], r[0]))
