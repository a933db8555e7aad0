"""Expert rules and cross-checks, each hit carrying its evidence (claim ids, dates, amounts).

Thresholds live in `RulePolicy` (policy-like parameters), not in the rule code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from detection.care_time import care_minutes


@dataclass(frozen=True)
class RulePolicy:
    max_care_hours_per_day: float = 12.0
    # a stay's admission and discharge days are normal outpatient days
    hospital_stay_exclusive_bounds: bool = True
    after_death_grace_days: int = 0
    max_claim_ids_per_hit: int = 50


@dataclass(frozen=True)
class RuleHit:
    rule: str
    provider_id: str
    claim_ids: tuple[str, ...]
    dates: tuple[str, ...]
    amount: Decimal  # billed amount of the claims in evidence, euros
    detail: str
    beneficiary_id: str | None = None
    extra: dict[str, float] = field(default_factory=dict)


def _money(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


def _hits(
    rule: str, rows: pd.DataFrame, keys: list[str], detail: str, policy: RulePolicy
) -> list[RuleHit]:
    if rows.empty:
        return []
    out = []
    for key, grp in rows.groupby(keys, sort=True):
        key_t = key if isinstance(key, tuple) else (key,)
        provider = str(key_t[0])
        bene = str(key_t[1]) if "beneficiary_id" in keys else None
        dates = sorted({d.strftime("%Y-%m-%d") for d in grp["service_date"]})
        out.append(
            RuleHit(
                rule=rule,
                provider_id=provider,
                claim_ids=tuple(grp["claim_id"].astype(str))[: policy.max_claim_ids_per_hit],
                dates=tuple(dates),
                amount=_money(grp["amount_billed"].sum()),
                detail=detail.format(n=len(grp), first=dates[0], last=dates[-1]),
                beneficiary_id=bene,
            )
        )
    return out


def duplicate_billing(df: pd.DataFrame, policy: RulePolicy) -> list[RuleHit]:
    """Same provider, beneficiary, act and day, billed more often than it can be.

    With service times, the same act at the same time twice is a duplicate. Without them, a
    repeat counts only beyond what is usual for that act code across all providers (its
    99.9th percentile of daily repeats, at least 2: twice-daily injections are legitimate),
    so only extreme repeats are flagged; the peer-relative `duplicate_share` feature covers
    the rest. The evidence amount is that of the extra lines only, never the first one."""
    keys = ["provider_id", "beneficiary_id", "act_code", "service_date"]
    timed = "service_time" in df.columns and bool((df["service_time"].astype(str) != "").all())
    if timed:
        keys.append("service_time")
    counts = df.groupby(keys, sort=False)["claim_id"].transform("size")
    rank = df.groupby(keys, sort=False).cumcount()  # 0 for the first line of a group
    if timed:
        normal = pd.Series(1, index=df.index)
    else:
        per_group = df.groupby(keys, sort=False).size().rename("n").reset_index()
        usual = per_group.groupby("act_code")["n"].quantile(0.999, interpolation="higher")
        normal = df["act_code"].map(usual.clip(lower=2)).fillna(2)
    extra = df[(counts > normal) & (rank >= normal)]
    detail = (
        "{n} extra claims for the same act, patient and day ({first} to {last})"
        if timed
        else "{n} extra claims for the same act, patient and day beyond the usual repeats "
        "for the act (no service time available) ({first} to {last})"
    )
    return _hits("duplicate_billing", extra, ["provider_id", "beneficiary_id"], detail, policy)


def acts_after_death(df: pd.DataFrame, policy: RulePolicy) -> list[RuleHit]:
    if "beneficiary_death_date" not in df.columns:
        return []
    limit = df["beneficiary_death_date"] + pd.Timedelta(days=policy.after_death_grace_days)
    rows = df[(df["service_date"] > limit).fillna(False).to_numpy(dtype=bool)]
    return _hits(
        "acts_after_death",
        rows,
        ["provider_id", "beneficiary_id"],
        "{n} acts billed after the patient's death ({first} to {last})",
        policy,
    )


def acts_during_hospital_stay(df: pd.DataFrame, policy: RulePolicy) -> list[RuleHit]:
    if "hospital_stay_start" not in df.columns or "hospital_stay_end" not in df.columns:
        return []
    d, s, e = df["service_date"], df["hospital_stay_start"], df["hospital_stay_end"]
    inside = (d > s) & (d < e) if policy.hospital_stay_exclusive_bounds else (d >= s) & (d <= e)
    rows = df[inside.fillna(False).to_numpy(dtype=bool)]
    return _hits(
        "hospital_stay",
        rows,
        ["provider_id", "beneficiary_id"],
        "{n} outpatient acts billed while the patient was in hospital ({first} to {last})",
        policy,
    )


def impossible_days(df: pd.DataFrame, policy: RulePolicy) -> list[RuleHit]:
    """Days whose summed standard care time exceeds a feasible working day. The evidence
    amount is the share of that day's billing beyond the feasible hours."""
    work = df.assign(_care_h=care_minutes(df) / 60.0)
    per_day = work.groupby(["provider_id", "service_date"])["_care_h"].transform("sum")
    rows = work[(per_day > policy.max_care_hours_per_day).to_numpy()]
    hits = []
    for (provider, day), grp in rows.groupby(["provider_id", "service_date"], sort=True):
        hours = float(grp["_care_h"].sum())
        beyond = 1.0 - policy.max_care_hours_per_day / hours
        date = pd.Timestamp(day).strftime("%Y-%m-%d")
        hits.append(
            RuleHit(
                rule="impossible_day",
                provider_id=str(provider),
                claim_ids=tuple(grp["claim_id"].astype(str))[: policy.max_claim_ids_per_hit],
                dates=(date,),
                amount=_money(float(grp["amount_billed"].sum()) * beyond),
                detail=(
                    f"{hours:.1f} h of standard care time billed on {date} "
                    f"(limit {policy.max_care_hours_per_day:g} h)"
                ),
                extra={"care_hours": round(hours, 2)},
            )
        )
    return hits


RULES = (duplicate_billing, acts_after_death, acts_during_hospital_stay, impossible_days)


def run_rules(df: pd.DataFrame, policy: RulePolicy | None = None) -> list[RuleHit]:
    """All rule hits on validated claims (see detection.schema.read_claims)."""
    policy = policy or RulePolicy()
    hits: list[RuleHit] = []
    for rule in RULES:
        hits.extend(rule(df, policy))
    return hits


def hits_frame(hits: list[RuleHit]) -> pd.DataFrame:
    """Per provider: number of hits, and billed amount in evidence (float euros)."""
    if not hits:
        return pd.DataFrame(columns=["rule_hits", "rule_amount"]).rename_axis("provider_id")
    frame = pd.DataFrame(
        {"provider_id": [h.provider_id for h in hits], "amount": [float(h.amount) for h in hits]}
    )
    grouped = frame.groupby("provider_id")["amount"]
    return pd.DataFrame({"rule_hits": grouped.size(), "rule_amount": grouped.sum()})
