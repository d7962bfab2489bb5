"""Enumerations of the domain model.

Every enum is a ``str`` enum whose values are the lower-case names users type
(``order_type="best_opposite"``, ``tif="ioc"``), so parsing is ``OrderType(text)``.
"""

from __future__ import annotations

from enum import StrEnum


class Market(StrEnum):
    """The KRX market an instrument is listed on (derivatives trade on ``DERIVATIVES``)."""

    KOSPI = "KOSPI"
    KOSDAQ = "KOSDAQ"
    KONEX = "KONEX"
    DERIVATIVES = "DERIVATIVES"


class InstrumentKind(StrEnum):
    """What an instrument is; decides its tick table, price limits and taxes."""

    STOCK = "stock"
    ETF = "etf"
    ETN = "etn"
    ELW = "elw"
    FUTURE = "future"
    OPTION = "option"


class Side(StrEnum):
    """Buy (매수) or sell (매도)."""

    BUY = "buy"
    SELL = "sell"

    @property
    def opposite(self) -> Side:
        """The other side."""
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    """KRX order types (호가 유형)."""

    LIMIT = "limit"
    """지정가: at the limit price or better."""
    MARKET = "market"
    """시장가: walks the book."""
    CONDITIONAL_LIMIT = "conditional_limit"
    """조건부지정가: a limit order until the closing auction, then the rest turns market."""
    BEST_OPPOSITE = "best_opposite"
    """최유리지정가: priced at the opposite side's best quote at entry."""
    BEST_SAME_SIDE = "best_same_side"
    """최우선지정가: priced at the same side's best quote at entry."""
    MIDPOINT = "midpoint"
    """중간가: pegged to the mid of the best bid and ask (since 2025)."""
    STOP_LIMIT = "stop_limit"
    """스톱지정가: a limit order released when a trade prints at the stop price (since 2025)."""

    @property
    def needs_price(self) -> bool:
        """Whether a limit price must be given with this type."""
        return self in (OrderType.LIMIT, OrderType.CONDITIONAL_LIMIT, OrderType.STOP_LIMIT)


class TimeInForce(StrEnum):
    """How long an order may rest: the day, immediate-or-cancel, fill-or-kill."""

    DAY = "day"
    IOC = "ioc"
    FOK = "fok"


class Session(StrEnum):
    """The trading session an order is for."""

    REGULAR = "regular"
    """정규장: the opening auction, continuous trading and the closing auction."""
    PRE_OPEN_CLOSE = "pre_open_close"
    """장전 시간외종가: 08:30–08:40 at the previous close."""
    AFTER_HOURS_CLOSE = "after_hours_close"
    """장후 시간외종가: orders 15:30–16:00, matched 15:40–16:00 at the day's close."""
    AFTER_HOURS_SINGLE = "after_hours_single"
    """시간외 단일가: 16:00–18:00, a call auction every 10 minutes."""


class Venue(StrEnum):
    """Where an order goes: KRX, Nextrade, or the smart order router."""

    KRX = "KRX"
    NXT = "NXT"
    SOR = "SOR"


class OrderStatus(StrEnum):
    """States of the order state machine (see :mod:`yeouido.model.orders`)."""

    INITIALIZED = "initialized"
    DENIED = "denied"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PARTIALLY_FILLED = "partially_filled"
    PENDING_MODIFY = "pending_modify"
    PENDING_CANCEL = "pending_cancel"
    FILLED = "filled"
    CANCELED = "canceled"
    EXPIRED = "expired"

    @property
    def is_terminal(self) -> bool:
        """Whether no further transition is possible."""
        return self in _TERMINAL

    @property
    def is_open(self) -> bool:
        """Whether the order may still trade (not terminal, not merely initialized)."""
        return not self.is_terminal and self is not OrderStatus.INITIALIZED


_TERMINAL = frozenset(
    {
        OrderStatus.DENIED,
        OrderStatus.REJECTED,
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.EXPIRED,
    }
)
