"""Insured-person fraud for the synthetic generator: the beneficiary is the fraudster.

Planned once, before the claims are generated chunk by chunk: a small set of claim rows,
billed by existing GPs and pharmacies of the beneficiary's region (real providers serving a
fraudulent patient), sorted by provider so that each chunk takes the rows of its providers.
Patterns (docs/detection.md, "Synthetic claims"):

* ``doctor_shopping``: consultations with many distinct GPs in the period;
* ``pharmacy_nomadism``: the same drug delivered by several pharmacies within a few days,
  each line on a distinct prescriber;
* ``forged_prescription``: expensive (PH1) deliveries on a prescriber who is not the
  beneficiary's doctor and prescribes nothing else for them (half a made-up identifier,
  half a real GP of the region);
* ``sick_leave_abuse`` (working age): several sick-leave prescriptions (act AAT, quantity =
  days of leave) from distinct GPs, each at a consultation.

Legitimate look-alikes (label 0): chronic (ALD) patients with extra GPs (on-call, locum,
referral), repeated deliveries of chronic drugs from one to three pharmacies, expensive
drugs prescribed by a hospital specialist who bills nothing in the file, long sick leaves;
ordinary sick leaves for people of working age.
Everything is vectorised over beneficiaries (10M claims: ~8,000 fraudsters).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detection.synth_fraud import Cols
from detection.synth_people import REFERENCE_YEAR
from detection.synth_planting import CONSULTATIONS, GP, PHARMACY, Planter
from detection.synth_world import CODE_STR, NONE_DAY, World

INSURED_PATTERNS: tuple[str, ...] = (
    "doctor_shopping",
    "pharmacy_nomadism",
    "forged_prescription",
    "sick_leave_abuse",
)
_PATTERN_WEIGHTS = np.array([0.3, 0.3, 0.2, 0.2])  # sick leave: working age only
WORKING_AGE = (18, 64)
# look-alikes: (share, who) of the honest beneficiaries given each legitimate behaviour;
# who: "chronic" (ALD), "working" (working age), "chronic_working" (both)
LOOKALIKE_SHARES: dict[str, tuple[float, str]] = {
    "chronic_several_gps": (0.06, "chronic"),
    "chronic_deliveries": (0.06, "chronic"),
    "hospital_prescription": (0.04, "chronic"),
    "sick_leave": (0.03, "working"),
    "chronic_sick_leave": (0.10, "chronic_working"),
}
_AAT = CODE_STR.index("AAT")
_PH1, _PH7, _PH4 = CODE_STR.index("PH1"), CODE_STR.index("PH7"), CODE_STR.index("PH4")
_BUP, _GLU = CODE_STR.index("BUP"), CODE_STR.index("GLU")


@dataclass
class InsuredPlan:
    """Planted rows (sorted by provider) and the planted insured fraudsters."""

    rows: Cols
    fraudsters: np.ndarray  # beneficiary indices, sorted
    patterns: list[tuple[str, ...]]  # one entry per fraudster
    lookalikes: dict[str, int] = field(default_factory=dict)

    def for_providers(self, first: int, last: int) -> Cols:
        """Planted rows billed by providers `first`..`last` (inclusive)."""
        lo, hi = np.searchsorted(self.rows["prov"], [first, last + 1])
        return {k: v[lo:hi] for k, v in self.rows.items()}

    def pattern_counts(self) -> dict[str, int]:
        return {p: sum(p in ps for ps in self.patterns) for p in INSURED_PATTERNS}


def _doctor_shopping(pl: Planter, bene: np.ndarray, i: np.ndarray) -> None:
    pl.consultations(bene, 5 + pl.rng.poisson(1 + 4 * i), 0.25 + 0.3 * i)


def _episodes(
    pl: Planter, bene: np.ndarray, n: np.ndarray, k: np.ndarray
) -> tuple[np.ndarray, ...]:
    """`n[i]` delivery episodes for `bene[i]`, each at `k` distinct pharmacies within 4 days:
    (episode owner, pharmacy, rank within the episode, episode start day)."""
    owner = np.repeat(np.arange(len(bene)), n)
    start = pl.rng.integers(0, max(1, pl.w.days - 3), len(owner))
    episode, pharmacy, rank = pl.distinct(PHARMACY, bene[owner], k)
    return owner[episode], pharmacy, rank, start[episode]


def _pharmacy_nomadism(pl: Planter, bene: np.ndarray, i: np.ndarray) -> None:
    rng = pl.rng
    drug = rng.choice([_BUP, _PH7, _PH4], len(bene), p=[0.5, 0.3, 0.2])
    n = np.minimum(1 + rng.poisson(0.5 + 1.5 * i), max(1, pl.w.days // 5))
    k = 3 + rng.poisson(2 * np.repeat(i, n))
    owner, pharmacy, rank, start = _episodes(pl, bene, n, k)
    # a distinct prescriber for each pharmacy of an episode: consecutive ones in the pool
    size = pl.prescribers[1][pl.w.bene_region[bene]]
    first = (rng.random(len(n)) * size).astype(np.int64)
    presc = pl.gp_prescriber(bene[owner], rank, start=first[owner])
    pl.add(pharmacy, bene[owner], drug[owner], prescriber=presc, lo=start, width=4)


def _forged_prescription(pl: Planter, bene: np.ndarray, i: np.ndarray) -> None:
    rng = pl.rng
    n = 1 + rng.poisson(0.5 + 2 * i)
    owner = np.repeat(np.arange(len(bene)), n)
    size = pl.prescribers[1][pl.w.bene_region[bene]]
    # one forged prescriber, or two; never the beneficiary's own GP
    forgers = 1 + (rng.random((len(bene), 2)) * (size[:, None] - 1)).astype(np.int64)
    two = rng.random(len(bene)) < 0.3
    which = (two[owner] & (rng.random(len(owner)) < 0.5)).astype(np.int64)
    presc = pl.gp_prescriber(bene[owner], forgers[owner, which])
    # half of the forgers use a made-up identifier, half a real GP's (not the patient's own)
    made_up = rng.random(len(bene)) < 0.5
    fake = np.zeros((len(bene), 2), dtype=np.int64)
    fake[made_up] = pl.unknown_prescribers(2 * int(made_up.sum())).reshape(-1, 2)
    presc = np.where(made_up[owner], fake[owner, which], presc)
    pharmacies = np.stack([pl.one_provider(PHARMACY, bene) for _ in range(2)], axis=1)
    other = (rng.random(len(bene)) < 0.4)[owner] & (rng.random(len(owner)) < 0.5)
    pl.add(pharmacies[owner, other.astype(np.int64)], bene[owner], _PH1, prescriber=presc)


def _several_gps(pl: Planter, bene: np.ndarray) -> None:
    pl.consultations(bene, 2 + pl.rng.poisson(1.5, len(bene)), np.full(len(bene), 0.1))


def _chronic_deliveries(pl: Planter, bene: np.ndarray) -> None:
    rng = pl.rng
    drug = np.where(rng.random(len(bene)) < 0.5, _GLU, _PH7)
    specialist = pl.hospital_specialist(len(bene))
    n = np.full(len(bene), 2)
    owner, pharmacy, _, start = _episodes(pl, bene, n, 1 + rng.integers(0, 3, 2 * len(bene)))
    presc = np.where(rng.random(len(owner)) < 0.3, specialist[owner], pl.w.bene_gp[bene[owner]])
    pl.add(pharmacy, bene[owner], drug[owner], prescriber=presc, lo=start, width=4)


def _hospital_prescription(pl: Planter, bene: np.ndarray) -> None:
    owner = np.repeat(np.arange(len(bene)), 1 + (pl.rng.random(len(bene)) < 0.4))
    pharmacy, specialist = pl.one_provider(PHARMACY, bene), pl.hospital_specialist(len(bene))
    pl.add(pharmacy[owner], bene[owner], _PH1, prescriber=specialist[owner])


def _leaves(pl: Planter, bene: np.ndarray, k: np.ndarray, days: np.ndarray) -> None:
    """`k[i]` sick-leave prescriptions for `bene[i]` from distinct GPs, each written at a
    consultation (same GP, same day); `days` (per prescription) is the leave length."""
    owner, gp, _ = pl.distinct(GP, bene, k)
    day = pl.rng.integers(0, pl.w.days, len(owner))
    leave = days[: len(owner)]
    pl.add(gp, bene[owner], _AAT, lo=day, width=1, qty=np.maximum(leave, 1))
    pl.add(gp, bene[owner], CONSULTATIONS[0], lo=day, width=1)


def _sick_leave_abuse(pl: Planter, bene: np.ndarray, i: np.ndarray) -> None:
    k = 2 + pl.rng.poisson(1 + 2 * i)
    _leaves(pl, bene, k, 3 + pl.rng.poisson(4 + 8 * np.repeat(i, k)))


def _sick_leave(pl: Planter, bene: np.ndarray) -> None:
    _leaves(
        pl,
        bene,
        np.ones(len(bene), dtype=np.int64),
        np.minimum(pl.rng.geometric(1 / 6, len(bene)), 30),
    )


def _chronic_sick_leave(pl: Planter, bene: np.ndarray) -> None:
    k = 1 + (pl.rng.random(len(bene)) < 0.4)
    _leaves(pl, bene, k, pl.rng.integers(10, 31, int(k.sum())))


_PLANT = {
    "doctor_shopping": _doctor_shopping,
    "pharmacy_nomadism": _pharmacy_nomadism,
    "forged_prescription": _forged_prescription,
    "sick_leave_abuse": _sick_leave_abuse,
}
_LOOKALIKES = {
    "chronic_several_gps": _several_gps,
    "chronic_deliveries": _chronic_deliveries,
    "hospital_prescription": _hospital_prescription,
    "sick_leave": _sick_leave,
    "chronic_sick_leave": _chronic_sick_leave,
}


def _pick(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column per row of `weights` (rows with positive sum), drawn by weight."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((u[:, None] >= cum).sum(axis=1), weights.shape[1] - 1)


def _draw_patterns(rng: np.random.Generator, working: np.ndarray) -> np.ndarray:
    """(n, patterns) booleans: one pattern (75 %) or two distinct ones, by weight;
    sick-leave abuse only for people of working age."""
    n = len(working)
    weights = np.tile(_PATTERN_WEIGHTS, (n, 1))
    weights[~working, INSURED_PATTERNS.index("sick_leave_abuse")] = 0
    has = np.zeros(weights.shape, dtype=bool)
    first = _pick(rng, weights)
    has[np.arange(n), first] = True
    weights[np.arange(n), first] = 0
    second = _pick(rng, weights)
    two = np.flatnonzero(rng.random(n) < 0.25)
    has[two, second[two]] = True
    return has


def plan_insured(w: World, share: float, rng: np.random.Generator) -> InsuredPlan:
    """Pick `share` of the (real) beneficiaries as insured fraudsters and plant their claims,
    plus legitimate look-alikes (label 0). `share` 0 plants nothing at all."""
    pl = Planter(w, rng)
    n_fraud = round(share * len(w.bene_region))
    if n_fraud == 0 or not all(len(p[0]) for p in pl.providers.values()):
        return InsuredPlan(pl.rows(), np.zeros(0, dtype=np.int64), [])
    present = (w.bene_death == NONE_DAY) & (w.bene_stay_start == NONE_DAY)
    age = REFERENCE_YEAR - w.bene_birth_year
    working = (age >= WORKING_AGE[0]) & (age <= WORKING_AGE[1])
    fraudsters = np.sort(rng.choice(np.flatnonzero(present), n_fraud, replace=False))
    intensity = rng.beta(1.3, 1.7, n_fraud)
    has = _draw_patterns(rng, working[fraudsters])
    for j, name in enumerate(INSURED_PATTERNS):
        _PLANT[name](pl, fraudsters[has[:, j]], intensity[has[:, j]])
    honest = present.copy()
    honest[fraudsters] = False
    who = {
        "chronic": honest & w.bene_ald,
        "working": honest & working,
        "chronic_working": honest & w.bene_ald & working,
    }
    counts: dict[str, int] = {}
    for name, (frac, group) in LOOKALIKE_SHARES.items():
        candidates = np.flatnonzero(who[group])
        chosen = rng.choice(candidates, round(frac * len(candidates)), replace=False)
        counts[name] = len(chosen)
        _LOOKALIKES[name](pl, chosen)
    patterns = [tuple(p for p, h in zip(INSURED_PATTERNS, row, strict=True) if h) for row in has]
    return InsuredPlan(pl.rows(), fraudsters, patterns, counts)
