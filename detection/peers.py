"""Peer groups: profession x region, falling back to the whole profession when the group is
smaller than `min_group_size`. A profession is never compared with other professions, even
when it is small: a laboratory is no nurse."""

from __future__ import annotations

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
