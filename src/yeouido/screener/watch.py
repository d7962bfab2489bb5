"""The live watch (실시간 조건검색): strategies evaluated on every trade, events on changes.

A :class:`Watch` holds any number of strategies, each a condition and a universe of codes. For
every (strategy, instrument) pair it keeps one :class:`~yeouido.screener.stream.StreamEvaluator`
warmed up on the instrument's daily history. Trades (from any :class:`MarketSource`, such as a
broker's ``on_market``) update that instrument's forming daily bar — open is the day's first
trade, high/low/close/volume accumulate — and re-evaluate only that instrument's evaluators
with a preview. When a condition's truth changes, a :class:`WatchEvent` is emitted
(``"entered"`` or ``"exited"``) to the callbacks and async iterators. When a trade carries a
new date, the previous day's bar is committed first.

History: the last bar of the history is treated as the *forming* bar of its day. A trade on
that same day continues it (useful when the history ends with today's partial bar, as a
broker's ``bars(code, "1d")`` during the session); a trade on a later day commits it and starts
a new one. Days on which an instrument has no bar (NaN close in a panel) are skipped.

History from another period is never joined to live bars: when the live day (``live_day``,
or the day of an instrument's first trade) lies more than ``max_history_gap`` trading days
after the history's last bar, that instrument's history is left out, its conditions start
from the live bars alone, and a :class:`HistoryNotice` says so (``watch.notices``,
:meth:`Watch.on_notice`). History after the live day is left out too (no look-ahead).

Initial state: :meth:`Watch.start` (or :meth:`Watch.initialize`) evaluates every pair on its
forming bar (when there is one). With ``emit_initial=True`` (the default) every pair that is
true at start is reported ``"entered"`` once; with ``False`` the state is recorded silently
and only later changes are reported. Pairs without any bar yet start false.

Example::

    watch = Watch(history=panel)
    watch.add("breakout", "close > highest(high[1], 20) and volume > 2 * avg(volume[1], 20)",
              universe=panel.codes)
    watch.on_event(print)
    watch.start(broker)            # any object with on_market(codes, callback, kinds)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, Protocol

import numpy as np

from yeouido.model.errors import InvalidInput
from yeouido.model.market_data import Trade
from yeouido.model.time import SEOUL
from yeouido.screener.functions import check
from yeouido.screener.panel import BarPanel, InstrumentInfo, instrument_info
from yeouido.screener.parser import parse
from yeouido.screener.stream import Resolver, StreamEvaluator, Value
from yeouido.screener.syntax import Node

__all__ = [
    "MAX_HISTORY_GAP",
    "EventKind",
    "History",
    "HistoryNotice",
    "MarketSource",
    "TradeLike",
    "Watch",
    "WatchEvent",
    "WatchedStrategy",
]

EventKind = Literal["entered", "exited"]


class MarketSource(Protocol):
    """Anything that calls back with trades, such as an ``AsyncBroker``'s ``on_market``."""

    def on_market(
        self,
        codes: Iterable[str],
        callback: Callable[[Any], None],
        kinds: Iterable[str] = ...,
    ) -> Callable[[], None]:
        """Call ``callback`` with market events of ``codes``; return an unsubscribe function."""
        ...


class TradeLike(Protocol):
    """What the watch reads from a trade (:class:`yeouido.model.Trade`)."""

    @property
    def code(self) -> str: ...
    @property
    def time(self) -> dt.datetime: ...
    @property
    def price(self) -> Any: ...
    @property
    def quantity(self) -> int: ...


History = BarPanel | Mapping[str, Any]
"""Daily history: a :class:`~yeouido.screener.panel.BarPanel`, or per code a DataFrame indexed
by date with columns ``open high low close volume``."""


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """A strategy's condition became true (``"entered"``) or false (``"exited"``) for one
    instrument. ``values`` are the sides of each comparison (named by source text) at that
    moment, as the scan's columns."""

    time: dt.datetime
    code: str
    strategy: str
    kind: EventKind
    values: dict[str, float]


MAX_HISTORY_GAP = 5
"""Trading days that may be missing between the history's last bar and the live day (a data
file refreshed last week still warms up; one from another year does not)."""


@dataclass(frozen=True, slots=True)
class HistoryNotice:
    """An instrument's history was left out: it ends ``last_day``, ``gap`` trading days before
    the live day ``live_day`` (or, with ``gap`` negative, runs past it)."""

    code: str
    last_day: dt.date
    live_day: dt.date
    gap: int

    def __str__(self) -> str:
        if self.gap < 0:
            return (
                f"{self.code}: history runs past the live day {self.live_day} (to"
                f" {self.last_day}); bars after the live day are left out"
            )
        return (
            f"{self.code}: history ends {self.last_day}, {self.gap} trading days before the live"
            f" day {self.live_day}; not joined to live bars: conditions start from the live day"
        )


def trading_days_between(first: dt.date, last: dt.date) -> int:
    """KRX trading days strictly between ``first`` and ``last`` (weekdays where the calendar
    does not reach)."""
    if last <= first + dt.timedelta(days=1):
        return 0
    start, end = first + dt.timedelta(days=1), last - dt.timedelta(days=1)
    from yeouido.krx import trading_days
    from yeouido.model.errors import CalendarError

    try:
        return len(trading_days(start, end))
    except CalendarError:
        return int(np.busday_count(start, last))


@dataclass(frozen=True, slots=True)
class WatchedStrategy:
    """A strategy as the watch holds it."""

    name: str
    query: Node
    universe: tuple[str, ...]
    text: str | None = None


class _Pair:
    """One (strategy, instrument): its evaluator, its truth test and its current truth."""

    __slots__ = ("active", "evaluator", "strategy", "test")

    def __init__(self, strategy: str, evaluator: StreamEvaluator) -> None:
        self.strategy = strategy
        self.evaluator = evaluator
        self.test: Callable[[], Any] = evaluator.preview_thunk
        if evaluator.kind != "bool":
            preview = evaluator.preview_thunk

            def test() -> bool:
                value = preview()
                return bool(value == value and value != 0.0)

            self.test = test
        self.active = False


class _Instrument:
    """One watched instrument: its forming bar, its history, its pairs."""

    __slots__ = ("bar", "code", "committed", "day", "evaluations", "fields", "live", "pairs")

    def __init__(self, code: str, fields: Mapping[str, object]) -> None:
        self.code = code
        self.fields = fields
        self.bar: list[float] = [math.nan] * 5
        self.day: dt.date | None = None
        self.committed: list[tuple[float, float, float, float, float]] = []
        self.pairs: list[_Pair] = []
        self.evaluations = 0
        self.live = False
        """Whether a live trade has reached this instrument (its history was checked then)."""


def _info_fields(info: InstrumentInfo) -> dict[str, object]:
    return {field.name: getattr(info, field.name) for field in fields(info)}


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return dt.date.fromisoformat(str(value.astype("datetime64[D]")))
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if to_pydatetime is not None:
        moment: dt.datetime = to_pydatetime()
        return moment.date()
    return dt.date.fromisoformat(str(value)[:10])


def _days(dates: Any, keep: list[int]) -> list[dt.date]:
    """``dates[keep]`` as dates: a panel's naive datetime64 days in one conversion, anything else
    (time-zone-aware timestamps of a DataFrame index) one by one, in its own zone."""
    if isinstance(dates, np.ndarray) and dates.dtype.kind == "M":
        return list(dates.astype("datetime64[D]")[keep].astype(object))
    return [_as_date(dates[index]) for index in keep]


class Watch:
    """Watch strategies on live trades; see the module docstring.

    ``history`` gives each instrument's daily bars to warm up on; ``instruments`` the
    attributes (``market``, ``kind``, ``kospi200`` …) conditions may read, by code (default:
    the panel's, else the instrument master's via
    :func:`~yeouido.screener.panel.instrument_info`); ``resolver`` resolves calls (default
    :func:`yeouido.screener.functions.resolve`). ``live_day`` is the day live trades are for
    (the simulated market's day, say), so stale history is left out before the initial state;
    without it, each instrument's first trade tells. ``max_history_gap``: see
    :data:`MAX_HISTORY_GAP`.
    """

    def __init__(
        self,
        history: History | None = None,
        *,
        instruments: Mapping[str, Mapping[str, object] | InstrumentInfo] | None = None,
        resolver: Resolver | None = None,
        live_day: dt.date | None = None,
        max_history_gap: int = MAX_HISTORY_GAP,
    ) -> None:
        if max_history_gap < 0:
            raise InvalidInput.for_field("max_history_gap", max_history_gap, "must be 0 or more")
        self._history = history
        self._live_day = live_day
        self._max_history_gap = max_history_gap
        self.notices: list[HistoryNotice] = []
        """Every instrument whose history was left out, and why."""
        self._notice_callbacks: list[Callable[[HistoryNotice], None]] = []
        self._instrument_fields = instruments or {}
        self._resolver = resolver
        self._strategies: dict[str, WatchedStrategy] = {}
        self._instruments: dict[str, _Instrument] = {}
        self._callbacks: list[Callable[[WatchEvent], None]] = []
        self._queues: list[asyncio.Queue[WatchEvent]] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._subscribed: frozenset[str] = frozenset()
        self._source: MarketSource | None = None
        self._initialized = False
        self._emit_initial = True
        self._initial_time: dt.datetime | None = None

    # -- strategies ------------------------------------------------------------------------
    def add(
        self,
        name: str,
        condition: str | Node,
        universe: Iterable[str],
        *,
        text: str | None = None,
    ) -> WatchedStrategy:
        """Watch ``condition`` (text, a parsed :class:`Query`, or a condition node) on every
        code of ``universe``. ``text`` is the source of a parsed condition (names the event
        values). Raises :class:`InvalidInput` for a duplicate name, ``ScreenSyntaxError`` /
        ``ScreenNameError`` for a bad condition. When the watch is already started, the new
        pairs get their initial state as :meth:`start` gave the others."""
        if name in self._strategies:
            raise InvalidInput.for_field("name", name, "a strategy of that name is watched")
        if isinstance(condition, str):
            text = condition
            query: Node = parse(condition)
        else:
            query = condition
        check(query, source=text)
        codes = tuple(dict.fromkeys(universe))
        strategy = WatchedStrategy(name, query, codes, text)
        pairs: list[tuple[_Instrument, _Pair]] = []
        for code in codes:
            instrument = self._instrument(code)
            evaluator = self._evaluator(query, text, instrument)
            self._warm_up(instrument, evaluator)
            pairs.append((instrument, _Pair(name, evaluator)))
        for instrument, pair in pairs:
            instrument.pairs.append(pair)
        self._strategies[name] = strategy
        if self._initialized:
            events = [self._initial_event(instrument, pair) for instrument, pair in pairs]
            if self._emit_initial:
                for event in events:
                    if event is not None:
                        self._emit(event)
        if self._source is not None:
            self._resubscribe()
        return strategy

    def remove(self, name: str) -> None:
        """Stop watching a strategy (no events are emitted for it)."""
        strategy = self._strategies.pop(name)
        for code in strategy.universe:
            instrument = self._instruments[code]
            instrument.pairs = [pair for pair in instrument.pairs if pair.strategy != name]
        if self._source is not None:
            self._resubscribe()

    @property
    def strategies(self) -> tuple[WatchedStrategy, ...]:
        """The watched strategies, in the order they were added."""
        return tuple(self._strategies.values())

    @property
    def codes(self) -> frozenset[str]:
        """The union of the universes."""
        return frozenset(code for s in self._strategies.values() for code in s.universe)

    # -- life cycle ------------------------------------------------------------------------
    def initialize(self, *, emit: bool = True, time: dt.datetime | None = None) -> list[WatchEvent]:
        """Evaluate every pair on its forming bar and record the truth.

        Returns an ``"entered"`` event for every pair true at start; they are also sent to the
        callbacks and iterators when ``emit`` is true. Their ``time`` is ``time`` (default:
        the start of the forming bar's day, Seoul). Pairs added later get the same treatment.
        Called by :meth:`start` when not called before."""
        self._initialized = True
        self._emit_initial = emit
        self._initial_time = time
        events: list[WatchEvent] = []
        for instrument in self._instruments.values():
            for pair in instrument.pairs:
                event = self._initial_event(instrument, pair)
                if event is not None:
                    events.append(event)
        if emit:
            for event in events:
                self._emit(event)
        return events

    def start(
        self,
        source: MarketSource,
        *,
        emit_initial: bool = True,
        time: dt.datetime | None = None,
    ) -> None:
        """Evaluate the initial state (see :meth:`initialize`; ``emit_initial=False`` records
        it without events) and subscribe to the trades of every watched code on ``source``."""
        if self._source is not None:
            raise InvalidInput.for_field("source", source, "the watch is already started")
        if not self._initialized:
            self.initialize(emit=emit_initial, time=time)
        self._source = source
        self._resubscribe()

    def stop(self) -> None:
        """Unsubscribe from the market source (state is kept; :meth:`start` may resume)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self._subscribed = frozenset()
        self._source = None

    def _resubscribe(self) -> None:
        codes = self.codes
        if codes == self._subscribed or self._source is None:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = self._source.on_market(sorted(codes), self._on_market, ("trades",))
        self._subscribed = codes

    # -- events ----------------------------------------------------------------------------
    def on_event(self, callback: Callable[[WatchEvent], None]) -> Callable[[], None]:
        """Call ``callback`` with every event; returns a function that removes it."""
        self._callbacks.append(callback)

        def remove() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return remove

    def on_notice(self, callback: Callable[[HistoryNotice], None]) -> None:
        """Call ``callback`` with every :class:`HistoryNotice` from now on (earlier ones are in
        :attr:`notices`)."""
        self._notice_callbacks.append(callback)

    def _notice(self, notice: HistoryNotice) -> None:
        self.notices.append(notice)
        for callback in list(self._notice_callbacks):
            callback(notice)

    async def events(self) -> AsyncIterator[WatchEvent]:
        """Every event from now on, as an async iterator (ends when the consumer stops)."""
        queue: asyncio.Queue[WatchEvent] = asyncio.Queue()
        self._queues.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.remove(queue)

    def _emit(self, event: WatchEvent) -> None:
        for callback in list(self._callbacks):
            callback(event)
        for queue in self._queues:
            queue.put_nowait(event)

    # -- the per-trade path ----------------------------------------------------------------
    def _on_market(self, event: object) -> None:
        if isinstance(event, Trade):
            self.on_trade(event)

    def on_trade(self, trade: TradeLike) -> None:
        """Fold one trade into its instrument's forming daily bar and re-evaluate that
        instrument's strategies (a trade of an unwatched code is ignored)."""
        instrument = self._instruments.get(trade.code)
        if instrument is None or not instrument.pairs:
            return
        price = float(trade.price)
        moment = trade.time
        day = moment.date()
        if not instrument.live:
            instrument.live = True
            if instrument.day is not None and self._stale(instrument.day, day):
                self._notice(
                    HistoryNotice(
                        instrument.code,
                        instrument.day,
                        day,
                        trading_days_between(instrument.day, day),
                    )
                )
                self._forget_history(instrument)
        bar = instrument.bar
        if day != instrument.day:
            if instrument.day is not None:
                if day < instrument.day:
                    return  # a late print of a committed day
                self._commit(instrument)
            instrument.day = day
            bar[0] = bar[1] = bar[2] = bar[3] = price
            bar[4] = float(trade.quantity)
        else:
            if price > bar[1]:
                bar[1] = price
            elif price < bar[2]:
                bar[2] = price
            bar[3] = price
            bar[4] += trade.quantity
        pairs = instrument.pairs
        instrument.evaluations += len(pairs)
        for pair in pairs:
            truth = pair.test()
            if truth != pair.active:
                pair.active = not pair.active
                self._emit(
                    WatchEvent(
                        moment,
                        instrument.code,
                        pair.strategy,
                        "entered" if pair.active else "exited",
                        pair.evaluator.current_values(),
                    )
                )

    def _commit(self, instrument: _Instrument) -> None:
        bar = instrument.bar
        for pair in instrument.pairs:
            pair.evaluator.commit_current()
        instrument.committed.append((bar[0], bar[1], bar[2], bar[3], bar[4]))

    # -- inspection ------------------------------------------------------------------------
    def evaluations(self, code: str) -> int:
        """How many (strategy, instrument) evaluations trades of ``code`` have caused."""
        instrument = self._instruments.get(code)
        return 0 if instrument is None else instrument.evaluations

    def forming_bar(self, code: str) -> tuple[dt.date, tuple[float, ...]] | None:
        """The day and ``(open, high, low, close, volume)`` of ``code``'s forming bar."""
        instrument = self._instruments.get(code)
        if instrument is None or instrument.day is None:
            return None
        return instrument.day, tuple(instrument.bar)

    def active(self, strategy: str) -> list[str]:
        """The codes for which ``strategy``'s condition is currently true."""
        if strategy not in self._strategies:
            raise InvalidInput.for_field("strategy", strategy, "is not watched")
        result = []
        for code in self._strategies[strategy].universe:
            for pair in self._instruments[code].pairs:
                if pair.strategy == strategy and pair.active:
                    result.append(code)
        return result

    def value(self, strategy: str, code: str) -> Value:
        """The condition's value on ``code``'s forming bar now (NaN before any bar)."""
        for pair in self._instruments[code].pairs:
            if pair.strategy == strategy:
                if self._instruments[code].day is None:
                    return math.nan
                return pair.evaluator.preview_current()
        raise InvalidInput.for_field("strategy", strategy, f"is not watched on {code}")

    # -- instruments and history -----------------------------------------------------------
    def _stale(self, last_day: dt.date, live_day: dt.date) -> bool:
        """Whether history ending ``last_day`` is too far from ``live_day`` to join."""
        if last_day > live_day:
            return True
        return trading_days_between(last_day, live_day) > self._max_history_gap

    def _forget_history(self, instrument: _Instrument) -> None:
        """Start the instrument's conditions afresh, with no bar (its history is left out)."""
        instrument.committed = []
        instrument.bar[:] = [math.nan] * 5
        instrument.day = None
        for index, pair in enumerate(instrument.pairs):
            strategy = self._strategies[pair.strategy]
            fresh = _Pair(pair.strategy, self._evaluator(strategy.query, strategy.text, instrument))
            fresh.active = pair.active
            instrument.pairs[index] = fresh

    def _evaluator(self, query: Node, text: str | None, instrument: _Instrument) -> StreamEvaluator:
        return StreamEvaluator(
            query, instrument.fields, text=text, resolver=self._resolver, bar=instrument.bar
        )

    def _instrument(self, code: str) -> _Instrument:
        instrument = self._instruments.get(code)
        if instrument is not None:
            return instrument
        instrument = _Instrument(code, self._fields_of(code))
        rows, dates = self._history_of(code)
        live_day = self._live_day
        if rows and live_day is not None:
            last_day = dates[-1]
            if last_day > live_day:
                kept = [index for index, day in enumerate(dates) if day <= live_day]
                self._notice(HistoryNotice(code, last_day, live_day, -1))
                rows = [rows[index] for index in kept]
                dates = [dates[index] for index in kept]
            if rows and self._stale(dates[-1], live_day):
                gap = trading_days_between(dates[-1], live_day)
                self._notice(HistoryNotice(code, dates[-1], live_day, gap))
                rows, dates = [], []
            instrument.live = True  # checked against the live day already
        if rows:
            last_day = dates[-1]
            *committed, forming = rows
            instrument.committed = committed
            instrument.bar[:] = forming
            instrument.day = last_day
        self._instruments[code] = instrument
        return instrument

    def _fields_of(self, code: str) -> Mapping[str, object]:
        given = self._instrument_fields.get(code)
        if isinstance(given, InstrumentInfo):
            return _info_fields(given)
        if given is not None:
            return dict(given)
        if isinstance(self._history, BarPanel) and code in self._history.codes:
            return _info_fields(self._history.instruments[self._history.codes.index(code)])
        return _info_fields(instrument_info(code))

    def _history_of(
        self, code: str
    ) -> tuple[list[tuple[float, float, float, float, float]], list[dt.date]]:
        """The instrument's history bars (days without a bar skipped) and their days."""
        history = self._history
        if history is None:
            return [], []
        if isinstance(history, BarPanel):
            if code not in history.codes:
                return [], []
            row = history.codes.index(code)
            columns: Sequence[Any] = [history.field(name)[row] for name in _FIELDS]
            dates: Any = history.dates
        else:
            frame = history.get(code)
            if frame is None:
                return [], []
            columns = [np.asarray(frame[name], dtype=np.float64) for name in _FIELDS]
            dates = list(frame.index)
        rows = [
            (float(o), float(h), float(lo), float(c), float(v))
            for o, h, lo, c, v in zip(*columns, strict=True)
        ]
        keep = [index for index, bar in enumerate(rows) if not math.isnan(bar[3])]
        return [rows[index] for index in keep], _days(dates, keep)

    @staticmethod
    def _warm_up(instrument: _Instrument, evaluator: StreamEvaluator) -> None:
        committed = instrument.committed
        if committed:
            forming = list(instrument.bar)  # warming up goes through the shared buffer
            evaluator.warm_up_arrays(*zip(*committed, strict=True))
            instrument.bar[:] = forming

    def _initial_event(self, instrument: _Instrument, pair: _Pair) -> WatchEvent | None:
        if instrument.day is None:
            pair.active = False
            return None
        pair.active = bool(pair.test())
        if not pair.active:
            return None
        moment = self._initial_time or dt.datetime.combine(instrument.day, dt.time(0), tzinfo=SEOUL)
        return WatchEvent(
            moment, instrument.code, pair.strategy, "entered", pair.evaluator.current_values()
        )


_FIELDS = ("open", "high", "low", "close", "volume")
