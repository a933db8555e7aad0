"""Runs the retention purge the worker gives it (``purge``) at the time of the run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from temporalio import activity

from models.retention import PurgeReport


class RetentionActivities:
    def __init__(self, engine: Engine, purge: Callable[[Engine, datetime], PurgeReport]) -> None:
        self.engine = engine
        self.purge = purge

    @activity.defn(name="purge_personal_data")
    def purge_personal_data(self) -> PurgeReport:
        return self.purge(self.engine, datetime.now(UTC))
