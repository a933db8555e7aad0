"""The synthetic population behind generated claims: beneficiaries, prescribers, providers.

Everything is drawn once from a seeded generator, as numpy arrays, so that claims can then
be produced chunk by chunk (vectorised) with consistent cross-check attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detection.catalog import PROFESSION_WEIGHTS, PROFESSIONS, REGION_WEIGHTS, REGIONS
from detection.synth_people import draw_birth_years
from detection.synth_regime import assign_fraud

NONE_DAY = 10**6  # "no date" sentinel for day offsets
MAX_CODES = 8
PROF_NAMES: tuple[str, ...] = tuple(PROFESSIONS)
CODE_PROF: tuple[str, ...] = tuple(p.name for p in PROFESSIONS.values() for _ in p.acts)
CODE_ACTS = tuple(a for p in PROFESSIONS.values() for a in p.acts)
CODE_STR: tuple[str, ...] = tuple(a.code for a in CODE_ACTS)

# Patterns each profession's fraudsters may use (the fraud patterns listed in docs/detection.md).
PATTERNS_BY_PROFESSION: dict[str, tuple[str, ...]] = {
    "nurse": (
        "hyperactivity",
        "hyperactivity",
        "fictitious_patients",
        "upcoding",
        "duplicate_billing",
        "acts_after_death",
        "hospital_stay",
    ),
    "gp": (
        "hyperactivity",
        "fictitious_patients",
        "upcoding",
        "duplicate_billing",
        "acts_after_death",
    ),
    "physiotherapist": (
        "hyperactivity",
        "upcoding",
        "duplicate_billing",
        "hospital_stay",
        "fictitious_patients",
    ),
    "transport": ("km_inflation", "km_inflation", "duplicate_billing", "hospital_stay", "upcoding"),
    "dentist": ("upcoding", "fictitious_patients", "acts_after_death"),
    "hearing_aid": ("price_inflation", "prescriber_collusion", "fictitious_patients"),
    "pharmacy": ("prescriber_collusion", "upcoding", "acts_after_death", "fictitious_patients"),
}


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
TIME_TABLE = np.array([_TIMES[p] for p in PROF_NAMES])


def service_minutes(prof: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Minute of the day of each line, from its profession's opening-hours mixture."""
    t = TIME_TABLE[prof]
    n = len(prof)
    first = rng.random(n) < t[:, 0]
    hours = np.where(first, rng.normal(t[:, 1], t[:, 2]), rng.normal(t[:, 3], t[:, 4]))
    return (np.clip(hours, t[:, 5], t[:, 6]) * 60).astype(np.int64)


@dataclass
class World:
    days: int
    start: np.datetime64
    rng: np.random.Generator
    # beneficiaries
    bene_region: np.ndarray
    bene_death: np.ndarray
    bene_stay_start: np.ndarray
    bene_stay_end: np.ndarray
    bene_ald: np.ndarray
    bene_gp: np.ndarray
    bene_orl: np.ndarray
    region_bene_start: np.ndarray
    region_bene_count: np.ndarray
    region_gp: list[np.ndarray]
    region_orl: list[np.ndarray]
    # providers
    provider_ids: np.ndarray
    prov_prof: np.ndarray
    prov_region: np.ndarray
    prov_rate: np.ndarray
    prov_panel: np.ndarray
    prov_code_cum: np.ndarray
    prov_price: np.ndarray
    prov_km: np.ndarray
    prov_work: np.ndarray
    prov_fraud: np.ndarray
    prov_patterns: list[tuple[str, ...]]
    prov_intensity: np.ndarray
    prov_transient: np.ndarray  # honest share of one-off patients (tourists, passers-by)
    # drawn from a second generator, so that the provider-level draws stay as they were
    aux: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    bene_birth_year: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_prescribers: int = field(default=0)  # prescriber indices in use (GP and ENT)
    n_fictitious: int = field(default=0)

    def new_beneficiaries(self, region: int, n: int) -> np.ndarray:
        """Fictitious beneficiaries: no other consumption, no death, no stay."""
        first = len(self.bene_region)
        self.bene_region = np.concatenate([self.bene_region, np.full(n, region)])
        for name in ("bene_death", "bene_stay_start", "bene_stay_end"):
            setattr(self, name, np.concatenate([getattr(self, name), np.full(n, NONE_DAY)]))
        self.bene_ald = np.concatenate([self.bene_ald, np.zeros(n, dtype=bool)])
        none = np.zeros(n, dtype=bool)
        born = draw_birth_years(none, none, self.aux)
        self.bene_birth_year = np.concatenate([self.bene_birth_year, born])
        gp = self.rng.choice(self.region_gp[region], n)
        orl = self.rng.choice(self.region_orl[region], n)
        self.bene_gp = np.concatenate([self.bene_gp, gp])
        self.bene_orl = np.concatenate([self.bene_orl, orl])
        self.n_fictitious += n
        return np.arange(first, first + n)


def prof_code_table() -> np.ndarray:
    """(n_professions, MAX_CODES) global code indices of the drawn code mix, -1 padded."""
    table = np.full((len(PROF_NAMES), MAX_CODES), -1)
    for pi, name in enumerate(PROF_NAMES):
        idx = [i for i, p in enumerate(CODE_PROF) if p == name and CODE_ACTS[i].share > 0]
        table[pi, : len(idx)] = idx
    return table


def build_world(
    n_claims: int,
    n_providers: int,
    fraud_share: float,
    seed: int,
    days: int | None = None,
    *,
    regime: str = "uniform",
) -> World:
    rng = np.random.default_rng(seed)
    n_reg = len(REGIONS)
    # providers
    pw = np.array([PROFESSION_WEIGHTS[p] for p in PROF_NAMES])
    prof = rng.choice(len(PROF_NAMES), n_providers, p=pw / pw.sum())
    rw = np.array(REGION_WEIGHTS)
    region = rng.choice(n_reg, n_providers, p=rw / rw.sum())
    size = np.clip(rng.lognormal(0.0, 0.3, n_providers), 0.35, 1.7)
    base_rate = np.array([PROFESSIONS[p].daily_lines for p in PROF_NAMES])
    rate = base_rate[prof] * size
    base_panel = np.array([PROFESSIONS[p].panel for p in PROF_NAMES])
    panel = np.maximum(5, (base_panel[prof] * size * rng.lognormal(0, 0.3, n_providers)))
    work = np.array([PROFESSIONS[p].weekday_work for p in PROF_NAMES])[prof].copy()
    work[:, 5:] *= np.clip(rng.lognormal(0, 0.5, (n_providers, 1)), 0, 1.6)
    work = np.clip(work, 0, 1)
    expected_daily = float((rate * work.mean(axis=1)).sum())
    if days is None:
        days = int(np.clip(round(n_claims / max(expected_daily, 1.0)), 7, 366))
    # small volume adjustment so that the requested claim count is reached (then trimmed)
    rate = rate * float(np.clip(n_claims * 1.12 / (days * expected_daily), 0.85, 1.35))
    # code mix: provider-level heterogeneity around the profession's typical mix
    cum = np.ones((n_providers, MAX_CODES))
    for pi, name in enumerate(PROF_NAMES):
        rows = np.flatnonzero(prof == pi)
        acts = [a for a in PROFESSIONS[name].acts if a.share > 0]  # drawn mix only
        shares = np.array([a.share for a in acts])
        expensive = np.array([a.expensive for a in acts])
        # honest specialists (heavy patients, complex cases) bill more expensive acts
        tilt = np.where(rng.random(len(rows)) < 0.06, rng.uniform(1.5, 3.0, len(rows)), 1.0)
        alpha = shares * np.where(expensive, tilt[:, None], 1.0)
        alpha = alpha / alpha.sum(axis=1, keepdims=True) * 60
        mix = np.array([rng.dirichlet(a) for a in alpha]).reshape(len(rows), len(shares))
        cum[rows, : len(shares)] = np.cumsum(mix, axis=1)
    cum[:, -1] = 1.0
    km = rng.lognormal(np.log(16), 0.35, n_providers) * np.where(region == 0, 0.7, 1.0)
    # fraud assignment
    n_fraud = round(fraud_share * n_providers)
    fraud = assign_fraud(rng, regime, n_fraud, prof, rate * work.mean(axis=1))
    patterns: list[tuple[str, ...]] = []
    for i in range(n_providers):
        if not fraud[i]:
            patterns.append(())
            continue
        options = sorted(set(PATTERNS_BY_PROFESSION[PROF_NAMES[prof[i]]]))
        weights = np.array([PATTERNS_BY_PROFESSION[PROF_NAMES[prof[i]]].count(o) for o in options])
        k = 2 if rng.random() < 0.3 else 1
        picked = rng.choice(len(options), k, replace=False, p=weights / weights.sum())
        patterns.append(tuple(options[j] for j in sorted(picked)))
    intensity = rng.beta(1.3, 1.7, n_providers)
    ids = rng.permutation(np.arange(100000, 100000 + n_providers * 7))[:n_providers]
    provider_ids = np.array([f"P{v:07d}" for v in ids])

    # beneficiaries, contiguous by region
    n_bene = max(2000, n_claims // 12)
    counts = rng.multinomial(n_bene, rw / rw.sum())
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    bene_region = np.repeat(np.arange(n_reg), counts)
    death = np.where(rng.random(n_bene) < 0.01, rng.integers(0, days, n_bene), NONE_DAY)
    has_stay = rng.random(n_bene) < 0.03
    stay_start = rng.integers(-5, days, n_bene)
    stay_end = stay_start + 1 + rng.geometric(1 / 6, n_bene)
    stay_start = np.where(has_stay, stay_start, NONE_DAY)
    stay_end = np.where(has_stay, stay_end, NONE_DAY)
    region_gp, region_orl = [], []
    next_id = 0
    for r in range(n_reg):
        n_gp = max(5, counts[r] // 800)
        n_orl = max(3, counts[r] // 6000)
        region_gp.append(np.arange(next_id, next_id + n_gp))
        region_orl.append(np.arange(next_id + n_gp, next_id + n_gp + n_orl))
        next_id += n_gp + n_orl
    bene_gp = np.empty(n_bene, dtype=np.int64)
    bene_orl = np.empty(n_bene, dtype=np.int64)
    for r in range(n_reg):
        sl = slice(starts[r], starts[r] + counts[r])
        bene_gp[sl] = rng.choice(region_gp[r], counts[r])
        bene_orl[sl] = rng.choice(region_orl[r], counts[r])
    world = World(
        days=days,
        start=np.datetime64("2025-01-06"),
        rng=rng,
        bene_region=bene_region,
        bene_death=death,
        bene_stay_start=stay_start,
        bene_stay_end=stay_end,
        bene_ald=rng.random(n_bene) < 0.15,
        bene_gp=bene_gp,
        bene_orl=bene_orl,
        region_bene_start=starts,
        region_bene_count=counts,
        region_gp=region_gp,
        region_orl=region_orl,
        provider_ids=provider_ids,
        prov_prof=prof,
        prov_region=region,
        prov_rate=rate,
        prov_panel=panel.astype(np.int64),
        prov_code_cum=cum,
        prov_price=rng.lognormal(0, 0.12, n_providers),
        prov_km=km,
        prov_work=work,
        prov_fraud=fraud,
        prov_patterns=patterns,
        prov_intensity=intensity,
        prov_transient=np.where(
            rng.random(n_providers) < 0.04, rng.uniform(0.05, 0.25, n_providers), 0.0
        ),
        aux=np.random.default_rng([seed, 1]),
        n_prescribers=next_id,
    )
    dead = world.bene_death < NONE_DAY
    world.bene_birth_year = draw_birth_years(world.bene_ald, dead, world.aux)
    return world
