"""The independent recomputation, part 3: litigation, delays, pipeline, overdue tasks and
detection yield, from the raw rows, in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from tests.indicators.oracle_base import Frame, World, median, ordered, p90, paris, rate
from tests.indicators.oracle_money import Expected

LITIGATION = (
    "financial_penalty",
    "criminal_complaint",
    "conventional_sanction",
    "disciplinary_complaint",
)
KINDS = (*LITIGATION, "warning")
STAGES = ("alert", "triage", "investigation", "findings", "follow_ups", "recovery")
PERIODS = ("month", "quarter", "year")


def follow_ups(w: World) -> list[tuple[str, Any, str]]:
    out = []
    for a in w.raw["audit_log"]:
        if a["action"] == "decide_follow_ups":
            kinds = (a["details"].get("command") or {}).get("follow_ups") or []
            out += [(a["case_id"], a["at"], k) for k in kinds]
    return out


def litigation(w: World, f: Frame) -> Expected:
    def counts(dim: str | None) -> dict[str | None, dict[str, int]]:
        out: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
        for case_id, at, kind in follow_ups(w):
            if kind in KINDS and f.in_window(paris(at), dim):
                out[w.group(dim, case_id, paris(at))][kind] += 1
        return out

    whole = counts(None).get("all", dict.fromkeys(KINDS, 0))
    rows: list[tuple[Any, Any, dict]]
    if f.dim is None:
        rows = [(k, whole[k], {}) for k in KINDS]
    else:
        g = counts(f.dim)
        rows = [(k, sum(g[k].values()), g[k]) for k in ordered(g)]
    out: Expected = {"litigation_actions": (sum(whole.values()), whole, f.dim or "kind", rows)}

    litigated = {case_id for case_id, _, kind in follow_ups(w) if kind in LITIGATION}
    first: dict[str, date] = {}
    for e in w.live:
        if e["kind"] == "harm_suffered" and e["qualification"] == "fraud":
            day = paris(e["booked_at"])
            first[e["case_id"]] = min(day, first.get(e["case_id"], day))

    def shares(dim: str | None) -> dict[str | None, list[int]]:
        out: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        for case_id, day in first.items():
            if f.in_window(day, dim):
                cell = out[w.group(dim, case_id, day)]
                cell[0] += 1
                cell[1] += case_id in litigated
        return out

    n, lit = shares(None).get("all", [0, 0])
    share_rows = []
    if f.dim:
        g2 = shares(f.dim)
        share_rows = [
            (k, rate(g2[k][1], g2[k][0]), {"fraud_cases": g2[k][0], "litigated": g2[k][1]})
            for k in ordered(g2)
        ]
    out["fraud_cases_with_litigation"] = (
        rate(lit, n),
        {"fraud_cases": n, "litigated": lit},
        f.dim,
        share_rows,
    )
    return out


def detected_on(w: World) -> dict[str, date]:
    out = {cid: paris(c["opened_at"]) for cid, c in w.cases.items()}
    for a in w.raw["audit_log"]:
        if a["action"] == "open" and a["seq"] == 1 and a["case_id"] in out:
            received = (a["details"].get("opening") or {}).get("received_at")
            if received:
                out[a["case_id"]] = paris(datetime.fromisoformat(received))
    return out


def stats(days: list[int]) -> tuple[Any, dict[str, Any]]:
    return median(days), {
        "cases": len(days),
        "p90": p90(days),
        "longest": max(days) if days else None,
    }


def delay(w: World, f: Frame) -> Expected:
    detected = detected_on(w)
    notified: dict[str, date] = {}
    for (case_id, _), d in w.debts.items():
        if d["kind"] == "overpayment" and d["notified_on"] is not None:
            day = d["notified_on"]
            notified[case_id] = min(day, notified.get(case_id, day))

    def groups(dim: str | None) -> dict[str | None, list[int]]:
        out: dict[str | None, list[int]] = defaultdict(list)
        for case_id, day in notified.items():
            if f.in_window(day, dim):
                out[w.group(dim, case_id, day)].append((day - detected[case_id]).days)
        return out

    def delays(days: list[int]) -> tuple[Any, dict[str, Any]]:
        value, parts = stats([d for d in days if d >= 0])
        return value, {**parts, "before_detection": sum(d < 0 for d in days)}

    value, parts = delays(groups(None).get("all", []))
    rows = []
    if f.dim:
        g = groups(f.dim)
        rows = [(k, *delays(g[k])) for k in ordered(g)]
    return {"delay_detection_notification": (value, parts, f.dim, rows)}


def pipeline(w: World, f: Frame) -> Expected:
    last: dict[str, dict[str, Any]] = {}
    for h in w.raw["stage_history"]:
        if h["at"] < f.as_of:
            kept = last.get(h["case_id"])
            if kept is None or (h["at"], h["seq"]) > (kept["at"], kept["seq"]):
                last[h["case_id"]] = h
    ages: dict[str, list[int]] = defaultdict(list)
    for h in last.values():
        if h["to_stage"] != "closed":
            ages[h["to_stage"]].append((f.as_of_day - paris(h["at"])).days)
    everyone = [d for s in STAGES for d in ages[s]]
    value, parts = stats(everyone)
    return {
        "cases_by_stage": (len(everyone), {}, "stage", [(s, len(ages[s]), {}) for s in STAGES]),
        "ageing_by_stage": (value, parts, "stage", [(s, *stats(ages[s])) for s in STAGES]),
    }


def opened_closed(w: World, f: Frame) -> Expected:
    dim = f.dim or "month"
    facts = {
        "cases_opened": [(cid, paris(c["opened_at"])) for cid, c in w.cases.items()],
        "cases_closed": [
            (h["case_id"], paris(h["at"]))
            for h in w.raw["stage_history"]
            if h["to_stage"] == "closed"
        ],
    }
    out: Expected = {}
    for key, days in facts.items():
        whole = sum(day.year == f.year for _, day in days)
        counts: dict[str | None, int] = defaultdict(int)
        for case_id, day in days:
            if f.in_window(day, dim):
                counts[w.group(dim, case_id, day)] += 1
        if dim == "month":
            counts = {f"{f.year}-{m:02d}": counts.get(f"{f.year}-{m:02d}", 0) for m in range(1, 13)}
        out[key] = (whole, {}, dim, [(k, counts[k], {}) for k in ordered(counts)])
    return out


def overdue(w: World, f: Frame) -> Expected:
    dim = f.dim if f.dim and f.dim not in PERIODS else "investigator"
    counts: dict[str | None, list[int]] = defaultdict(list)
    for k in w.raw["task"]:
        if k["due_at"] is None or not (k["due_at"] < f.as_of and k["created_at"] < f.as_of):
            continue
        if k["status"] == "open" or (
            k["completed_at"] is not None and k["completed_at"] >= f.as_of
        ):
            late = max((f.as_of_day - paris(k["due_at"])).days, 1)
            counts[w.group(dim, k["case_id"], None)].append(late)
    rows = [(g, len(counts[g]), {"most_days_late": max(counts[g])}) for g in ordered(counts)]
    return {"overdue_tasks": (sum(len(v) for v in counts.values()), {}, dim, rows)}


def detection_yield(w: World, f: Frame) -> Expected:
    per_case: dict[str, dict[str, Any]] = {}
    for e in w.live:
        c = per_case.setdefault(e["case_id"], {"qualified": False, "detected": 0, "recovered": 0})
        c["qualified"] |= e["kind"] == "harm_suffered"
        if e["kind"] in ("harm_suffered", "harm_avoided"):
            c["detected"] += e["amount"]
        if e["kind"] in ("payment", "offset"):
            c["recovered"] += e["amount"]
    runs = sorted(
        (r for r in w.raw["detection_run"] if f.year == paris(r["started_at"]).year),
        key=lambda r: (r["started_at"], r["id"]),
    )
    rows, total = (
        [],
        {
            "runs": len(runs),
            "cases_opened": 0,
            "qualified": 0,
            "detected_and_stopped": 0,
            "recovered": 0,
        },
    )
    for r in runs:
        cases = [
            a["case_id"]
            for a in w.raw["alert"]
            if a["run_id"] == r["id"] and a["outcome"] == "opened" and a["case_id"] is not None
        ]
        empty = {"qualified": False, "detected": 0, "recovered": 0}
        figures = [per_case.get(c, empty) for c in cases]
        parts = {
            "cases_opened": len(cases),
            "qualified": sum(x["qualified"] for x in figures),
            "detected_and_stopped": sum(x["detected"] for x in figures),
            "recovered": sum(x["recovered"] for x in figures),
        }
        rows.append((r["id"], rate(parts["qualified"], parts["cases_opened"]), parts))
        for k, v in parts.items():
            total[k] += v
    value = rate(total["qualified"], total["cases_opened"])
    return {"detection_yield": (value, total, "detection_run", rows)}
