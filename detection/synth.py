"""Seeded synthetic claims generator with planted fraud and ground-truth labels.

Providers are generated in chunks (vectorised numpy) and written incrementally to Parquet
or CSV, so 10M claims fit in memory comfortably. Labels: `provider_id,label,pattern`; insured
labels (`synth_labels`): `beneficiary_id,label,pattern`. Insured-person fraud is planned once
(`synth_insured`) and each chunk takes the planted rows of its providers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detection.catalog import PROFESSIONS, REIMBURSEMENT_BASE_CENTS, TRANSPORT_CENTS_PER_KM
from detection.synth_fraud import PATTERNS, Cols, take
from detection.synth_insured import plan_insured
from detection.synth_labels import write_insured_labels, write_provider_labels
from detection.synth_table import Writer, claims_table
from detection.synth_world import (
    CODE_ACTS,
    CODE_PROF,
    CODE_STR,
    PROF_NAMES,
    World,
    build_world,
    prof_code_table,
    service_minutes,
)

logger = logging.getLogger(__name__)

_TARIFF = np.array([a.tariff_cents for a in CODE_ACTS], dtype=float)
_PER_KM = np.array([TRANSPORT_CENTS_PER_KM.get(c, 0) for c in CODE_STR], dtype=float)
_FREE_RATIO = np.array([{"AUD2": 3.75, "HBLD036": 4.2}.get(c, 1.0) for c in CODE_STR])
_REIMB_BASE = np.array([REIMBURSEMENT_BASE_CENTS.get(c, 10**9) for c in CODE_STR], dtype=float)
_CODE_PROF_IDX = np.array([PROF_NAMES.index(p) for p in CODE_PROF])
_RATE = np.array([PROFESSIONS[p].reimbursement_rate for p in PROF_NAMES])
_DAILY_CAP = np.array([int(1.5 * PROFESSIONS[p].daily_lines) + 1 for p in PROF_NAMES])
_PRESCRIBED = np.array([PROFESSIONS[p].prescribed for p in PROF_NAMES])


@dataclass(frozen=True)
class SynthSummary:
    claims: int
    providers: int
    fraudulent_providers: int
    days: int
    insured_fraudsters: int = 0
    beneficiaries: int = 0  # beneficiaries with at least one claim


def _legit_chunk(w: World, provs: np.ndarray) -> Cols:
    rng = w.rng
    n_prov, n_days = len(provs), w.days
    weekday = np.arange(n_days) % 7
    active = rng.random((n_prov, n_days)) < w.prov_work[provs][:, weekday]
    lam = w.prov_rate[provs][:, None] * rng.gamma(10.0, 1 / 10, (n_prov, n_days)) * active
    # an honest practitioner's day is physically bounded
    cap = _DAILY_CAP[w.prov_prof[provs]][:, None]
    counts = np.minimum(rng.poisson(lam), cap)
    idx = np.repeat(np.arange(n_prov * n_days), counts.ravel())
    local_p, day = idx // n_days, idx % n_days
    prov = provs[local_p]
    n = len(idx)
    # patient panels drawn from the provider's region; frequent patients first
    sizes = w.prov_panel[provs]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    reg = w.prov_region[provs]
    start = np.repeat(w.region_bene_start[reg], sizes)
    count = np.repeat(w.region_bene_count[reg], sizes)
    panel = start + (rng.random(int(sizes.sum())) * count).astype(np.int64)
    local = (sizes[local_p] * rng.random(n) ** 1.7).astype(np.int64)
    bene = panel[offsets[local_p] + local]
    transient = np.flatnonzero(rng.random(n) < w.prov_transient[prov])
    # passers-by (tourists, people away from home): real people with care elsewhere,
    # except a few (foreign visitors) who have no other consumption in the data
    bene[transient] = rng.integers(0, int(w.region_bene_count.sum()), len(transient))
    foreign = transient[rng.random(len(transient)) < 0.1]
    for p in np.unique(prov[foreign]):
        rows = foreign[prov[foreign] == p]
        bene[rows] = w.new_beneficiaries(int(w.prov_region[p]), len(rows))
    prof = w.prov_prof[prov]
    ci = (rng.random(n)[:, None] > w.prov_code_cum[prov]).sum(axis=1)
    table = prof_code_table()
    n_codes = (table >= 0).sum(axis=1)
    code = table[prof, np.minimum(ci, n_codes[prof] - 1)]
    is_device = np.isin(code, [CODE_STR.index("AUD1"), CODE_STR.index("AUD2")])
    qty = 1 + np.where(is_device, rng.random(n) < 0.7, 0)
    qty += np.where(prof == PROF_NAMES.index("pharmacy"), (rng.random(n) < 0.3).astype(int), 0)
    km = np.where(
        prof == PROF_NAMES.index("transport"),
        np.maximum(1.0, np.round(w.prov_km[prov] * rng.lognormal(0, 0.45, n), 1)),
        np.nan,
    )
    minute = service_minutes(prof, rng)
    hearing = prof == PROF_NAMES.index("hearing_aid")
    presc = np.where(hearing, w.bene_orl[bene], w.bene_gp[bene])
    presc = np.where(_PRESCRIBED[prof], presc, -1)
    cols: Cols = {
        "prov": prov,
        "day": day,
        "bene": bene,
        "code": code,
        "qty": qty,
        "km": km,
        "minute": minute,
        "prescriber": presc,
        "price": np.ones(n),
        "injected": np.zeros(n, dtype=bool),
    }
    # honest providers almost never bill during a stay or after death (data noise only)
    inside = ((day > w.bene_stay_start[bene]) & (day < w.bene_stay_end[bene])) | (
        day > w.bene_death[bene]
    )
    keep = ~inside | (rng.random(n) < 0.03)
    return take(cols, np.flatnonzero(keep))


def _inject(w: World, provs: np.ndarray, cols: Cols) -> Cols:
    parts = [cols]
    for p in provs[w.prov_fraud[provs]]:
        rows = np.flatnonzero(cols["prov"] == p)
        if len(rows) == 0:
            continue
        for pattern in w.prov_patterns[p]:
            added = PATTERNS[pattern](cols, rows, int(p), float(w.prov_intensity[p]), w)
            if added is not None and len(added["day"]):
                parts.append(added)
    return {k: np.concatenate([part[k] for part in parts]) for k in cols}


def _amounts(w: World, cols: Cols, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    code, prov, qty = cols["code"], cols["prov"], cols["qty"]
    n = len(code)
    price = _TARIFF[code] * qty * cols["price"]
    free = _FREE_RATIO[code] != 1.0
    price = np.where(
        free, price * _FREE_RATIO[code] * w.prov_price[prov] * rng.lognormal(0, 0.05, n), price
    )
    pharmacy = w.prov_prof[prov] == PROF_NAMES.index("pharmacy")
    price = np.where(pharmacy, price * rng.lognormal(0, 0.35, n), price)
    price = price + _PER_KM[code] * np.nan_to_num(cols["km"])
    # at least a cent, except fee-less lines (a sick-leave prescription)
    billed = np.where(_TARIFF[code] > 0, np.maximum(np.round(price), 1), 0).astype(np.int64)
    base = np.minimum(billed, _REIMB_BASE[code] * qty)
    rate = np.where(w.bene_ald[cols["bene"]], 1.0, _RATE[w.prov_prof[prov]])
    return billed, np.round(base * rate).astype(np.int64)


def _displace(w: World, cols: Cols, billed: np.ndarray, reimbursed: np.ndarray, extra: Cols):
    """Add the chunk's planted insured rows in place of as many honest lines (drawn from the
    second generator), so that the claim count and the provider-level draws are unchanged."""
    n_extra = len(extra["day"])
    if n_extra == 0:
        return cols, billed, reimbursed
    e_billed, e_reimbursed = _amounts(w, extra, w.aux)
    legit = np.flatnonzero(~cols["injected"])
    drop = w.aux.choice(legit, min(n_extra, len(legit)), replace=False)
    keep = np.setdiff1d(np.arange(len(cols["day"])), drop)
    cols = {k: np.concatenate([v[keep], extra[k]]) for k, v in cols.items()}
    return (
        cols,
        np.concatenate([billed[keep], e_billed]),
        np.concatenate([reimbursed[keep], e_reimbursed]),
    )


def generate_claims(
    out: str | Path,
    labels: str | Path,
    n_claims: int = 100_000,
    n_providers: int | None = None,
    fraud_share: float = 0.05,
    seed: int = 0,
    days: int | None = None,
    chunk_providers: int = 400,
    progress: Callable[[int], None] | None = None,
    *,
    regime: str = "uniform",
    insured_fraud_share: float = 0.01,
    insured_labels_path: str | Path | None = None,
) -> SynthSummary:
    """Write `n_claims` claims (CSV or Parquet by extension), provider labels and, if asked,
    insured labels. `regime` decides which providers are fraudulent (`detection.synth_regime`);
    `insured_fraud_share` of the beneficiaries are insured fraudsters (`synth_insured`)."""
    n_providers = n_providers or max(50, n_claims // 400)
    w = build_world(n_claims, n_providers, fraud_share, seed, days, regime=regime)
    plan = plan_insured(w, insured_fraud_share, w.aux)
    expected = w.prov_rate * w.prov_work.mean(axis=1)
    writer = Writer(Path(out))
    seen = np.zeros(len(w.bene_region), dtype=bool)
    written = 0
    try:
        for start in range(0, n_providers, chunk_providers):
            provs = np.arange(start, min(start + chunk_providers, n_providers))
            target = round(n_claims * expected[: provs[-1] + 1].sum() / expected.sum())
            quota = target - written
            cols = _inject(w, provs, _legit_chunk(w, provs))
            excess = len(cols["day"]) - quota
            if excess > 0:
                legit = np.flatnonzero(~cols["injected"])
                drop = w.rng.choice(legit, min(excess, len(legit)), replace=False)
                cols = take(cols, np.setdiff1d(np.arange(len(cols["day"])), drop))
            billed, reimbursed = _amounts(w, cols, w.rng)
            extra = plan.for_providers(int(provs[0]), int(provs[-1]))
            cols, billed, reimbursed = _displace(w, cols, billed, reimbursed, extra)
            table = claims_table(w, cols, billed, reimbursed, written + 1)
            writer.write(table)
            written += table.num_rows
            if len(seen) < len(w.bene_region):
                seen = np.concatenate([seen, np.zeros(len(w.bene_region) - len(seen), bool)])
            seen[cols["bene"]] = True
            if progress is not None:
                progress(table.num_rows)
    finally:
        writer.close()
    write_provider_labels(w, labels)
    if insured_labels_path is not None:
        write_insured_labels(plan, seen, insured_labels_path)
    logger.info(
        "generated %d claims, %d providers, %d days, %d insured fraudsters %s, look-alikes %s",
        written,
        n_providers,
        w.days,
        len(plan.fraudsters),
        plan.pattern_counts(),
        plan.lookalikes,
    )
    return SynthSummary(
        written,
        n_providers,
        int(w.prov_fraud.sum()),
        w.days,
        insured_fraudsters=len(plan.fraudsters),
        beneficiaries=int(seen.sum()),
    )
