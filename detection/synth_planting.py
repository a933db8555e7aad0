"""Planting claim lines for given beneficiaries: the mechanics behind `synth_insured`.

Lines are billed by existing providers of the beneficiary's region (GPs, pharmacies), on
GP prescribers of the region or on hospital specialists (prescribers who bill nothing in the
file). The day of each line is drawn at the end in [lo, lo + width); everything is
vectorised over beneficiaries.
"""

from __future__ import annotations

import numpy as np

from detection.catalog import REGIONS
from detection.synth_fraud import Cols
from detection.synth_world import CODE_STR, PROF_NAMES, World, service_minutes

_LINE = ("prov", "bene", "code", "prescriber", "lo", "width", "qty")
CONSULTATIONS = (CODE_STR.index("G"), CODE_STR.index("VG"))
GP, PHARMACY = PROF_NAMES.index("gp"), PROF_NAMES.index("pharmacy")


def _padded(pools: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    size = np.array([len(p) for p in pools])
    table = np.zeros((len(pools), max(1, int(size.max()))), dtype=np.int64)
    for r, p in enumerate(pools):
        table[r, : len(p)] = p
    return table, size


class Planter:
    """Accumulates planted lines (day drawn at the end in [lo, lo + width))."""

    def __init__(self, w: World, rng: np.random.Generator) -> None:
        self.w, self.rng = w, rng
        self.lines: list[tuple[np.ndarray, ...]] = []
        self.providers = {prof: self._region_pools(prof) for prof in (GP, PHARMACY)}
        self.prescribers = _padded(w.region_gp)
        # hospital specialists: prescribers who bill nothing in the file
        self.n_hospital = max(10, len(w.bene_region) // 200)
        self.next_unknown = w.n_prescribers + self.n_hospital

    def _region_pools(self, prof: int) -> list[np.ndarray]:
        everyone = np.flatnonzero(self.w.prov_prof == prof)
        pools = [everyone[self.w.prov_region[everyone] == r] for r in range(len(REGIONS))]
        return [pool if len(pool) else everyone for pool in pools]

    def distinct(self, prof: int, bene: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
        """`k[i]` distinct providers of `prof` in the region of `bene[i]`: (owner i, provider,
        rank of the provider among the owner's), owners in increasing order."""
        owner, prov, rank = [], [], []
        region = self.w.bene_region[bene]
        for r in np.unique(region):
            rows = np.flatnonzero(region == r)
            pool = self.providers[prof][int(r)]
            kk = np.minimum(k[rows], len(pool))
            keys = self.rng.random((len(rows), len(pool)))
            picks = np.argpartition(keys, kk.max() - 1, axis=1)[:, : kk.max()]
            i, j = np.nonzero(np.arange(kk.max())[None, :] < kk[:, None])
            owner.append(rows[i])
            prov.append(pool[picks[i, j]])
            rank.append(j)
        order = np.lexsort((np.concatenate(rank), np.concatenate(owner)))
        return tuple(np.concatenate(a)[order] for a in (owner, prov, rank))

    def one_provider(self, prof: int, bene: np.ndarray) -> np.ndarray:
        table, size = _padded(self.providers[prof])
        region = self.w.bene_region[bene]
        return table[region, (self.rng.random(len(bene)) * size[region]).astype(np.int64)]

    def gp_prescriber(
        self, bene: np.ndarray, offset: np.ndarray, start: np.ndarray | None = None
    ) -> np.ndarray:
        """The GP prescriber `offset` places after position `start` (default: the beneficiary's
        own GP, so never the own GP when 0 < offset < pool size) in the region's pool."""
        table, size = self.prescribers
        region = self.w.bene_region[bene]
        if start is None:
            start = np.argmax(table[region] == self.w.bene_gp[bene][:, None], axis=1)
        return table[region, (start + offset) % size[region]]

    def hospital_specialist(self, n: int) -> np.ndarray:
        return self.w.n_prescribers + self.rng.integers(0, self.n_hospital, n)

    def unknown_prescribers(self, n: int) -> np.ndarray:
        """Prescriber ids used nowhere else (a made-up or foreign identifier)."""
        self.next_unknown += n
        return np.arange(self.next_unknown - n, self.next_unknown)

    def add(self, prov: np.ndarray, bene: np.ndarray, code: np.ndarray | int, **kw: object) -> None:
        n = len(prov)
        presc, qty = kw.get("prescriber", -1), kw.get("qty", 0)  # qty 0: drawn at the end
        lo, width = kw.get("lo", 0), kw.get("width", self.w.days)
        cols = (prov, bene, code, presc, lo, width, qty)
        self.lines.append(tuple(np.broadcast_to(np.asarray(c, dtype=np.int64), (n,)) for c in cols))

    def consultations(self, bene: np.ndarray, k: np.ndarray, extra_visit: np.ndarray) -> None:
        owner, gp, _ = self.distinct(GP, bene, k)
        again = self.rng.random(len(owner)) < extra_visit[owner]
        owner, gp = np.concatenate([owner, owner[again]]), np.concatenate([gp, gp[again]])
        code = np.where(self.rng.random(len(gp)) < 0.85, *CONSULTATIONS)
        self.add(gp, bene[owner], code)

    def rows(self) -> Cols:
        rng = self.rng
        if self.lines:
            line = {k: np.concatenate([p[j] for p in self.lines]) for j, k in enumerate(_LINE)}
        else:
            line = {k: np.zeros(0, dtype=np.int64) for k in _LINE}
        order = np.argsort(line["prov"], kind="stable")
        line = {k: v[order] for k, v in line.items()}
        n = len(order)
        day = np.minimum(
            line["lo"] + (rng.random(n) * line["width"]).astype(np.int64), self.w.days - 1
        )
        drug = np.isin(line["code"], CONSULTATIONS, invert=True)
        qty = np.where(line["qty"] > 0, line["qty"], 1 + (drug & (rng.random(n) < 0.3)))
        return {
            "prov": line["prov"],
            "day": np.where((day % 7 == 6) & (day > 0), day - 1, day),  # closed on Sundays
            "bene": line["bene"],
            "code": line["code"],
            "qty": qty.astype(np.int64),
            "km": np.full(n, np.nan),
            "minute": service_minutes(self.w.prov_prof[line["prov"]], rng),
            "prescriber": line["prescriber"],
            "price": np.ones(n),
            "injected": np.ones(n, dtype=bool),
        }
