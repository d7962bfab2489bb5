"""Per-key sliding one-second windows (KIS: 20 requests/s real, 2/s mock)."""

from __future__ import annotations

from collections import deque

from yeouido.sandbox.kis.config import Clock


class SlidingWindowLimiter:
    """At most ``limit`` accepted calls per key in any ``window`` seconds; refused calls do
    not count."""

    def __init__(self, limit: int, clock: Clock, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record a call for ``key`` if the window has room; ``False`` if it is full."""
        now = self.clock()
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - self.window:
            calls.popleft()
        if len(calls) >= self.limit:
            return False
        calls.append(now)
        return True

    def reset(self) -> None:
        """Forget every call."""
        self._calls.clear()
