"""Retries with exponential backoff and full jitter, only on errors classified retryable.

The ceiling of the n-th wait is ``base * factor**n`` capped at ``cap`` (1 s, 2 s, 4 s … 30 s
by default); the wait itself is drawn uniformly below the ceiling ("full jitter", so many
clients that failed together do not retry together), but never below ``floor``: a retry
never goes out at once. A :class:`~yeouido.model.errors.RateLimited` error's
``retry_after`` is honoured as a lower bound.

What is retryable is decided by a classifier (:func:`default_retryable` unless one is
given): rate limits, timeouts and dropped connections. Anything else is raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from yeouido.model.errors import ConnectionFailed, InvalidInput, RateLimited

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Classifier = Callable[[BaseException], bool]


class Retryable(Exception):
    """Mixin marker: an error class deriving from it is always retryable."""


def default_retryable(error: BaseException) -> bool:
    """Rate limits, timeouts, dropped connections and :class:`Retryable` errors."""
    return isinstance(error, RateLimited | TimeoutError | ConnectionFailed | Retryable)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry.

    ``attempts`` counts the first try (``attempts=1``: no retry); waits grow from ``base`` by
    ``factor`` up to ``cap`` seconds, jittered down to no less than ``floor``.
    """

    attempts: int = 5
    base: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    floor: float = 0.05

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise InvalidInput.for_field("attempts", self.attempts, "must be >= 1")
        if not (0 < self.base <= self.cap) or self.factor < 1 or self.floor < 0:
            raise InvalidInput.for_field(
                "retry policy",
                (self.base, self.factor, self.cap, self.floor),
                "need 0 < base <= cap, factor >= 1, floor >= 0",
            )

    def ceiling(self, retry: int) -> float:
        """The largest wait before retry number ``retry`` (0-based): base·factor^retry, capped."""
        return float(min(self.cap, self.base * self.factor**retry))

    def ceilings(self) -> Iterator[float]:
        """The ceilings of every retry the policy allows (``attempts - 1`` of them)."""
        for retry in range(self.attempts - 1):
            yield self.ceiling(retry)

    def delay(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        """The jittered wait before retry number ``retry``: uniform in [floor, ceiling]."""
        ceiling = self.ceiling(retry)
        return max(min(self.floor, ceiling), rng() * ceiling)


NO_RETRY = RetryPolicy(attempts=1)


async def retry(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy = RetryPolicy(),
    *,
    retryable: Classifier = default_retryable,
    sleep: Sleep = asyncio.sleep,
    rng: Callable[[], float] = random.random,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    describe: str = "request",
) -> T:
    """Await ``call()`` until it succeeds, retrying errors ``retryable`` accepts.

    Raises the last error when it is not retryable or the attempts are used up.
    ``on_retry(retry, error, delay)`` is called before each wait.
    """
    for attempt in range(policy.attempts):
        try:
            return await call()
        except BaseException as error:
            if isinstance(error, asyncio.CancelledError) or not retryable(error):
                raise
            if attempt + 1 >= policy.attempts:
                raise
            delay = policy.delay(attempt, rng)
            if isinstance(error, RateLimited) and error.retry_after:
                delay = max(delay, error.retry_after)
            log.info(
                "%s failed (%s), retry %d of %d in %.2f s",
                describe,
                getattr(error, "code", type(error).__name__),
                attempt + 1,
                policy.attempts - 1,
                delay,
            )
            if on_retry is not None:
                on_retry(attempt, error, delay)
            await sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
