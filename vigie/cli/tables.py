"""Tables shown by several commands (and the demo)."""

from __future__ import annotations

from rich.table import Table

from models import Alert


def alerts_table(alerts: list[Alert], title: str = "Alerts, by expected recovery") -> Table:
    table = Table(title=title)
    for header in ("provider", "score", "stake EUR", "case", "why"):
        table.add_column(header, overflow="fold")
    for a in alerts:
        table.add_row(
            a.provider_id,
            f"{a.score:.2f}",
            str(a.estimated_stake),
            a.outcome or "-",
            a.explanation[:160],
        )
    return table
