"""Tables shown by several commands (and the demo)."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from models import Alert
from vigie.cli.output import format_amount, shorten

#: characters of an alert's explanation shown in a table (cut between words)
EXPLANATION_WIDTH = 160


def alerts_table(alerts: list[Alert], title: str = "Alerts, by expected recovery") -> Table:
    table = Table(title=title)
    for header in ("target", "score", "stake EUR", "case", "why"):
        table.add_column(header, overflow="fold")
    for a in alerts:
        table.add_row(
            f"insured {a.provider_id}" if a.target_type == "insured" else a.provider_id,
            f"{a.score:.2f}",
            format_amount(a.estimated_stake),
            a.outcome or "-",
            escape(shorten(a.explanation, EXPLANATION_WIDTH)),
        )
    return table
