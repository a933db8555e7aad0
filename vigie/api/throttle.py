"""Sign-in attempts are limited: after 5 failures for one user name within 5 minutes, the
next attempts are refused (429) until the oldest failure is 5 minutes old. Kept in the API
process's memory (one API process per deployment here; a shared store would be needed
behind a load balancer)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

MAX_FAILURES = 5
WINDOW_S = 300.0


class SignInThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def retry_after(self, key: str, now: float | None = None) -> int | None:
        """Seconds to wait before trying again, or None when an attempt is allowed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._recent(key, now)
            if len(failures) < self.max_failures:
                return None
            return max(1, int(self.window_s - (now - failures[0])) + 1)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
