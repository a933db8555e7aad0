"""Which synthetic providers are fraudulent: the generator's regimes.

* ``uniform``: every provider is equally likely to be a fraudster (the historical draw).
* ``size``: the probability rises with the provider's size, as in audited populations: a
  logistic in the provider's log expected volume, standardised within its profession (a
  pharmacy is not "big" next to a hearing-aid shop), calibrated so that the overall share
  stays the requested one and the largest decile is about 3.5x as likely as the median.
"""

from __future__ import annotations

import numpy as np

REGIMES: tuple[str, ...] = ("uniform", "size")
SIZE_SLOPE = 0.75  # logit increase per within-profession standard deviation of log volume


def size_score(prof: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Log volume standardised within each profession (pooled standard deviation)."""
    log_v = np.log(volume)
    centred = log_v.copy()
    for p in np.unique(prof):
        rows = prof == p
        centred[rows] = log_v[rows] - log_v[rows].mean()
    sd = float(centred.std())
    return np.asarray(centred / sd) if sd > 0 else np.zeros(len(volume))


def fraud_probability(score: np.ndarray, share: float, slope: float = SIZE_SLOPE) -> np.ndarray:
    """Logistic in `score` whose mean is `share` (intercept found by bisection)."""
    if share <= 0 or share >= 1:
        return np.full(len(score), float(np.clip(share, 0, 1)))
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if float(np.mean(1 / (1 + np.exp(-(mid + slope * score))))) < share:
            lo = mid
        else:
            hi = mid
    return np.asarray(1 / (1 + np.exp(-((lo + hi) / 2 + slope * score))))


def assign_fraud(
    rng: np.random.Generator, regime: str, n_fraud: int, prof: np.ndarray, volume: np.ndarray
) -> np.ndarray:
    """Boolean mask of exactly `n_fraud` fraudulent providers under `regime`."""
    n = len(prof)
    fraud = np.zeros(n, dtype=bool)
    if regime == "uniform":
        fraud[rng.choice(n, n_fraud, replace=False)] = True
    elif regime == "size":
        p = fraud_probability(size_score(prof, volume), n_fraud / max(n, 1))
        fraud[rng.choice(n, n_fraud, replace=False, p=p / p.sum())] = True
    else:
        raise ValueError(f"unknown regime {regime!r}; expected one of {', '.join(REGIMES)}")
    return fraud
