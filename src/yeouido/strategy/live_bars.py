"""Bars of a strategy's interval, built from live trades (for the live runtime).

:class:`BarBuilder` turns :class:`~yeouido.model.Trade` ticks into
:class:`~yeouido.model.Bar` s of one interval (``"1m"``, ``"3m"``, … ``"60m"`` or ``"1d"``),
keyed by the bar's start in Seoul time: minute bars are aligned on the clock (a 5-minute bar
starts at 09:00, 09:05, …), a daily bar starts at midnight. A bar is emitted exactly once:
when a trade of a later bar of the same code arrives (:meth:`BarBuilder.add`), or when the
market clock passes the bar's end (:meth:`BarBuilder.advance`, the timer). A trade of a bar
that was already emitted is counted in :attr:`BarBuilder.late` and otherwise ignored, so a
bar never changes after a strategy has seen it. Bars without trades are not made.

Minute bars take every trade (all venues and sessions, as the paper market's own minute
bars do). A daily bar is the regular session's: trades from the opening (09:00) until the
closing auction has printed (its scheduled end, 15:30, plus :data:`DAILY_CLOSE_GRACE` for the
auction's random end), with the opening and closing times of special days from the KRX
schedule; it is emitted once the market clock passes that moment. Trades carry no venue, so
a daily bar built live also includes NXT's main-market trades of those hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from yeouido.model.errors import InvalidInput, YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.market_data import Bar, Trade
from yeouido.model.time import SEOUL, require_aware

INTERVAL_MINUTES: dict[str, int] = {
    "1m": 1,
    "3m": 3,
    "5m": 5,
    "10m": 10,
    "15m": 15,
    "30m": 30,
    "60m": 60,
}
"""Minutes of each intraday interval."""

DAILY = "1d"
REGULAR_OPEN = time(9, 0)
REGULAR_CLOSE = time(15, 30)
DAILY_CLOSE_GRACE = timedelta(minutes=1)
"""How long after the scheduled close a daily bar still takes trades (the closing auction
may end up to 30 seconds late) and when it is emitted."""


def check_interval(interval: str) -> str:
    """``interval`` when it is one a live bar can have; raises :class:`InvalidInput`."""
    if interval != DAILY and interval not in INTERVAL_MINUTES:
        allowed = ", ".join([DAILY, *INTERVAL_MINUTES])
        raise InvalidInput.for_field("interval", interval, f"must be one of {allowed}")
    return interval


def bar_start(moment: datetime, interval: str) -> datetime:
    """The start (Seoul) of the ``interval`` bar that contains ``moment``."""
    local = require_aware("moment", moment).astimezone(SEOUL)
    if interval == DAILY:
        return datetime.combine(local.date(), time(0), tzinfo=SEOUL)
    minutes = INTERVAL_MINUTES[check_interval(interval)]
    minute_of_day = local.hour * 60 + local.minute
    start = minute_of_day - minute_of_day % minutes
    return datetime.combine(local.date(), time(start // 60, start % 60), tzinfo=SEOUL)


_SESSION_CACHE: dict[date, tuple[datetime, datetime]] = {}


def regular_session(day: date) -> tuple[datetime, datetime]:
    """The opening and the scheduled close (end of the closing auction) of KRX's regular
    session on ``day``; 09:00 and 15:30 when the calendar does not know the day."""
    cached = _SESSION_CACHE.get(day)
    if cached is not None:
        return cached
    opening = datetime.combine(day, REGULAR_OPEN, tzinfo=SEOUL)
    closing = datetime.combine(day, REGULAR_CLOSE, tzinfo=SEOUL)
    try:
        from yeouido.krx.sessions import Phase, schedule

        day_schedule = schedule(day)
        continuous = day_schedule.window(Phase.CONTINUOUS)
        auction = day_schedule.window(Phase.CLOSING_AUCTION)
        if continuous is not None and auction is not None:
            opening, closing = continuous.start, auction.end
    except YeouidoError:
        pass
    _SESSION_CACHE[day] = (opening, closing)
    return opening, closing


def bar_close_time(start: datetime, interval: str) -> datetime:
    """When the bar starting at ``start`` is complete: its end for a minute bar, the
    regular session's close plus :data:`DAILY_CLOSE_GRACE` for a daily bar."""
    if interval == DAILY:
        return regular_session(start.astimezone(SEOUL).date())[1] + DAILY_CLOSE_GRACE
    return start + timedelta(minutes=INTERVAL_MINUTES[check_interval(interval)])


@dataclass(slots=True)
class _Forming:
    start: datetime
    due: datetime
    open: Price
    high: Price
    low: Price
    close: Price
    volume: int
    value: int

    @classmethod
    def from_bar(cls, bar: Bar, start: datetime, interval: str) -> _Forming:
        """A forming bar of ``interval`` from ``start`` that begins as ``bar``."""
        return cls(
            start,
            bar_close_time(start, interval),
            bar.open,
            bar.high,
            bar.low,
            bar.close,
            bar.volume,
            bar.value or int(bar.close * bar.volume),
        )

    def merge(self, bar: Bar) -> None:
        """Extend with a later, shorter bar."""
        self.high = max(self.high, bar.high)
        self.low = min(self.low, bar.low)
        self.close = bar.close
        self.volume += bar.volume
        self.value += bar.value or int(bar.close * bar.volume)

    def add(self, price: Price, quantity: int) -> None:
        if price > self.high:
            self.high = price
        if price < self.low:
            self.low = price
        self.close = price
        self.volume += quantity
        self.value += int(price * quantity)

    def to_bar(self, code: str, interval: str) -> Bar:
        return Bar(
            code,
            self.start,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            interval,
            self.value,
        )


class BarBuilder:
    """Bars of one ``interval`` for any number of codes, from their trades.

    ``delay`` postpones the timer (a bar is emitted when the clock reaches its end plus
    ``delay``): use a second or two when the clock is the wall clock and trades come over a
    network, so a trade stamped just before the end still makes it into its bar.
    """

    def __init__(self, interval: str, *, delay: timedelta = timedelta(0)) -> None:
        self.interval = check_interval(interval)
        self.delay = delay
        self.late = 0
        """Trades dropped because their bar had already been emitted (or passed)."""
        self.outside = 0
        """Trades outside the regular session, left out of daily bars."""
        self._forming: dict[str, _Forming] = {}
        self._emitted: dict[str, datetime] = {}

    # -- state ---------------------------------------------------------------------------
    def forming(self, code: str) -> Bar | None:
        """The bar of ``code`` being built (never given to a strategy), if any."""
        current = self._forming.get(code)
        return None if current is None else current.to_bar(code, self.interval)

    def last_emitted(self, code: str) -> datetime | None:
        """The start of the last bar of ``code`` emitted (or marked as known)."""
        return self._emitted.get(code)

    def mark_emitted(self, code: str, start: datetime) -> None:
        """Treat bars of ``code`` up to the one starting at ``start`` as already emitted (the
        warm-up history): trades of those bars are late from now on."""
        previous = self._emitted.get(code)
        if previous is None or start > previous:
            self._emitted[code] = start

    def seed(self, bar: Bar) -> None:
        """Continue ``bar`` (a forming bar of the warm-up) with the trades that follow."""
        if bar.interval != self.interval:
            raise InvalidInput.for_field("bar.interval", bar.interval, f"must be {self.interval}")
        start = bar_start(bar.time, self.interval)
        emitted = self._emitted.get(bar.code)
        if emitted is not None and start <= emitted:
            return
        self._forming[bar.code] = _Forming.from_bar(bar, start, self.interval)

    def reset(self) -> None:
        """Forget every forming bar and what was emitted (the market started a new session
        whose clock is behind the old one)."""
        self._forming.clear()
        self._emitted.clear()

    # -- input -------------------------------------------------------------------------
    def add(self, trade: Trade) -> list[Bar]:
        """Take ``trade``; returns the bar it completed (the previous bar of its code), if
        any."""
        code, moment = trade.code, trade.time
        start = bar_start(moment, self.interval)
        if self.interval == DAILY:
            opening, closing = regular_session(start.date())
            if not opening <= moment < closing + DAILY_CLOSE_GRACE:
                self.outside += 1
                return []
        emitted = self._emitted.get(code)
        if emitted is not None and start <= emitted:
            self.late += 1
            return []
        completed: list[Bar] = []
        current = self._forming.get(code)
        if current is not None and current.start != start:
            if start < current.start:
                self.late += 1
                return []
            completed.append(self._emit(code))
            current = None
        if current is None:
            price = trade.price
            self._forming[code] = _Forming(
                start,
                bar_close_time(start, self.interval),
                price,
                price,
                price,
                price,
                trade.quantity,
                int(price * trade.quantity),
            )
        else:
            current.add(trade.price, trade.quantity)
        return completed

    def advance(self, now: datetime) -> list[Bar]:
        """Emit every forming bar whose end (plus ``delay``) is at or before ``now``, oldest
        first."""
        require_aware("now", now)
        due = [
            (current.due, current.start, code)
            for code, current in self._forming.items()
            if current.due + self.delay <= now
        ]
        due.sort(key=lambda item: (item[0], item[1]))
        return [self._emit(code) for _, _, code in due]

    def _emit(self, code: str) -> Bar:
        current = self._forming.pop(code)
        self._emitted[code] = current.start
        return current.to_bar(code, self.interval)


def aggregate(bars: Iterable[Bar], interval: str) -> list[Bar]:
    """Combine bars (1-minute bars, oldest first) into bars of ``interval``, keyed by the
    start of the longer bar; the last one may be incomplete."""
    check_interval(interval)
    result: list[Bar] = []
    current: _Forming | None = None
    code = ""
    for bar in bars:
        start = bar_start(bar.time, interval)
        if current is not None and (bar.code != code or start != current.start):
            result.append(current.to_bar(code, interval))
            current = None
        if current is None:
            code = bar.code
            current = _Forming.from_bar(bar, start, interval)
        else:
            current.merge(bar)
    if current is not None:
        result.append(current.to_bar(code, interval))
    return result


__all__ = [
    "DAILY_CLOSE_GRACE",
    "INTERVAL_MINUTES",
    "BarBuilder",
    "aggregate",
    "bar_close_time",
    "bar_start",
    "check_interval",
    "regular_session",
]
