"""The vectorized backtest: a signal strategy's entry and exit arrays → a portfolio.

The strategy's :meth:`~yeouido.strategy.SignalStrategy.signals` runs once per code over the
whole history; a compiled kernel then walks the bars in time order with the **same rules**
as the event-driven engine for a signal strategy (market orders filled at the next bar's
open, sells before buys, buys in the order placed, sizing by buying power and equity weight,
commission/fees/tax in whole won, T+2 cash, day orders expiring, zero-volume bars filling
nothing). Same strategy, same data → same trades; the tests hold both engines to it.

The grid holds every step (a time at which any code has a bar) × every code; entries and
exits are flat per-bar arrays (each code's bars in turn, :attr:`Grid.cells`), so a code's
signals are one slice. One kernel, :func:`simulate`, serves both uses: a single run records
every order (:func:`run_vectorized`, then :func:`build_result` makes the same
:class:`~yeouido.backtest.result.Result` as the event engine), and a parameter sweep
(:mod:`yeouido.backtest.sweeps`) runs many combinations at once without recording
(:func:`run_many`: threads over the combinations), keeping only each equity curve and a
summary of its trades and costs.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.backtest.context import backtest_instrument
from yeouido.backtest.engine import interval_minutes
from yeouido.backtest.fills import FillModel
from yeouido.backtest.metrics import (
    DAY_NS,
    SEOUL_OFFSET_NS,
    seoul_midnights,
)
from yeouido.backtest.result import ORDER_COLUMNS, Result, assemble_result, seoul_times
from yeouido.krx.costs import (
    CostModel,
    affordable_quantity,
    buy_cost,
    charges,
    levy,
    scaled_tax_rate,
)
from yeouido.model.account import Fill
from yeouido.model.enums import InstrumentKind, Market, Side
from yeouido.model.errors import InvalidInput, NotSupported
from yeouido.model.time import SEOUL
from yeouido.strategy.schedule import CLOSE_TIME, OPEN_TIME
from yeouido.strategy.signal import SeriesBars, SignalStrategy
from yeouido.ta._core import jit

IntGrid = npt.NDArray[np.int64]
BoolGrid = npt.NDArray[np.bool_]
BoolArray = npt.NDArray[np.bool_]
STATUS_OPEN, STATUS_FILLED, STATUS_CANCELED, STATUS_EXPIRED = 0, 1, 2, 3
STATUS_NAMES = {0: "accepted", 1: "filled", 2: "canceled", 3: "expired"}


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
    offsets: npt.NDArray[np.int64]
    """Where each code's bars start in the flat per-bar arrays (one more entry: the total)."""
    cells: IntGrid
    """Each cell's position in the flat per-bar arrays (code by code, each code's bars in
    order; -1 where there is no bar): where the kernel reads a cell's entry and exit."""
    bar_steps: npt.NDArray[np.int64]
    """The step of each bar of the flat per-bar arrays."""
    bar_columns: npt.NDArray[np.int64]
    """The code column of each bar of the flat per-bar arrays."""
    last: IntGrid
    """The last close of each code at or before each step (0 before its first bar)."""

    @property
    def bar_count(self) -> int:
        """Bars in the grid (cells with a bar)."""
        return int(self.offsets[-1])

    @property
    def steps(self) -> int:
        """Time steps in the grid."""
        return len(self.stamps)


@functools.lru_cache(maxsize=64)
def _tax_by_day(
    market: Market, kind: InstrumentKind, days: tuple[dt.date, ...]
) -> npt.NDArray[np.int64]:
    """The sell tax rate × 10⁹ of one kind of instrument on each of ``days``."""
    values = np.array([scaled_tax_rate(market, kind, day) for day in days], dtype=np.int64)
    values.flags.writeable = False
    return values


def build_grid(frames: dict[str, pd.DataFrame], interval: str) -> Grid:
    """Put ``frames`` (code → normalized bars) on one time grid."""
    codes = tuple(frames)
    daily = interval == "1d"
    indexes = []
    for frame in frames.values():
        index = pd.DatetimeIndex(frame.index).tz_convert(SEOUL).as_unit("ns")
        indexes.append(seoul_midnights(index) if daily else index)
    stamps = np.unique(np.concatenate([index.asi8 for index in indexes]))
    steps, width = len(stamps), len(codes)
    shape = (steps, width)
    grids = {name: np.zeros(shape, dtype=np.int64) for name in ("open", "high", "low", "close")}
    volume = np.zeros(shape, dtype=np.int64)
    has_bar = np.zeros(shape, dtype=np.bool_)
    rows = np.full(shape, -1, dtype=np.int64)
    cells = np.full(shape, -1, dtype=np.int64)
    offsets = np.zeros(width + 1, dtype=np.int64)
    for column, (frame, index) in enumerate(zip(frames.values(), indexes, strict=True)):
        where = np.searchsorted(stamps, index.asi8)
        for name, grid in grids.items():
            grid[where, column] = frame[name].to_numpy(dtype=np.int64)
        volume[where, column] = frame["volume"].to_numpy(dtype=np.int64)
        has_bar[where, column] = True
        rows[where, column] = np.arange(len(frame))
        cells[where, column] = offsets[column] + np.arange(len(frame))
        offsets[column + 1] = offsets[column] + len(frame)
    bar_steps = np.zeros(int(offsets[-1]), dtype=np.int64)
    bar_columns = np.zeros(int(offsets[-1]), dtype=np.int64)
    for column in range(width):
        begin, end = offsets[column], offsets[column + 1]
        bar_steps[begin:end] = np.flatnonzero(has_bar[:, column])
        bar_columns[begin:end] = column
    seen = np.where(has_bar, np.arange(steps, dtype=np.int64)[:, None], -1)
    np.maximum.accumulate(seen, axis=0, out=seen)
    last = np.where(
        seen >= 0, np.take_along_axis(grids["close"], np.maximum(seen, 0), axis=0), 0
    ).astype(np.int64)
    starts = pd.DatetimeIndex(stamps, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)
    local_days = seoul_midnights(starts)
    unique_days, day_index = np.unique(local_days.asi8, return_inverse=True)
    if daily:
        after_close = np.ones(steps, dtype=np.bool_)
    else:
        ends = starts + pd.Timedelta(minutes=interval_minutes(interval))
        minutes = ends.hour * 60 + ends.minute
        after_close = np.asarray(minutes >= CLOSE_TIME.hour * 60 + CLOSE_TIME.minute)
    tax = np.zeros(shape, dtype=np.int64)
    local_midnights = (unique_days + SEOUL_OFFSET_NS) // DAY_NS
    days = tuple(local_midnights.astype("datetime64[D]").tolist())
    for column, code in enumerate(codes):
        instrument = backtest_instrument(code)
        by_day = _tax_by_day(instrument.market, instrument.kind, days)
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
        offsets=offsets,
        cells=cells,
        bar_steps=bar_steps,
        bar_columns=bar_columns,
        last=last,
    )


def series_bars(code: str, frame: pd.DataFrame) -> SeriesBars:
    """One code's bars as the float arrays :meth:`SignalStrategy.signals` reads (``time``:
    each bar's start as ``datetime64[ns]`` in Seoul wall-clock time)."""
    return SeriesBars(
        code=code,
        time=pd.DatetimeIndex(frame.index).tz_convert(SEOUL).tz_localize(None).to_numpy(),
        open=frame["open"].to_numpy(dtype=np.float64),
        high=frame["high"].to_numpy(dtype=np.float64),
        low=frame["low"].to_numpy(dtype=np.float64),
        close=frame["close"].to_numpy(dtype=np.float64),
        volume=frame["volume"].to_numpy(dtype=np.float64),
    )


def place_signals(
    strategy: SignalStrategy,
    bars: Mapping[str, SeriesBars],
    grid: Grid,
    entries: BoolArray,
    exits: BoolArray,
) -> None:
    """Write the strategy's entries and exits for every code into the flat per-bar arrays
    ``entries`` and ``exits`` (``grid.bar_count`` values each, see :attr:`Grid.cells`)."""
    signals = strategy.signals
    bounds = grid.offsets.tolist()
    for column, code in enumerate(grid.codes):
        result = signals(bars[code])
        if not isinstance(result, tuple) or len(result) != 2:
            raise InvalidInput.for_field(
                f"{type(strategy).__name__}.signals",
                type(result).__name__,
                "must return (entries, exits)",
            )
        begin, end = bounds[column], bounds[column + 1]
        enter, leave = result
        if type(enter) is not np.ndarray or enter.dtype != np.bool_:
            enter = np.asarray(enter, dtype=np.bool_)
        if type(leave) is not np.ndarray or leave.dtype != np.bool_:
            leave = np.asarray(leave, dtype=np.bool_)
        for name, array in (("entries", enter), ("exits", leave)):
            if array.shape != (end - begin,):
                raise InvalidInput.for_field(
                    f"signals {name} of {code}",
                    array.shape,
                    f"must have one value per bar ({end - begin})",
                )
        entries[begin:end] = enter
        exits[begin:end] = leave


def signal_arrays(
    strategy: SignalStrategy, bars: Mapping[str, SeriesBars], grid: Grid
) -> tuple[BoolArray, BoolArray]:
    """The strategy's entries and exits as flat per-bar arrays (see :func:`place_signals`)."""
    entries = np.zeros(grid.bar_count, dtype=np.bool_)
    exits = np.zeros(grid.bar_count, dtype=np.bool_)
    place_signals(strategy, bars, grid, entries, exits)
    return entries, exits


_charges = jit(charges)
_levy = jit(levy)
_buy_cost = jit(buy_cost)
_affordable = jit(affordable_quantity)
"""The cost model's integer arithmetic (:mod:`yeouido.krx.costs`), compiled as it is: the
kernel computes exactly what :class:`~yeouido.krx.CostModel` computes."""


SUMMARY_FIELDS = (
    "orders",
    "exposed",
    "trades",
    "wins",
    "gross_profit",
    "gross_loss",
    "commission",
    "tax",
)
"""What :func:`simulate` writes into ``summary``, in order: orders placed, steps with a
position, closed round trips, winning ones, the sum of winning and (positive) losing round
trips' pnl, commission (with fees) and tax paid, all whole numbers."""


@jit
def simulate(
    opens: IntGrid,
    volumes: IntGrid,
    has_bar: BoolGrid,
    bar_steps: npt.NDArray[np.int64],
    bar_columns: npt.NDArray[np.int64],
    last: IntGrid,
    day_index: npt.NDArray[np.int64],
    after_close: BoolGrid,
    tax: IntGrid,
    entries: BoolArray,
    exits: BoolArray,
    cash: int,
    weight: float,
    commission: int,
    fee: int,
    minimum: int,
    record: bool,
    orders: IntGrid,
    equity: npt.NDArray[np.int64],
    summary: npt.NDArray[np.int64],
) -> None:
    """Walk the grid for one strategy's signals; writes the equity of each step into
    ``equity`` and the :data:`SUMMARY_FIELDS` into ``summary``.

    ``entries``/``exits`` are flat per-bar arrays (:attr:`Grid.cells`; ``bar_steps`` and
    ``bar_columns`` place each bar); ``last`` is :attr:`Grid.last`. The bars with a signal
    are first bucketed by step (a scan that skips eight quiet bars at a time). The state of
    the (at most one) open order of each code lives in per-code arrays, with lists of the
    codes that have an open order or a position, so a step costs its signals, open orders
    and positions, not its width or its bars.
    With ``record`` true, ``orders`` (capacity × 11) receives one row per order: sequence,
    code column, side (1 buy, -1 sell), quantity, step placed, status, step closed, filled
    quantity, fill price, and the commission and tax of its fill; without it ``orders`` is
    not touched (parameter sweeps).
    """
    steps, width = opens.shape
    d2 = cash
    reserved = 0
    held = np.zeros(width, dtype=np.int64)
    side = np.zeros(width, dtype=np.int64)  # the open order's side: 1 buy, -1 sell, 0 none
    ordered = np.zeros(width, dtype=np.int64)  # its quantity
    placed_as = np.zeros(width, dtype=np.int64)  # its sequence number
    order_day = np.zeros(width, dtype=np.int64)  # its day (-1: the next trading day's)
    reservation = np.zeros(width, dtype=np.int64)
    row_of = np.zeros(width, dtype=np.int64)  # its row in ``orders`` when recording
    entry_cost = np.zeros(width, dtype=np.int64)  # the open round trip's cost, net
    open_columns = np.zeros(width, dtype=np.int64)  # codes with an open order
    held_columns = np.zeros(width, dtype=np.int64)  # codes with a position
    held_at = np.zeros(width, dtype=np.int64)  # each held code's place in held_columns
    buy_columns = np.zeros(width, dtype=np.int64)
    pending = 0
    holding = 0
    count = 0
    sequence = 0
    exposed = 0
    trades = 0
    wins = 0
    gross_profit = 0
    gross_loss = 0
    paid_total = 0
    tax_total = 0
    previous_day = -1
    # the bars with a signal, bucketed by step (each step's in code order, as the bars are)
    bars = entries.shape[0]
    marked = np.empty(bars, dtype=np.int64)
    firsts = np.zeros(steps + 1, dtype=np.int64)
    signalled = 0
    whole = bars // 8
    entry_words = entries[: whole * 8].view(np.uint64)
    exit_words = exits[: whole * 8].view(np.uint64)
    for word in range(whole + 1):
        if word < whole and entry_words[word] == 0 and exit_words[word] == 0:
            continue
        for bar in range(word * 8, min(word * 8 + 8, bars)):
            if entries[bar] or exits[bar]:
                marked[signalled] = bar
                signalled += 1
                firsts[bar_steps[bar] + 1] += 1
    for step in range(steps):
        firsts[step + 1] += firsts[step]
    events = np.empty(signalled, dtype=np.int64)
    filled = firsts[:steps].copy()
    for index in range(signalled):
        bar = marked[index]
        events[filled[bar_steps[bar]]] = bar
        filled[bar_steps[bar]] += 1
    for step in range(steps):
        day = day_index[step]
        if day != previous_day:
            kept = 0
            for index in range(pending):
                column = open_columns[index]
                if order_day[column] >= 0 and order_day[column] <= previous_day:
                    if record:
                        orders[row_of[column], 5] = STATUS_EXPIRED
                        orders[row_of[column], 6] = step
                    reserved -= reservation[column]
                    reservation[column] = 0
                    side[column] = 0
                    continue
                if order_day[column] < 0:
                    order_day[column] = day
                open_columns[kept] = column
                kept += 1
            pending = kept
            previous_day = day
        if pending:
            # sells first (in any order: they only add cash), then buys in the order placed
            buys = 0
            kept = 0
            for index in range(pending):
                column = open_columns[index]
                if not has_bar[step, column] or volumes[step, column] <= 0:
                    open_columns[kept] = column
                    kept += 1
                    continue
                if side[column] == 1:
                    position = buys
                    while position > 0 and placed_as[buy_columns[position - 1]] > placed_as[column]:
                        buy_columns[position] = buy_columns[position - 1]
                        position -= 1
                    buy_columns[position] = column
                    buys += 1
                    continue
                price = opens[step, column]
                quantity = ordered[column]
                amount = quantity * price
                paid = _charges(amount, commission, fee, minimum)
                taxed = _levy(amount, tax[step, column])
                d2 += amount - paid - taxed
                held[column] -= quantity
                entry_cost[column] -= amount - paid - taxed
                paid_total += paid
                tax_total += taxed
                if held[column] == 0:
                    holding -= 1
                    moved = held_columns[holding]
                    held_columns[held_at[column]] = moved
                    held_at[moved] = held_at[column]
                    pnl = -entry_cost[column]
                    entry_cost[column] = 0
                    trades += 1
                    if pnl > 0:
                        wins += 1
                        gross_profit += pnl
                    elif pnl < 0:
                        gross_loss -= pnl
                if record:
                    row = row_of[column]
                    orders[row, 5] = STATUS_FILLED
                    orders[row, 6] = step
                    orders[row, 7] = quantity
                    orders[row, 8] = price
                    orders[row, 9] = paid
                    orders[row, 10] = taxed
                side[column] = 0
            pending = kept
            for index in range(buys):
                column = buy_columns[index]
                price = opens[step, column]
                quantity = ordered[column]
                available = d2 - reserved + reservation[column]
                if _buy_cost(quantity, price, commission, fee, minimum) > available:
                    quantity = _affordable(available, price, commission, fee, minimum)
                reserved -= reservation[column]
                reservation[column] = 0
                side[column] = 0
                row = row_of[column]
                if record:
                    orders[row, 6] = step
                if quantity <= 0:
                    if record:
                        orders[row, 5] = STATUS_CANCELED
                    continue
                amount = quantity * price
                paid = _charges(amount, commission, fee, minimum)
                d2 -= amount + paid
                if held[column] == 0:
                    held_columns[holding] = column
                    held_at[column] = holding
                    holding += 1
                held[column] += quantity
                entry_cost[column] += amount + paid
                paid_total += paid
                if record:
                    orders[row, 5] = (
                        STATUS_FILLED if quantity == ordered[column] else STATUS_CANCELED
                    )
                    orders[row, 7] = quantity
                    orders[row, 8] = price
                    orders[row, 9] = paid
        # the close: decisions on this step's signals, in code order
        valued = False
        value = 0
        for index in range(firsts[step], firsts[step + 1]):
            bar = events[index]
            column = bar_columns[bar]
            if side[column] != 0:
                continue
            if held[column] == 0:
                if not entries[bar]:
                    continue
                if not valued:
                    value = d2
                    for place in range(holding):
                        other = held_columns[place]
                        value += held[other] * last[step, other]
                    valued = True
                buying_power = d2 - reserved
                budget = int(value * weight)
                if buying_power < budget:
                    budget = buying_power
                quantity = _affordable(budget, last[step, column], commission, fee, minimum)
                if quantity <= 0:
                    continue
                reservation[column] = _buy_cost(
                    quantity, last[step, column], commission, fee, minimum
                )
                reserved += reservation[column]
                side[column] = 1
            elif exits[bar]:
                quantity = held[column]
                side[column] = -1
            else:
                continue
            sequence += 1
            ordered[column] = quantity
            placed_as[column] = sequence
            order_day[column] = -1 if after_close[step] else day
            open_columns[pending] = column
            pending += 1
            if record:
                orders[count, 0] = sequence
                orders[count, 1] = column
                orders[count, 2] = side[column]
                orders[count, 3] = quantity
                orders[count, 4] = step
                orders[count, 5] = STATUS_OPEN
                orders[count, 6] = -1
                row_of[column] = count
            count += 1
        value = d2
        if holding:
            exposed += 1
            for place in range(holding):
                column = held_columns[place]
                value += held[column] * last[step, column]
        equity[step] = value
    summary[0] = count
    summary[1] = exposed
    summary[2] = trades
    summary[3] = wins
    summary[4] = gross_profit
    summary[5] = gross_loss
    summary[6] = paid_total
    summary[7] = tax_total


def _simulate_many(
    opens: IntGrid,
    volumes: IntGrid,
    has_bar: BoolGrid,
    bar_steps: npt.NDArray[np.int64],
    bar_columns: npt.NDArray[np.int64],
    last: IntGrid,
    day_index: npt.NDArray[np.int64],
    after_close: BoolGrid,
    tax: IntGrid,
    entries: BoolGrid,
    exits: BoolGrid,
    cash: int,
    weights: npt.NDArray[np.float64],
    commission: int,
    fee: int,
    minimum: int,
    equity: IntGrid,
    summary: IntGrid,
) -> None:
    """:func:`simulate` (not recording) for each row of ``entries``/``exits`` (one
    parameter combination each), in parallel over the rows."""
    no_orders = np.zeros((0, 11), dtype=np.int64)
    for combination in numba.prange(entries.shape[0]):
        simulate(
            opens,
            volumes,
            has_bar,
            bar_steps,
            bar_columns,
            last,
            day_index,
            after_close,
            tax,
            entries[combination],
            exits[combination],
            cash,
            weights[combination],
            commission,
            fee,
            minimum,
            False,
            no_orders,
            equity[combination],
            summary[combination],
        )


simulate_many = cast(
    "Callable[..., None]", numba.njit(parallel=True, cache=True, nogil=True)(_simulate_many)
)
"""The compiled :func:`_simulate_many` (threads over the combinations)."""

_PARALLEL_LOCK = threading.Lock()
"""Numba's default threading layer refuses concurrent parallel calls from several threads."""


def run_many(
    grid: Grid,
    entries: BoolGrid,
    exits: BoolGrid,
    cash: int,
    weights: npt.NDArray[np.float64],
    costs: CostModel,
    parallel: bool = True,
) -> tuple[IntGrid, IntGrid]:
    """Run the kernel for many combinations at once: ``entries``/``exits`` hold one row of
    flat per-bar signals per combination (see :attr:`Grid.cells`), ``weights`` each one's
    entry weight. Returns (equity: combinations × steps, summary: combinations ×
    :data:`SUMMARY_FIELDS`). ``parallel``: threads over the combinations (numba ``prange``);
    otherwise one after the other in this thread (forked worker processes)."""
    count = entries.shape[0]
    if entries.shape != (count, grid.bar_count) or exits.shape != entries.shape:
        raise InvalidInput.for_field(
            "entries", entries.shape, f"must be (combinations, {grid.bar_count})"
        )
    commission, fee, minimum = costs.scaled
    equity = np.zeros((count, grid.steps), dtype=np.int64)
    summary = np.zeros((count, len(SUMMARY_FIELDS)), dtype=np.int64)
    inputs = (
        grid.open,
        grid.volume,
        grid.has_bar,
        grid.bar_steps,
        grid.bar_columns,
        grid.last,
        grid.day_index,
        grid.after_close,
        grid.tax,
    )
    if parallel and count > 1:
        with _PARALLEL_LOCK:
            simulate_many(
                *inputs, entries, exits, cash, weights, commission, fee, minimum, equity, summary
            )
        return equity, summary
    no_orders = np.zeros((0, 11), dtype=np.int64)
    for row in range(count):
        simulate(
            *inputs,
            entries[row],
            exits[row],
            cash,
            float(weights[row]),
            commission,
            fee,
            minimum,
            False,
            no_orders,
            equity[row],
            summary[row],
        )
    return equity, summary


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
    entries, exits = signal_arrays(strategy, bars, grid)
    commission, fee, minimum = costs.scaled
    orders = np.zeros((grid.bar_count + 1, 11), dtype=np.int64)
    equity_values = np.zeros(grid.steps, dtype=np.int64)
    summary = np.zeros(len(SUMMARY_FIELDS), dtype=np.int64)
    simulate(
        grid.open,
        grid.volume,
        grid.has_bar,
        grid.bar_steps,
        grid.bar_columns,
        grid.last,
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
        True,
        orders,
        equity_values,
        summary,
    )
    count, exposed = int(summary[0]), int(summary[1])
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
    days = seoul_midnights(starts).unique()
    day_ends = list((days + pd.Timedelta(hours=23, minutes=59)).to_pydatetime())
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
        if closed < 0:
            updated, reason = closes[placed], None
        elif status == STATUS_EXPIRED:
            updated, reason = day_ends[int(grid.day_index[closed]) - 1], "day order expired"
        elif status == STATUS_CANCELED:
            reason = "rest: insufficient cash" if filled else "insufficient cash at the fill"
            updated = opens[closed]
        else:
            updated, reason = opens[closed], None
        order_rows["updated_at"].append(updated)
        order_rows["filled_quantity"].append(filled)
        order_rows["average_price"].append(Decimal(price) if filled else None)
        order_rows["reason"].append(reason)
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
    # as the event engine fills a step: sells in code order, then buys in the order placed
    column_of = {code: column for column, code in enumerate(grid.codes)}
    fills.sort(
        key=lambda fill: (
            fill.time,
            fill.side is Side.BUY,
            0 if fill.side is Side.BUY else column_of[fill.code],
        )
    )
    equity = pd.Series(
        equity_values, index=(starts + close_offset).rename("time"), dtype=np.int64, name="equity"
    )
    bar_times = [
        list(pd.DatetimeIndex(frame.index).tz_convert(SEOUL).to_pydatetime())
        for frame in frames.values()
    ]
    steps = len(grid.stamps)
    order_table: dict[str, Any] = dict(order_rows)
    order_table["created_at"] = seoul_times(order_rows["created_at"])
    order_table["updated_at"] = seoul_times(order_rows["updated_at"])
    order_table["quantity"] = np.array(order_rows["quantity"], dtype=np.int64)
    order_table["price"] = pd.array(order_rows["price"], dtype="Int64")
    order_table["filled_quantity"] = np.array(order_rows["filled_quantity"], dtype=np.int64)
    return assemble_result(
        strategy,
        frames,
        interval,
        "vectorized",
        cash,
        pd.DataFrame(order_table, columns=list(ORDER_COLUMNS)),
        fills,
        bar_times,
        equity,
        exposed / steps if steps else 0.0,
        elapsed,
    )
