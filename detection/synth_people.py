"""Ages of the synthetic beneficiaries: birth years consistent with ALD status and death.

The ALD (long-term condition, "chronic") status and the deaths are drawn first; the age is
then drawn from the population pyramid weighted by how likely that status is at each age
(Bayes), so that chronic status and death become likelier with age.
"""

from __future__ import annotations

import numpy as np

REFERENCE_YEAR = 2025  # the synthetic period starts in January 2025
# France, share of the population by 5-year band 0-4 .. 95-99 (rounded, INSEE-like)
_POPULATION = np.array(
    [
        [5.2, 5.8, 6.2, 6.2, 5.7, 5.5, 6.0, 6.3, 6.4, 6.3],
        [6.6, 6.5, 6.2, 5.8, 5.3, 4.2, 2.9, 2.0, 1.0, 0.3],
    ]
).ravel()
# share of each band under an ALD (long-term condition), rising with age
_ALD = np.array(
    [
        [0.02, 0.02, 0.03, 0.03, 0.04, 0.05, 0.06, 0.07, 0.09, 0.11],
        [0.15, 0.19, 0.24, 0.29, 0.35, 0.42, 0.49, 0.55, 0.58, 0.60],
    ]
).ravel()
# relative yearly mortality by band (roughly Gompertz, small infant bump)
_MORTALITY = np.exp(0.085 * (np.arange(20) * 5 + 2.5)) + np.array([8.0] + [0.0] * 19)


def _band_weights(ald: bool, dead: bool) -> np.ndarray:
    w = _POPULATION * (_ALD if ald else 1 - _ALD) * (_MORTALITY if dead else 1.0)
    return np.asarray(w / w.sum())


def draw_birth_years(ald: np.ndarray, dead: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Birth year of each beneficiary given its ALD status and whether it dies in the period."""
    years = np.empty(len(ald), dtype=np.int64)
    for is_ald in (False, True):
        for is_dead in (False, True):
            rows = np.flatnonzero((ald == is_ald) & (dead == is_dead))
            band = rng.choice(20, len(rows), p=_band_weights(is_ald, is_dead))
            age = band * 5 + rng.integers(0, 5, len(rows))
            years[rows] = REFERENCE_YEAR - 1 - age
    return years
