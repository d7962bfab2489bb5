"""Market data derived from the exchange's event stream: ticks, 1-minute bars, daily bars.

:class:`MarketFeed` subscribes to an :class:`~yeouido.exchange.venue.Exchange` and keeps, per
instrument, the trades (as :class:`~yeouido.model.Trade`), the completed 1-minute bars and the
forming one (all venues and sessions together), and the day's regular-session bar on KRX (the
official daily bar). Callbacks receive each trade and each completed minute bar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from yeouido.exchange.events import ExchangeEvent, TradePrinted, ts_to_datetime
from yeouido.exchange.venue import Exchange
from yeouido.model.enums import Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Price
from yeouido.model.market_data import Bar, Trade

MINUTE_NS = 60 * 1_000_000_000


@dataclass(slots=True)
class _FormingBar:
    start_ts: int
    open: Price
    high: Price
    low: Price
    close: Price
    volume: int
    value: int = 0

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
            ts_to_datetime(self.start_ts),
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            interval,
            value=self.value,
        )


class MarketFeed:
    """Ticks and bars of every instrument of one exchange, built from its events."""

    def __init__(self, exchange: Exchange, keep_trades: bool = True) -> None:
        self.exchange = exchange
        self.keep_trades = keep_trades
        self.trades: dict[str, list[Trade]] = defaultdict(list)
        self.minute_bars: dict[str, list[Bar]] = defaultdict(list)
        self._forming: dict[str, _FormingBar] = {}
        self._daily: dict[str, _FormingBar] = {}
        self._trade_callbacks: list[Callable[[Trade], None]] = []
        self._bar_callbacks: list[Callable[[Bar], None]] = []
        self.unsubscribe = exchange.subscribe(self._on_event)

    def on_trade(self, callback: Callable[[Trade], None]) -> None:
        """Call ``callback`` with every trade."""
        self._trade_callbacks.append(callback)

    def on_bar(self, callback: Callable[[Bar], None]) -> None:
        """Call ``callback`` with every completed 1-minute bar."""
        self._bar_callbacks.append(callback)

    def bars(self, code: str, interval: str = "1m", include_forming: bool = False) -> list[Bar]:
        """Completed bars of ``code`` (``"1m"`` or ``"1d"``), optionally with the forming one."""
        if interval == "1d":
            daily = self._daily.get(code)
            return [] if daily is None else [daily.to_bar(code, "1d")]
        if interval != "1m":
            raise InvalidInput.for_field("interval", interval, "must be 1m or 1d")
        bars = list(self.minute_bars.get(code, ()))
        forming = self._forming.get(code)
        if include_forming and forming is not None:
            bars.append(forming.to_bar(code, "1m"))
        return bars

    def flush(self) -> None:
        """Complete every forming minute bar (at the end of a run)."""
        for code in list(self._forming):
            self._complete(code)

    def _on_event(self, event: ExchangeEvent) -> None:
        if not isinstance(event, TradePrinted):
            return
        code, price, quantity = event.code, event.price, event.quantity
        minute = event.ts - event.ts % MINUTE_NS
        forming = self._forming.get(code)
        if forming is not None and forming.start_ts != minute:
            self._complete(code)
            forming = None
        if forming is None:
            self._forming[code] = _FormingBar(
                minute, price, price, price, price, quantity, int(price * quantity)
            )
        else:
            forming.add(price, quantity)
        if event.venue is Venue.KRX and event.session == "regular":
            daily = self._daily.get(code)
            if daily is None:
                day_start = minute - (minute + 9 * 3_600 * 1_000_000_000) % (86_400 * 1_000_000_000)
                self._daily[code] = _FormingBar(
                    day_start, price, price, price, price, quantity, int(price * quantity)
                )
            else:
                daily.add(price, quantity)
        if self.keep_trades or self._trade_callbacks:
            trade = Trade(
                code, event.time, price, quantity, event.aggressor, event.trade_id, event.seq
            )
            if self.keep_trades:
                self.trades[code].append(trade)
            for callback in self._trade_callbacks:
                callback(trade)

    def _complete(self, code: str) -> None:
        bar = self._forming.pop(code).to_bar(code, "1m")
        self.minute_bars[code].append(bar)
        for callback in self._bar_callbacks:
            callback(bar)
