"""The report as JSON (stable, documented in docs/indicators.md) and as CSV for a French
spreadsheet (``;`` separated, UTF-8 with a byte-order mark, decimal comma in French).

In JSON, amounts, ratios and days are strings of exact decimals ("36250.50", "0.5523"),
counts are integers, dates ISO, and a missing value is null.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vigie.services.indicators.labels import Lang, definition, label, word
from vigie.services.indicators.model import Indicator
from vigie.services.indicators.plans import plan_summary
from vigie.services.indicators.prescriptions import prescription_summary
from vigie.services.indicators.report import MoneyAtRisk, Report

ZERO = Decimal("0")


def plain(value: Any) -> Any:
    """JSON-ready: Decimal as text, dates ISO, dataclasses and containers walked."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def indicator_json(ind: Indicator, lang: Lang) -> dict[str, Any]:
    t = ind.target
    return {
        "id": ind.id,
        "key": ind.key,
        "variant": ind.variant,
        "label": label(ind.key, lang),
        "definition": definition(ind.key, ind.variant, lang),
        "value": plain(ind.value),
        "unit": ind.unit,
        "target": plain(t.value) if t else None,
        "gap": plain(t.gap) if t else None,
        "on_track": t.on_track if t else None,
        "projected": plain(t.projected) if t else None,
        "target_source": t.source if t else None,
        "target_official": t.official if t else None,
        "parts": plain(ind.parts),
        "breakdown_by": ind.breakdown_by,
        "breakdown": [
            {
                "key": r.key,
                "label": word(r.key, lang),
                "value": plain(r.value),
                "parts": plain(r.parts),
            }
            for r in ind.breakdown
        ],
    }


def risk_json(risk: MoneyAtRisk) -> dict[str, Any]:
    return plain(
        {
            "as_of": risk.as_of,
            "prescriptions": {
                **prescription_summary(risk.debts, risk.as_of),
                "debts": [asdict(d) for d in risk.debts],
            },
            "instalment_plans": {**plan_summary(risk.plans), "list": risk.plans},
            "late_notifications": {
                "target_days": risk.late_target_days,
                "cases": len(risk.late),
                "harm_suffered": sum((c.harm_suffered for c in risk.late), ZERO),
                "list": risk.late,
            },
        }
    )


def report_json(report: Report, lang: Lang = "fr") -> dict[str, Any]:
    scope = report.scope
    return {
        "year": scope.year,
        "as_of": scope.as_of_day.isoformat(),
        "lang": lang,
        "breakdown_by": report.by.value if report.by else None,
        "target_series": report.series,
        "indicators": [indicator_json(i, lang) for i in report.indicators],
        "money_at_risk": risk_json(report.money_at_risk),
    }


HEADERS = {
    "fr": [
        "n°",
        "clé",
        "variante",
        "indicateur",
        "ventilation",
        "groupe",
        "valeur",
        "unité",
        "cible",
        "écart",
        "en bonne voie",
    ],
    "en": [
        "id",
        "key",
        "variant",
        "indicator",
        "breakdown",
        "group",
        "value",
        "unit",
        "target",
        "gap",
        "on track",
    ],
}


def cell(value: Any, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    text = plain(value)
    if isinstance(value, Decimal) and lang == "fr":
        text = text.replace(".", ",")
    return str(text)


def report_csv(report: Report, lang: Lang = "fr") -> str:
    """The report as CSV text, starting with the byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    for ind in report.indicators:
        t = ind.target
        writer.writerow(
            [
                ind.id,
                ind.key,
                ind.variant or "",
                label(ind.key, lang),
                "",
                "",
                cell(ind.value, lang),
                ind.unit,
                cell(t.value if t else None, lang),
                cell(t.gap if t else None, lang),
                cell(t.on_track if t else None, lang),
            ]
        )
        for row in ind.breakdown:
            writer.writerow(
                [
                    ind.id,
                    ind.key,
                    ind.variant or "",
                    label(ind.key, lang),
                    word(ind.breakdown_by, lang),
                    word(row.key, lang),
                    cell(row.value, lang),
                    ind.unit,
                    "",
                    "",
                    "",
                ]
            )
    risk = report.money_at_risk
    summary = prescription_summary(risk.debts, risk.as_of)
    totals = {
        f"prescribed_within_{h['months']}_months": h["outstanding"] for h in summary["horizons"]
    }
    totals["already_prescribed"] = summary["already_prescribed"]["outstanding"]
    totals["instalment_plans_behind"] = plan_summary(risk.plans)["shortfall"]
    totals["late_notifications"] = sum((c.harm_suffered for c in risk.late), ZERO)
    for key, amount in totals.items():
        writer.writerow(
            [
                "money_at_risk",
                key,
                "",
                label(key, lang),
                "",
                "",
                cell(amount, lang),
                "EUR",
                "",
                "",
                "",
            ]
        )
    return "\ufeff" + buffer.getvalue()
