"""Times as people write them, and as they are shown: Europe/Paris.

One helper for every entry point (the command line, later the API): a plain date means the
end of that day in Paris, a time without an offset is Paris time, and everything is stored
in UTC. Shown back, a time is in Paris with its offset (``2026-12-22 23:59 +01:00``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator

PARIS = ZoneInfo("Europe/Paris")
END_OF_DAY = time(23, 59, 59)


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Paris, in UTC."""
    return datetime.combine(day, END_OF_DAY, tzinfo=PARIS).astimezone(UTC)


def to_utc(value: Any) -> Any:
    """A date, a naive or aware datetime, or their ISO text, as an aware UTC datetime.

    Anything else is returned unchanged for pydantic to refuse with its own message.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=PARIS)
        return value.astimezone(UTC)
    if isinstance(value, date):
        return end_of_day(value)
    return value


def show(moment: datetime, *, seconds: bool = False) -> str:
    """``moment`` in Paris time with its offset, e.g. ``2026-12-22 10:00 +01:00``."""
    local = moment.astimezone(PARIS)
    stamp = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    offset = local.strftime("%z")
    return f"{stamp} {offset[:3]}:{offset[3:]}"


#: a datetime field that accepts ``2026-12-22`` (end of that day in Paris),
#: ``2026-12-22T10:00`` (Paris time) or any ISO time with an offset; stored in UTC
LocalDateTime = Annotated[datetime, BeforeValidator(to_utc)]
