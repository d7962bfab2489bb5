"""The live-watch half of bench_screener.py (run through it).

Benchmark of the live watch: µs per tick per strategy on synthetic trades.

10 strategies of 5 conditions each (indicators, lookbacks, helpers) watch 100 instruments
with 500 daily bars of synthetic history each (warm-up is timed separately and excluded),
then 100,000 synthetic trades arrive (random instrument, random walk price, a new day every
10,000 trades so commits are included). Goal: ≤ 50 µs per tick per strategy.

Run through ``benchmarks/bench_screener.py``, or alone:
``.venv/bin/python benchmarks/screener_watch.py [--ticks N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from yeouido.model import Trade
from yeouido.model.time import SEOUL
from yeouido.screener.watch import Watch, WatchEvent

INSTRUMENTS = 100
BARS = 500
STRATEGIES = [
    "close > sma(close, 20) and rsi(close, 14) < 70 and volume > avg(volume[1], 20)"
    " and change > 0.5 and highest(high, 20) > close[1]",
    "crosses_above(ema(close, 5), ema(close, 20)) or (macd(close).macdhist > 0"
    " and close > open and low > low[1] and volume > 1000)",
    "close < bbands(close, 20).lowerband and rsi(close, 14) < 30 and change < -1"
    " and close > lowest(low, 60) and volume > volume[1]",
    "atr(high, low, close, 14) / close * 100 > 2 and close > close[5] and close > sma(close, 60)"
    " and abs(change) < 5 and sum(volume, 5) > 5000",
    "stoch(high, low, close).slowk > stoch(high, low, close).slowd"
    " and willr(high, low, close) < -20"
    " and close > ema(close, 10) and high > high[1] and change > 0",
    "adx(high, low, close, 14) > 20 and plus_di(high, low, close) > minus_di(high, low, close)"
    " and close > max(open, close[1]) and volume > 0 and change < 10",
    "cci(high, low, close, 20) > 100 and mfi(high, low, close, volume, 14) < 80"
    " and close > wma(close, 20) and close[1] < close and avg(change, 3) > 0",
    "close > sma(close, 5) and sma(close, 5) > sma(close, 20) and sma(close, 20) > sma(close, 60)"
    " and rsi(close, 9) > 50 and volume > avg(volume, 10)",
    "mom(close, 10) > 0 and roc(close, 10) > 1 and close > highest(high[1], 10)"
    " and obv(close, volume) > obv(close, volume)[5] and change > 1",
    "disparity(close, 20) > 102 and psy(close, 12) > 50 and close > open"
    " and close > min(high[1], high[2]) and trix(close, 15) > 0",
]


def synthetic_history(seed: int) -> dict[str, pd.DataFrame]:
    """``INSTRUMENTS`` random walks of ``BARS`` daily bars ending the day before the ticks."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(end="2024-06-28", periods=BARS, tz=SEOUL)
    frames = {}
    for number in range(INSTRUMENTS):
        close = 10_000 * np.exp(np.cumsum(rng.normal(0, 0.02, BARS)))
        open_ = close * (1 + rng.normal(0, 0.01, BARS))
        high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.02, BARS))
        low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.02, BARS))
        volume = rng.integers(1_000, 100_000, BARS).astype(float)
        frames[f"{number:06d}"] = pd.DataFrame(
            {"open": open_, "high": high, "low": low, "close": close, "volume": volume},
            index=dates,
        )
    return frames


def synthetic_trades(history: dict[str, pd.DataFrame], count: int, seed: int) -> list[Trade]:
    """``count`` trades on random instruments, a new day every 10,000."""
    rng = np.random.default_rng(seed)
    codes = list(history)
    price = {code: float(frame["close"].iloc[-1]) for code, frame in history.items()}
    picks = rng.integers(0, len(codes), count)
    moves = rng.normal(0, 0.002, count)
    quantities = rng.integers(1, 500, count)
    day = dt.date(2024, 7, 1)
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=SEOUL)
    trades = []
    for number in range(count):
        if number and number % 10_000 == 0:
            day += dt.timedelta(days=1)
            start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=SEOUL)
        code = codes[picks[number]]
        price[code] = max(1.0, price[code] * (1 + moves[number]))
        moment = start + dt.timedelta(milliseconds=number % 10_000 * 2)
        trades.append(Trade(code, moment, int(price[code]), int(quantities[number])))
    return trades


def main() -> None:
    """Build, warm up, replay the ticks, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=100_000)
    arguments = parser.parse_args()

    history = synthetic_history(1)
    codes = list(history)
    watch = Watch(history, instruments={code: {"code": code} for code in codes})
    began = time.perf_counter()
    for number, text in enumerate(STRATEGIES):
        watch.add(f"s{number}", text, codes)
    warm = time.perf_counter() - began
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    watch.initialize(emit=True)
    trades = synthetic_trades(history, arguments.ticks, 2)

    on_trade = watch.on_trade
    began = time.perf_counter()
    for trade in trades:
        on_trade(trade)
    elapsed = time.perf_counter() - began

    ticks = len(trades)
    per_tick = elapsed / ticks * 1e6
    per_strategy = per_tick / len(STRATEGIES)
    print(
        f"watch: {len(STRATEGIES)} strategies x {INSTRUMENTS} instruments, {BARS} bars of history"
    )
    print(f"  warm-up (not timed below)      {warm:8.2f} s")
    print(f"  ticks                          {ticks:8d}")
    print(f"  events                         {len(events):8d}")
    print(f"  µs per tick (all strategies)   {per_tick:8.2f}")
    print(f"  µs per tick per strategy       {per_strategy:8.2f}   (goal <= 50)")
    print(f"  ticks per second               {ticks / elapsed:8.0f}")


if __name__ == "__main__":
    main()
