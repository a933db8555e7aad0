"""What the dashboard ("Pilotage") shows, as tables (each exportable as CSV) and the charts
drawn from them: indicators 47-50 against their targets; the recovery rates month by month
(cohort and flow); harm suffered and avoided by month and by actor type or profession; the
pipeline by stage; how the detection-to-notification delays are spread; the money at risk.
From the latest indicator snapshot of the year (or computed now)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.labels import Lang, label
from vigie.services.indicators.model import Indicator, Row
from vigie.services.indicators.snapshot import dashboard_report
from vigie.web.panels import (
    Page,
    delay_panel,
    group_panel,
    month_panels,
    risk_panel,
    stage_panel,
)
from vigie.web.tables import Table, V

MAIN = ("47", "48", "49", "50")
UNIT_KIND = {"ratio": "percent", "EUR": "money", "days": "days", "count": "number"}


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _indicator_row(
    ind: Indicator, row: Row | None, lang: Lang, grouped: bool, _: Callable[[str], str]
) -> list[V]:
    """An indicator against its target; for one region or profession (``row``), a rate is
    set against the national target, an amount against none (the target is national)."""
    kind = UNIT_KIND.get(ind.unit, "number")
    t = ind.target
    value = ind.value if row is None else row.value
    target = t.value if t and (not grouped or ind.unit == "ratio") else None
    gap = (Decimal(value) - Decimal(target)) if value is not None and target is not None else None
    on_track = t.on_track if t and not grouped else None
    if grouped and gap is not None and t is not None:
        on_track = gap >= 0 if t.direction == "at_least" else gap <= 0
    name = label(ind.key, lang)
    return [
        V(ind.id),
        V(name),
        V(value, kind),
        V(target, kind),
        V(gap, kind),
        V(None if on_track is None else _("yes") if on_track else _("no")),
    ]


def dashboard_context(
    engine: Engine,
    *,
    year: int | None,
    region: str,
    profession: str,
    harm_by: str,
    lang: str,
    _: Callable[[str], str],
) -> dict[str, Any]:
    language: Lang = "fr" if lang == "fr" else "en"
    snapshot = dashboard_report(engine, year=year)
    report = snapshot.report
    year = report.scope.year

    # indicators 47-50, for everyone or one region / profession
    group_dim = Dimension.REGION if region else Dimension.PROFESSION if profession else None
    group_key = region or profession
    grouped = dashboard_report(engine, year=year, by=group_dim).report if group_dim else None
    rows = []
    for ind in (i for i in report.indicators if i.id in MAIN):
        row = None
        if grouped is not None:
            same = next(
                g for g in grouped.indicators if g.key == ind.key and g.variant == ind.variant
            )
            row = next((r for r in same.breakdown if r.key == group_key), Row(group_key, None))
        rows.append(_indicator_row(ind, row, language, grouped is not None, _))
    indicators = Table(
        "indicators",
        _("Indicators against their targets"),
        ["n°", _("Indicator"), _("Value"), _("Target"), _("Gap"), _("On track")],
        rows,
    )
    if grouped is not None:
        indicators.notes.append(
            _(
                "For %(group)s: rates against the national target; "
                "amounts have no target of their own."
            )
            % {"group": group_key}
        )

    p = Page(engine, report, lang, _)
    rates, harm = month_panels(p)
    harm_group, grouping = group_panel(p, harm_by)
    stages, delays, at_risk = stage_panel(p), delay_panel(p), risk_panel(p)

    tables = [indicators, rates, harm, harm_group, stages, delays, at_risk]
    return {
        "year": year,
        "computed_at": snapshot.computed_at,
        "tables": tables,
        "charts": [t for t in tables if t.svg],
        "indicators": indicators,
        "at_risk": at_risk,
        "harm_by": grouping,
    }
