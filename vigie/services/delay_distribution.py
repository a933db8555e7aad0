"""How the delays from detection to the notification of the undue amount are spread: the
cases notified in a year counted by delay band, for the dashboard's histogram. Same facts as
the indicator (``vigie.services.indicators.delays``): the first overpayment notification of
each case, from the day it was detected; a notification dated before the detection is left
out."""

from __future__ import annotations

from sqlalchemy import Engine, text

from vigie.services.indicators.sql import DETECTED, statement

#: (first day, last day or None) of each band
BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 365),
    (366, None),
)

_SQL = statement(
    """
    SELECT x.days
    FROM (
        SELECT n.notified_on - det.day AS days
        FROM (
            SELECT case_id, min(notified_on) AS notified_on
            FROM debt
            WHERE kind = 'overpayment' AND notified_on IS NOT NULL
            GROUP BY case_id
        ) n
        JOIN detected det ON det.case_id = n.case_id
        WHERE n.notified_on >= make_date(:year, 1, 1)
          AND n.notified_on < make_date(:year + 1, 1, 1)
    ) x
    WHERE x.days >= 0
    """,
    DETECTED,
)


def band_of(days: int) -> int:
    return next(
        i for i, (low, high) in enumerate(BANDS) if days >= low and (high is None or days <= high)
    )


def delay_distribution(engine: Engine, year: int) -> list[tuple[tuple[int, int | None], int]]:
    """Each band with the number of cases whose delay falls in it."""
    counts = [0] * len(BANDS)
    with engine.connect() as conn:
        for (days,) in conn.execute(text(_SQL), {"year": year}):
            counts[band_of(int(days))] += 1
    return list(zip(BANDS, counts, strict=True))
