"""Rate budgets: token-bucket timing, sharing per key, FIFO reservations."""

from __future__ import annotations

import asyncio

import pytest

from yeouido.model.errors import InvalidInput
from yeouido.net.ratelimit import RateBudget, rate_budget, reset_rate_budgets


class FakeTime:
    """A clock that only moves when the budget sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def test_burst_goes_at_once_then_requests_are_spaced_by_the_rate() -> None:
    fake = FakeTime()
    budget = RateBudget("k", rate=10, burst=3, clock=fake.clock, sleep=fake.sleep)
    waits = [budget.reserve() for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.1, 0.2, 0.3])


def test_budget_refills_with_time() -> None:
    fake = FakeTime()
    budget = RateBudget("k", rate=2, burst=1, clock=fake.clock, sleep=fake.sleep)
    assert budget.reserve() == 0.0
    assert budget.reserve() == pytest.approx(0.5)
    fake.now += 10
    assert budget.reserve() == 0.0


def test_no_window_of_one_second_holds_more_than_rate_plus_burst() -> None:
    fake = FakeTime()
    budget = RateBudget("k", rate=19, burst=1, clock=fake.clock, sleep=fake.sleep)
    times = [fake.now + budget.reserve() for _ in range(200)]
    for index, start in enumerate(times):
        inside = [t for t in times[index:] if t < start + 1.0]
        assert len(inside) <= 19


def test_unlimited_budget_never_waits() -> None:
    budget = RateBudget("k", rate=None)
    assert all(budget.reserve() == 0.0 for _ in range(1000))


def test_acquire_sleeps_for_the_reserved_time() -> None:
    fake = FakeTime()
    budget = RateBudget("k", rate=4, burst=1, clock=fake.clock, sleep=fake.sleep)

    async def run() -> None:
        for _ in range(3):
            await budget.acquire()

    asyncio.run(run())
    assert fake.sleeps == pytest.approx([0.25, 0.5])
    assert budget.acquired == 3


def test_shared_budget_is_one_object_per_key_and_the_stricter_rate_wins() -> None:
    reset_rate_budgets()
    first = rate_budget("kis:abc", 19)
    second = rate_budget("kis:abc", 2)
    other = rate_budget("kis:def", 19)
    assert first is second
    assert first.rate == 2
    assert other is not first
    reset_rate_budgets()


def test_bad_rates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="rate"):
        RateBudget("k", rate=0)
    with pytest.raises(InvalidInput, match="burst"):
        RateBudget("k", rate=1, burst=0)


def test_real_time_budget_paces_concurrent_callers() -> None:
    budget = RateBudget("k", rate=50, burst=1)

    async def run() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.gather(*(budget.acquire() for _ in range(11)))
        return loop.time() - start

    assert asyncio.run(run()) >= 0.19
