"""The exchange's event stream: one gapless sequence of events per exchange, each stamped with
the exchange clock.

Timestamps are kept as integer nanoseconds since the Unix epoch (``ts``) so the hot path does
no datetime arithmetic; :attr:`ExchangeEvent.time` gives the timezone-aware Seoul datetime.
:meth:`ExchangeEvent.to_record` gives a plain, deterministic dict: the same seed and inputs
give the same records, byte for byte, when serialised.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from yeouido.model.enums import OrderType, Side, Venue
from yeouido.model.instrument import Price
from yeouido.model.time import SEOUL


def ts_to_datetime(ts: int) -> datetime:
    """Nanoseconds since the epoch → aware Seoul datetime (microsecond precision)."""
    return datetime.fromtimestamp(ts / 1_000_000_000, SEOUL)


def datetime_to_ts(moment: datetime) -> int:
    """Aware datetime → nanoseconds since the epoch (exact for whole microseconds)."""
    seconds = int(moment.timestamp())
    micros = moment.microsecond
    return seconds * 1_000_000_000 + micros * 1_000


@dataclass(slots=True, frozen=True)
class ExchangeEvent:
    """Base of every event: sequence number, exchange time, venue and instrument code."""

    seq: int
    ts: int
    venue: Venue
    code: str

    kind: ClassVar[str] = "event"

    @property
    def time(self) -> datetime:
        """The exchange time as an aware Seoul datetime."""
        return ts_to_datetime(self.ts)

    def to_record(self) -> dict[str, Any]:
        """A plain dict of the event (enums as values, Decimals as strings), kind first."""
        record: dict[str, Any] = {"kind": self.kind}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, Decimal):
                value = str(value)
            record[item.name] = value
        return record


@dataclass(slots=True, frozen=True)
class OrderAccepted(ExchangeEvent):
    """An order entered the book (``price`` is its effective price; ``None`` for market)."""

    order_id: str
    owner: str
    side: Side
    order_type: OrderType
    price: Price | None
    quantity: int
    session: str

    kind: ClassVar[str] = "order_accepted"


@dataclass(slots=True, frozen=True)
class OrderRejected(ExchangeEvent):
    """An order, modification or cancel was refused; ``error`` is the error's code."""

    order_id: str
    owner: str
    error: str
    field: str
    message: str

    kind: ClassVar[str] = "order_rejected"


@dataclass(slots=True, frozen=True)
class OrderModified(ExchangeEvent):
    """An order's price or open quantity changed; ``lost_priority`` when it was requeued."""

    order_id: str
    owner: str
    price: Price | None
    quantity: int
    lost_priority: bool

    kind: ClassVar[str] = "order_modified"


@dataclass(slots=True, frozen=True)
class OrderCanceled(ExchangeEvent):
    """Open quantity was canceled at the owner's request (``remaining`` is still open)."""

    order_id: str
    owner: str
    quantity: int
    remaining: int

    kind: ClassVar[str] = "order_canceled"


@dataclass(slots=True, frozen=True)
class OrderExpired(ExchangeEvent):
    """Open quantity ended without a request: IOC/FOK remainder, end of session, no price."""

    order_id: str
    owner: str
    quantity: int
    reason: str

    kind: ClassVar[str] = "order_expired"


@dataclass(slots=True, frozen=True)
class OrderTriggered(ExchangeEvent):
    """A stop-limit order's stop price traded: it enters the book as a limit order."""

    order_id: str
    owner: str
    price: Price

    kind: ClassVar[str] = "order_triggered"


@dataclass(slots=True, frozen=True)
class TradePrinted(ExchangeEvent):
    """An execution. ``aggressor`` is the side that took liquidity (``None`` in an auction)."""

    trade_id: str
    price: Price
    quantity: int
    buy_order_id: str
    sell_order_id: str
    buy_owner: str
    sell_owner: str
    aggressor: Side | None
    session: str

    kind: ClassVar[str] = "trade"


@dataclass(slots=True, frozen=True)
class BookChanged(ExchangeEvent):
    """The total quantity resting at one price level of the regular book changed."""

    side: Side
    price: Price
    quantity: int

    kind: ClassVar[str] = "book"


@dataclass(slots=True, frozen=True)
class IndicativePrice(ExchangeEvent):
    """The expected auction price and quantity (예상체결) while orders accumulate."""

    price: Price | None
    quantity: int

    kind: ClassVar[str] = "indicative"


@dataclass(slots=True, frozen=True)
class PhaseChanged(ExchangeEvent):
    """A venue-wide phase change (``code`` empty) or one instrument's (VI, random end)."""

    phase: str

    kind: ClassVar[str] = "phase"


@dataclass(slots=True, frozen=True)
class ViStarted(ExchangeEvent):
    """A volatility interruption: a 2-minute single-price auction (a halt on NXT)."""

    vi_kind: str
    reference: Price
    trigger_price: Price
    until_ts: int

    kind: ClassVar[str] = "vi_start"


@dataclass(slots=True, frozen=True)
class ViEnded(ExchangeEvent):
    """The end of a volatility interruption."""

    vi_kind: str

    kind: ClassVar[str] = "vi_end"
