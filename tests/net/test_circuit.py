"""Circuit breaker: closed, open after N failures, half-open after the cool-down, closed."""

from __future__ import annotations

import asyncio

import pytest

from yeouido.model.errors import CircuitOpen, OrderRejected
from yeouido.net.circuit import CircuitBreaker, CircuitState


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_and_fails_fast_naming_the_service() -> None:
    clock = Clock()
    breaker = CircuitBreaker("kis-real REST", failure_threshold=3, reset_timeout=10, clock=clock)
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpen) as raised:
        breaker.before_call()
    assert "kis-real REST" in str(raised.value)
    assert "in 10.0 s" in str(raised.value)
    assert raised.value.rule is not None and raised.value.rule.startswith("retry at ")


def test_success_resets_the_count() -> None:
    breaker = CircuitBreaker("svc", failure_threshold=2, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_half_open_lets_one_trial_through_then_closes_on_success() -> None:
    clock = Clock()
    breaker = CircuitBreaker("svc", failure_threshold=1, reset_timeout=5, clock=clock)
    breaker.record_failure()
    clock.now = 5.0
    assert breaker.state is CircuitState.HALF_OPEN
    breaker.before_call()
    with pytest.raises(CircuitOpen, match="trial"):
        breaker.before_call()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    breaker.before_call()


def test_failed_trial_opens_again_for_a_full_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker("svc", failure_threshold=3, reset_timeout=5, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now = 6.0
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert breaker.retry_in() == pytest.approx(5.0)


def test_call_counts_only_failures_of_the_service() -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=Clock())

    async def refused() -> None:
        raise OrderRejected("business error")

    with pytest.raises(OrderRejected):
        asyncio.run(breaker.call(refused, is_failure=lambda e: not isinstance(e, OrderRejected)))
    assert breaker.state is CircuitState.CLOSED

    async def broken() -> None:
        raise OSError("down")

    with pytest.raises(OSError):
        asyncio.run(breaker.call(broken))
    assert breaker.state is CircuitState.OPEN
