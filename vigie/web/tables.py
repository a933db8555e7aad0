"""The dashboard's tables: each has typed cells, shown formatted on the page and exported as
CSV for a French spreadsheet (``;`` separated, UTF-8 with a byte-order mark, decimal comma in
French); a chart is drawn from its table, so the chart and the table cannot disagree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from vigie.services.indicators.export import cell as csv_cell
from vigie.services.indicators.labels import Lang
from vigie.web.i18n import Formats

BOM = "\ufeff"


@dataclass(frozen=True)
class V:
    """A cell: its value and how it reads (text, money, percent, number, days)."""

    value: Any
    kind: str = "text"

    def shown(self, f: Formats) -> str:
        if self.kind == "money":
            return f.money(self.value)
        if self.kind == "percent":
            return f.percent(self.value)
        if self.kind in ("number", "days"):
            return f.number(self.value)
        return "\u2013" if self.value is None else str(self.value)

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[V]]
    description: str = ""
    svg: str = ""
    notes: list[str] = field(default_factory=list)


def table_csv(table: Table, lang: str) -> str:
    """The table as CSV text, starting with the byte-order mark; exact values (a ratio as a
    fraction, an amount with its cents), decimal comma in French."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    language: Lang = "fr" if lang == "fr" else "en"
    for row in table.rows:
        writer.writerow(
            [
                csv_cell(
                    c.value if not isinstance(c.value, float) else Decimal(str(c.value)), language
                )
                for c in row
            ]
        )
    return BOM + buffer.getvalue()
