"""Seeded synthetic claims generator with planted fraud and ground-truth labels.

Providers are generated in chunks (vectorised numpy) and written incrementally to Parquet
or CSV, so 10M claims fit in memory comfortably. Labels: `provider_id,label,pattern`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from detection.catalog import PROFESSIONS, REGIONS, REIMBURSEMENT_BASE_CENTS, TRANSPORT_CENTS_PER_KM
from detection.synth_fraud import PATTERNS, Cols, take
from detection.synth_world import (
    CODE_ACTS,
    CODE_PROF,
    CODE_STR,
    NONE_DAY,
    PROF_NAMES,
    World,
    build_world,
    prof_code_table,
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
# service time mixture per profession: (w1, mean1, sd1, mean2, sd2, lo, hi) in hours
_TIMES = {
    "nurse": (0.6, 8.5, 1.2, 18.0, 1.0, 5.0, 22.9),
    "gp": (0.5, 10.5, 1.5, 16.0, 1.8, 8.0, 20.5),
    "physiotherapist": (0.5, 10.0, 1.5, 16.5, 1.8, 7.5, 20.5),
    "transport": (0.6, 9.5, 2.5, 16.0, 3.5, 0.0, 23.9),
    "dentist": (0.5, 10.0, 1.2, 15.5, 1.5, 8.0, 19.5),
    "hearing_aid": (0.5, 10.5, 1.2, 15.5, 1.5, 9.0, 19.0),
    "pharmacy": (0.5, 10.5, 1.5, 16.5, 1.5, 8.5, 20.0),
}
_TIME_TABLE = np.array([_TIMES[p] for p in PROF_NAMES])


@dataclass(frozen=True)
class SynthSummary:
    claims: int
    providers: int
    fraudulent_providers: int
    days: int


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
    t = _TIME_TABLE[prof]
    first = rng.random(n) < t[:, 0]
    hours = np.where(first, rng.normal(t[:, 1], t[:, 2]), rng.normal(t[:, 3], t[:, 4]))
    minute = (np.clip(hours, t[:, 5], t[:, 6]) * 60).astype(np.int64)
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


def _amounts(w: World, cols: Cols) -> tuple[np.ndarray, np.ndarray]:
    code, prov, qty = cols["code"], cols["prov"], cols["qty"]
    rng = w.rng
    n = len(code)
    price = _TARIFF[code] * qty * cols["price"]
    free = _FREE_RATIO[code] != 1.0
    price = np.where(
        free, price * _FREE_RATIO[code] * w.prov_price[prov] * rng.lognormal(0, 0.05, n), price
    )
    pharmacy = w.prov_prof[prov] == PROF_NAMES.index("pharmacy")
    price = np.where(pharmacy, price * rng.lognormal(0, 0.35, n), price)
    price = price + _PER_KM[code] * np.nan_to_num(cols["km"])
    billed = np.maximum(np.round(price), 1).astype(np.int64)
    base = np.minimum(billed, _REIMB_BASE[code] * qty)
    rate = np.where(w.bene_ald[cols["bene"]], 1.0, _RATE[w.prov_prof[prov]])
    return billed, np.round(base * rate).astype(np.int64)


def _decimal(units: np.ndarray, scale: int, valid: np.ndarray | None = None) -> pa.Array:
    """Exact decimal128 array from integer units (cents, tenths) without float rounding."""
    buf = np.zeros((len(units), 2), dtype=np.int64)
    buf[:, 0] = units
    arr = pa.Array.from_buffers(
        pa.decimal128(14, scale), len(units), [None, pa.py_buffer(buf.tobytes())]
    )
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, arr.type))
    return arr


def _ids(prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    text = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    out = pc.binary_join_element_wise(prefix, text, "")
    if valid is not None:
        out = pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))
    return out


def _dates(w: World, days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    epoch = int(w.start.astype("datetime64[D]").astype(np.int64))
    arr = pa.array(
        (epoch + np.where(valid if valid is not None else True, days, 0)).astype(np.int32)
    ).cast(pa.date32())
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.date32()))
    return arr


def _table(w: World, cols: Cols, first_id: int) -> pa.Table:
    billed, reimbursed = _amounts(w, cols)
    order = np.lexsort((cols["minute"], cols["prov"], cols["day"]))
    cols = take(cols, order)
    billed, reimbursed = billed[order], reimbursed[order]
    n = len(order)
    bene, prov = cols["bene"], cols["prov"]
    death = w.bene_death[bene]
    s_start, s_end = w.bene_stay_start[bene], w.bene_stay_end[bene]
    has_stay = s_start < NONE_DAY
    hhmm = pc.binary_join_element_wise(
        _ids("", cols["minute"] // 60, 2), _ids("", cols["minute"] % 60, 2), ":"
    )
    presc = cols["prescriber"]
    km = cols["km"]
    return pa.table(
        {
            "claim_id": _ids("C", np.arange(first_id, first_id + n), 10),
            "provider_id": pa.array(w.provider_ids).take(pa.array(prov)),
            "profession": pa.array(PROF_NAMES).take(pa.array(w.prov_prof[prov])),
            "region": pa.array(REGIONS).take(pa.array(w.prov_region[prov])),
            "beneficiary_id": _ids("B", (bene * 2654435761 + 1234567) % 10**9, 9),
            "act_code": pa.array(CODE_STR).take(pa.array(cols["code"])),
            "service_date": _dates(w, cols["day"]),
            "quantity": pa.array(cols["qty"].astype(np.int64)),
            "amount_billed": _decimal(billed, 2),
            "amount_reimbursed": _decimal(reimbursed, 2),
            "prescriber_id": _ids("R", (presc * 2654435761 + 7654321) % 10**8, 8, presc >= 0),
            "beneficiary_death_date": _dates(w, death, death < NONE_DAY),
            "hospital_stay_start": _dates(w, s_start, has_stay),
            "hospital_stay_end": _dates(w, s_end, has_stay),
            "distance_km": _decimal(
                np.nan_to_num(km * 10).round().astype(np.int64), 1, ~np.isnan(km)
            ),
            "service_time": hhmm,
        }
    )


class _Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parquet = path.suffix.lower() in (".parquet", ".pq")
        self._writer: pq.ParquetWriter | pacsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            if self.parquet:
                self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            else:
                self._writer = pacsv.CSVWriter(
                    self.path, table.schema, write_options=pacsv.WriteOptions(quoting_style="none")
                )
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


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
) -> SynthSummary:
    """Write `n_claims` claims (CSV or Parquet by extension) and provider labels."""
    n_providers = n_providers or max(50, n_claims // 400)
    w = build_world(n_claims, n_providers, fraud_share, seed, days)
    expected = w.prov_rate * w.prov_work.mean(axis=1)
    writer = _Writer(Path(out))
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
            table = _table(w, cols, written + 1)
            writer.write(table)
            written += table.num_rows
            if progress is not None:
                progress(table.num_rows)
    finally:
        writer.close()
    pd.DataFrame(
        {
            "provider_id": w.provider_ids,
            "label": w.prov_fraud.astype(int),
            "pattern": [";".join(p) for p in w.prov_patterns],
        }
    ).to_csv(labels, index=False)
    logger.info("generated %d claims, %d providers, %d days", written, n_providers, w.days)
    return SynthSummary(written, n_providers, int(w.prov_fraud.sum()), w.days)
