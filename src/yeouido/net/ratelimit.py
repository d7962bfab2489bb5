"""Rate budgets: token buckets shared per key by every client in the process.

A venue limits requests per credential (KIS: 20 a second per app key), not per client
object, so budgets live in a process-wide registry: :func:`rate_budget` returns the one
:class:`RateBudget` of a key, creating it on first use. :meth:`RateBudget.acquire` waits
until the request may go, first come first served.

The bucket is kept as a "theoretical arrival time" (the generic cell rate algorithm), so a
reservation is made under a thread lock and the wait happens outside it: one budget works
across event loops and threads (the synchronous facade runs its own loop).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Final

from yeouido.model.errors import InvalidInput

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class RateBudget:
    """A token bucket: ``rate`` requests a second on average, at most ``burst`` at once.

    ``rate=None`` switches the budget off (every acquire returns at once). ``clock`` and
    ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        key: str,
        rate: float | None,
        burst: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.key = key
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0
        self.rate: float | None = None
        self.burst = 1
        self.configure(rate, burst)
        self.acquired = 0
        self.waited = 0.0

    def configure(self, rate: float | None, burst: int = 1) -> None:
        """Change the rate and burst (``rate=None``: no limit)."""
        if rate is not None and not rate > 0:
            raise InvalidInput.for_field("rate", rate, "requests per second must be > 0 or None")
        if burst < 1:
            raise InvalidInput.for_field("burst", burst, "must be >= 1")
        with self._lock:
            self.rate = rate
            self.burst = burst

    def reserve(self, count: int = 1) -> float:
        """Reserve ``count`` requests; returns how many seconds to wait before sending."""
        if count < 1:
            raise InvalidInput.for_field("count", count, "must be >= 1")
        with self._lock:
            self.acquired += count
            if self.rate is None:
                return 0.0
            interval = 1.0 / self.rate
            tolerance = (self.burst - 1) * interval
            now = self._clock()
            tat = max(self._tat, now)
            allowed_at = tat - tolerance + (count - 1) * interval
            self._tat = tat + count * interval
            return max(0.0, allowed_at - now)

    async def acquire(self, count: int = 1) -> float:
        """Wait until ``count`` requests may go; returns the seconds waited."""
        wait = self.reserve(count)
        if wait > 0:
            self.waited += wait
            await self._sleep(wait)
        return wait

    def __repr__(self) -> str:
        rate = "unlimited" if self.rate is None else f"{self.rate:g}/s burst {self.burst}"
        return f"<RateBudget {self.key} {rate}>"


_REGISTRY: Final[dict[str, RateBudget]] = {}
_REGISTRY_LOCK: Final = threading.Lock()


def rate_budget(key: str, rate: float | None, burst: int = 1) -> RateBudget:
    """The process-wide budget of ``key`` (created with ``rate``/``burst`` on first use).

    Later callers share the first one's budget; when they ask for a different rate, the
    stricter (lower) one wins, so no client can raise another's limit.
    """
    with _REGISTRY_LOCK:
        budget = _REGISTRY.get(key)
        if budget is None:
            budget = RateBudget(key, rate, burst)
            _REGISTRY[key] = budget
        elif rate is not None and (budget.rate is None or rate < budget.rate):
            budget.configure(rate, min(burst, budget.burst))
        return budget


def reset_rate_budgets() -> None:
    """Forget every shared budget (tests)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()
