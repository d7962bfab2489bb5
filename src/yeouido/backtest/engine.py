"""The event-driven backtest engine: bars in time order, the strategy's callbacks, fills.

Each step is one bar time (all codes with a bar at that time). For each step the engine:

1. starts a new trading day when the date changes: settles T+2 cash, expires the previous
   day's orders, runs the end-of-day scheduled work of the day before;
2. runs scheduled work due at or before the bar's open;
3. fills working orders against the bar (:mod:`yeouido.backtest.fills`): sells, then buys
   in the order they were placed;
4. (daily bars) runs scheduled work between the open and the close, and fills its market
   orders at the close;
5. sets the last prices of every code in the step, then for each code feeds its indicators
   and calls ``on_bar`` with ``ctx.now`` at the bar's close;
6. records the equity.

A strategy sees a bar only in step 5, after the bar has closed, and its orders can meet only
later bars (or, for daily in-bar scheduled work, the close it could not have seen): no
look-ahead.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.accounting import SETTLEMENT_DAYS
from yeouido.backtest.context import MARKET_LIKE, BacktestContext, Working
from yeouido.backtest.fills import FillModel
from yeouido.backtest.metrics import (
    DAY_NS,
    SEOUL_OFFSET_NS,
    seoul_midnights,
)
from yeouido.backtest.result import Result, assemble_result, orders_frame
from yeouido.krx.costs import CostModel, charges, levy, scaled_tax_rate
from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus, OrderType, Side, TimeInForce
from yeouido.model.errors import InvalidInput
from yeouido.model.market_data import Bar
from yeouido.model.orders import Order
from yeouido.model.time import SEOUL
from yeouido.strategy.base import Strategy
from yeouido.strategy.schedule import CLOSE_TIME, OPEN_TIME, Job

OPEN, DURING, CLOSE = 0, 1, 2
"""The fill stages of a step: at the bar's open, over the rest of its range, at its close."""

Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) as the run goes."""


def interval_minutes(interval: str) -> int:
    """The length of a minute interval (``"5m"`` → 5)."""
    return int(interval[:-1])


class BacktestEngine:
    """Runs one strategy instance over bars; :meth:`run` returns the :class:`Result`."""

    def __init__(
        self,
        strategy: Strategy,
        frames: dict[str, pd.DataFrame],
        cash: int,
        cost_model: CostModel | None = None,
        fill_model: FillModel | None = None,
        interval: str = "1d",
        progress: Progress | None = None,
    ) -> None:
        if isinstance(cash, bool) or not isinstance(cash, int) or cash <= 0:
            raise InvalidInput.for_field("cash", cash, "must be a positive whole KRW amount")
        self.strategy = strategy
        self.frames = frames
        self.interval = interval
        self.daily = interval == "1d"
        self.fill_model = fill_model or FillModel()
        self.cost_model = cost_model or CostModel()
        self.progress = progress
        self.initial_cash = cash
        self.symbols = tuple(frames)
        self.fills: list[Fill] = []
        self._tax_rates: dict[tuple[int, dt.date], int] = {}
        self._scaled = self.cost_model.scaled
        self._fill_days: list[int] = []
        self._prepare()
        self.ctx = BacktestContext(
            self.symbols, cash, self.cost_model, self.history, self._order_changed
        )

    # -- preparation -------------------------------------------------------------------
    def _prepare(self) -> None:
        self.history: dict[str, dict[str, npt.NDArray[np.int64]]] = {}
        self.columns: list[tuple[list[int], list[int], list[int], list[int], list[int]]] = []
        self.bar_times: list[list[dt.datetime]] = []
        self.last_of_day: list[list[bool]] = []
        stamps = []
        owners = []
        for index, (code, frame) in enumerate(self.frames.items()):
            _check_bars(code, frame)
            arrays = {name: frame[name].to_numpy(dtype=np.int64) for name in _FIELDS}
            for values in arrays.values():
                values.flags.writeable = False
            self.history[code] = arrays
            self.columns.append(
                (
                    arrays["open"].tolist(),
                    arrays["high"].tolist(),
                    arrays["low"].tolist(),
                    arrays["close"].tolist(),
                    arrays["volume"].tolist(),
                )
            )
            index_seoul = pd.DatetimeIndex(frame.index).tz_convert(SEOUL).as_unit("ns")
            if self.daily:
                index_seoul = seoul_midnights(index_seoul)
                if not index_seoul.is_unique:
                    raise InvalidInput.for_field(
                        f"bars[{code}]", "index", "daily bars need one bar per date"
                    )
            self.bar_times.append(list(index_seoul.to_pydatetime()))
            days = seoul_midnights(index_seoul).asi8
            self.last_of_day.append(np.append(days[1:] != days[:-1], True).tolist())
            stamps.append(index_seoul.asi8)
            owners.append(np.full(len(frame), index, dtype=np.int64))
        if self.daily:
            self.open_offset = dt.timedelta(hours=OPEN_TIME.hour, minutes=OPEN_TIME.minute)
            self.close_offset = dt.timedelta(hours=CLOSE_TIME.hour, minutes=CLOSE_TIME.minute)
        else:
            self.open_offset = dt.timedelta(0)
            self.close_offset = dt.timedelta(minutes=interval_minutes(self.interval))
        all_stamps = np.concatenate(stamps)
        all_owners = np.concatenate(owners)
        rows = np.concatenate([np.arange(len(part), dtype=np.int64) for part in stamps])
        order = np.lexsort((all_owners, all_stamps))
        sorted_stamps = all_stamps[order]
        starts = np.append(0, np.flatnonzero(np.diff(sorted_stamps)) + 1)
        self.step_starts: list[int] = starts.tolist()
        self.step_ends: list[int] = np.append(starts[1:], len(sorted_stamps)).tolist()
        self.flat_owners: list[int] = all_owners[order].tolist()
        self.flat_rows: list[int] = rows[order].tolist()
        self.step_stamps = sorted_stamps[starts] + np.int64(
            self.close_offset // dt.timedelta(microseconds=1) * 1000
        )
        local_days = (sorted_stamps[starts] + SEOUL_OFFSET_NS) // DAY_NS
        unique_days, step_day_index = np.unique(local_days, return_inverse=True)
        self.step_day_index: list[int] = step_day_index.tolist()
        self.trading_days: list[dt.date] = unique_days.astype("datetime64[D]").tolist()

    # -- callbacks from the context ----------------------------------------------------
    def _order_changed(self, order: Order) -> None:
        if self._started:
            self.strategy.on_order(self.ctx, order)

    _started = False

    # -- the run -----------------------------------------------------------------------
    def run(self) -> Result:
        """Run the strategy over every bar and return the result."""
        began = time.perf_counter()
        strategy = self.strategy
        ctx = self.ctx
        ctx._now = self.bar_times[0][0] if self.bar_times and self.bar_times[0] else ctx._now
        ctx.session_day = None
        ctx.after_close = True
        strategy.on_start(ctx)
        self._started = True
        jobs = ctx.jobs
        equity_values: list[int] = []
        exposed_steps = 0
        on_bar = strategy.on_bar
        feed = ctx.indicators.feed
        by_code = ctx.indicators.by_code
        columns = self.columns
        bar_times = self.bar_times
        symbols = self.symbols
        last = ctx.last
        rows_seen = ctx.positions_row
        working = ctx.working
        interval = self.interval
        daily = self.daily
        cash = ctx.cash_ledger
        holdings = ctx.account.holdings
        code_index = ctx.code_index
        open_offset = self.open_offset
        close_offset = self.close_offset
        flat_owners = self.flat_owners
        flat_rows = self.flat_rows
        step_day_index = self.step_day_index
        step_count = len(self.step_starts)
        report_every = max(step_count // 200, 1)
        previous_day = -1
        progress = self.progress
        for step, (begin, end) in enumerate(zip(self.step_starts, self.step_ends, strict=True)):
            owners = flat_owners[begin:end]
            rows = flat_rows[begin:end]
            day_index = step_day_index[step]
            start_time = bar_times[owners[0]][rows[0]]
            if day_index != previous_day:
                if jobs or ctx.open_by_id or cash.pending:
                    self._start_day(day_index, previous_day, jobs)
                else:
                    ctx.day_index = day_index
                    ctx.session_day = self.trading_days[day_index]
                    ctx.base = last.copy()
                    if previous_day >= 0:
                        self._previous_trading_day = self.trading_days[previous_day]
                previous_day = day_index
            open_time = start_time + open_offset
            if jobs:
                self._run_jobs(open_time, inclusive=True)
            ctx._now = open_time
            pending = False
            for owner in owners:
                if working[owner]:
                    pending = True
                    break
            if pending:
                self._fill_stage(owners, rows, step, OPEN)
            close_time = start_time + close_offset
            if jobs and daily:
                ctx.in_bar_step = step
                self._run_jobs(close_time, inclusive=False)
                ctx.in_bar_step = -1
            if pending or (jobs and daily):
                ctx._now = close_time
                ctx.after_close = daily or close_time.time() >= CLOSE_TIME
                self._fill_stage(owners, rows, step, DURING)
                if jobs and daily:
                    self._fill_stage(owners, rows, step, CLOSE)
            for owner, row in zip(owners, rows, strict=True):
                last[owner] = columns[owner][3][row]
                rows_seen[owner] = row
            ctx._now = close_time
            ctx.after_close = daily or close_time.time() >= CLOSE_TIME
            for owner, row in zip(owners, rows, strict=True):
                code = symbols[owner]
                opens, highs, lows, closes, volumes = columns[owner]
                o = opens[row]
                h = highs[row]
                lo = lows[row]
                c = closes[row]
                v = volumes[row]
                if by_code:
                    feed(code, (o, h, lo, c, v, day_index))
                on_bar(ctx, CheckedBar(code, bar_times[owner][row], o, h, lo, c, v, interval))
            ctx.after_close = daily
            value = cash.total
            held = False
            for code, holding in holdings.items():
                if holding.quantity:
                    held = True
                    value += holding.quantity * last[code_index[code]]
            exposed_steps += held
            equity_values.append(value)
            if progress is not None and step % report_every == 0:
                progress(step + 1, step_count)
        if jobs and self.trading_days:
            self._run_jobs(_end_of_day(self.trading_days[-1]), inclusive=True)
        strategy.on_stop(ctx)
        if self.progress is not None:
            self.progress(step_count, step_count)
        return self._result(equity_values, exposed_steps, step_count, time.perf_counter() - began)

    # -- days and jobs -----------------------------------------------------------------
    def _start_day(self, day_index: int, previous_day: int, jobs: list[Job]) -> None:
        """End the previous trading day (its late jobs, then expiries) and start ``day_index``:
        settle cash, give next-day orders their day."""
        ctx = self.ctx
        if previous_day >= 0 and (jobs or ctx.open_by_id):
            today = self.trading_days[previous_day]
            if jobs:
                self._run_jobs(_end_of_day(today), inclusive=True)
            ctx._now = _end_of_day(today)
            for items in ctx.working:
                for working in list(items):
                    if working.day is not None and working.day <= today:
                        ctx.close_order(working, OrderStatus.EXPIRED, "day order expired")
        if previous_day >= 0:
            self._previous_trading_day = self.trading_days[previous_day]
        ctx.day_index = day_index
        ctx.session_day = day = self.trading_days[day_index]
        ctx.after_close = False
        ctx.base = ctx.last.copy()
        if ctx.cash_ledger.pending:
            ctx.cash_ledger.settle(day_index)
        if ctx.open_by_id:
            for items in ctx.working:
                for working in items:
                    if working.day is None:
                        working.day = day

    _previous_trading_day: dt.date | None = None

    def _run_jobs(self, until: dt.datetime, inclusive: bool) -> None:
        """Run the jobs of the current trading day due before ``until`` (or at it)."""
        ctx = self.ctx
        day = ctx.session_day
        if day is None:
            return
        due = []
        for job in ctx.jobs:
            if not job.due_on(day, self._previous_trading_day):
                continue
            at = dt.datetime.combine(day, job.at, tzinfo=SEOUL)
            if at < until or (inclusive and at == until):
                due.append((at, job))
        for at, job in sorted(due, key=lambda item: item[0]):
            job.last_run = day
            ctx._now = at
            saved = ctx.after_close
            ctx.after_close = job.at >= CLOSE_TIME
            job.callback(ctx)
            ctx.after_close = saved

    # -- fills -------------------------------------------------------------------------
    def _fill_stage(self, owners: list[int], rows: list[int], step: int, stage: int) -> None:
        """Match the working orders of the step's codes in one stage (:data:`OPEN`,
        :data:`DURING` or :data:`CLOSE`): sells first, then buys in the order placed. Orders
        placed by daily in-bar scheduled work meet only the close stage of their step."""
        ctx = self.ctx
        candidates: list[tuple[Working, int]] = []
        for owner, row in zip(owners, rows, strict=True):
            for working in ctx.working[owner]:
                if (stage == CLOSE) != (working.in_bar_step == step):
                    continue
                candidates.append((working, row))
        if not candidates:
            return
        sells = [item for item in candidates if item[0].order.request.side is Side.SELL]
        buys = [item for item in candidates if item[0].order.request.side is Side.BUY]
        buys.sort(key=lambda item: item[0].sequence)
        for working, row in sells + buys:
            if working.order.is_open:
                self._match(working, row, stage)

    def _match(self, working: Working, row: int, stage: int) -> None:
        """Fill ``working`` against the bar at ``row`` in ``stage`` if the fill model says so.

        :data:`OPEN`: only what fills at the open price (market-like, IOC/FOK, a limit the
        open is already better than, a stop released at the open). :data:`DURING`: what the
        rest of the bar's range fills (limits traded through, stops reached, a conditional
        limit turning market at the day's last bar), stamped at the bar's close.
        :data:`CLOSE`: orders of daily in-bar scheduled work, at the close price."""
        ctx = self.ctx
        order = working.order
        request = order.request
        owner = working.code_index
        o, h, lo, c, v = (column[row] for column in self.columns[owner])
        is_buy = request.side is Side.BUY
        once = request.tif in (TimeInForce.IOC, TimeInForce.FOK)
        if working.day is None:
            working.day = ctx.session_day
        if v <= 0:
            if once:
                ctx.close_order(working, OrderStatus.CANCELED, "no trading in the bar (IOC/FOK)")
            return
        order_type = request.order_type
        limit = None if request.price is None else int(request.price)
        price: int | None
        if stage == CLOSE:
            price = self._at_close(working, is_buy, c)
        elif stage == OPEN:
            if order_type in MARKET_LIKE:
                price = o
            elif order_type is OrderType.STOP_LIMIT:
                price = self._stop_at_open(working, is_buy, o)
            elif once:
                price = self._limit_at(is_buy, limit, o)
            else:
                price = self.fill_model.open_price(is_buy, int(limit or 0), o)
            if price is None and once:
                ctx.close_order(working, OrderStatus.CANCELED, "not marketable at the open")
                return
        else:
            if order_type is OrderType.STOP_LIMIT:
                price = self._stop_during(working, is_buy, o, h, lo)
            else:
                price = self.fill_model.limit_price(is_buy, int(limit or 0), o, h, lo)
            if (
                price is None
                and order_type is OrderType.CONDITIONAL_LIMIT
                and self.last_of_day[owner][row]
            ):
                price = c
        if price is None:
            return
        fill_time = ctx._now
        quantity = order.remaining_quantity
        capacity = self.fill_model.capacity(v)
        if capacity is not None and capacity < quantity:
            if request.tif is TimeInForce.FOK:
                ctx.close_order(working, OrderStatus.CANCELED, "FOK: the bar's volume is short")
                return
            quantity = capacity
        if quantity <= 0:
            if once:
                ctx.close_order(working, OrderStatus.CANCELED, "IOC: no volume to take")
            return
        if is_buy:
            available = ctx.cash_ledger.buying_power + working.reservation
            if self.cost_model.buy_cost(quantity, price) > available:
                quantity = self.cost_model.affordable_quantity(available, price)
                if quantity <= 0 or request.tif is TimeInForce.FOK:
                    ctx.close_order(working, OrderStatus.CANCELED, "insufficient cash at the fill")
                    return
                self._execute(working, quantity, price, fill_time)
                if order.is_open:
                    ctx.close_order(working, OrderStatus.CANCELED, "rest: insufficient cash")
                return
        self._execute(working, quantity, price, fill_time)
        if order.is_open and once:
            ctx.close_order(working, OrderStatus.CANCELED, "IOC remainder canceled")

    @staticmethod
    def _limit_at(is_buy: bool, limit: Any, price: int) -> int | None:
        if limit is None:
            return price
        if is_buy:
            return price if price <= limit else None
        return price if price >= limit else None

    def _at_close(self, working: Working, is_buy: bool, close: int) -> int | None:
        """The close-stage price of an order placed by daily in-bar scheduled work."""
        request = working.order.request
        limit = None if request.price is None else int(request.price)
        if request.order_type is OrderType.STOP_LIMIT and not working.stopped:
            stop = int(request.stop_price or 0)
            if (close < stop) if is_buy else (close > stop):
                return None
            working.stopped = True
        if request.order_type in MARKET_LIKE:
            return close
        return self._limit_at(is_buy, limit, close)

    def _stop_at_open(self, working: Working, is_buy: bool, o: int) -> int | None:
        """A stop-limit at the open: released when the open is at or beyond the stop, and
        filled there when the open is within the limit."""
        request = working.order.request
        limit = int(request.price or 0)
        if not working.stopped:
            stop = int(request.stop_price or 0)
            if (o < stop) if is_buy else (o > stop):
                return None
            working.stopped = True
            return self._limit_at(is_buy, limit, o)
        return self.fill_model.open_price(is_buy, limit, o)

    def _stop_during(self, working: Working, is_buy: bool, o: int, h: int, lo: int) -> int | None:
        """A stop-limit during the bar: released at the stop when the range reaches it (then
        filled at the stop when within the limit); once released, a limit order."""
        request = working.order.request
        limit = int(request.price or 0)
        if not working.stopped:
            stop = int(request.stop_price or 0)
            if (h < stop) if is_buy else (lo > stop):
                return None
            working.stopped = True
            return self._limit_at(is_buy, limit, stop)
        return self.fill_model.limit_price(is_buy, limit, o, h, lo)

    def _execute(self, working: Working, quantity: int, price: int, at: dt.datetime) -> None:
        ctx = self.ctx
        order = working.order
        request = order.request
        commission, tax = self._costs(working.code_index, request.side, quantity * price, at)
        cash = ctx.cash_ledger
        cash.reserved -= working.reservation
        order.apply_fill(quantity, price, at)
        if order.is_open and request.side is Side.BUY:
            working.reservation = self.cost_model.buy_cost(
                order.remaining_quantity, int(request.price or price)
            )
        else:
            working.reservation = 0
        cash.reserved += working.reservation
        ctx.account.apply(
            request.code,
            request.side,
            quantity,
            price,
            commission,
            tax,
            ctx.day_index + SETTLEMENT_DAYS,
        )
        fill = Fill(
            order_id=order.order_id,
            trade_id=f"{order.order_id}-{order.filled_quantity}",
            code=request.code,
            side=request.side,
            quantity=quantity,
            price=price,
            time=at,
            commission=commission,
            tax=tax,
        )
        self.fills.append(fill)
        saved = ctx._now
        ctx._now = at
        if not order.is_open:
            ctx.close_order(working, OrderStatus.FILLED, "filled")
        else:
            self.strategy.on_order(ctx, order)
        self.strategy.on_fill(ctx, fill)
        ctx._now = saved

    def _costs(self, code_index: int, side: Side, amount: int, at: dt.datetime) -> tuple[int, int]:
        """Commission plus exchange fee, and the sell tax, of one execution of ``amount`` KRW:
        the cost model's own integer arithmetic, the tax rate cached per code and day."""
        paid = charges(amount, *self._scaled)
        if side is Side.BUY:
            return paid, 0
        day = at.date()
        key = (code_index, day)
        tax_rate = self._tax_rates.get(key)
        if tax_rate is None:
            instrument = self.ctx.instruments[code_index]
            tax_rate = self._tax_rates[key] = scaled_tax_rate(
                instrument.market, instrument.kind, day
            )
        return paid, levy(amount, tax_rate)

    # -- the result --------------------------------------------------------------------
    def _result(
        self,
        equity_values: list[int],
        exposed_steps: int,
        step_count: int,
        elapsed: float,
    ) -> Result:
        equity = pd.Series(
            equity_values,
            index=pd.DatetimeIndex(self.step_stamps, name="time")
            .tz_localize("UTC")
            .tz_convert(SEOUL),
            dtype=np.int64,
            name="equity",
        )
        return assemble_result(
            self.strategy,
            self.frames,
            self.interval,
            "event",
            self.initial_cash,
            orders_frame(self.ctx.orders),
            self.fills,
            self.bar_times,
            equity,
            exposed_steps / step_count if step_count else 0.0,
            elapsed,
            self.ctx.messages,
        )


_FIELDS = ("open", "high", "low", "close", "volume")


class CheckedBar(Bar):
    """A :class:`~yeouido.model.Bar` from data the engine has already checked in bulk
    (:func:`_check_bars`), so the per-bar checks are skipped. Everything else is a ``Bar``."""

    __slots__ = ()

    def __post_init__(self) -> None:
        """Checked once for the whole series before the run."""


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=SEOUL)


def _check_bars(code: str, frame: pd.DataFrame) -> None:
    """Every bar must be a valid bar (positive prices, low ≤ open, close ≤ high, volume ≥ 0)
    and the bars in time order, once each (an index out of order would show the future)."""
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise InvalidInput.for_field(
            f"bars[{code}]", type(index).__name__, "needs a timezone-aware DatetimeIndex"
        )
    if not (index.is_monotonic_increasing and index.is_unique):
        raise InvalidInput.for_field(
            f"bars[{code}]", "index", "times must be increasing and unique (use normalize_bars)"
        )
    volume = frame["volume"].to_numpy()
    if (volume < 0).any():
        row = int(np.argmax(volume < 0))
        raise InvalidInput.for_field(f"bars[{code}].volume", int(volume[row]), "must be >= 0")
    o = frame["open"].to_numpy()
    h = frame["high"].to_numpy()
    lo = frame["low"].to_numpy()
    c = frame["close"].to_numpy()
    bad = (lo > np.minimum(o, c)) | (h < np.maximum(o, c)) | (lo <= 0)
    if bad.any():
        row = int(np.argmax(bad))
        raise InvalidInput.for_field(
            f"bars[{code}]",
            f"o={o[row]} h={h[row]} l={lo[row]} c={c[row]} at {frame.index[row]}",
            "prices must be positive with low <= open, close <= high",
        )
