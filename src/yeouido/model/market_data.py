"""Market data: quotes, order books, trades (ticks) and bars."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from yeouido.model.enums import Side
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Price
from yeouido.model.time import require_aware


@dataclass(frozen=True, slots=True)
class Quote:
    """The best bid and ask and the last trade of one instrument at one moment."""

    code: str
    time: datetime
    last: Price | None
    bid: Price | None
    ask: Price | None
    bid_size: int = 0
    ask_size: int = 0
    volume: int = 0
    previous_close: Price | None = None
    base_price: Price | None = None
    """The day's base price (기준가) that fixes the daily limits, when the venue gives it."""
    limits: tuple[Price, Price] | None = None
    """The day's (lower, upper) price limits (하한가, 상한가), when the venue gives them."""

    def __post_init__(self) -> None:
        require_aware("time", self.time)
        if self.limits is not None and self.limits[0] > self.limits[1]:
            raise InvalidInput.for_field("limits", self.limits, "lower <= upper")

    @property
    def mid(self) -> Price | None:
        """The midpoint of bid and ask, or ``None`` when either side is empty.

        For KRW prices the midpoint may fall between ticks; it is returned exactly as an
        ``int`` when the spread is even and as a ``Decimal`` otherwise.
        """
        if self.bid is None or self.ask is None:
            return None
        total = self.bid + self.ask
        if isinstance(total, int) and total % 2 == 0:
            return total // 2
        return Decimal(total) / 2

    @property
    def change(self) -> Price | None:
        """Last minus the previous close, when both are known."""
        if self.last is None or self.previous_close is None:
            return None
        return self.last - self.previous_close


@dataclass(frozen=True, slots=True)
class BookLevel:
    """One price level of an order book."""

    price: Price
    quantity: int
    orders: int = 0


@dataclass(frozen=True, slots=True)
class OrderBook:
    """Up to 10 levels a side (best first), plus the expected auction result (예상체결)
    while a call auction is collecting orders."""

    code: str
    time: datetime
    bids: tuple[BookLevel, ...] = ()
    asks: tuple[BookLevel, ...] = ()
    expected_price: Price | None = None
    expected_quantity: int | None = None

    DEPTH = 10

    def __post_init__(self) -> None:
        require_aware("time", self.time)
        for name, levels in (("bids", self.bids), ("asks", self.asks)):
            if len(levels) > self.DEPTH:
                raise InvalidInput.for_field(name, len(levels), f"at most {self.DEPTH} levels")

    @property
    def best_bid(self) -> BookLevel | None:
        """The highest bid level."""
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> BookLevel | None:
        """The lowest ask level."""
        return self.asks[0] if self.asks else None

    @property
    def is_crossed(self) -> bool:
        """Whether the best bid is at or above the best ask (never after continuous matching)."""
        return (
            self.best_bid is not None
            and self.best_ask is not None
            and self.best_bid.price >= self.best_ask.price
        )


@dataclass(frozen=True, slots=True)
class Trade:
    """One execution printed by a venue (a tick). ``aggressor`` is the side that took."""

    code: str
    time: datetime
    price: Price
    quantity: int
    aggressor: Side | None = None
    trade_id: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        require_aware("time", self.time)


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLCV bar; ``time`` is the bar's start, ``interval`` e.g. ``"1d"`` or ``"1m"``."""

    code: str
    time: datetime
    open: Price
    high: Price
    low: Price
    close: Price
    volume: int
    interval: str = "1d"
    value: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        require_aware("time", self.time)
        if not (self.low <= min(self.open, self.close) and max(self.open, self.close) <= self.high):
            raise InvalidInput.for_field(
                "bar",
                f"o={self.open} h={self.high} l={self.low} c={self.close}",
                "low <= open, close <= high",
            )
        if self.volume < 0:
            raise InvalidInput.for_field("volume", self.volume, "must be >= 0")
