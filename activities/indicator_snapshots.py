"""Refreshes the dashboard's indicator snapshots. The computation is given by the worker
(``refresh``): this module only runs it and reports what it stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine
from temporalio import activity

from models.indicator_snapshot import IndicatorRefreshResult


class IndicatorSnapshotActivities:
    def __init__(self, engine: Engine, refresh: Callable[[Engine], Sequence[Any]]) -> None:
        self.engine = engine
        self.refresh = refresh

    @activity.defn(name="refresh_indicator_snapshots")
    def refresh_indicator_snapshots(self) -> IndicatorRefreshResult:
        snapshots = self.refresh(self.engine)
        return IndicatorRefreshResult(
            year=snapshots[0].report.scope.year if snapshots else 0,
            reports=len(snapshots),
            took_ms=sum(s.took_ms for s in snapshots),
        )
