"""Retries: the backoff schedule, full jitter, and which errors are retried."""

from __future__ import annotations

import asyncio

import pytest

from yeouido.model.errors import ConnectionFailed, OrderRejected, RateLimited
from yeouido.net.retry import RetryPolicy, retry


def test_ceilings_double_from_one_second_and_cap_at_thirty() -> None:
    policy = RetryPolicy(attempts=8)
    assert list(policy.ceilings()) == [1, 2, 4, 8, 16, 30, 30]


def test_full_jitter_draws_below_the_ceiling_but_never_zero() -> None:
    policy = RetryPolicy()
    assert policy.delay(3, rng=lambda: 0.5) == pytest.approx(4.0)
    assert policy.delay(3, rng=lambda: 0.999) == pytest.approx(7.992)
    assert policy.delay(0, rng=lambda: 0.0) == pytest.approx(policy.floor)


def test_retryable_errors_are_retried_with_the_schedule() -> None:
    sleeps: list[float] = []
    calls = 0

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 4:
            raise ConnectionFailed("dropped")
        return "ok"

    result = asyncio.run(retry(flaky, RetryPolicy(attempts=5), sleep=sleep, rng=lambda: 1.0))
    assert result == "ok"
    assert calls == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_non_retryable_errors_are_raised_at_once() -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def refused() -> None:
        raise OrderRejected("no")

    with pytest.raises(OrderRejected):
        asyncio.run(retry(refused, sleep=sleep))
    assert sleeps == []


def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def limited() -> None:
        raise RateLimited("slow down", retry_after=1.5)

    with pytest.raises(RateLimited):
        asyncio.run(retry(limited, RetryPolicy(attempts=3), sleep=sleep, rng=lambda: 0.0))
    assert sleeps == [1.5, 1.5]  # retry_after is a lower bound on the jittered wait


def test_custom_classifier_decides() -> None:
    async def sleep(seconds: float) -> None:
        return None

    async def boom() -> None:
        raise ValueError("x")

    with pytest.raises(ValueError):
        asyncio.run(retry(boom, RetryPolicy(attempts=2), retryable=lambda e: False, sleep=sleep))
