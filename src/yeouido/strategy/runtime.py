"""The live runtime: one strategy on the paper market or a broker until it is stopped.

``yeouido run examples/golden_cross.py --broker paper`` (or :func:`run_live`) runs a
:class:`~yeouido.strategy.base.Strategy` unchanged against a broker:

1. connect (``yeouido.connect``): the broker's start reconciles its order journal with the
   account, and the log says what that found;
2. warm up: the last bars of each symbol from the broker (``broker.bars``; minute intervals
   longer than 1m are made from 1-minute bars), which become the history — the forming bar
   is not history, it goes on with the live trades;
3. ``strategy.on_start(ctx)``; the indicators it creates are then fed the warm-up bars, so
   they are ready as if the strategy had run through them;
4. trades of the symbols (``on_market(..., kinds=("trades",))``) and order events
   (``on_order``) are queued by the broker's thread, and one runtime thread dispatches
   everything in order: ``on_trade`` for each trade, ``on_bar`` for each completed bar (after
   feeding ``ctx.indicators``), ``on_order`` for each status change and ``on_fill`` for each
   fill, and scheduled jobs when the market time passes their time on a trading day. The
   broker's order manager delivers each fill once; the runtime follows its fill log by
   place (:attr:`OrderEvent.sequence <yeouido.brokers.base.OrderEvent.sequence>`), so after a
   reconnect it asks for the fills after the last place it handled and skips the events of
   the closed connection still queued — it keeps no set of trade ids.

When the broker connection fails (:class:`~yeouido.model.errors.ConnectionFailed`,
:class:`~yeouido.model.errors.CircuitOpen`, or the market stream stops) the runtime closes
it, backs off with jitter, connects again (which reconciles), subscribes again and catches up
on the fills and status changes it missed — without calling ``on_start`` again and without
losing or repeating a fill. It stops on :meth:`LiveRuntime.stop` (SIGINT or SIGTERM with
:func:`run_live`), after ``duration`` wall seconds, or when the market time reaches ``until``
(``"close"``: once the regular session's closing auction has printed). Stopping runs
``on_stop``, optionally cancels the strategy's open orders, closes the broker and returns a
:class:`RunSummary`. An exception raised by a strategy callback is logged as one line naming
the user's file, line and error (the traceback at the DEBUG level; ``RunSummary.failure``
keeps the exception) and stops the run the same way (no further callback runs except
``on_stop``).

The market time (``ctx.now``) is the paper market's simulated clock in-process, the paper
service's clock for ``yeouido paper serve``, and the Seoul wall clock at a broker (moved to
the trades' time when the first trade shows a different clock, as with a simulated sandbox).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time as wall
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

import pandas as pd

from yeouido.brokers.base import OrderEvent
from yeouido.brokers.sync import Broker
from yeouido.krx.costs import CostModel
from yeouido.model.account import Fill
from yeouido.model.errors import (
    CircuitOpen,
    ConnectionFailed,
    InvalidInput,
    YeouidoError,
)
from yeouido.model.market_data import Bar, Trade
from yeouido.model.time import SEOUL
from yeouido.net.retry import RetryPolicy
from yeouido.net.secrets import install_log_masking
from yeouido.strategy.base import INTERVALS, Strategy
from yeouido.strategy.failure import strategy_failure
from yeouido.strategy.live_bars import (
    DAILY_CLOSE_GRACE,
    BarBuilder,
    regular_session,
)
from yeouido.strategy.live_clock import (
    ClockSource,
    MarketClock,
    ServiceTime,
    clock_source,
    parse_until,
)
from yeouido.strategy.live_context import LiveContext, order_version
from yeouido.strategy.live_events import (
    WAKE,
    OrderItem,
    Subscription,
    TradeItem,
    stream_alive,
    subscribe,
)
from yeouido.strategy.live_jobs import JobScheduler
from yeouido.strategy.live_stop import cancel_open_orders, stop_on_signals
from yeouido.strategy.live_warmup import indicator_values, split_warmup, warmup_shortfall
from yeouido.strategy.run_summary import RunSummary

log = logging.getLogger("yeouido.run")

DEFAULT_RECONNECT = RetryPolicy(attempts=1_000_000, base=0.5, factor=2.0, cap=30.0, floor=0.1)
"""Waits between reconnect attempts: 0.5 s growing to 30 s, jittered; until stopped."""
POLL_SECONDS = 0.05
"""Wall seconds the runtime thread waits for an event before looking at the clock."""
TICK_SECONDS = 0.1
"""Wall seconds between two looks at the clock when events keep coming."""
SERVICE_CLOCK_SECONDS = 1.0
"""Wall seconds between two readings of the paper service's clock."""
SILENCE_SECONDS = 30.0
"""Wall seconds without any event after which a broker is asked something to check it."""
DRAIN_SECONDS = 2.0
CANCEL_WAIT_SECONDS = 5.0


class _StrategyFailed(Exception):
    """A strategy callback raised: the run stops."""


# -- the runtime --------------------------------------------------------------------------
def check_symbols(symbols: Iterable[str]) -> tuple[str, ...]:
    """The symbols as a tuple of listed KRX codes, in order and without repeats; raises
    :class:`InvalidInput` naming ``symbols`` otherwise."""
    from yeouido.krx.master import default_master

    master = default_master()
    result: list[str] = []
    for raw in symbols:
        code = str(raw).strip()
        if not code:
            continue
        if code not in master:
            raise InvalidInput.for_field("symbols", code, "not a listed KRX instrument code")
        if code not in result:
            result.append(code)
    if not result:
        raise InvalidInput.for_field(
            "symbols", "", "give the codes to trade (--symbols) or set symbols on the strategy"
        )
    return tuple(result)


class LiveRuntime:
    """Runs ``strategy`` on broker ``broker`` (a registry name: ``paper``, ``kis``) with
    ``broker_options`` for :func:`yeouido.connect`; see the module documentation.

    ``symbols`` default to the strategy's; ``interval`` to its ``interval``; ``warmup`` is how
    many bars of history to load per symbol (0: none); ``duration`` wall seconds and
    ``until`` (a market time of day, or ``"close"``) bound the run; ``cancel_on_stop`` cancels
    the strategy's open orders when it stops. ``connector`` replaces
    :func:`yeouido.connect` (it must return a connected :class:`~yeouido.brokers.sync.Broker`).
    :meth:`run` blocks until the run ends; :meth:`stop` may be called from any thread.
    """

    def __init__(
        self,
        strategy: Strategy,
        broker: str = "paper",
        *,
        symbols: Iterable[str] | None = None,
        interval: str | None = None,
        broker_options: Mapping[str, Any] | None = None,
        duration: float | None = None,
        until: time | str | None = None,
        cancel_on_stop: bool = False,
        warmup: int = 200,
        reconnect: RetryPolicy = DEFAULT_RECONNECT,
        connector: Callable[..., Broker] | None = None,
    ) -> None:
        if not isinstance(strategy, Strategy):
            raise InvalidInput.for_field("strategy", repr(strategy), "must be a Strategy instance")
        self.strategy = strategy
        self.broker_name = broker
        self.broker_options = dict(broker_options or {})
        self.symbols = check_symbols(symbols if symbols is not None else strategy.symbols)
        self.interval = interval or type(strategy).interval
        if self.interval not in INTERVALS:
            raise InvalidInput.for_field(
                "interval", self.interval, f"must be one of {', '.join(INTERVALS)}"
            )
        if duration is not None and duration <= 0:
            raise InvalidInput.for_field("duration", duration, "must be > 0 seconds")
        if isinstance(until, str):
            until = parse_until(until)
        self.duration = duration
        self.until = until
        self.cancel_on_stop = cancel_on_stop
        if warmup < 0:
            raise InvalidInput.for_field("warmup", warmup, "must be >= 0")
        self.warmup = warmup
        self.reconnect_policy = reconnect
        if connector is None:
            from yeouido.brokers.sync import connect

            connector = connect
        self._connector = connector
        self.ctx: LiveContext | None = None
        self.summary = RunSummary(
            strategy=type(strategy).__name__,
            broker=broker,
            mode="paper" if broker == "paper" else "live",
            symbols=self.symbols,
            interval=self.interval,
        )
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop_requested = False
        self._stop_reason: str | None = None
        self._started = False
        self._broker: Broker | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._clock: MarketClock | None = None
        self._service_time: ServiceTime | None = None
        self._in_process = False
        self._builder = BarBuilder(self.interval)
        self._fill_place: int | None = None
        """The place in the order manager's fill log of the last fill handled (``None``:
        the broker keeps no fill log; its fill events are taken as they come)."""
        self._recovered: list[tuple[int, Fill]] = []
        self._delivered: dict[str, int] = {}
        self._warmup_bars: dict[str, list[Bar]] = {}
        self._jobs = JobScheduler()
        self._processed_time: datetime | None = None
        self.failure: BaseException | None = None
        """The exception a strategy callback raised, when one did."""
        self._callbacks_open = False
        self._last_event = wall.monotonic()
        self._deadline: float | None = None
        self._until_at: datetime | None = None
        self._ran = False

    # -- control ------------------------------------------------------------------------
    @property
    def stopping(self) -> bool:
        """Whether the run was asked to stop (or has stopped)."""
        return self._stop_requested

    @property
    def reconnects(self) -> int:
        """How many times the broker connection was made again."""
        return self.summary.reconnects

    def stop(self, reason: str = "requested") -> None:
        """Ask the run to stop (thread-safe; the first reason given is kept)."""
        self.stop_soon(reason)
        self._queue.put(WAKE)

    def stop_soon(self, reason: str = "requested") -> None:
        """Ask the run to stop without taking any lock (safe in a signal handler); the
        runtime notices within :data:`POLL_SECONDS`."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stop_requested = True

    def _sleep(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; returns early (true) when a stop is requested."""
        deadline = wall.monotonic() + seconds
        while not self._stop_requested:
            left = deadline - wall.monotonic()
            if left <= 0:
                return False
            wall.sleep(min(left, POLL_SECONDS))
        return True

    def request_reconnect(self, reason: str = "requested") -> None:
        """Make the run drop its broker connection and connect again (thread-safe)."""
        self._queue.put(ConnectionFailed(f"reconnect {reason}", field="broker"))

    @property
    def broker(self) -> Broker | None:
        """The connected broker (``None`` between connections and after the run)."""
        return self._broker

    # -- the run -------------------------------------------------------------------------
    def run(self) -> RunSummary:
        """Connect, start the strategy and dispatch until stopped; returns the summary.

        Errors of the first connection (bad credentials, unknown symbols, an unreachable
        broker) are raised; after that the run ends by stopping, and the summary's ``error``
        tells a strategy's exception (or a broker error reconnecting cannot cure).
        """
        if self._ran:
            raise InvalidInput.for_field("runtime", "run", "a LiveRuntime runs once")
        self._ran = True
        install_log_masking(logging.getLogger("yeouido"))
        if self.duration is not None:
            self._deadline = wall.monotonic() + self.duration
        try:
            self._connect_first()
            self._start_strategy()
            self._loop()
        except _StrategyFailed:
            pass
        except KeyboardInterrupt:
            self.stop("interrupted")
        finally:
            self._shutdown()
        return self.summary

    def _connect_first(self) -> None:
        broker = self._open()
        self._broker = broker
        source = self._use_clock(broker)
        self._clock = MarketClock(source.read, follow_trades=source.follow_trades)
        ab = broker.async_broker
        mode = "paper" if broker.name == "paper" or getattr(ab, "env", None) == "mock" else "live"
        office = getattr(ab, "office", None)
        cost_model = getattr(office, "cost_model", None)
        self.summary.mode = mode
        ctx = LiveContext(
            broker,
            self.symbols,
            mode=mode,
            clock=self._clock.now,
            cost_model=cost_model if isinstance(cost_model, CostModel) else None,
        )
        ctx.log_sink = self._strategy_message
        self.ctx = ctx
        for code in self.symbols:
            try:
                ctx.instrument(code)
            except (ConnectionFailed, CircuitOpen):
                raise
            except YeouidoError as error:
                raise InvalidInput.for_field(
                    "symbols", code, f"unknown to the {broker.name} broker ({error.message})"
                ) from None
        for order in ctx.fetch_orders(open_only=True):
            if order.code in self.symbols:
                ctx.adopt(order)
                self._delivered[order.order_id] = order_version(order)[0]
        subscription = self._subscribe(broker, warm_up=self.warmup > 0)
        self._load_warmup(subscription.frames, subscription.moment)
        now = self._clock.now()
        self.summary.started = now
        if isinstance(self.until, time):
            self._until_at = datetime.combine(now.date(), self.until, tzinfo=SEOUL)
        elif self.until == "close":
            self._until_at = regular_session(now.date())[1] + DAILY_CLOSE_GRACE

    def _open(self) -> Broker:
        broker = self._connector(self.broker_name, **self.broker_options)
        report = getattr(broker.async_broker, "report", None)
        if report is not None:
            log.info("connected to %s; %s", broker.name, report)
        else:
            log.info("connected to %s (its start reconciled the account)", broker.name)
        return broker

    def _use_clock(self, broker: Broker) -> ClockSource:
        source = clock_source(broker)
        self._in_process = source.in_process
        self._service_time = source.service_time
        self._builder.delay = source.delay
        return source

    def _subscribe(self, broker: Broker, *, warm_up: bool) -> Subscription:
        """Subscribe to trades and order events, read where the fill log stands and (the
        first time) the warm-up bars, in one go on the broker's loop so that no trade or
        fill falls between them."""
        clock = self._clock
        assert clock is not None
        subscription = broker.run(
            subscribe(
                broker.async_broker,
                self._queue,
                self.symbols,
                clock.raw,
                fill_place=self._fill_place,
                warmup=(self.interval, self.warmup) if warm_up else None,
            )
        )
        self._unsubscribe = subscription.unsubscribe
        self._fill_place = subscription.fill_place
        self._recovered = subscription.missed
        return subscription

    def _load_warmup(self, frames: Mapping[str, pd.DataFrame | None], moment: datetime) -> None:
        ctx = self.ctx
        assert ctx is not None
        counts = []
        for code in self.symbols:
            done, forming = split_warmup(
                frames.get(code), code, self.interval, self.warmup, moment, self._builder.delay
            )
            for bar in done:
                ctx.add_bar(bar)
                self._builder.mark_emitted(code, bar.time)
            if forming:
                self._builder.seed(forming[-1])
                ctx.note_price(code, forming[-1].close)
            self._warmup_bars[code] = done
            counts.append(f"{code} {len(done)}")
        if frames:
            log.info(
                "warm-up: %s of %d %s bars asked for%s",
                ", ".join(counts),
                self.warmup,
                self.interval,
                warmup_shortfall(self._warmup_bars.values(), self.warmup),
            )

    def _start_strategy(self) -> None:
        ctx = self.ctx
        assert ctx is not None
        self._started = True
        self._callbacks_open = True
        log.info(
            "starting %r on %s (%s mode) for %s, %s bars",
            self.strategy,
            self.broker_name,
            ctx.mode,
            ", ".join(self.symbols),
            self.interval,
        )
        self._call("on_start", self.strategy.on_start)
        self.summary.on_start_ran = True
        for bars in self._warmup_bars.values():
            for bar in bars:
                self._feed(bar)
        self._warmup_bars.clear()
        log.info("strategy started at %s market time", f"{ctx.now:%Y-%m-%d %H:%M:%S}")

    def _loop(self) -> None:
        last_tick = 0.0
        while not self._stop_requested:
            try:
                try:
                    item: object | None = self._queue.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    item = None
                if isinstance(item, ConnectionFailed):
                    raise item
                if item is not None:
                    self._handle(item)
                moment = wall.monotonic()
                if item is None or moment - last_tick >= TICK_SECONDS:
                    last_tick = moment
                    self._tick()
            except (ConnectionFailed, CircuitOpen) as error:
                self._reconnect(error)

    # -- dispatch --------------------------------------------------------------------------
    def _handle(self, item: object) -> None:
        if isinstance(item, TradeItem):
            self._on_trade(item.trade)
        elif isinstance(item, OrderItem):
            self._on_order_event(item.event)

    def _on_trade(self, trade: Trade) -> None:
        ctx, clock = self.ctx, self._clock
        assert ctx is not None and clock is not None
        self._last_event = wall.monotonic()
        self.summary.trades += 1
        self._processed_time = trade.time
        clock.observe(trade.time)
        for bar in self._builder.add(trade):
            self._dispatch_bar(bar)
        ctx.note_trade(trade)
        self._call("on_trade", self.strategy.on_trade, trade)

    def _dispatch_bar(self, bar: Bar) -> None:
        ctx = self.ctx
        assert ctx is not None
        ctx.add_bar(bar)
        self.summary.bars += 1
        self._feed(bar)
        self._call("on_bar", self.strategy.on_bar, bar)

    def _on_order_event(self, event: OrderEvent) -> None:
        ctx = self.ctx
        assert ctx is not None
        self._last_event = wall.monotonic()
        ctx.observe(event)
        if event.fill is not None:
            self._fill_seen(event.fill, event.sequence)
            return
        if event.status is None or event.order is None or not ctx.owns(event.order_id):
            return
        version = order_version(event.order)[0]
        if version <= self._delivered.get(event.order_id, 0):
            return
        self._delivered[event.order_id] = version
        self._call("on_order", self.strategy.on_order, event.order)

    def _fill_seen(self, fill: Fill, sequence: int | None, *, recovered: bool = False) -> None:
        ctx = self.ctx
        assert ctx is not None
        if sequence is not None and self._fill_place is not None:
            if sequence <= self._fill_place:
                # queued by a connection closed since: the catch-up handled it
                self.summary.duplicate_fills += 1
                return
            self._fill_place = sequence
        if not ctx.owns(fill.order_id):
            return
        ctx.invalidate()
        self.summary.fills.append(fill)
        if recovered:
            self.summary.recovered_fills += 1
            log.info(
                "recovered fill %s of order %s after reconnecting", fill.trade_id, fill.order_id
            )
        self._call("on_fill", self.strategy.on_fill, fill)

    def _call(self, name: str, callback: Callable[..., None], *args: Any) -> None:
        """Run a strategy callback; a connection error goes to the reconnect logic, any other
        exception stops the run."""
        if not self._callbacks_open:
            return
        try:
            callback(self.ctx, *args)
        except (ConnectionFailed, CircuitOpen):
            raise
        except Exception as error:
            self._fail(name, error)

    def _feed(self, bar: Bar) -> None:
        """Commit ``bar`` to the strategy's indicators of its code."""
        ctx = self.ctx
        assert ctx is not None
        if not self._callbacks_open:
            return
        try:
            ctx.indicators.feed(bar.code, indicator_values(bar))
        except Exception as error:
            self._fail("indicators", error)

    def _fail(self, name: str, error: Exception) -> None:
        located = strategy_failure(error)
        described = located.message if located is not None else _describe(error)
        log.error(
            "the strategy %s raised in %s; stopping: %s",
            type(self.strategy).__name__,
            name,
            described,
        )
        log.debug("the strategy's traceback", exc_info=error)
        self.failure = error
        self._callbacks_open = False
        named = located is not None and name in (located.callback, located.function)
        self.summary.error = described if named else f"{name}: {described}"
        self.summary._failure = error
        self.stop("error")
        raise _StrategyFailed(name) from error

    def _strategy_message(self, moment: datetime, message: str) -> None:
        log.info("[%s] %s: %s", f"{moment:%H:%M:%S}", type(self.strategy).__name__, message)

    # -- time-driven work --------------------------------------------------------------------
    def _tick(self) -> None:
        clock = self._clock
        assert clock is not None
        service_time = self._service_time
        if (
            service_time is not None
            and wall.monotonic() - service_time.refreshed >= SERVICE_CLOCK_SECONDS
        ):
            service_time.refresh()
        now = clock.now()
        if self._queue.empty():
            for bar in self._builder.advance(now):
                self._dispatch_bar(bar)
            self._run_jobs(now)
        elif self._processed_time is not None:
            # A busy market never drains the queue: run what is due by the last trade handled
            # (everything before it has been dispatched), so jobs do not starve.
            self._run_jobs(self._processed_time)
        self._check_limits(now)
        self._check_health()

    def _run_jobs(self, now: datetime) -> None:
        ctx = self.ctx
        assert ctx is not None
        for job in self._jobs.due(ctx.jobs, now):
            self._call("scheduled job", job.callback)

    def _check_limits(self, now: datetime) -> None:
        if self._deadline is not None and wall.monotonic() >= self._deadline:
            self.stop("duration")
        elif self._until_at is not None and now >= self._until_at:
            self.stop("until")

    def _check_health(self) -> None:
        broker = self._broker
        if broker is None or self._in_process:
            return
        if not stream_alive(broker.async_broker):
            raise ConnectionFailed(f"the {broker.name} stream stopped", field="broker")
        if wall.monotonic() - self._last_event > SILENCE_SECONDS:
            self._last_event = wall.monotonic()
            try:
                broker.balance()  # a quiet market or a dead connection: ask to find out
            except (ConnectionFailed, CircuitOpen):
                raise
            except YeouidoError as error:  # e.g. rate limited: the connection is alive
                log.warning("health check: %s", _describe(error))

    # -- reconnecting -------------------------------------------------------------------------
    def _reconnect(self, error: BaseException) -> None:
        self.summary.reconnects += 1
        log.warning("lost the %s connection (%s); reconnecting", self.broker_name, _describe(error))
        self._close_broker()
        attempt = 0
        while not self._stop_requested:
            delay = self.reconnect_policy.delay(min(attempt, 10))
            attempt += 1
            if self._sleep(delay):
                break
            broker: Broker | None = None
            try:
                broker = self._open()
                self._resume(broker)
            except (ConnectionFailed, CircuitOpen, TimeoutError, OSError) as failure:
                log.warning("reconnect attempt %d failed (%s)", attempt, _describe(failure))
                if broker is not None:
                    self._broker = broker
                    self._close_broker()
                continue
            except YeouidoError as failure:  # not a connection problem: retrying cannot help
                log.error("reconnecting to %s failed: %s", self.broker_name, _describe(failure))
                self.summary.error = f"reconnect: {_describe(failure)}"
                self.stop("broker error")
                return
            log.info("reconnected to %s after %d attempt(s)", self.broker_name, attempt)
            return

    def _resume(self, broker: Broker) -> None:
        ctx, clock = self.ctx, self._clock
        assert ctx is not None and clock is not None
        self._broker = broker
        ctx.attach(broker)
        source = self._use_clock(broker)
        clock.set_source(source.read, follow_trades=source.follow_trades)
        before = clock.now()
        self._subscribe(broker, warm_up=False)
        if clock.raw() < before - timedelta(minutes=1):
            log.warning(
                "the market's clock went back from %s to %s (a new session): bars start again",
                f"{before:%H:%M:%S}",
                f"{clock.raw():%H:%M:%S}",
            )
            clock.restart()
            self._builder.reset()
        self._catch_up(broker)

    def _catch_up(self, broker: Broker) -> None:
        """Deliver the status changes and fills of the strategy's orders that happened while
        the connection was down (the broker's start reconciled them)."""
        ctx = self.ctx
        assert ctx is not None
        for known in ctx.orders:
            if not known.is_open:
                continue
            try:
                current = ctx.fetch_order(known.order_id)
            except (ConnectionFailed, CircuitOpen):
                raise
            except YeouidoError:
                continue
            ctx.adopt(current)
            version = order_version(current)[0]
            if version > self._delivered.get(current.order_id, 0):
                self._delivered[current.order_id] = version
                self._call("on_order", self.strategy.on_order, current)
        recovered, self._recovered = self._recovered, []
        for sequence, fill in recovered:
            self._fill_seen(fill, sequence, recovered=True)
        ctx.invalidate()

    def _close_broker(self) -> None:
        broker = self._broker
        self._broker = None
        if broker is None:
            return
        unsubscribe, self._unsubscribe = self._unsubscribe, []

        async def release() -> None:
            for function in unsubscribe:
                with contextlib.suppress(Exception):
                    function()

        with contextlib.suppress(Exception):  # the loop may be gone with the connection
            broker.run(release())
        try:
            broker.close()
        except Exception as error:
            log.warning("closing the %s broker failed: %s", broker.name, _describe(error))

    # -- stopping -----------------------------------------------------------------------------
    def _shutdown(self) -> None:
        ctx = self.ctx
        summary = self.summary
        summary.stop_reason = self._stop_reason or "stopped"
        if ctx is None or not self._started:
            self._close_broker()
            return
        log.info("stopping (%s)", summary.stop_reason)
        connected = self._broker is not None
        try:
            if connected:
                self._drain()
            summary.ended = ctx.now
            self._stop_strategy()
            if connected and self.cancel_on_stop:
                self._cancel_open_orders()
            if connected:
                self._collect()
        except KeyboardInterrupt:
            log.warning("interrupted while stopping; closing the broker")
        finally:
            summary.late_trades = self._builder.late
            summary.messages = list(ctx.messages)
            self._close_broker()
            summary.broker_closed = True
            log.info(
                "closed the %s broker: %d orders, %d fills, %d reconnects",
                self.broker_name,
                len(summary.orders),
                len(summary.fills),
                summary.reconnects,
            )

    def _drain(self, *, limit: float = DRAIN_SECONDS) -> None:
        """Handle the events queued before the stop (fills reach ``on_fill`` before
        ``on_stop``); trades only update the last prices."""
        ctx = self.ctx
        assert ctx is not None
        deadline = wall.monotonic() + limit
        pending = self._queue.qsize()
        while pending > 0 and wall.monotonic() < deadline:
            pending -= 1
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                if isinstance(item, TradeItem):
                    ctx.note_trade(item.trade)
                elif isinstance(item, OrderItem):
                    self._on_order_event(item.event)
            except _StrategyFailed:
                continue
            except (ConnectionFailed, CircuitOpen) as error:
                log.warning("broker unreachable while stopping: %s", _describe(error))
                return

    def _stop_strategy(self) -> None:
        if not self.summary.on_start_ran:
            return
        self._callbacks_open = False
        try:
            self.strategy.on_stop(self.ctx)  # type: ignore[arg-type]
            self.summary.on_stop_ran = True
        except Exception as error:
            located = strategy_failure(error)
            described = located.message if located is not None else _describe(error)
            log.error("the strategy raised in on_stop: %s", described)
            log.debug("the strategy's traceback", exc_info=error)
            if self.summary.error is None:
                self.summary.error = f"on_stop: {described}"
                self.summary._failure = error

    def _cancel_open_orders(self) -> None:
        ctx, broker = self.ctx, self._broker
        assert ctx is not None and broker is not None
        cancel_open_orders(broker, ctx.owns, CANCEL_WAIT_SECONDS)
        self._drain(limit=0.5)

    def _collect(self) -> None:
        ctx, broker = self.ctx, self._broker
        assert ctx is not None and broker is not None
        summary = self.summary
        orders = []
        for known in ctx.orders:
            try:
                orders.append(ctx.fetch_order(known.order_id))
            except YeouidoError:
                orders.append(known)
        summary.orders = orders
        try:
            summary.positions = [p for p in broker.positions() if p.quantity != 0]
            summary.balance = broker.balance()
        except YeouidoError as error:
            log.warning("could not read the account at the end: %s", _describe(error))


def _describe(error: BaseException) -> str:
    return str(error) if isinstance(error, YeouidoError) else f"{type(error).__name__}: {error}"


def run_live(
    strategy: Strategy,
    broker: str = "paper",
    *,
    handle_signals: bool = True,
    **options: Any,
) -> RunSummary:
    """Run ``strategy`` on ``broker`` until stopped (Ctrl-C, SIGTERM, ``duration`` or
    ``until``); returns the :class:`RunSummary`. ``options`` are those of
    :class:`LiveRuntime`.

    >>> from yeouido.strategy.runtime import run_live       # doctest: +SKIP
    >>> run_live(MyStrategy(fast=5), "paper", symbols=["005930"],
    ...          broker_options={"speed": 60}, until="close")  # doctest: +SKIP
    """
    runtime = LiveRuntime(strategy, broker, **options)
    guard = stop_on_signals(runtime) if handle_signals else contextlib.nullcontext()
    with guard:
        return runtime.run()


__all__ = [
    "DEFAULT_RECONNECT",
    "LiveRuntime",
    "MarketClock",
    "RunSummary",
    "ServiceTime",
    "check_symbols",
    "parse_until",
    "run_live",
    "stop_on_signals",
]
