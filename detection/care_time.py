"""Per-act facts from the catalogue (care minutes, expensive acts), robust to how real
billing spells act codes and professions.

Lookup order for the minutes: the catalogue for the (profession, code) as spelled, then the
same code normalised (upper case, no spaces: "ami 4" -> "AMI4"), then NGAP coefficient
parsing for the nursing keys ("AMI4.5" -> 4.5 x 7.5 min, AIS per 10 min), else 0 (the act
adds no care time). The expensive flag is the catalogue's, for the normalised code; unknown
codes have none (NA).

Everything is computed once per distinct (profession, act code) pair — a claims file has a
few dozen — into a small lookup table (`act_lookup`) that DuckDB joins to the claims
(`detection.claims_db`); `care_minutes` / `known_expensive` do the same join on a frame.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from detection.catalog import expensive_codes, standard_minutes
from detection.professions import canonical_profession

#: minutes per coefficient unit of the NGAP nursing keys (AMI4 = 30 min, AIS3 = 30 min)
PER_UNIT_MINUTES = {"AMI": 7.5, "AMX": 7.5, "AIS": 10.0}
MIN_ACT_MINUTES = 10.0
_CODED = re.compile(r"^([A-Z]{2,4})(\d+(?:\.\d+)?)$")
#: columns of `act_lookup`: the pair as written, then what the catalogue says about it
LOOKUP_COLUMNS = ("src_profession", "act_code", "profession", "minutes", "expensive")


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


def act_expensive(profession: str, code: str) -> bool | None:
    """The catalogue's "expensive act" flag; None for a code outside the catalogue."""
    return expensive_codes().get((str(profession).strip().lower(), normalise_code(code)))


def act_lookup(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (profession, act_code) of ``pairs`` as written: the canonical
    profession, the standard minutes of one act and the expensive flag (NA if unknown)."""
    distinct = pairs[["profession", "act_code"]].astype(str).drop_duplicates()
    rows = []
    for written, code in zip(distinct["profession"], distinct["act_code"], strict=True):
        profession = canonical_profession(written)
        rows.append(
            (
                written,
                code,
                profession,
                act_minutes(profession, code),
                act_expensive(profession, code),
            )
        )
    out = pd.DataFrame(rows, columns=list(LOOKUP_COLUMNS))
    out["minutes"] = out["minutes"].astype("float64")
    out["expensive"] = out["expensive"].astype("boolean")
    return out


def _looked_up(claims: pd.DataFrame) -> pd.DataFrame:
    pairs = claims[["profession", "act_code"]].astype(str)
    lookup = act_lookup(pairs).rename(columns={"profession": "_canonical"})
    merged = pairs.rename(columns={"profession": "src_profession"}).merge(
        lookup, on=["src_profession", "act_code"], how="left", sort=False
    )
    merged.index = claims.index
    return merged


def care_minutes(claims: pd.DataFrame) -> np.ndarray:
    """Care minutes of each line: act minutes x quantity (one lookup per distinct pair)."""
    per_act = _looked_up(claims)["minutes"].to_numpy(dtype=float)
    return per_act * claims["quantity"].to_numpy(dtype=float)


def known_expensive(claims: pd.DataFrame) -> pd.Series:
    """The catalogue's "expensive act" flag for known codes; missing (NA) for unknown ones,
    which are then compared with their profession's price distribution."""
    return _looked_up(claims)["expensive"].astype("boolean")
