"""Times as people write them: a date is the end of that day in Paris, a naive time is Paris
time, and everything is stored in UTC and shown back in Paris with its offset."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from models.local_time import PARIS, show, to_utc


def test_a_plain_winter_date_means_the_end_of_that_day_in_paris() -> None:
    assert to_utc("2026-12-22") == datetime(2026, 12, 22, 22, 59, 59, tzinfo=UTC)


def test_a_plain_summer_date_means_the_end_of_that_day_in_paris() -> None:
    assert to_utc(date(2026, 7, 1)) == datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC)


def test_a_time_without_offset_is_paris_time() -> None:
    assert to_utc("2026-12-22T10:00") == datetime(2026, 12, 22, 9, 0, tzinfo=UTC)


def test_a_time_with_an_offset_keeps_its_instant() -> None:
    assert to_utc("2026-12-22T10:00+00:00") == datetime(2026, 12, 22, 10, 0, tzinfo=UTC)


def test_times_are_shown_in_paris_with_the_offset() -> None:
    assert show(datetime(2026, 12, 22, 9, 0, tzinfo=UTC)) == "2026-12-22 10:00 +01:00"
    assert show(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == "2026-07-01 11:00 +02:00"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_a_plain_date_always_falls_on_that_same_day_in_paris(day: date) -> None:
    moment = to_utc(day)
    assert moment.tzinfo is UTC
    assert moment.astimezone(PARIS).date() == day
