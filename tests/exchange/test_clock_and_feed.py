"""The simulation clock's pacing and the bars built from trades."""

from __future__ import annotations

import pytest

from tests.exchange.helpers import STOCK, at, exchange, order
from yeouido.exchange import datetime_to_ts
from yeouido.exchange.clock import NANOS, SimulationClock
from yeouido.exchange.feed import MarketFeed
from yeouido.model import InvalidInput


class FakeWall:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def test_fast_clock_never_sleeps() -> None:
    clock = SimulationClock(None)
    assert clock.mode == "fast"
    assert clock.pace(0) == 0.0 and clock.pace(10 * NANOS) == 0.0


def test_accelerated_clock_runs_n_times_wall_time() -> None:
    wall = FakeWall()
    clock = SimulationClock(60, sleep=wall.sleep, monotonic=wall.monotonic)
    assert clock.mode == "accelerated"
    clock.pace(0)
    clock.pace(60 * NANOS)  # a simulated minute takes a wall second
    assert wall.slept == [pytest.approx(1.0)]
    wall.now += 5  # the caller was slow: no sleeping to catch up
    assert clock.pace(120 * NANOS) == 0.0


def test_realtime_clock() -> None:
    wall = FakeWall()
    clock = SimulationClock(1, sleep=wall.sleep, monotonic=wall.monotonic)
    clock.pace(0)
    clock.pace(2 * NANOS)
    assert clock.mode == "realtime" and wall.slept == [pytest.approx(2.0)]


def test_bad_speed() -> None:
    with pytest.raises(InvalidInput):
        SimulationClock(0)


def test_minute_and_daily_bars_from_trades() -> None:
    venue = exchange(at(9, 1))
    feed = MarketFeed(venue)
    completed: list[object] = []
    feed.on_bar(completed.append)
    for minute, price in ((1, 10_000), (1, 10_050), (2, 9_980), (2, 9_990), (3, 10_010)):
        venue.advance_to(at(9, minute, 30))
        venue.submit(order("sell", 2, price))
        venue.submit(order("buy", 2, price))
    bars = feed.bars(STOCK.code, "1m", include_forming=True)
    assert [(b.open, b.high, b.low, b.close, b.volume) for b in bars] == [
        (10_000, 10_050, 10_000, 10_050, 4),
        (9_980, 9_990, 9_980, 9_990, 4),
        (10_010, 10_010, 10_010, 10_010, 2),
    ]
    assert bars[0].time == at(9, 1)
    assert len(completed) == 2
    daily = feed.bars(STOCK.code, "1d")[0]
    assert (daily.open, daily.high, daily.low, daily.close, daily.volume) == (
        10_000,
        10_050,
        9_980,
        10_010,
        10,
    )
    assert daily.time == at(0, 0)
    assert [t.price for t in feed.trades[STOCK.code]] == [10_000, 10_050, 9_980, 9_990, 10_010]
    assert datetime_to_ts(feed.trades[STOCK.code][0].time) == datetime_to_ts(at(9, 1, 30))
