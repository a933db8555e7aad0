"""Peer groups: profession x region, falling back to the whole profession when the group is
smaller than `min_group_size`. A profession is never compared with other professions, even
when it is small: a laboratory is no nurse. Also the groups' statistics, computed for every
group at once (median, MAD, quartiles, 90th percentile)."""

from __future__ import annotations

import numpy as np
import pandas as pd

ALL_PEERS = "*"


def fine_key(frame: pd.DataFrame) -> pd.Series:
    return frame["profession"].astype(str) + "|" + frame["region"].astype(str)


def assign_groups(frame: pd.DataFrame, known: set[str]) -> pd.Series:
    """Peer-group key of each row, given the set of groups that are large enough."""
    fine = fine_key(frame)
    coarse = frame["profession"].astype(str)
    return fine.where(fine.isin(known), coarse)


def large_enough_groups(frame: pd.DataFrame, min_group_size: int) -> set[str]:
    fine = fine_key(frame).value_counts()
    coarse = frame["profession"].astype(str).value_counts()
    return set(fine[fine >= min_group_size].index) | set(coarse.index)


def group_keys(X: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's fine (profession|region) and coarse (profession) peer-group key."""
    coarse = X["profession"].astype(str)
    return coarse + "|" + X["region"].astype(str), coarse


def member_positions(X: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of every fine and coarse group's members (a coarse group holds the
    whole profession, its fine groups included)."""
    fine, coarse = group_keys(X)
    positions = {str(k): v for k, v in fine.groupby(fine.to_numpy()).indices.items()}
    positions.update({str(k): v for k, v in coarse.groupby(coarse.to_numpy()).indices.items()})
    return positions


def group_stats(
    X: pd.DataFrame, values: pd.DataFrame, groups: set[str], only_median: bool = False
) -> dict[str, pd.DataFrame]:
    """Per peer group in ``groups``: median, and (unless ``only_median``) median absolute
    deviation and the 25th, 75th and 90th percentiles of each column, grouped at once."""
    fine, coarse = group_keys(X)
    out: dict[str, list[pd.DataFrame]] = {}
    for keys in (fine, coarse):
        by = values.groupby(keys.to_numpy())
        median = by.median()
        out.setdefault("median", []).append(median)
        if only_median:
            continue
        deviation = (values - median.loc[keys.to_numpy()].to_numpy()).abs()
        out.setdefault("mad", []).append(deviation.groupby(keys.to_numpy()).median())
        for q in (25, 75, 90):
            out.setdefault(f"q{q}", []).append(by.quantile(q / 100))
    wanted = sorted(groups)
    return {
        name: pd.concat(frames)[~pd.concat(frames).index.duplicated()].reindex(wanted)
        for name, frames in out.items()
    }
