"""The case's timeline, written as sentences ("il y a 3 jours, Paul Martin a enregistré un
grief : ...") from the audit log, newest first, filtered by kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_timedelta

from models.case_state import TimelineEntry
from vigie.web.i18n import LOCALES
from vigie.web.labels import Labels, kind_of

SYSTEM = "system"


@dataclass(frozen=True)
class Sentence:
    seq: int
    at: datetime
    ago: str
    kind: str
    who: str
    did: str
    detail: str


def sentences(
    timeline: list[TimelineEntry],
    names: dict[str, str],
    labels: Labels,
    system_name: str,
    kind: str | None = None,
    now: datetime | None = None,
) -> list[Sentence]:
    now = now or datetime.now(UTC)
    out = []
    for e in reversed(timeline):
        k = kind_of(e.action)
        if kind and k != kind:
            continue
        ago = format_timedelta(
            e.at - now, add_direction=True, threshold=1.5, locale=LOCALES[labels.lang]
        )
        who = system_name if e.actor == SYSTEM else names.get(e.actor, e.actor)
        out.append(Sentence(e.seq, e.at, ago, k, who, labels.did(e.action), e.summary))
    return out
