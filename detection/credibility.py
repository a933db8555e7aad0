"""Credibility: how much a provider's own figures are believed, and which features can
speak at all in a run.

A mean or a share measured on few claims is mostly noise: two claims for one expensive act
make an extreme "price per act". Every feature is therefore shrunk towards its peer median
with a pseudo-count in claims (empirical-Bayes credibility): with ``n`` claims and a
pseudo-count ``k``, the value used is ``(n * own + k * peer median) / (n + k)``. One odd
claim out of 30 is not read like 30 out of 900.

A feature that is constant in a run (e.g. no distances in the file) or an exact duplicate
of another carries no information, and a duplicate would count the same evidence twice:
both are left out of the score and reported.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


def shrink_towards(
    values: pd.DataFrame, prior: np.ndarray, n_claims: np.ndarray, pseudo_count: float
) -> pd.DataFrame:
    """Each value moved towards its row's prior by ``pseudo_count / (n + pseudo_count)``;
    a missing value stays missing (the feature does not apply to that provider)."""
    if not pseudo_count:
        return values
    raw = values.to_numpy(dtype="float64")
    n = np.asarray(n_claims, dtype="float64")[:, None]
    shrunk = (raw * n + pseudo_count * np.nan_to_num(prior)) / (n + pseudo_count)
    return pd.DataFrame(
        np.where(np.isnan(raw), raw, shrunk), index=values.index, columns=values.columns
    )


def screen_features(values: pd.DataFrame) -> dict[str, str]:
    """Features to leave out of the score, each with its reason: constant over the run
    (or absent everywhere), or identical to an earlier feature."""
    excluded: dict[str, str] = {}
    kept: dict[bytes, str] = {}
    for name in values.columns:
        column = values[name].to_numpy(dtype="float64")
        present = column[~np.isnan(column)]
        if len(present) == 0:
            excluded[str(name)] = "absent from every provider"
            continue
        if np.all(present == present[0]):
            excluded[str(name)] = f"constant ({present[0]:g} for every provider)"
            continue
        key = np.nan_to_num(column, nan=np.inf).tobytes()
        if key in kept:
            excluded[str(name)] = f"duplicate of {kept[key]}"
            continue
        kept[key] = str(name)
    for name, reason in excluded.items():
        logger.info("feature %s left out of the score: %s", name, reason)
    return excluded
