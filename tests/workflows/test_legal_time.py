"""Legal time: deadlines as French law counts them (CPC art. 640-642, Code du travail L3133-1,
Alsace-Moselle local law), on the pure module the workflows call."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from workflows.procedure import legal_time
from workflows.procedure.legal_time import (
    due_date,
    easter_sunday,
    end_of,
    french_public_holidays,
    is_on_time,
    is_working_day,
    public_holidays_named,
)

PARIS = ZoneInfo("Europe/Paris")


# --- the deadline rules, table-driven -------------------------------------------------------
# fmt: off
DEADLINES = [
    # (rule, start, amount, unit, alsace_moselle, unextended, due)
    (
        "1 month from 2026-04-14 ends on 2026-05-15: 2026-05-14 is Ascension Day",
        date(2026, 4, 14), 1, "months", False, date(2026, 5, 14), date(2026, 5, 15),
    ),
    (
        "15 days from 2026-12-10 ends on 2026-12-28: Christmas Day, then a weekend",
        date(2026, 12, 10), 15, "days", False, date(2026, 12, 25), date(2026, 12, 28),
    ),
    (
        "1 month from 2027-01-31 ends on 2027-02-28, a Sunday, then moves to Monday 2027-03-01",
        date(2027, 1, 31), 1, "months", False, date(2027, 2, 28), date(2027, 3, 1),
    ),
    (
        "a period in days does not count the day of the event",
        date(2026, 3, 2), 3, "days", False, date(2026, 3, 5), date(2026, 3, 5),
    ),
    (
        "a period in months ends on the day with the same number in the last month",
        date(2026, 1, 13), 2, "months", False, date(2026, 3, 13), date(2026, 3, 13),
    ),
    (
        "a period in months ends on the month's last day when it has no such day",
        date(2026, 3, 31), 1, "months", False, date(2026, 4, 30), date(2026, 4, 30),
    ),
    (
        "29 February has no same-numbered day a year later in months: 28 February",
        date(2028, 2, 29), 12, "months", False, date(2029, 2, 28), date(2029, 2, 28),
    ),
    (
        "a period in months crosses the year",
        date(2026, 11, 30), 2, "months", False, date(2027, 1, 30), date(2027, 2, 1),
    ),
    (
        "a deadline on a Saturday moves to Monday",
        date(2026, 6, 5), 1, "days", False, date(2026, 6, 6), date(2026, 6, 8),
    ),
    (
        "a deadline on Easter Monday moves to Tuesday",
        date(2026, 3, 6), 1, "months", False, date(2026, 4, 6), date(2026, 4, 7),
    ),
    (
        "a deadline on Whit Monday moves to Tuesday",
        date(2026, 5, 18), 7, "days", False, date(2026, 5, 25), date(2026, 5, 26),
    ),
    (
        "a deadline on 1 May (a Friday) moves past the weekend to Monday",
        date(2026, 4, 1), 1, "months", False, date(2026, 5, 1), date(2026, 5, 4),
    ),
    (
        "Good Friday is a working day outside Alsace-Moselle",
        date(2026, 3, 3), 1, "months", False, date(2026, 4, 3), date(2026, 4, 3),
    ),
    (
        "in Alsace-Moselle Good Friday is a holiday: the deadline moves past Easter to Tuesday",
        date(2026, 3, 3), 1, "months", True, date(2026, 4, 3), date(2026, 4, 7),
    ),
    (
        "26 December is a working day outside Alsace-Moselle",
        date(2025, 12, 11), 15, "days", False, date(2025, 12, 26), date(2025, 12, 26),
    ),
    (
        "in Alsace-Moselle 26 December is a holiday: the deadline moves to the 29th",
        date(2025, 12, 11), 15, "days", True, date(2025, 12, 26), date(2025, 12, 29),
    ),
    (
        "2 months to pay from a notification received on 2026-10-30 end on 2026-12-30",
        date(2026, 10, 30), 2, "months", False, date(2026, 12, 30), date(2026, 12, 30),
    ),
]
# fmt: on


@pytest.mark.parametrize(
    ("start", "amount", "unit", "alsace_moselle", "unextended", "due"),
    [pytest.param(*row[1:], id=row[0]) for row in DEADLINES],
)
def test_deadline_rules(
    start: date, amount: int, unit: str, alsace_moselle: bool, unextended: date, due: date
) -> None:
    result = due_date(start, amount, unit, alsace_moselle=alsace_moselle)
    assert (result.unextended, result.due) == (unextended, due)
    assert result.extended is (due != unextended)


def test_1_month_from_2026_04_14_explains_ascension_day_and_the_next_working_day() -> None:
    result = due_date(date(2026, 4, 14), 1, "months")
    assert result.summary == (
        "1 month from 2026-04-14 → 2026-05-14 (Ascension Day) → next working day 2026-05-15"
    )
    assert any("CPC art. 641" in r and "2026-05-14" in r for r in result.rules)
    assert any("Ascension Day" in r and "CPC art. 642" in r for r in result.rules)


def test_15_days_from_2026_12_10_explains_each_day_skipped() -> None:
    result = due_date(date(2026, 12, 10), 15, "days")
    assert result.summary == (
        "15 days from 2026-12-10 → 2026-12-25 (Christmas Day) → next working day 2026-12-28"
    )
    assert any("day 1 is 2026-12-11, day 15 is 2026-12-25" in r for r in result.rules)
    assert any(
        "2026-12-25 is Christmas Day, 2026-12-26 is a Saturday, 2026-12-27 is a Sunday" in r
        for r in result.rules
    )


def test_1_month_from_2027_01_31_explains_the_last_day_of_february_then_the_sunday() -> None:
    result = due_date(date(2027, 1, 31), 1, "months")
    assert result.summary == (
        "1 month from 2027-01-31 → 2027-02-28 (last day of the month; Sunday) "
        "→ next working day 2027-03-01"
    )
    assert any("has no day 31" in r for r in result.rules)


def test_a_deadline_on_a_working_day_says_it_stays_there() -> None:
    result = due_date(date(2026, 3, 2), 3, "days")
    assert result.summary == "3 days from 2026-03-02 → 2026-03-05"
    assert any("2026-03-05 is a working day" in r for r in result.rules)


@pytest.mark.parametrize(
    ("amount", "unit"), [(0, "days"), (-1, "months"), (1, "weeks"), (1, "EUR")]
)
def test_a_period_must_be_a_positive_number_of_days_or_months(amount: int, unit: str) -> None:
    with pytest.raises(ValueError, match=r"^(amount|unit) "):
        due_date(date(2026, 1, 1), amount, unit)


# --- the timer instant: the end of the last day in Paris ------------------------------------
def test_an_act_at_23_00_paris_time_on_the_last_day_is_on_time() -> None:
    due = due_date(date(2026, 4, 14), 1, "months").due  # 2026-05-15
    act = datetime(2026, 5, 15, 23, 0, tzinfo=PARIS)
    assert act.astimezone(UTC) == datetime(2026, 5, 15, 21, 0, tzinfo=UTC)
    assert is_on_time(act, due)
    assert is_on_time(act.astimezone(UTC), due)
    assert act < end_of(due)


def test_an_act_at_00_00_paris_time_the_next_day_is_late() -> None:
    due = date(2026, 5, 15)
    assert not is_on_time(datetime(2026, 5, 16, 0, 0, tzinfo=PARIS), due)
    assert not is_on_time(end_of(due), due)
    assert is_on_time(end_of(due) - timedelta(microseconds=1), due)


def test_an_act_dated_by_day_is_on_time_up_to_the_due_day() -> None:
    due = date(2026, 5, 15)
    assert is_on_time(date(2026, 5, 15), due)
    assert not is_on_time(date(2026, 5, 16), due)


def test_a_naive_time_is_paris_time() -> None:
    assert is_on_time(datetime(2026, 5, 15, 23, 30), date(2026, 5, 15))


@pytest.mark.parametrize(
    ("day", "instant"),
    [
        pytest.param(date(2026, 1, 15), datetime(2026, 1, 15, 23, 0, tzinfo=UTC), id="winter"),
        pytest.param(date(2026, 7, 15), datetime(2026, 7, 15, 22, 0, tzinfo=UTC), id="summer"),
        pytest.param(
            date(2026, 3, 28), datetime(2026, 3, 28, 23, 0, tzinfo=UTC), id="eve-of-summer-time"
        ),
        pytest.param(
            date(2026, 3, 29), datetime(2026, 3, 29, 22, 0, tzinfo=UTC), id="summer-time-day"
        ),
        pytest.param(
            date(2026, 10, 25), datetime(2026, 10, 25, 23, 0, tzinfo=UTC), id="winter-time-day"
        ),
        pytest.param(
            date(2026, 12, 31), datetime(2026, 12, 31, 23, 0, tzinfo=UTC), id="new-year's-eve"
        ),
    ],
)
def test_the_timer_fires_at_00_00_paris_time_after_the_last_day_in_utc(
    day: date, instant: datetime
) -> None:
    fired = end_of(day)
    assert fired == instant and fired.tzinfo is UTC
    assert fired.astimezone(PARIS).time().isoformat() == "00:00:00"
    assert fired.astimezone(PARIS).date() == day + timedelta(days=1)


# --- public holidays ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2030, date(2030, 4, 21)),
        (2038, date(2038, 4, 25)),  # the latest possible date
        (2285, date(2285, 3, 22)),  # the earliest possible date
    ],
)
def test_easter_sunday_is_computed(year: int, sunday: date) -> None:
    assert easter_sunday(year) == sunday


def test_easter_sunday_agrees_with_dateutil_over_five_centuries() -> None:
    assert all(easter_sunday(y) == easter(y) for y in range(1700, 2200))


def test_the_computus_refuses_years_before_the_gregorian_calendar() -> None:
    with pytest.raises(ValueError, match="1583"):
        easter_sunday(1500)


def test_the_2026_public_holidays_are_the_eleven_of_the_code_du_travail() -> None:
    assert public_holidays_named(2026) == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 4, 6): "Easter Monday",
        date(2026, 5, 1): "Labour Day",
        date(2026, 5, 8): "Victory in Europe Day",
        date(2026, 5, 14): "Ascension Day",
        date(2026, 5, 25): "Whit Monday",
        date(2026, 7, 14): "National Day",
        date(2026, 8, 15): "Assumption Day",
        date(2026, 11, 1): "All Saints' Day",
        date(2026, 11, 11): "Armistice Day",
        date(2026, 12, 25): "Christmas Day",
    }


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2030])
def test_the_easter_holidays_follow_easter_sunday(year: int) -> None:
    sunday = easter_sunday(year)
    holidays = french_public_holidays(year)
    assert {sunday + timedelta(days=n) for n in (1, 39, 50)} <= holidays
    assert sunday - timedelta(days=2) not in holidays  # Good Friday
    assert len(holidays) == 11


@pytest.mark.parametrize(
    ("year", "good_friday"),
    [(2024, date(2024, 3, 29)), (2026, date(2026, 4, 3)), (2027, date(2027, 3, 26))],
)
def test_alsace_moselle_adds_good_friday_and_26_december(year: int, good_friday: date) -> None:
    extra = french_public_holidays(year, alsace_moselle=True) - french_public_holidays(year)
    assert extra == {good_friday, date(year, 12, 26)}
    assert not is_working_day(good_friday, alsace_moselle=True)
    assert is_working_day(good_friday) is (good_friday.weekday() < 5)


def test_2026_ascension_day_is_14_may() -> None:
    assert public_holidays_named(2026)[date(2026, 5, 14)] == "Ascension Day"


# --- properties -----------------------------------------------------------------------------
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    amount=st.integers(min_value=1, max_value=400),
    unit=st.sampled_from(["days", "months"]),
    alsace_moselle=st.booleans(),
)
def test_the_due_date_is_a_working_day_never_before_the_period_and_at_most_4_days_after(
    start: date, amount: int, unit: str, alsace_moselle: bool
) -> None:
    result = due_date(start, amount, unit, alsace_moselle=alsace_moselle)
    assert result.due.weekday() < 5
    assert result.due not in french_public_holidays(result.due.year, alsace_moselle)
    # the longest run of non-working days: Good Friday (Alsace-Moselle) to Easter Monday
    assert result.unextended <= result.due <= result.unextended + timedelta(days=4)
    assert result.unextended > start
    if unit == "days":
        assert result.unextended == start + timedelta(days=amount)
    else:
        months = (result.unextended.year - start.year) * 12 + result.unextended.month
        assert months - start.month == amount
        last = result.unextended.day < start.day
        next_day = result.unextended + timedelta(days=1)
        assert result.unextended.day == start.day or (last and next_day.day == 1)
    assert result.summary.startswith(f"{amount} {unit.removesuffix('s')}")


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 30)),
    seconds=st.integers(min_value=0, max_value=2 * 86_400),
)
def test_an_instant_is_on_time_exactly_when_it_comes_before_the_timer(
    day: date, seconds: int
) -> None:
    moment = datetime.combine(day, datetime.min.time(), tzinfo=PARIS).astimezone(UTC)
    moment += timedelta(seconds=seconds)
    assert is_on_time(moment, day) is (moment < end_of(day))


# --- purity ---------------------------------------------------------------------------------
def test_the_module_imports_nothing_but_the_standard_date_modules() -> None:
    tree = ast.parse(Path(legal_time.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "dataclasses", "datetime", "zoneinfo"}
