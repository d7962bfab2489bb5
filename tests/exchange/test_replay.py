"""Replaying daily bars: intraday paths and a simulated day that follows them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yeouido.exchange import TradePrinted
from yeouido.exchange.replay import (
    DailyBar,
    PathFairValue,
    ReplaySimulation,
    intraday_path,
    load_daily_bars,
)
from yeouido.krx import is_on_tick, round_price, tick_size
from yeouido.model import InvalidInput

DAY = date(2023, 12, 22)


@st.composite
def bars(draw: st.DrawFn) -> tuple[int, int, int, int, str]:
    table = draw(st.sampled_from(["stock", "etf"]))
    low = draw(st.integers(500, 900_000))
    high = draw(st.integers(low, low + low // 3))
    open_ = draw(st.integers(low, high))
    close = draw(st.integers(low, high))
    return open_, high, low, close, table


@settings(max_examples=100, deadline=None)
@given(bars(), st.integers(0, 10_000), st.integers(3, 80))
def test_intraday_path_properties(
    bar: tuple[int, int, int, int, str], seed: int, steps: int
) -> None:
    open_, high, low, close, table = bar

    def tick(value: int) -> int:
        return int(round_price(value, table, "nearest"))

    path = intraday_path(open_, high, low, close, DAY, seed, steps, table)
    prices = [price for _, price in path]
    times = [moment for moment, _ in path]
    assert len(path) == steps + 1
    assert times == sorted(times) and len(set(times)) == len(times)
    assert prices[0] == tick(open_)
    assert prices[-1] == tick(close)
    assert max(prices) == tick(high)
    assert min(prices) == tick(low)
    assert all(is_on_tick(price, table) for price in prices)
    assert path == intraday_path(open_, high, low, close, DAY, seed, steps, table)


def test_intraday_path_order_and_window() -> None:
    orders = set()
    for seed in range(20):
        path = intraday_path(10_000, 10_500, 9_600, 10_200, DAY, seed, steps=100)
        prices = [price for _, price in path]
        orders.add(prices.index(10_500) < prices.index(9_600))
    assert orders == {True, False}
    path = intraday_path(10_000, 10_500, 9_600, 10_200, DAY, 0, steps=100)
    assert path[0][0] < path[-1][0]
    assert (path[-1][0] - path[0][0]) == (6 * 60 + 20) * 60 * 1_000_000_000


def test_intraday_path_rejects_bad_bars() -> None:
    with pytest.raises(InvalidInput):
        intraday_path(10_000, 9_000, 9_500, 9_600, DAY)
    with pytest.raises(InvalidInput):
        intraday_path(10_000, 10_500, 9_600, 10_200, DAY, steps=2)


def test_flat_bar_gives_flat_path() -> None:
    path = intraday_path(75_900, 75_900, 75_900, 75_900, DAY, steps=10)
    assert {price for _, price in path} == {75_900}


def test_path_fair_value_interpolates() -> None:
    fair = PathFairValue({"X": [(100, 1_000), (200, 2_000)]}, {"X": (1_000, 2_000)})
    assert fair.value("X", 0) == 1_000
    assert fair.value("X", 150) == 1_500
    assert fair.value("X", 500) == 2_000
    assert fair.bounds("X") == (1_000, 2_000)
    assert fair.bounds("Y") is None


def test_load_daily_bars(krx_daily_dir: Path) -> None:
    history = load_daily_bars(krx_daily_dir / "005930.csv")
    assert history[-1] == DailyBar(DAY, 75_800, 76_300, 75_400, 75_900, 14_515_608)
    assert all(bar.low <= bar.high for bar in history)
    assert [bar.date for bar in history] == sorted(bar.date for bar in history)


def test_replay_day_follows_the_bars(krx_daily_dir: Path) -> None:
    simulation = ReplaySimulation.from_csv_dir(
        krx_daily_dir, DAY, codes=["005930", "069500"], seed=5, record=True
    )
    assert simulation.day == DAY
    assert simulation.exchange.regular_book("005930").base_price == 75_000  # previous close
    simulation.run_until(simulation.times.close + 60 * 1_000_000_000)
    assert simulation.exchange.events is not None
    trades = [e for e in simulation.exchange.events if isinstance(e, TradePrinted)]
    for code, bar in simulation.bars.items():
        table = simulation.exchange.regular_book(code).tick_table
        tick = int(tick_size(bar.close, table))
        ours = [trade.price for trade in trades if trade.code == code]
        assert len(ours) > 200
        assert all(bar.low - tick <= price <= bar.high + tick for price in ours), code
        open_, high, low, close = simulation.ohlc(code)
        assert open_ is not None and high is not None and low is not None
        assert close is not None
        tolerance = max(3 * tick, bar.close * 0.003)
        assert abs(close - bar.close) <= tolerance, (code, close, bar.close)
        assert abs(open_ - bar.open) <= tolerance, (code, open_, bar.open)
        assert abs(high - bar.high) <= tolerance and abs(low - bar.low) <= tolerance
