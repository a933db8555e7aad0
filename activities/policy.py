"""Reads the policy records a workflow needs into a snapshot."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine
from temporalio import activity

from models.policy_snapshot import PolicySnapshot
from vigie.policy.loader import read_snapshot


class PolicyActivities:
    """Serves the policy snapshot, cached for ``ttl`` seconds: policy records change with a
    new file version and `vigie migrate`, not between two cases opened a second apart."""

    def __init__(self, engine: Engine, ttl: float = 60.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._cached: tuple[float, PolicySnapshot] | None = None
        self._lock = threading.Lock()

    @activity.defn(name="load_policy")
    def load_policy(self) -> PolicySnapshot:
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > self.ttl:
                self._cached = (now, read_snapshot(self.engine))
            return self._cached[1]
