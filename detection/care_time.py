"""Per-line act facts from the catalogue (care minutes, expensive acts), robust to how real
billing spells act codes.

Lookup order: the catalogue for the (profession, code) as spelled, then the same code
normalised (upper case, no spaces: "ami 4" -> "AMI4"), then NGAP coefficient parsing for the
nursing keys ("AMI4.5" -> 4.5 x 7.5 min, AIS per 10 min), else 0 (the act adds no care time).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from detection.catalog import expensive_codes, standard_minutes

#: minutes per coefficient unit of the NGAP nursing keys (AMI4 = 30 min, AIS3 = 30 min)
PER_UNIT_MINUTES = {"AMI": 7.5, "AMX": 7.5, "AIS": 10.0}
MIN_ACT_MINUTES = 10.0
_CODED = re.compile(r"^([A-Z]{2,4})(\d+(?:\.\d+)?)$")


def normalise_code(code: str) -> str:
    return str(code).upper().replace(" ", "").replace(",", ".")


@cache
def act_minutes(profession: str, code: str) -> float:
    known = standard_minutes()
    prof = str(profession).strip().lower()
    for candidate in (str(code), normalise_code(code)):
        if (prof, candidate) in known:
            return float(known[(prof, candidate)])
    match = _CODED.match(normalise_code(code))
    if match and match.group(1) in PER_UNIT_MINUTES:
        return max(MIN_ACT_MINUTES, PER_UNIT_MINUTES[match.group(1)] * float(match.group(2)))
    return 0.0


def care_minutes(claims: pd.DataFrame) -> np.ndarray:
    """Care minutes of each line: act minutes x quantity (vectorised over distinct codes)."""
    pairs = claims[["profession", "act_code"]].astype(str)
    distinct = pairs.drop_duplicates()
    lookup = {
        (p, c): act_minutes(p, c)
        for p, c in zip(distinct["profession"], distinct["act_code"], strict=True)
    }
    per_act = np.fromiter(
        (lookup[(p, c)] for p, c in zip(pairs["profession"], pairs["act_code"], strict=True)),
        dtype=float,
        count=len(pairs),
    )
    return per_act * claims["quantity"].to_numpy(dtype=float)


def known_expensive(claims: pd.DataFrame) -> pd.Series:
    """The catalogue's "expensive act" flag for known codes; missing (NA) for unknown ones,
    which are then compared with their profession's price distribution."""
    flags = expensive_codes()
    pairs = claims[["profession", "act_code"]].astype(str)
    keys = zip(
        pairs["profession"].str.strip().str.lower(),
        pairs["act_code"].map(normalise_code),
        strict=True,
    )
    return pd.Series([flags.get(k) for k in keys], index=claims.index, dtype="boolean")
