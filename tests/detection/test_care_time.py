"""Care time per act survives the spellings of real billing data."""

from __future__ import annotations

import pandas as pd
import pytest

from detection.care_time import (
    LOOKUP_COLUMNS,
    act_lookup,
    act_minutes,
    care_minutes,
    known_expensive,
)


@pytest.mark.parametrize(
    ("profession", "code", "minutes"),
    [
        ("nurse", "AMI4", 30.0),  # catalogue
        ("nurse", "ami 4", 30.0),  # normalised spelling
        ("Nurse ", "AIS3", 30.0),  # profession spelled loosely
        ("nurse", "AMI5.5", 41.25),  # NGAP coefficient: 5.5 x 7.5 min
        ("nurse", "AMX1", 10.0),  # at least 10 minutes an act
        ("nurse", "XYZ", 0.0),  # unknown: no care time claimed
    ],
)
def test_act_minutes_come_from_the_catalogue_then_the_ngap_coefficient(
    profession: str, code: str, minutes: float
) -> None:
    assert act_minutes(profession, code) == minutes


def test_care_minutes_multiply_by_quantity_and_expensive_flags_are_known_or_missing() -> None:
    claims = pd.DataFrame(
        {
            "profession": ["nurse", "nurse", "gp"],
            "act_code": ["AMI 4", "BSC", "ZZZ"],
            "quantity": [2, 1, 1],
        }
    )
    assert care_minutes(claims).tolist() == [60.0, 60.0, 0.0]
    flags = known_expensive(claims)
    assert bool(flags.iloc[0]) is True and bool(flags.iloc[1]) is True
    assert pd.isna(flags.iloc[2])


def test_the_lookup_has_one_row_per_distinct_act_as_written_with_its_catalogue_facts() -> None:
    pairs = pd.DataFrame(
        {
            "profession": ["nurse", "nurse", "Infirmière", "gp", "nurse"],
            "act_code": ["AMI4", "AMI4", "BSC", "ZZZ", "AMI5.5"],
        }
    )
    lookup = act_lookup(pairs)
    assert list(lookup.columns) == list(LOOKUP_COLUMNS)
    rows = [tuple(r) for r in lookup.astype(object).itertuples(index=False)]
    assert rows == [
        ("nurse", "AMI4", "nurse", 30.0, True),
        ("Infirmière", "BSC", "nurse", 60.0, True),
        ("gp", "ZZZ", "gp", 0.0, pd.NA),
        ("nurse", "AMI5.5", "nurse", 41.25, pd.NA),
    ]
