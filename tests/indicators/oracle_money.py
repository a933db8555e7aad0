"""The independent recomputation, part 2: harm (49, 50, detected and stopped) and the
recovery rates (47, 48; cohort and flow), from the raw rows, in plain Python."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from tests.indicators.oracle_base import ZERO, Frame, World, ordered, paris, rate

Expected = dict[str, tuple[Any, dict[str, Any], str | None, list[tuple[Any, Any, dict]]]]
FAULTY = ("fraud", "fault", "abuse")


def harm(w: World, f: Frame) -> Expected:
    def sums(dim: str | None) -> dict[str | None, dict[str, Decimal]]:
        out: dict[str | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for e in w.live:
            if e["kind"] not in ("harm_suffered", "harm_avoided"):
                continue
            day = paris(e["booked_at"])
            if not f.in_window(day, dim):
                continue
            name = "avoided" if e["kind"] == "harm_avoided" else e["qualification"]
            out[w.group(dim, e["case_id"], day)][name] += e["amount"]
        return out

    def figures(s: dict[str, Decimal]) -> dict[str, Decimal]:
        suffered = sum((s.get(q, ZERO) for q in FAULTY), ZERO)
        avoided = s.get("avoided", ZERO)
        return {
            "harm_suffered": suffered,
            "harm_avoided": avoided,
            "detected_and_stopped": suffered + avoided,
        }

    whole_sums = sums(None).get("all", {})
    whole = figures(whole_sums)
    groups = sums(f.dim) if f.dim else {}
    out: Expected = {}
    for key in ("harm_suffered", "harm_avoided", "detected_and_stopped"):
        rows: list[tuple[Any, Any, dict]] = [
            (g, figures(groups[g])[key], {}) for g in ordered(groups)
        ]
        out[key] = (whole[key], {}, f.dim, rows)
    out["harm_suffered"] = (
        whole["harm_suffered"],
        {f"suffered_{q}": whole_sums.get(q, ZERO) for q in (*FAULTY, "error")},
        f.dim,
        out["harm_suffered"][3],
    )
    out["detected_and_stopped"] = (
        whole["detected_and_stopped"],
        {"harm_suffered": whole["harm_suffered"], "harm_avoided": whole["harm_avoided"]},
        f.dim,
        out["detected_and_stopped"][3],
    )
    return out


def balance(w: World, case_id: str, key: str) -> dict[str, Decimal]:
    b: dict[str, Decimal] = defaultdict(Decimal)
    for e in w.live:
        if (e["case_id"], e["debt"]) != (case_id, key):
            continue
        kind = e["kind"]
        if kind in ("due", "penalty_due", "damages_due"):
            b["net_due"] += e["amount"]
        elif kind == "due_reduced":
            b["net_due"] -= e["amount"]
        elif kind in ("payment", "offset"):
            b["recovered"] += e["amount"]
        elif kind == "written_off":
            b["written_off"] += e["amount"]
    return b


def rates(w: World, f: Frame) -> Expected:
    def cohort(dim: str | None) -> dict[tuple[str | None, bool], dict[str, Any]]:
        out: dict[tuple[str | None, bool], dict[str, Any]] = {}
        for (case_id, key), d in w.debts.items():
            if d["kind"] != "overpayment" or d["notified_on"] is None:
                continue
            if not f.in_window(d["notified_on"], dim):
                continue
            group = (w.group(dim, case_id, d["notified_on"]), d["qualification"] == "fraud")
            figures = out.setdefault(
                group, {"notified": ZERO, "recovered": ZERO, "written_off": ZERO, "debts": 0}
            )
            b = balance(w, case_id, key)
            figures["notified"] += b["net_due"]
            figures["recovered"] += b["recovered"]
            figures["written_off"] += b["written_off"]
            figures["debts"] += 1
        return out

    def flow(dim: str | None) -> dict[tuple[str | None, bool], dict[str, Decimal]]:
        out: dict[tuple[str | None, bool], dict[str, Decimal]] = {}
        for e in w.live:
            d = w.debts.get((e["case_id"], e["debt"]))
            if d is None or d["kind"] != "overpayment":
                continue
            if e["kind"] not in ("payment", "offset", "written_off"):
                continue
            day = w.day(e)
            if not f.in_window(day, dim):
                continue
            group = (w.group(dim, e["case_id"], day), d["qualification"] == "fraud")
            figures = out.setdefault(group, {"recovered": ZERO, "written_off": ZERO})
            name = "written_off" if e["kind"] == "written_off" else "recovered"
            figures[name] += e["amount"]
        return out

    def c_parts(c: dict[str, Any]) -> dict[str, Any]:
        return {
            "notified": c.get("notified", ZERO),
            "recovered": c.get("recovered", ZERO),
            "written_off": c.get("written_off", ZERO),
            "written_off_rate": rate(c.get("written_off", ZERO), c.get("notified", ZERO)),
            "debts": c.get("debts", 0),
        }

    def f_parts(c: dict[str, Any], fl: dict[str, Decimal]) -> dict[str, Any]:
        return {
            "notified": c.get("notified", ZERO),
            "recovered": fl.get("recovered", ZERO),
            "written_off": fl.get("written_off", ZERO),
        }

    whole_c, whole_f = cohort(None), flow(None)
    groups_c = cohort(f.dim) if f.dim else {}
    groups_f = flow(f.dim) if f.dim else {}
    out: Expected = {}
    for fraudulent, name in ((True, "fraudulent"), (False, "non_fraudulent")):
        cp = c_parts(whole_c.get(("all", fraudulent), {}))
        fp = f_parts(whole_c.get(("all", fraudulent), {}), whole_f.get(("all", fraudulent), {}))
        c_keys = [g for g, q in groups_c if q == fraudulent]
        f_keys = c_keys + [g for g, q in groups_f if q == fraudulent]
        c_rows = []
        for g in ordered(c_keys):
            p = c_parts(groups_c[(g, fraudulent)])
            c_rows.append((g, rate(p["recovered"], p["notified"]), p))
        f_rows = []
        for g in ordered(f_keys):
            p = f_parts(groups_c.get((g, fraudulent), {}), groups_f.get((g, fraudulent), {}))
            f_rows.append((g, rate(p["recovered"], p["notified"]), p))
        out[f"recovery_rate_{name}_cohort"] = (
            rate(cp["recovered"], cp["notified"]),
            cp,
            f.dim,
            c_rows,
        )
        out[f"recovery_rate_{name}_flow"] = (
            rate(fp["recovered"], fp["notified"]),
            fp,
            f.dim,
            f_rows,
        )
    return out
