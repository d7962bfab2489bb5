"""The vectorized backtest: a signal strategy's entry and exit arrays → a portfolio.

The strategy's :meth:`~yeouido.strategy.SignalStrategy.signals` runs once per code over the
whole history; a compiled kernel then walks the bars in time order with the **same rules**
as the event-driven engine for a signal strategy (market orders filled at the next bar's
open, sells before buys, buys in the order placed, sizing by buying power and equity weight,
commission/fees/tax in whole won, T+2 cash, day orders expiring, zero-volume bars filling
nothing). Same strategy, same data → same trades; the tests hold both engines to it.

The grid holds every step (a time at which any code has a bar) × every code.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.backtest.context import backtest_instrument
from yeouido.backtest.engine import (
    fills_frame,
    interval_minutes,
    round_trips,
)
from yeouido.backtest.fills import FillModel
from yeouido.backtest.metrics import compute_stats, drawdown
from yeouido.backtest.result import ORDER_COLUMNS, Result
from yeouido.krx.costs import CostModel, transaction_tax_rate
from yeouido.model.account import Fill
from yeouido.model.enums import Side
from yeouido.model.errors import InvalidInput, NotSupported
from yeouido.model.time import SEOUL
from yeouido.strategy.schedule import CLOSE_TIME, OPEN_TIME
from yeouido.strategy.signal import SeriesBars, SignalStrategy
from yeouido.ta._core import jit

IntGrid = npt.NDArray[np.int64]
BoolGrid = npt.NDArray[np.bool_]
RATE_SCALE = 1_000_000_000
"""Rates enter the kernel as integers per 10⁹ (every KRX rate is a multiple of 10⁻⁹)."""

STATUS_OPEN, STATUS_FILLED, STATUS_CANCELED, STATUS_EXPIRED = 0, 1, 2, 3
STATUS_NAMES = {0: "accepted", 1: "filled", 2: "canceled", 3: "expired"}


def scaled_rate(name: str, rate: Decimal) -> int:
    """``rate`` × 10⁹ as an exact integer."""
    scaled = rate * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise NotSupported.for_field(
            name, str(rate), "the vectorized mode needs rates in 1e-9 steps"
        )
    return int(scaled)


@dataclass(frozen=True, slots=True)
class Grid:
    """Bars of every code on one time grid (missing bars: ``has_bar`` false, prices 0)."""

    codes: tuple[str, ...]
    stamps: npt.NDArray[np.int64]
    """Each step's bar start (ns since the epoch, UTC)."""
    open: IntGrid
    high: IntGrid
    low: IntGrid
    close: IntGrid
    volume: IntGrid
    has_bar: BoolGrid
    day_index: npt.NDArray[np.int64]
    after_close: BoolGrid
    tax: IntGrid
    """The sell tax rate × 10⁹ per step and code (by the step's date)."""
    rows: IntGrid
    """Each cell's row in its code's own bars (-1 where there is no bar)."""

    @property
    def bar_count(self) -> int:
        """Bars in the grid (cells with a bar)."""
        return int(self.has_bar.sum())


def build_grid(frames: dict[str, pd.DataFrame], interval: str) -> Grid:
    """Put ``frames`` (code → normalized bars) on one time grid."""
    codes = tuple(frames)
    daily = interval == "1d"
    indexes = []
    for frame in frames.values():
        index = pd.DatetimeIndex(frame.index).tz_convert(SEOUL).as_unit("ns")
        indexes.append(index.normalize() if daily else index)
    stamps = np.unique(np.concatenate([index.asi8 for index in indexes]))
    steps, width = len(stamps), len(codes)
    shape = (steps, width)
    grids = {name: np.zeros(shape, dtype=np.int64) for name in ("open", "high", "low", "close")}
    volume = np.zeros(shape, dtype=np.int64)
    has_bar = np.zeros(shape, dtype=np.bool_)
    rows = np.full(shape, -1, dtype=np.int64)
    for column, (frame, index) in enumerate(zip(frames.values(), indexes, strict=True)):
        where = np.searchsorted(stamps, index.asi8)
        for name, grid in grids.items():
            grid[where, column] = frame[name].to_numpy(dtype=np.int64)
        volume[where, column] = frame["volume"].to_numpy(dtype=np.int64)
        has_bar[where, column] = True
        rows[where, column] = np.arange(len(frame))
    starts = pd.DatetimeIndex(stamps, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)
    local_days = starts.normalize()
    unique_days, day_index = np.unique(local_days.asi8, return_inverse=True)
    if daily:
        after_close = np.ones(steps, dtype=np.bool_)
    else:
        ends = starts + pd.Timedelta(minutes=interval_minutes(interval))
        minutes = ends.hour * 60 + ends.minute
        after_close = np.asarray(minutes >= CLOSE_TIME.hour * 60 + CLOSE_TIME.minute)
    tax = np.zeros(shape, dtype=np.int64)
    days = [
        dt.date(1970, 1, 1) + dt.timedelta(days=int(value // 86_400_000_000_000 + 0))
        for value in (unique_days + 9 * 3_600_000_000_000)
    ]
    for column, code in enumerate(codes):
        instrument = backtest_instrument(code)
        by_day = np.array(
            [
                scaled_rate("tax", transaction_tax_rate(instrument.market, instrument.kind, day))
                for day in days
            ],
            dtype=np.int64,
        )
        tax[:, column] = by_day[day_index]
    return Grid(
        codes=codes,
        stamps=stamps,
        open=grids["open"],
        high=grids["high"],
        low=grids["low"],
        close=grids["close"],
        volume=volume,
        has_bar=has_bar,
        day_index=day_index.astype(np.int64),
        after_close=after_close,
        tax=tax,
        rows=rows,
    )


def series_bars(code: str, frame: pd.DataFrame) -> SeriesBars:
    """One code's bars as the float arrays :meth:`SignalStrategy.signals` reads."""
    return SeriesBars(
        code=code,
        time=frame.index.to_numpy(),
        open=frame["open"].to_numpy(dtype=np.float64),
        high=frame["high"].to_numpy(dtype=np.float64),
        low=frame["low"].to_numpy(dtype=np.float64),
        close=frame["close"].to_numpy(dtype=np.float64),
        volume=frame["volume"].to_numpy(dtype=np.float64),
    )


def signal_grids(
    strategy: SignalStrategy, bars: dict[str, SeriesBars], grid: Grid
) -> tuple[BoolGrid, BoolGrid]:
    """The strategy's entries and exits for every code, placed on ``grid``."""
    entries = np.zeros(grid.has_bar.shape, dtype=np.bool_)
    exits = np.zeros(grid.has_bar.shape, dtype=np.bool_)
    for column, code in enumerate(grid.codes):
        series = bars[code]
        result = strategy.signals(series)
        if not isinstance(result, tuple) or len(result) != 2:
            raise InvalidInput.for_field(
                f"{type(strategy).__name__}.signals",
                type(result).__name__,
                "must return (entries, exits)",
            )
        enter = np.asarray(result[0], dtype=np.bool_)
        leave = np.asarray(result[1], dtype=np.bool_)
        for name, values in (("entries", enter), ("exits", leave)):
            if values.shape != (len(series),):
                raise InvalidInput.for_field(
                    f"signals {name} of {code}",
                    values.shape,
                    f"must have one value per bar ({len(series)})",
                )
        where = grid.has_bar[:, column]
        entries[where, column] = enter
        exits[where, column] = leave
    return entries, exits


@jit
def _buy_cost(quantity: int, price: int, commission: int, fee: int, minimum: int) -> int:
    amount = quantity * price
    paid = amount * commission // RATE_SCALE
    if paid < minimum:
        paid = minimum
    return amount + paid + amount * fee // RATE_SCALE


@jit
def _affordable(budget: int, price: int, commission: int, fee: int, minimum: int) -> int:
    if price <= 0 or budget <= 0:
        return 0
    quantity = budget * RATE_SCALE // (price * (RATE_SCALE + commission + fee))
    while _buy_cost(quantity + 1, price, commission, fee, minimum) <= budget:
        quantity += 1
    while quantity > 0 and _buy_cost(quantity, price, commission, fee, minimum) > budget:
        quantity -= 1
    return quantity


@jit
def simulate(
    opens: IntGrid,
    closes: IntGrid,
    volumes: IntGrid,
    has_bar: BoolGrid,
    day_index: npt.NDArray[np.int64],
    after_close: BoolGrid,
    tax: IntGrid,
    entries: BoolGrid,
    exits: BoolGrid,
    cash: int,
    weight: float,
    commission: int,
    fee: int,
    minimum: int,
    orders: IntGrid,
) -> tuple[npt.NDArray[np.int64], int, int]:
    """Walk the grid; returns (equity per step, orders recorded, steps with a position).

    ``orders`` (capacity × 9) receives one row per order: sequence, code column, side (1 buy,
    -1 sell), quantity, step placed, status, step closed, filled quantity, fill price; plus
    the commission and tax of its fill in columns 9 and 10.
    """
    steps, width = opens.shape
    d2 = cash
    reserved = 0
    held = np.zeros(width, dtype=np.int64)
    last = np.zeros(width, dtype=np.int64)
    pending = np.full(width, -1, dtype=np.int64)  # row in ``orders`` of the open order
    order_day = np.zeros(width, dtype=np.int64)
    reservation = np.zeros(width, dtype=np.int64)
    equity = np.zeros(steps, dtype=np.int64)
    count = 0
    sequence = 0
    exposed = 0
    previous_day = -1
    buy_rows = np.zeros(width, dtype=np.int64)
    for step in range(steps):
        day = day_index[step]
        if day != previous_day:
            if previous_day >= 0:
                for column in range(width):
                    row = pending[column]
                    if row >= 0 and order_day[column] >= 0 and order_day[column] <= previous_day:
                        orders[row, 5] = STATUS_EXPIRED
                        orders[row, 6] = step
                        reserved -= reservation[column]
                        reservation[column] = 0
                        pending[column] = -1
            for column in range(width):
                if pending[column] >= 0 and order_day[column] < 0:
                    order_day[column] = day
            previous_day = day
        # sells first
        for column in range(width):
            row = pending[column]
            if row < 0 or not has_bar[step, column] or orders[row, 2] != -1:
                continue
            if volumes[step, column] <= 0:
                continue
            price = opens[step, column]
            quantity = orders[row, 3]
            amount = quantity * price
            paid = amount * commission // RATE_SCALE
            if paid < minimum:
                paid = minimum
            paid += amount * fee // RATE_SCALE
            taxed = amount * tax[step, column] // RATE_SCALE
            d2 += amount - paid - taxed
            held[column] -= quantity
            orders[row, 5] = STATUS_FILLED
            orders[row, 6] = step
            orders[row, 7] = quantity
            orders[row, 8] = price
            orders[row, 9] = paid
            orders[row, 10] = taxed
            pending[column] = -1
        # buys in the order placed
        buys = 0
        for column in range(width):
            row = pending[column]
            if row < 0 or not has_bar[step, column] or orders[row, 2] != 1:
                continue
            if volumes[step, column] <= 0:
                continue
            position = buys
            while position > 0 and orders[pending[buy_rows[position - 1]], 0] > orders[row, 0]:
                buy_rows[position] = buy_rows[position - 1]
                position -= 1
            buy_rows[position] = column
            buys += 1
        for index in range(buys):
            column = buy_rows[index]
            row = pending[column]
            price = opens[step, column]
            quantity = orders[row, 3]
            available = d2 - reserved + reservation[column]
            if _buy_cost(quantity, price, commission, fee, minimum) > available:
                quantity = _affordable(available, price, commission, fee, minimum)
            reserved -= reservation[column]
            reservation[column] = 0
            pending[column] = -1
            orders[row, 6] = step
            if quantity <= 0:
                orders[row, 5] = STATUS_CANCELED
                continue
            amount = quantity * price
            paid = amount * commission // RATE_SCALE
            if paid < minimum:
                paid = minimum
            paid += amount * fee // RATE_SCALE
            d2 -= amount + paid
            held[column] += quantity
            orders[row, 5] = STATUS_FILLED if quantity == orders[row, 3] else STATUS_CANCELED
            orders[row, 7] = quantity
            orders[row, 8] = price
            orders[row, 9] = paid
        # the close: prices, then decisions in code order
        for column in range(width):
            if has_bar[step, column]:
                last[column] = closes[step, column]
        for column in range(width):
            if not has_bar[step, column]:
                continue
            if entries[step, column] and held[column] == 0 and pending[column] < 0:
                price = last[column]
                value = d2
                for other in range(width):
                    value += held[other] * last[other]
                buying_power = d2 - reserved
                budget = int(value * weight)
                if buying_power < budget:
                    budget = buying_power
                quantity = _affordable(budget, price, commission, fee, minimum)
                if quantity > 0:
                    sequence += 1
                    orders[count, 0] = sequence
                    orders[count, 1] = column
                    orders[count, 2] = 1
                    orders[count, 3] = quantity
                    orders[count, 4] = step
                    orders[count, 5] = STATUS_OPEN
                    orders[count, 6] = -1
                    reservation[column] = _buy_cost(quantity, price, commission, fee, minimum)
                    reserved += reservation[column]
                    pending[column] = count
                    order_day[column] = -1 if after_close[step] else day
                    count += 1
            elif exits[step, column] and held[column] > 0 and pending[column] < 0:
                sequence += 1
                orders[count, 0] = sequence
                orders[count, 1] = column
                orders[count, 2] = -1
                orders[count, 3] = held[column]
                orders[count, 4] = step
                orders[count, 5] = STATUS_OPEN
                orders[count, 6] = -1
                pending[column] = count
                order_day[column] = -1 if after_close[step] else day
                count += 1
        value = d2
        any_held = False
        for column in range(width):
            if held[column] != 0:
                any_held = True
                value += held[column] * last[column]
        equity[step] = value
        if any_held:
            exposed += 1
    return equity, count, exposed


def kernel_inputs(costs: CostModel) -> tuple[int, int, int]:
    """The cost model as kernel integers (commission, fee, minimum commission)."""
    return (
        scaled_rate("commission_rate", costs.commission_rate),
        scaled_rate("exchange_fee_rate", costs.exchange_fee_rate),
        costs.minimum_commission,
    )


def run_vectorized(
    strategy: SignalStrategy,
    frames: dict[str, pd.DataFrame],
    cash: int,
    costs: CostModel,
    fill_model: FillModel | None,
    interval: str,
) -> Result:
    """Run ``strategy``'s signals over ``frames`` and build the same :class:`Result` as the
    event-driven engine."""
    if isinstance(cash, bool) or not isinstance(cash, int) or cash <= 0:
        raise InvalidInput.for_field("cash", cash, "must be a positive whole KRW amount")
    if fill_model is not None and fill_model.max_volume_fraction is not None:
        raise NotSupported.for_field(
            "max_volume_fraction", fill_model.max_volume_fraction, "event-driven mode only"
        )
    began = time.perf_counter()
    grid = build_grid(frames, interval)
    bars = {code: series_bars(code, frame) for code, frame in frames.items()}
    entries, exits = signal_grids(strategy, bars, grid)
    commission, fee, minimum = kernel_inputs(costs)
    orders = np.zeros((grid.bar_count + 1, 11), dtype=np.int64)
    equity_values, count, exposed = simulate(
        grid.open,
        grid.close,
        grid.volume,
        grid.has_bar,
        grid.day_index,
        grid.after_close,
        grid.tax,
        entries,
        exits,
        cash,
        strategy.entry_weight(len(grid.codes)),
        commission,
        fee,
        minimum,
        orders,
    )
    return build_result(
        strategy,
        frames,
        grid,
        interval,
        cash,
        orders[:count],
        equity_values,
        exposed,
        time.perf_counter() - began,
    )


def build_result(
    strategy: SignalStrategy,
    frames: dict[str, pd.DataFrame],
    grid: Grid,
    interval: str,
    cash: int,
    orders: IntGrid,
    equity_values: npt.NDArray[np.int64],
    exposed: int,
    elapsed: float,
) -> Result:
    """The :class:`Result` of a kernel run (orders, fills and trades as the event engine
    reports them)."""
    daily = interval == "1d"
    starts = pd.DatetimeIndex(grid.stamps, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)
    open_offset = pd.Timedelta(hours=OPEN_TIME.hour) if daily else pd.Timedelta(0)
    close_offset = (
        pd.Timedelta(hours=CLOSE_TIME.hour, minutes=CLOSE_TIME.minute)
        if daily
        else pd.Timedelta(minutes=interval_minutes(interval))
    )
    opens = list((starts + open_offset).to_pydatetime())
    closes = list((starts + close_offset).to_pydatetime())
    fills: list[Fill] = []
    order_rows: dict[str, list[Any]] = {name: [] for name in ORDER_COLUMNS}
    for row in orders[np.argsort(orders[:, 0], kind="stable")] if len(orders) else orders:
        sequence, column, side, quantity, placed, status, closed, filled, price, paid, taxed = (
            int(value) for value in row
        )
        code = grid.codes[column]
        order_id = f"BT{sequence:07d}"
        side_value = Side.BUY if side == 1 else Side.SELL
        order_rows["order_id"].append(order_id)
        order_rows["code"].append(code)
        order_rows["side"].append(side_value.value)
        order_rows["order_type"].append("market")
        order_rows["quantity"].append(quantity)
        order_rows["price"].append(None)
        order_rows["status"].append(STATUS_NAMES[status])
        order_rows["created_at"].append(closes[placed])
        order_rows["updated_at"].append(closes[placed] if closed < 0 else opens[closed])
        order_rows["filled_quantity"].append(filled)
        order_rows["average_price"].append(float(price) if filled else None)
        order_rows["reason"].append(None)
        if filled:
            fills.append(
                Fill(
                    order_id=order_id,
                    trade_id=f"{order_id}-{filled}",
                    code=code,
                    side=side_value,
                    quantity=filled,
                    price=price,
                    time=opens[closed],
                    commission=paid,
                    tax=taxed,
                )
            )
    fills.sort(key=lambda fill: (fill.time, fill.side is Side.BUY))
    equity = pd.Series(
        equity_values, index=(starts + close_offset).rename("time"), dtype=np.int64, name="equity"
    )
    bar_times = [
        list(pd.DatetimeIndex(frame.index).tz_convert(SEOUL).to_pydatetime())
        for frame in frames.values()
    ]
    trades = round_trips(fills, bar_times, grid.codes)
    fills_table = fills_frame(fills)
    steps = len(grid.stamps)
    stats = compute_stats(equity, trades, fills_table, exposed / steps if steps else 0.0, cash)
    order_rows["created_at"] = list(order_rows["created_at"])
    return Result(
        strategy=type(strategy).__name__,
        params=dict(strategy.params),
        symbols=grid.codes,
        interval=interval,
        mode="vectorized",
        initial_cash=cash,
        orders=pd.DataFrame(order_rows, columns=list(ORDER_COLUMNS)),
        fills=fills_table,
        trades=trades,
        equity=equity,
        drawdown=drawdown(equity),
        stats=stats,
        bars=frames,
        elapsed=elapsed,
    )
