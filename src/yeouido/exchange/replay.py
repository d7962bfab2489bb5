"""Replay history on the simulated exchange: daily bars become plausible intraday paths, and a
liquidity agent quotes around each path so the simulated day trades near it.

- :func:`load_daily_bars` reads a ``CODE.csv`` of daily bars
  (``date,open,high,low,close,volume,ticker,code,name,interval``).
- :func:`intraday_path` turns one bar into ``(ts_ns, price)`` points: the open first, then
  the high and the low in a seeded random order, then the close, with a noisy walk (Brownian
  bridges) in between; every price on the tick and inside the bar's range.
- :class:`ReplaySimulation` is a :class:`~yeouido.exchange.simulation.MarketSimulation` whose
  fair values follow those paths and whose quotes stay inside each bar's range, for paper
  trading on real history. The day must be inside the KRX calendar (2006-11-24 onwards).
"""

from __future__ import annotations

import csv
import math
import random
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from yeouido.exchange.agents import DayTimes
from yeouido.exchange.events import datetime_to_ts
from yeouido.exchange.simulation import AgentMix, MarketSimulation
from yeouido.krx.calendar import is_trading_day
from yeouido.krx.master import default_master
from yeouido.krx.ticks import round_price
from yeouido.model.errors import CalendarError, InvalidInput
from yeouido.model.instrument import Instrument, Price
from yeouido.model.time import SEOUL

__all__ = [
    "DailyBar",
    "PathFairValue",
    "ReplaySimulation",
    "intraday_path",
    "load_daily_bars",
]


class DailyBar(NamedTuple):
    """One day of a listing: date, open, high, low, close (whole KRW) and volume."""

    date: date
    open: int
    high: int
    low: int
    close: int
    volume: int


def load_daily_bars(path: str | Path) -> list[DailyBar]:
    """Every bar of a daily-bars CSV file, in file order (oldest first)."""
    bars: list[DailyBar] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                text = row["date"].strip()
                day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
                bars.append(
                    DailyBar(
                        day,
                        _whole(row["open"]),
                        _whole(row["high"]),
                        _whole(row["low"]),
                        _whole(row["close"]),
                        _whole(row["volume"]),
                    )
                )
            except (KeyError, ValueError, TypeError, AttributeError) as error:
                raise InvalidInput.for_field(
                    f"{path}:{line}", str(row), f"not a daily bar ({error})"
                ) from None
    return bars


def _whole(text: str | None) -> int:
    return round(float((text or "").strip()))


def _continuous_window(day: date) -> tuple[int, int]:
    """Continuous trading of ``day`` in ns (09:00–15:20 when the calendar cannot tell)."""
    try:
        if is_trading_day(day):
            times = DayTimes.for_day(day)
            return times.continuous, times.closing_auction
    except CalendarError:
        pass
    start = datetime.combine(day, time(9, 0), tzinfo=SEOUL)
    end = datetime.combine(day, time(15, 20), tzinfo=SEOUL)
    return datetime_to_ts(start), datetime_to_ts(end)


def intraday_path(
    open: int,
    high: int,
    low: int,
    close: int,
    day: date,
    seed: int = 0,
    steps: int = 390,
    tick_table: str = "stock",
) -> list[tuple[int, int]]:
    """A plausible intraday path of one daily bar: ``steps + 1`` evenly spaced
    ``(ts_ns, price)`` points over the day's continuous session.

    The path starts at the open, visits the high and the low (in a seeded random order, at
    random times), and ends at the close; in between it is a Brownian bridge clipped to the
    range. Prices are first rounded to the nearest tick of ``tick_table`` (historical
    adjusted prices may be off the grid), so every point is on the tick and inside
    ``[low, high]`` rounded.
    """
    if steps < 3:
        raise InvalidInput.for_field("steps", steps, "must be at least 3")
    if min(open, high, low, close) <= 0:
        raise InvalidInput.for_field("low", low, "prices must be > 0")
    if not (low <= min(open, close) and max(open, close) <= high):
        raise InvalidInput.for_field(
            "high", high, f"need low <= open, close <= high (got {open}/{high}/{low}/{close})"
        )

    def tick(value: float) -> int:
        return int(round_price(value, tick_table, "nearest"))

    o, h, lo, c = tick(open), tick(high), tick(low), tick(close)
    start, end = _continuous_window(day)
    times = [start + (end - start) * index // steps for index in range(steps + 1)]
    if h == lo:
        return [(moment, o) for moment in times]
    rng = random.Random(f"path-{seed}-{day.isoformat()}-{o}-{h}-{lo}-{c}")
    high_first = rng.random() < 0.5
    first = rng.randint(1, steps - 2)
    second = rng.randint(first + 1, steps - 1)
    anchors = [(0, o), (first, h if high_first else lo), (second, lo if high_first else h)]
    anchors.append((steps, c))
    sigma = (h - lo) * 0.3 / math.sqrt(steps)
    values: list[float] = [float(o)] * (steps + 1)
    for (a, price_a), (b, price_b) in pairwise(anchors):
        length = b - a
        walk = [0.0]
        for _ in range(length):
            walk.append(walk[-1] + rng.gauss(0.0, sigma))
        for k in range(length + 1):
            bridge = walk[k] - walk[length] * k / length
            values[a + k] = price_a + (price_b - price_a) * k / length + bridge
    prices = [tick(min(max(value, float(lo)), float(h))) for value in values]
    for index, price in anchors:
        prices[index] = price
    prices = [min(max(price, lo), h) for price in prices]
    return list(zip(times, prices, strict=True))


class PathFairValue:
    """Fair values that follow given intraday paths (linear between points; the first point
    before the path starts, the last one after it ends), with optional price bounds."""

    def __init__(
        self,
        paths: Mapping[str, Sequence[tuple[int, int]]],
        bounds: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self._times = {code: [moment for moment, _ in path] for code, path in paths.items()}
        self._prices = {code: [price for _, price in path] for code, path in paths.items()}
        self._bounds = dict(bounds or {})

    def value(self, code: str, ts: int) -> float:
        """The path's price at ``ts``."""
        times, prices = self._times[code], self._prices[code]
        index = bisect_right(times, ts) - 1
        if index < 0:
            return float(prices[0])
        if index >= len(times) - 1:
            return float(prices[-1])
        t0, t1 = times[index], times[index + 1]
        p0, p1 = prices[index], prices[index + 1]
        return p0 + (p1 - p0) * (ts - t0) / (t1 - t0)

    def on_trade(self, code: str, signed_notional: float) -> None:
        """History does not react to trades."""

    def bounds(self, code: str) -> tuple[int, int] | None:
        """The bar's range, if given."""
        return self._bounds.get(code)


class ReplaySimulation(MarketSimulation):
    """A simulated trading day that replays daily bars: for each instrument a liquidity
    provider quotes around :func:`intraday_path` of its bar and noise traders trade with it,
    all inside the bar's range, so the day's open, high, low and close come out close to the
    bar's. Trade on ``self.exchange`` as on :class:`MarketSimulation`.

    ``bars`` maps codes to the bars of one common day; ``base_prices`` are the previous
    closes (default: each bar's open). ``paths`` holds the replayed paths.
    """

    def __init__(
        self,
        bars: Mapping[str, DailyBar],
        base_prices: Mapping[str, int] | None = None,
        *,
        seed: int = 0,
        steps: int = 390,
        instruments: Iterable[Instrument] | None = None,
        agents_per_instrument: AgentMix | None = None,
        nxt: bool = False,
        record: bool = False,
    ) -> None:
        if not bars:
            raise InvalidInput.for_field("bars", "{}", "needs at least one bar")
        days = {bar.date for bar in bars.values()}
        if len(days) != 1:
            raise InvalidInput.for_field("bars", sorted(days), "must all be of one day")
        day = days.pop()
        master = default_master()
        listed = {item.code: item for item in instruments} if instruments is not None else {}
        for code in bars:
            if code not in listed:
                listed[code] = master.get(code)
        self.bars = dict(bars)
        self.paths: dict[str, list[tuple[int, int]]] = {}
        bounds: dict[str, tuple[int, int]] = {}
        base: dict[str, int] = {}
        for code, bar in bars.items():
            table = listed[code].tick_table
            path = intraday_path(bar.open, bar.high, bar.low, bar.close, day, seed, steps, table)
            self.paths[code] = path
            prices = [price for _, price in path]
            bounds[code] = (min(prices), max(prices))
            given = base_prices.get(code) if base_prices is not None else None
            base[code] = int(round_price(given if given else bar.open, table, "nearest"))
        mix = agents_per_instrument or AgentMix(
            liquidity_providers=1, noise_traders=3, momentum_traders=0
        )
        super().__init__(
            [listed[code] for code in bars],
            base,
            day,
            seed,
            mix,
            fair_values=PathFairValue(self.paths, bounds),
            nxt=nxt,
            record=record,
        )

    @classmethod
    def from_csv_dir(
        cls,
        path: str | Path,
        day: date,
        codes: Iterable[str] | None = None,
        *,
        seed: int = 0,
        steps: int = 390,
        record: bool = False,
    ) -> ReplaySimulation:
        """Replay ``day`` from a directory of ``CODE.csv`` daily bars (every file with a bar
        on that day, or only ``codes``); base prices are the previous bars' closes."""
        directory = Path(path)
        wanted = set(codes) if codes is not None else None
        bars: dict[str, DailyBar] = {}
        base: dict[str, int] = {}
        for file in sorted(directory.glob("*.csv")):
            if wanted is not None and file.stem not in wanted:
                continue
            history = load_daily_bars(file)
            for index, bar in enumerate(history):
                if bar.date == day:
                    bars[file.stem] = bar
                    base[file.stem] = history[index - 1].close if index else bar.open
                    break
        if not bars:
            raise InvalidInput.for_field("day", day.isoformat(), f"no bar on that day in {path}")
        return cls(bars, base, seed=seed, steps=steps, record=record)

    def ohlc(self, code: str) -> tuple[int | None, int | None, int | None, int | None]:
        """The simulated day's open, high, low and close of ``code`` so far (KRX)."""
        book = self.exchange.regular_book(code)
        close = self.exchange.day_close.get(code, book.last_price)

        def whole(value: Price | None) -> int | None:
            return None if value is None else int(value)

        return (
            whole(book.open_price),
            whole(book.high_price),
            whole(book.low_price),
            whole(close),
        )
