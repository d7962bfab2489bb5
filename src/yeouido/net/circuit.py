"""A circuit breaker: stop calling a service that keeps failing, try again after a pause.

CLOSED (calls go through) → OPEN after ``failure_threshold`` consecutive failures (calls fail
fast with :class:`~yeouido.model.errors.CircuitOpen`, which names the service and when it
will try again) → HALF_OPEN once ``reset_timeout`` has passed (one trial call goes through)
→ CLOSED when the trial succeeds, OPEN again when it fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from yeouido.model.errors import CircuitOpen, InvalidInput
from yeouido.model.time import now_seoul

T = TypeVar("T")


class CircuitState(StrEnum):
    """The three states of a breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures of ``service`` and opens after ``failure_threshold``.

    Use :meth:`call`, or :meth:`before_call` / :meth:`record_success` /
    :meth:`record_failure` around a call. ``clock`` (monotonic seconds) is injectable.
    """

    def __init__(
        self,
        service: str,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise InvalidInput.for_field("failure_threshold", failure_threshold, "must be >= 1")
        if reset_timeout <= 0:
            raise InvalidInput.for_field("reset_timeout", reset_timeout, "must be > 0")
        self.service = service
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        """The current state (an OPEN breaker past its cool-down reports HALF_OPEN)."""
        with self._lock:
            if (
                self._state is CircuitState.OPEN
                and self._clock() - self._opened_at >= self.reset_timeout
            ):
                return CircuitState.HALF_OPEN
            return self._state

    @property
    def failures(self) -> int:
        """Consecutive failures counted so far."""
        return self._failures

    def retry_in(self) -> float:
        """Seconds until an open breaker lets a trial call through (0 when not open)."""
        with self._lock:
            if self._state is not CircuitState.OPEN:
                return 0.0
            return max(0.0, self._opened_at + self.reset_timeout - self._clock())

    def before_call(self) -> None:
        """Raise :class:`CircuitOpen` unless a call may go now."""
        with self._lock:
            if self._state is CircuitState.CLOSED:
                return
            now = self._clock()
            if self._state is CircuitState.OPEN:
                remaining = self._opened_at + self.reset_timeout - now
                if remaining > 0:
                    raise self._open_error(remaining)
                self._state = CircuitState.HALF_OPEN
                self._trial_running = False
            if self._trial_running:
                raise self._open_error(0.0, trial=True)
            self._trial_running = True

    def record_success(self) -> None:
        """A call succeeded: close the breaker."""
        with self._lock:
            self._state = CircuitState.CLOSED
            self._failures = 0
            self._trial_running = False

    def record_failure(self) -> None:
        """A call failed: count it, and open the breaker at the threshold (or after a trial)."""
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._state is CircuitState.HALF_OPEN or self._failures >= self.failure_threshold:
                self._state = CircuitState.OPEN
                self._opened_at = self._clock()

    def reset(self) -> None:
        """Close the breaker and forget the failures."""
        self.record_success()

    async def call(
        self,
        func: Callable[[], Awaitable[T]],
        is_failure: Callable[[BaseException], bool] = lambda error: True,
    ) -> T:
        """Await ``func()`` through the breaker; errors ``is_failure`` accepts count as
        failures, others (e.g. a refused order) as successes of the service."""
        self.before_call()
        try:
            result = await func()
        except BaseException as error:
            if is_failure(error):
                self.record_failure()
            else:
                self.record_success()
            raise
        self.record_success()
        return result

    def _open_error(self, remaining: float, trial: bool = False) -> CircuitOpen:
        retry_at = now_seoul() + timedelta(seconds=remaining)
        if trial:
            message = (
                f"{self.service} is failing: a trial call is in progress after "
                f"{self._failures} consecutive failures; try again shortly"
            )
        else:
            message = (
                f"{self.service} is failing ({self._failures} consecutive failures): calls "
                f"fail fast until {_clock_text(retry_at)} (in {remaining:.1f} s), then one "
                "trial call goes through"
            )
        return CircuitOpen(
            message, field="service", value=self.service, rule=f"retry at {retry_at.isoformat()}"
        )

    def __repr__(self) -> str:
        return f"<CircuitBreaker {self.service} {self.state.value} failures={self._failures}>"


def _clock_text(at: datetime) -> str:
    return at.strftime("%H:%M:%S")
