"""The dashboard's histogram of the detection-to-notification delays counts the same cases
as the delay indicator, each in its band: notified 0, 30, 31, 200 and 400 days after the
detection in 2026 (0 and 30 in the first band); one notified before its detection (left
out, as the indicator leaves it out); one notified in 2025 (another year)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from tests.indicators.world import Rows
from vigie.services.delay_distribution import BANDS, delay_distribution
from vigie.services.indicators import build_report

NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)


def test_the_delay_histogram_counts_the_indicators_cases_in_their_bands(
    own_engine: Engine,
) -> None:
    rows, tag = Rows(), uuid.uuid4().hex[:8]
    notified = date(2026, 11, 30)
    for n, days in enumerate((0, 30, 31, 200, 400, -5)):
        detected = datetime.combine(notified - timedelta(days=days), datetime.min.time(), UTC)
        case = rows.case(f"delay-{tag}-{n}", detected + timedelta(hours=10))
        case.debt("debt-1", notified_on=notified, established_at=detected)
    other_year = rows.case(f"delay-{tag}-old", datetime(2025, 1, 10, 10, tzinfo=UTC))
    other_year.debt(
        "debt-1", notified_on=date(2025, 3, 1), established_at=datetime(2025, 1, 10, tzinfo=UTC)
    )
    rows.insert(own_engine)

    counts = dict(delay_distribution(own_engine, 2026))
    assert list(counts) == list(BANDS)
    assert counts == {
        (0, 30): 2,
        (31, 60): 1,
        (61, 90): 0,
        (91, 180): 0,
        (181, 365): 1,
        (366, None): 1,
    }
    indicator = build_report(own_engine, year=2026, now=NOW).get("delay_detection_notification")
    assert sum(counts.values()) == indicator.parts["cases"] == 5
