"""The dashboard's panels past the indicators: each a table and the chart drawn from it
(recovery rates and harm month by month, harm by actor type or profession, the pipeline by
stage, the detection-to-notification delays) or a table alone (the money at risk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from sqlalchemy import Engine

from vigie.services.delay_distribution import delay_distribution
from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.export import risk_json
from vigie.services.indicators.labels import Lang, word
from vigie.services.indicators.report import Report
from vigie.services.indicators.snapshot import dashboard_report
from vigie.web.charts import Bar, horizontal, vertical
from vigie.web.i18n import LOCALES, Formats
from vigie.web.tables import Table, V

GROUPINGS = {"actor_type": Dimension.ACTOR_TYPE, "profession": Dimension.PROFESSION}


@dataclass(frozen=True)
class Page:
    """What every panel is built from: the year's report, in one language."""

    engine: Engine
    report: Report
    lang: str
    _: Callable[[str], str]

    @property
    def year(self) -> int:
        return self.report.scope.year

    @property
    def language(self) -> Lang:
        return "fr" if self.lang == "fr" else "en"

    @property
    def f(self) -> Formats:
        return Formats(self.lang)

    @property
    def months(self) -> list[str]:
        """The months of the year gone by (all twelve for a past year)."""
        day = self.report.scope.as_of_day
        last = day.month if day.year == self.year else 12
        return [f"{self.year}-{m:02d}" for m in range(1, last + 1)]


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _describe(_: Callable[[str], str], items: Any) -> str:
    """A chart's description: its figures, or that it has none."""
    return "; ".join(items) or _("No data for this period.")


def _month(key: str | None, lang: str) -> str:
    if not key or len(key) != 7:
        return key or "\u2013"
    return format_date(date(int(key[:4]), int(key[5:]), 1), "MMM", locale=LOCALES[lang])


def month_panels(p: Page) -> tuple[Table, Table]:
    """The recovery rates (cohort and flow) and the harm suffered and avoided, by month."""
    _ = p._
    by_month = dashboard_report(p.engine, year=p.year, by=Dimension.MONTH).report
    rate_keys = [
        ("recovery_rate_fraudulent_cohort", _("Fraudulent, cohort")),
        ("recovery_rate_fraudulent_flow", _("Fraudulent, flow")),
        ("recovery_rate_non_fraudulent_cohort", _("Non-fraudulent, cohort")),
        ("recovery_rate_non_fraudulent_flow", _("Non-fraudulent, flow")),
    ]
    months = p.months
    series = []
    for key, name in rate_keys:
        found = {r.key: r.value for r in by_month.get(key).breakdown}
        series.append((name, [_d(found.get(m)) for m in months]))
    t47 = p.report.get("recovery_rate_fraudulent_cohort").target
    rates = Table(
        "rates",
        _("Recovery rates month by month (cohort and flow)"),
        [_("Month"), *(name for name, _s in series)],
        [
            [V(_month(m, p.lang)), *(V(vs[j], "percent") for _n, vs in series)]
            for j, m in enumerate(months)
        ],
    )
    rates.description = _(
        "Fraudulent overpayments, each month: the cohort rate (debts notified that month, "
        "share recovered to date) and the flow rate (recovered that month over notified that "
        "month); the dashed line is the target of indicator 47."
    )
    rates.svg = vertical(
        "chart-rates",
        rates.title,
        rates.description,
        [_month(m, p.lang) for m in months],
        series[:2],
        p.f.percent,
        lines=True,
        target=(_("Target 47"), Decimal(t47.value)) if t47 else None,
    )

    # harm suffered and avoided by month
    suffered = {r.key: r.value for r in by_month.get("harm_suffered").breakdown}
    avoided = {r.key: r.value for r in by_month.get("harm_avoided").breakdown}
    harm = Table(
        "harm-month",
        _("Harm suffered and avoided by month"),
        [_("Month"), _("Harm suffered"), _("Harm avoided")],
        [
            [V(_month(m, p.lang)), V(_d(suffered.get(m)), "money"), V(_d(avoided.get(m)), "money")]
            for m in months
        ],
    )
    harm.description = _(
        "Amounts established (suffered) and stopped (avoided) each month of the year."
    )
    harm.svg = vertical(
        "chart-harm",
        harm.title,
        harm.description,
        [_month(m, p.lang) for m in months],
        [
            (_("Harm suffered"), [_d(suffered.get(m)) for m in months]),
            (_("Harm avoided"), [_d(avoided.get(m)) for m in months]),
        ],
        p.f.money,
    )
    return rates, harm


def group_panel(p: Page, harm_by: str) -> tuple[Table, str]:
    """Harm suffered and avoided by actor type or profession; the grouping used."""
    _ = p._
    dim = GROUPINGS.get(harm_by, Dimension.ACTOR_TYPE)
    by_group = dashboard_report(p.engine, year=p.year, by=dim).report
    g_avoided = {r.key: r.value for r in by_group.get("harm_avoided").breakdown}
    g_rows = [
        (word(r.key, p.language), _d(r.value) or Decimal(0), _d(g_avoided.get(r.key)) or Decimal(0))
        for r in by_group.get("harm_suffered").breakdown
    ]
    title = (
        _("Harm suffered and avoided by actor type")
        if dim is Dimension.ACTOR_TYPE
        else _("Harm suffered and avoided by profession")
    )
    harm_group = Table(
        "harm-group",
        title,
        [word(dim.value, p.language).capitalize(), _("Harm suffered"), _("Harm avoided")],
        [[V(k), V(s, "money"), V(a, "money")] for k, s, a in g_rows],
    )
    harm_group.description = _describe(
        _, [f"{k}: {p.f.money(s)} / {p.f.money(a)}" for k, s, a in g_rows]
    )
    harm_group.svg = horizontal(
        "chart-harm-group",
        title,
        harm_group.description,
        [Bar(k, (s, a)) for k, s, a in g_rows],
        [_("Harm suffered"), _("Harm avoided")],
        p.f.money,
    )
    return harm_group, dim.value


def stage_panel(p: Page) -> Table:
    """The open cases by stage."""
    _ = p._
    stage_rows = [
        (word(r.key, p.language), Decimal(r.value or 0))
        for r in p.report.get("cases_by_stage").breakdown
    ]
    stages = Table(
        "stages",
        _("Open cases by stage"),
        [_("Stage"), _("Number")],
        [[V(k), V(v, "number")] for k, v in stage_rows],
    )
    stages.description = _describe(_, [f"{k}: {p.f.number(v)}" for k, v in stage_rows])
    stages.svg = horizontal(
        "chart-stages",
        stages.title,
        stages.description,
        [Bar(k, (v,)) for k, v in stage_rows],
        [_("Number")],
        p.f.number,
    )
    return stages


def delay_panel(p: Page) -> Table:
    """How the detection-to-notification delays of the year are spread."""
    _ = p._
    delay = p.report.get("delay_detection_notification")
    bands = delay_distribution(p.engine, p.year)
    band_names = [
        (_("%(low)s\u2013%(high)s d") % {"low": lo, "high": hi})
        if hi is not None
        else (_("over %(low)s d") % {"low": lo - 1})
        for (lo, hi), _n in bands
    ]
    delays = Table(
        "delays",
        _("Delay from detection to notification"),
        [_("Delay"), _("Cases")],
        [[V(name), V(n, "number")] for name, (_b, n) in zip(band_names, bands, strict=True)],
    )
    delays.description = _(
        "Cases by delay from detection to the notification of the undue amount; median "
        "%(median)s days, 90th percentile %(p90)s days, target %(target)s days."
    ) % {
        "median": p.f.number(_d(delay.value)),
        "p90": p.f.number(_d(delay.parts.get("p90"))),
        "target": p.f.number(_d(delay.target.value)) if delay.target else "\u2013",
    }
    delays.svg = vertical(
        "chart-delays",
        delays.title,
        delays.description,
        band_names,
        [(_("Cases"), [Decimal(n) for _b, n in bands])],
        p.f.number,
    )
    return delays


def risk_panel(p: Page) -> Table:
    """Debts near prescription, already prescribed, cases past the notification target."""
    _ = p._
    risk = risk_json(p.report.money_at_risk)
    risk_rows = [
        [
            V(_("Debts prescribed within %(months)s months") % {"months": h["months"]}),
            V(h["debts"], "number"),
            V(_d(h["outstanding"]), "money"),
        ]
        for h in risk["prescriptions"]["horizons"]
    ]
    lost = risk["prescriptions"]["already_prescribed"]
    risk_rows.append(
        [
            V(_("Already prescribed, still outstanding")),
            V(lost["debts"], "number"),
            V(_d(lost["outstanding"]), "money"),
        ]
    )
    late = risk["late_notifications"]
    risk_rows.append(
        [
            V(_("Cases past the notification target")),
            V(late["cases"], "number"),
            V(_d(late["harm_suffered"]), "money"),
        ]
    )
    at_risk = Table(
        "risk", _("Money at risk"), [_("Risk"), _("Number"), _("Outstanding")], risk_rows
    )
    return at_risk
