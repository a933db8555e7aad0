"""`vigie report indicators`: the indicators managers steer by, with their targets, and the
money at risk; as a table (French labels by default), CSV (for a spreadsheet) or JSON."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from vigie.cli.connections import database
from vigie.cli.output import console, err_console, format_amount
from vigie.services.indicators import Dimension, Report, TargetFileError, build_report
from vigie.services.indicators.export import report_csv, report_json
from vigie.services.indicators.labels import Lang, label, word
from vigie.services.indicators.model import Indicator, Number
from vigie.services.indicators.prescriptions import prescription_summary
from vigie.services.indicators.snapshot import refresh
from vigie.settings import get_settings

report_app = typer.Typer(help="Reports: the indicators managers steer by.", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class Language(StrEnum):
    FR = "fr"
    EN = "en"


HEADERS = {
    "fr": ("n°", "indicateur", "valeur", "cible", "écart", "en bonne voie"),
    "en": ("id", "indicator", "value", "target", "gap", "on track"),
}
YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}
#: rows of a money-at-risk list shown in the table output
LISTED = 20
ZERO = Decimal(0)


def show_value(value: Number | None, unit: str, lang: Lang) -> str:
    """A value for reading: 55.23 %, 36250.50 EUR, 12.5 days, 7."""
    if value is None:
        return "-"
    if unit == "ratio":
        text = f"{Decimal(value) * 100:.2f} %"
    elif unit == "EUR":
        text = f"{Decimal(format_amount(Decimal(value))):,.2f} €"
        if lang == "fr":  # 1 234 567,89 €
            return text.replace(",", " ").replace(".", ",")
    elif unit == "days":
        text = f"{value} {'j' if lang == 'fr' else 'd'}"
    else:
        text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


def _main_table(report: Report, lang: Lang) -> Table:
    scope = report.scope
    title = (
        f"Indicateurs {scope.year} (au {scope.as_of_day:%d/%m/%Y}, cibles {report.series})"
        if lang == "fr"
        else f"Indicators {scope.year} (as of {scope.as_of_day}, {report.series} targets)"
    )
    table = Table(title=title)
    for header in HEADERS[lang]:
        table.add_column(header, overflow="fold")
    for ind in report.indicators:
        t = ind.target
        track = "-" if t is None or t.on_track is None else YES_NO[lang][not t.on_track]
        table.add_row(
            ind.id if ind.id != ind.key else "",
            escape(label(ind.key, lang)),
            show_value(ind.value, ind.unit, lang),
            show_value(t.value, t.unit, lang) if t else "-",
            show_value(t.gap, t.unit, lang) if t else "-",
            track,
        )
    return table


def _breakdown_table(ind: Indicator, lang: Lang) -> Table:
    by = word(ind.breakdown_by, lang)
    table = Table(title=f"{label(ind.key, lang)} ({'par ' if lang == 'fr' else 'by '}{by})")
    table.add_column(word(ind.breakdown_by, lang), overflow="fold")
    table.add_column(HEADERS[lang][2], justify="right")
    for row in ind.breakdown:
        table.add_row(escape(word(row.key, lang)), show_value(row.value, ind.unit, lang))
    return table


def _summary_table(report: Report, lang: Lang) -> Table:
    risk, fr = report.money_at_risk, lang == "fr"
    summary = prescription_summary(risk.debts, risk.as_of)
    lines = [
        (f"prescribed_within_{h['months']}_months", h["debts"], h["outstanding"])
        for h in summary["horizons"]
    ]
    lost = summary["already_prescribed"]
    lines += [
        ("already_prescribed", lost["debts"], lost["outstanding"]),
        ("instalment_plans_behind", len(risk.plans), sum((p.shortfall for p in risk.plans), ZERO)),
        ("late_notifications", len(risk.late), sum((c.harm_suffered for c in risk.late), ZERO)),
    ]
    title = f"Argent en risque au {risk.as_of:%d/%m/%Y}" if fr else f"Money at risk on {risk.as_of}"
    table = Table(title=title)
    table.add_column("", overflow="fold")
    table.add_column("nombre" if fr else "count", justify="right")
    table.add_column("montant" if fr else "amount", justify="right")
    for key, count, amount in lines:
        table.add_row(label(key, lang), str(count), show_value(amount, "EUR", lang))
    return table


def _list_table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    """At most ``LISTED`` rows; the JSON output has them all."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows[:LISTED]:
        table.add_row(*(escape(cell) for cell in row))
    if len(rows) > LISTED:
        table.caption = f"+ {len(rows) - LISTED} (--format json)"
    return table


def _risk_lists(report: Report, lang: Lang) -> list[Table]:
    risk, fr, out = report.money_at_risk, lang == "fr", []
    if risk.debts:
        out.append(
            _list_table(
                "Créances prescrites ou à prescrire"
                if fr
                else "Debts prescribed or soon prescribed",
                ("dossier", "créance", "prescrite le", "restant dû")
                if fr
                else ("case", "debt", "prescribed on", "outstanding"),
                [
                    (
                        d.case_id,
                        d.debt,
                        d.prescribed_on.isoformat(),
                        show_value(d.outstanding, "EUR", lang),
                    )
                    for d in risk.debts
                ],
            )
        )
    if risk.plans:
        out.append(
            _list_table(
                "Échéanciers en retard" if fr else "Instalment plans behind",
                ("dossier", "accordé le", "attendu", "payé", "manque")
                if fr
                else ("case", "granted on", "expected", "paid", "short"),
                [
                    (
                        p.case_id,
                        p.granted_on.isoformat(),
                        show_value(p.expected_to_date, "EUR", lang),
                        show_value(p.paid_to_date, "EUR", lang),
                        show_value(p.shortfall, "EUR", lang),
                    )
                    for p in risk.plans
                ],
            )
        )
    if risk.late:
        out.append(
            _list_table(
                f"Notifications en retard (> {risk.late_target_days} j)"
                if fr
                else f"Late notifications (> {risk.late_target_days} days)",
                ("dossier", "étape", "détecté le", "jours", "préjudice")
                if fr
                else ("case", "stage", "detected on", "days", "harm"),
                [
                    (
                        c.case_id,
                        word(c.stage, lang),
                        c.detected_on.isoformat(),
                        str(c.days),
                        show_value(c.harm_suffered, "EUR", lang),
                    )
                    for c in risk.late
                ],
            )
        )
    return out


@report_app.command("indicators")
def indicators_command(
    year: int | None = typer.Option(None, "--year", help="the year (default: this year)"),
    by: Dimension | None = typer.Option(
        None, "--by", help="break the indicators down by this dimension"
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format", help="table, csv (';', BOM) or json"),
    lang: Language = typer.Option(Language.FR, "--lang", help="labels in French or English"),
    targets: str | None = typer.Option(
        None, "--targets", help="the target series: cnam (default) or cnmss"
    ),
) -> None:
    """Indicators of the year (recovery rates 47-48 in two definitions, harm 49-50,
    litigation, delays, pipeline, detection yield) against their targets, and the money at
    risk: debts soon prescribed, instalment plans behind, late notifications."""
    language: Lang = "fr" if lang is Language.FR else "en"
    with database(get_settings()) as engine:
        try:
            report = build_report(engine, year=year, by=by, series=targets)
        except (TargetFileError, ValueError) as exc:
            err_console.print(f"[red]error[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
    if fmt is Format.JSON:
        typer.echo(json.dumps(report_json(report, language), ensure_ascii=False, indent=2))
    elif fmt is Format.CSV:
        sys.stdout.buffer.write(report_csv(report, language).encode("utf-8"))
        sys.stdout.flush()
    else:
        console.print(_main_table(report, language))
        for ind in report.indicators:
            if ind.breakdown:
                console.print(_breakdown_table(ind, language))
        console.print(_summary_table(report, language))
        for table in _risk_lists(report, language):
            console.print(table)


@report_app.command("refresh")
def refresh_command(
    year: int | None = typer.Option(None, "--year", help="the year (default: this year)"),
) -> None:
    """Recompute the dashboard's indicator snapshots now (the worker does it every 15
    minutes): the report without breakdown and by each dimension."""
    with database(get_settings()) as engine:
        try:
            stored = refresh(engine, year=year)
        except (TargetFileError, ValueError) as exc:
            err_console.print(f"[red]error[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
    total = sum(s.took_ms for s in stored)
    year_done = stored[0].report.scope.year
    console.print(f"{len(stored)} indicator reports of {year_done} stored in {total} ms")
