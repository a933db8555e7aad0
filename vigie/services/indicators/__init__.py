"""The indicators managers steer by, computed in Postgres from the ledger, the cases and their
stage history, set against the official targets; and the money at risk.

``build_report`` gives one report; ``export`` writes it as JSON or CSV. docs/indicators.md
gives each definition and the SQL it runs.
"""

from vigie.services.indicators.dimensions import Dimension
from vigie.services.indicators.report import MoneyAtRisk, Report, build_report
from vigie.services.indicators.targets import TargetBook, TargetFileError, load_targets

__all__ = [
    "Dimension",
    "MoneyAtRisk",
    "Report",
    "TargetBook",
    "TargetFileError",
    "build_report",
    "load_targets",
]
