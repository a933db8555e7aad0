"""Legal time: deadlines counted as French law counts them, on calendar dates in Europe/Paris.

Pure and deterministic (no clock, no I/O, no third-party calendar), so workflows may call it.

The rules and their sources (see docs/legal-time.md):

- Code de procédure civile, art. 640: a period runs from the date of the act, event,
  decision or notification that starts it (for a letter, the day it is received).
- CPC art. 641: a period in **days** does not count the day of that event; a period in
  **months** ends on the day of the last month with the same number as the starting day, or
  on that month's last day when it has no such day.
- CPC art. 642: every period ends on its last day at midnight (24:00); a period that would
  end on a Saturday, a Sunday or a public holiday is extended to the next working day.
- Code civil, art. 2228-2229 (prescription): counted in days, not hours, and acquired when the
  last day of the term has passed, the same "end of the last day" rule.
- Public holidays: Code du travail, art. L3133-1 (New Year's Day, Easter Monday, 1 May, 8 May,
  Ascension Day, Whit Monday, 14 July, 15 August, 1 November, 11 November, Christmas Day).
  Easter Sunday is computed (Gregorian computus); the movable holidays follow from it.
- Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle), local law kept by Code du travail,
  art. L3134-13: Good Friday and 26 December are public holidays too. This is an option.

A deadline is a *date*. Its timer fires at :func:`end_of` the due day: the first instant of
the next day in Paris (00:00), expressed in UTC, so an act done on the due day at any time,
23:59 included, is on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

#: the units a legal period can be expressed in (those of the policy records)
DURATION_UNITS = ("days", "months")

#: Easter Sunday + offset in days -> name (Code du travail L3133-1)
EASTER_HOLIDAYS = {1: "Easter Monday", 39: "Ascension Day", 50: "Whit Monday"}

#: (month, day) -> name (Code du travail L3133-1)
FIXED_HOLIDAYS = {
    (1, 1): "New Year's Day",
    (5, 1): "Labour Day",
    (5, 8): "Victory in Europe Day",
    (7, 14): "National Day",
    (8, 15): "Assumption Day",
    (11, 1): "All Saints' Day",
    (11, 11): "Armistice Day",
    (12, 25): "Christmas Day",
}

#: Alsace-Moselle local law (Code du travail L3134-13)
ALSACE_MOSELLE_EASTER = {-2: "Good Friday (Alsace-Moselle)"}
ALSACE_MOSELLE_FIXED = {(12, 26): "St Stephen's Day (Alsace-Moselle)"}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- the calendar ---------------------------------------------------------------------------
def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar (anonymous Gregorian computus,
    Meeus/Jones/Butcher), valid for any year from 1583."""
    if year < 1583:
        raise ValueError(f"year {year}: the Gregorian computus applies from 1583")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays_named(year: int, alsace_moselle: bool = False) -> dict[date, str]:
    """The French public holidays of ``year``, each with its name (in English).

    The list is today's (L3133-1); it is applied to every year, past ones included."""
    easter = easter_sunday(year)
    fixed = dict(FIXED_HOLIDAYS)
    movable = dict(EASTER_HOLIDAYS)
    if alsace_moselle:
        fixed |= ALSACE_MOSELLE_FIXED
        movable |= ALSACE_MOSELLE_EASTER
    named = {date(year, month, day): name for (month, day), name in fixed.items()}
    named |= {easter + timedelta(days=offset): name for offset, name in movable.items()}
    return dict(sorted(named.items()))


def french_public_holidays(year: int, alsace_moselle: bool = False) -> set[date]:
    """The French public holidays of ``year`` (Alsace-Moselle adds Good Friday and 26 Dec.)."""
    return set(public_holidays_named(year, alsace_moselle))


def non_working_reason(day: date, alsace_moselle: bool = False) -> str | None:
    """Why ``day`` is not a working day ("Ascension Day", "Sunday"), or None if it is one."""
    holiday = public_holidays_named(day.year, alsace_moselle).get(day)
    if holiday is not None:
        return holiday
    if day.weekday() >= 5:
        return WEEKDAYS[day.weekday()]
    return None


def is_working_day(day: date, alsace_moselle: bool = False) -> bool:
    """Neither a Saturday, a Sunday nor a public holiday (CPC art. 642)."""
    return non_working_reason(day, alsace_moselle) is None


def next_working_day(day: date, alsace_moselle: bool = False) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, alsace_moselle):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The day with the same number ``months`` later, or that month's last day (CPC 641)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


# --- deadlines ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LegalDue:
    """A legal deadline: the day it ends, how it was reached, and why."""

    start: date
    amount: int
    unit: str
    alsace_moselle: bool
    #: the last day of the period before any extension (CPC art. 641)
    unextended: date
    #: the last day to act, after moving off a weekend or a holiday (CPC art. 642)
    due: date
    #: one sentence per rule applied, citing it
    rules: tuple[str, ...]
    #: one line, e.g. "1 month from 2026-04-14 → 2026-05-14 (Ascension Day) → next working
    #: day 2026-05-15"
    summary: str

    @property
    def extended(self) -> bool:
        return self.due != self.unextended


def period_text(amount: int, unit: str) -> str:
    """``1 month``, ``2 months``, ``1 day``, ``15 days``."""
    return f"{amount} {unit.removesuffix('s') if amount == 1 else unit}"


def due_date(start: date, amount: int, unit: str, alsace_moselle: bool = False) -> LegalDue:
    """The last day of a period of ``amount`` ``unit`` ("days" or "months") that starts on
    ``start`` (the day of the event: a receipt, a notification, a decision)."""
    if unit not in DURATION_UNITS:
        raise ValueError(f"unit {unit!r}: a legal period is in {' or '.join(DURATION_UNITS)}")
    if amount < 1:
        raise ValueError(f"amount {amount}: a legal period is at least 1 {unit[:-1]}")
    period = period_text(amount, unit)
    rules: list[str] = [
        f"the period runs from the event that starts it, on {start} (CPC art. 640)",
    ]
    notes: list[str] = []
    if unit == "days":
        unextended = start + timedelta(days=amount)
        rules.append(
            f"a period in days does not count the day of the event: day 1 is "
            f"{start + timedelta(days=1)}, day {amount} is {unextended} (CPC art. 641)"
        )
    else:
        unextended = add_months(start, amount)
        if unextended.day == start.day:
            rules.append(
                f"a period in months ends on the day with the same number in the last month: "
                f"{unextended} (CPC art. 641)"
            )
        else:
            rules.append(
                f"a period in months ends on the day with the same number in the last month, "
                f"or on its last day when it has no day {start.day}: {unextended} "
                f"(CPC art. 641)"
            )
            notes.append("last day of the month")
    due = next_working_day(unextended, alsace_moselle)
    steps = [f"{period} from {start}"]
    if due != unextended:
        skipped = []
        day = unextended
        while day < due:
            skipped.append(f"{day} is {_a(non_working_reason(day, alsace_moselle) or '')}")
            day += timedelta(days=1)
        rules.append(
            f"{', '.join(skipped)}: the deadline moves to the next working day, {due} "
            f"(CPC art. 642)"
        )
        notes.append(non_working_reason(unextended, alsace_moselle) or "")
        steps += [f"{unextended} ({'; '.join(notes)})", f"next working day {due}"]
    else:
        rules.append(f"{due} is a working day: the deadline stays there (CPC art. 642)")
        steps.append(f"{due} ({'; '.join(notes)})" if notes else f"{due}")
    rules.append(
        f"the deadline ends at the end of {due}, 24:00 Paris time (CPC art. 642): "
        f"an act on that day is on time"
    )
    return LegalDue(
        start=start,
        amount=amount,
        unit=unit,
        alsace_moselle=alsace_moselle,
        unextended=unextended,
        due=due,
        rules=tuple(rules),
        summary=" → ".join(steps),
    )


def _a(reason: str) -> str:
    """``a Sunday``, but ``Ascension Day`` (a holiday's name stands alone)."""
    return f"a {reason}" if reason in WEEKDAYS else reason


# --- instants -------------------------------------------------------------------------------
def end_of(day: date) -> datetime:
    """The instant ``day`` ends in Paris, in UTC: 00:00 Paris time on the next day.

    A deadline's timer fires at this instant, after the last day has fully passed; an act at
    any time of the due day, 23:59:59.999 included, comes before it. The instant is
    exclusive: on time means strictly before it (see :func:`is_on_time`). Midnight exists
    in Paris every day (the clocks change at 02:00 and 03:00), so this is always defined."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS).astimezone(UTC)


def paris_day(moment: datetime) -> date:
    """The calendar day in Paris of an instant (a naive datetime is taken as Paris time)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(PARIS).date()


def is_on_time(event: date | datetime, due: date) -> bool:
    """Whether an act done on day ``event`` (or at instant ``event``, a naive one being Paris
    time) meets a deadline whose last day is ``due``."""
    day = paris_day(event) if isinstance(event, datetime) else event
    return day <= due


__all__ = [
    "DURATION_UNITS",
    "PARIS",
    "WEEKDAYS",
    "LegalDue",
    "add_months",
    "due_date",
    "easter_sunday",
    "end_of",
    "french_public_holidays",
    "is_on_time",
    "is_working_day",
    "next_working_day",
    "non_working_reason",
    "paris_day",
    "period_text",
    "public_holidays_named",
]
