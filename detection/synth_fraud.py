"""Fraud pattern injection for the synthetic generator (patterns: docs/detection.md).

Each pattern takes the chunk's claim columns (dict of numpy arrays), the row indices of one
fraudulent provider and an intensity in [0, 1], and returns rows to add (as a column dict)
or modifies rows in place. Only a share of the fraudster's claims is touched.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from detection.synth_world import CODE_ACTS, CODE_PROF, CODE_STR, NONE_DAY, PROF_NAMES, World

Cols = dict[str, np.ndarray]


def take(cols: Cols, rows: np.ndarray) -> Cols:
    return {k: v[rows] for k, v in cols.items()}


def _templates(cols: Cols, rows: np.ndarray, n: int, rng: np.random.Generator) -> Cols:
    new = take(cols, rng.choice(rows, n))
    new["injected"] = np.ones(n, dtype=bool)
    return new


def hyperactivity(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols | None:
    """Fictitious acts on existing patients, piled on a share of working days."""
    rng = w.rng
    days = np.unique(cols["day"][rows])
    chosen = days[rng.random(len(days)) < 0.35 + 0.6 * i]
    if len(chosen) == 0:
        return None
    extra = rng.poisson(w.prov_rate[p] * (0.35 + 1.1 * i), len(chosen))
    new = _templates(cols, rows, int(extra.sum()), rng)
    new["day"] = np.repeat(chosen, extra)
    new["minute"] = rng.integers(6 * 60, 22 * 60, len(new["day"]))
    return new


def fictitious_patients(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols:
    rng = w.rng
    n_new = max(3, int(w.prov_panel[p] * (0.1 + 0.4 * i)))
    benes = w.new_beneficiaries(int(w.prov_region[p]), n_new)
    new = _templates(cols, rows, max(3, int(len(rows) * (0.1 + 0.4 * i))), rng)
    new["bene"] = benes[(n_new * rng.random(len(new["bene"])) ** 1.5).astype(np.int64)]
    presc = w.bene_orl if PROF_NAMES[w.prov_prof[p]] == "hearing_aid" else w.bene_gp
    new["prescriber"] = np.where(new["prescriber"] >= 0, presc[new["bene"]], -1)
    return new


def upcoding(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> None:
    prof = PROF_NAMES[w.prov_prof[p]]
    expensive = [k for k, a in enumerate(CODE_ACTS) if a.expensive and _prof_of(k) == prof]
    hit = rows[w.rng.random(len(rows)) < 0.12 + 0.45 * i]
    if prof == "transport":
        hit = hit[np.isin(cols["code"][hit], [CODE_STR.index("TAXI")])]
    cols["code"][hit] = w.rng.choice(expensive, len(hit))


def duplicate_billing(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols:
    return _templates(cols, rows, max(2, int(len(rows) * (0.03 + 0.15 * i))), w.rng)


def _deceased_or_hospitalised(
    cols: Cols, rows: np.ndarray, p: int, i: float, w: World, first: np.ndarray, last: np.ndarray
) -> Cols | None:
    """Add claims on days in [first, last] of beneficiaries of the provider's region."""
    rng = w.rng
    region = w.prov_region[p]
    lo = w.region_bene_start[region]
    hi = lo + w.region_bene_count[region]
    cand = np.arange(lo, hi)
    cand = cand[(last[lo:hi] >= first[lo:hi]) & (first[lo:hi] < w.days) & (last[lo:hi] >= 0)]
    if len(cand) == 0:
        return None
    benes = rng.choice(cand, min(len(cand), 2 + int(8 * i)), replace=False)
    new = _templates(cols, rows, max(2, int(len(rows) * (0.02 + 0.08 * i))), rng)
    b = rng.choice(benes, len(new["bene"]))
    f = np.maximum(first[b], 0)
    span = np.minimum(last[b], w.days - 1) - f + 1
    new["bene"] = b
    new["day"] = f + (rng.random(len(b)) * span).astype(np.int64)
    presc = w.bene_orl if PROF_NAMES[w.prov_prof[p]] == "hearing_aid" else w.bene_gp
    new["prescriber"] = np.where(new["prescriber"] >= 0, presc[b], -1)
    return new


def acts_after_death(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols | None:
    first = np.where(w.bene_death < NONE_DAY, w.bene_death + 1, NONE_DAY)
    last = np.where(w.bene_death < NONE_DAY, w.days - 1, -1)
    return _deceased_or_hospitalised(cols, rows, p, i, w, first, last)


def hospital_stay(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols | None:
    has = w.bene_stay_start < NONE_DAY
    first = np.where(has, w.bene_stay_start + 1, NONE_DAY)
    last = np.where(has, w.bene_stay_end - 1, -1)
    return _deceased_or_hospitalised(cols, rows, p, i, w, first, last)


def km_inflation(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> None:
    hit = rows[w.rng.random(len(rows)) < 0.3 + 0.6 * i]
    factor = (1.2 + 1.0 * i) * w.rng.lognormal(0, 0.15, len(hit))
    cols["km"][hit] = np.round(cols["km"][hit] * np.maximum(factor, 1.0), 1)


def price_inflation(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> None:
    aud2 = CODE_STR.index("AUD2")
    aud1 = CODE_STR.index("AUD1")
    shift = rows[(cols["code"][rows] == aud1) & (w.rng.random(len(rows)) < 0.2 + 0.4 * i)]
    cols["code"][shift] = aud2
    hit = rows[(cols["code"][rows] == aud2) & (w.rng.random(len(rows)) < 0.5 + 0.5 * i)]
    cols["price"][hit] *= 1.2 + 0.7 * i


def prescriber_collusion(cols: Cols, rows: np.ndarray, p: int, i: float, w: World) -> Cols:
    """A prescriber steers patients to the provider, with extra (unneeded) supplies."""
    rng = w.rng
    region = int(w.prov_region[p])
    hearing = PROF_NAMES[w.prov_prof[p]] == "hearing_aid"
    accomplice = rng.choice(w.region_orl[region] if hearing else w.region_gp[region])
    hit = rows[rng.random(len(rows)) < 0.3 + 0.5 * i]
    cols["prescriber"][hit] = accomplice
    new = _templates(cols, rows, max(2, int(len(rows) * (0.1 + 0.3 * i))), rng)
    new["prescriber"][:] = accomplice
    new["price"] = new["price"] * (1.05 + 0.3 * i)
    return new


def _prof_of(code_index: int) -> str:
    return CODE_PROF[code_index]


PATTERNS: dict[str, Callable[[Cols, np.ndarray, int, float, World], Cols | None]] = {
    "hyperactivity": hyperactivity,
    "fictitious_patients": fictitious_patients,
    "upcoding": upcoding,
    "duplicate_billing": duplicate_billing,
    "acts_after_death": acts_after_death,
    "hospital_stay": hospital_stay,
    "km_inflation": km_inflation,
    "price_inflation": price_inflation,
    "prescriber_collusion": prescriber_collusion,
}
