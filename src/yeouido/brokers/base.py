"""The Broker interface: market data, orders and the account, the same for every broker.

:class:`AsyncBroker` is the asyncio interface every adapter implements;
:class:`yeouido.brokers.sync.Broker` is its synchronous facade for scripts and notebooks.
What a broker supports is declared in :class:`Capabilities` (in the manner of ccxt's ``has``);
asking for anything else raises :class:`~yeouido.model.errors.NotSupported` naming it.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

import pandas as pd

from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import OrderStatus, OrderType, Session, Side, TimeInForce, Venue
from yeouido.model.errors import InvalidInput, NotSupported
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import OrderBook, Quote, Trade
from yeouido.model.orders import Order, OrderRequest, order_type_for
from yeouido.model.time import SEOUL

T = TypeVar("T")

ALL_STREAMS = frozenset({"trades", "books", "orders", "fills"})
BAR_INTERVALS = frozenset({"1d", "1m"})
BAR_INDEX_DTYPE = pd.DatetimeTZDtype("us", SEOUL)
"""The index of every broker's bars: Seoul time, also when there are no bars (an empty index
of naive times cannot be compared with the aware ``start``/``end`` of a request)."""


def bars_window(frame: pd.DataFrame, start: datetime | None, end: datetime | None) -> pd.DataFrame:
    """The rows of a bars frame from ``start`` to ``end`` (both included; ``None``: open)."""
    if start is not None:
        frame = frame[frame.index >= start]
    if end is not None:
        frame = frame[frame.index <= end]
    return frame


def check_stream_limits(duration: float | None, timeout: float | None) -> None:
    """Raise :class:`InvalidInput` unless ``duration`` and ``timeout`` are ``None`` or
    seconds >= 0."""
    for name, value in (("duration", duration), ("timeout", timeout)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise InvalidInput.for_field(name, value, "must be seconds >= 0 (or None)")


async def queued_events(
    queue: asyncio.Queue[T], *, duration: float | None = None, timeout: float | None = None
) -> AsyncIterator[T]:
    """The items put on ``queue`` as they arrive, until ``duration`` seconds have passed in
    all or ``timeout`` seconds pass without one (each ``None`` for no limit)."""
    check_stream_limits(duration, timeout)
    loop = asyncio.get_running_loop()
    deadline = None if duration is None else loop.time() + duration
    while True:
        wait = timeout
        if deadline is not None:
            left = deadline - loop.time()
            if left <= 0:
                return
            wait = left if wait is None else min(wait, left)
        if wait is None:
            yield await queue.get()
            continue
        try:
            yield await asyncio.wait_for(queue.get(), wait)
        except TimeoutError:
            return


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a broker supports. :meth:`check` raises :class:`NotSupported` naming the first
    unsupported part of an order request."""

    order_types: frozenset[OrderType]
    time_in_force: frozenset[TimeInForce]
    sessions: frozenset[Session]
    venues: frozenset[Venue]
    streams: frozenset[str]
    bar_intervals: frozenset[str] = BAR_INTERVALS
    modify: bool = True
    cancel: bool = True
    reservations: bool = False
    """Reservation orders (예약주문): :meth:`AsyncBroker.reserve` and its kin."""

    def check(self, request: OrderRequest, broker: str) -> None:
        """Raise :class:`NotSupported` if ``broker`` cannot take ``request`` as asked."""
        for field, value, allowed in (
            ("order_type", request.order_type, self.order_types),
            ("tif", request.tif, self.time_in_force),
            ("session", request.session, self.sessions),
            ("venue", request.venue, self.venues),
        ):
            if value not in allowed:
                supported = ", ".join(sorted(item.value for item in allowed))
                raise NotSupported(
                    f"{broker} does not support {field}={value.value} (supported: {supported})",
                    field=field,
                    value=value.value,
                    rule=f"supported: {supported}",
                )

    def require_stream(self, kind: str, broker: str) -> None:
        """Raise :class:`NotSupported` unless ``kind`` is one of the broker's streams."""
        if kind not in self.streams:
            raise NotSupported(
                f"{broker} has no {kind} stream (streams: {', '.join(sorted(self.streams))})",
                field="stream",
                value=kind,
            )

    def require_interval(self, interval: str, broker: str) -> None:
        """Raise :class:`NotSupported` unless bars of ``interval`` are available."""
        if interval not in self.bar_intervals:
            raise NotSupported(
                f"{broker} has no {interval} bars ({', '.join(sorted(self.bar_intervals))})",
                field="interval",
                value=interval,
            )

    def require_reservations(self, broker: str) -> None:
        """Raise :class:`NotSupported` unless the broker takes reservation orders."""
        if not self.reservations:
            raise NotSupported(
                f"{broker} does not support reservation orders (예약주문)",
                field="reservations",
                rule="capability: reservations",
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description."""
        return {
            "order_types": sorted(item.value for item in self.order_types),
            "time_in_force": sorted(item.value for item in self.time_in_force),
            "sessions": sorted(item.value for item in self.sessions),
            "venues": sorted(item.value for item in self.venues),
            "streams": sorted(self.streams),
            "bar_intervals": sorted(self.bar_intervals),
            "modify": self.modify,
            "cancel": self.cancel,
            "reservations": self.reservations,
        }


@dataclass(frozen=True, slots=True)
class BuyingPower:
    """What a buy of ``code`` at ``price`` can use: the cash amount and the whole quantity it
    pays for, costs included (주문가능금액, 주문가능수량)."""

    code: str
    price: Price
    amount: int
    quantity: int


RESERVATION_STATUSES = frozenset({"waiting", "sent", "canceled", "rejected"})
"""What became of a reservation: kept (``waiting``), sent as an order (``sent``),
``canceled`` before it was sent, or ``rejected`` when it was due."""


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reservation order (예약주문): an order the broker keeps and sends on ``order_day``
    (a period reservation: every trading day up to ``end_day`` for what is left).

    ``reservation_id`` is the broker's number for it; ``order_id`` the broker's order number
    once it was sent (``None`` before); ``filled_quantity`` what that order filled.
    """

    reservation_id: str
    code: str
    side: Side
    quantity: int
    price: Price | None
    order_type: OrderType
    session: Session
    order_day: date
    status: str
    end_day: date | None = None
    order_id: str | None = None
    filled_quantity: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One change of an order: a status change (``fill`` is ``None``) or a fill.

    ``order`` is the order after the change (``None`` for a fill of an order this process
    does not know, which reconciliation reports): the order manager's own object, which it
    keeps changing — a reader on another thread copies it once (see
    :func:`yeouido.strategy.live_context.snapshot`).
    """

    order_id: str
    code: str
    time: datetime
    status: OrderStatus | None
    previous: OrderStatus | None = None
    fill: Fill | None = None
    reason: str | None = None
    order: Order | None = None
    sequence: int | None = None
    """For a fill: its place in the order manager's fill log (see
    :meth:`yeouido.brokers.oms_broker.OmsBroker.fills_since`); ``None`` when the broker
    keeps no such log."""

    @property
    def kind(self) -> str:
        """``"fill"`` or ``"status"``."""
        return "fill" if self.fill is not None else "status"


MarketEvent = Trade | OrderBook
MarketCallback = Callable[[MarketEvent], None]
OrderCallback = Callable[[OrderEvent], None]


class DataClient(Protocol):
    """The market-data part of a broker adapter: what :class:`OmsBroker`'s market-data
    methods delegate to (the execution side is :class:`~yeouido.oms.execution.ExecutionClient`).
    """

    name: str

    async def start(self) -> None:
        """Connect (tokens, sockets) before the first request."""
        ...

    async def close(self) -> None:
        """Disconnect and release resources."""
        ...

    async def instrument(self, code: str) -> Instrument:
        """The instrument with ``code`` (from the adapter's instrument provider)."""
        ...

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask (with the base price and limits when the venue
        gives them: the pre-trade checks use them)."""
        ...

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        ...

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """OHLCV bars indexed by bar start time (Seoul)."""
        ...

    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes``; returns an unsubscribe."""
        ...


class AccountClient(Protocol):
    """The account part of a broker adapter (usually its execution client)."""

    async def positions(self) -> list[Position]:
        """Holdings, with average price and P&L."""
        ...

    async def balance(self) -> Balance:
        """Cash: deposit, D+1 and D+2 amounts, buying power."""
        ...

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """What a buy of ``code`` at ``price`` can use now."""
        ...


class AsyncBroker(ABC):
    """One broker account: market data, orders and the account (asyncio)."""

    name: str
    capabilities: Capabilities

    # -- life cycle --------------------------------------------------------------------
    @abstractmethod
    async def start(self) -> None:
        """Connect, authenticate and reconcile; called by :func:`yeouido.connect_async`."""

    @abstractmethod
    async def close(self) -> None:
        """Disconnect and release resources."""

    async def __aenter__(self) -> AsyncBroker:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- market data -------------------------------------------------------------------
    @abstractmethod
    async def instrument(self, code: str) -> Instrument:
        """The instrument with ``code``."""

    @abstractmethod
    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""

    @abstractmethod
    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side, with the expected auction result during an auction."""

    @abstractmethod
    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """OHLCV bars (index: bar start time, Seoul, :data:`BAR_INDEX_DTYPE`; columns open,
        high, low, close, volume); an empty frame when there are none (a normal case)."""

    async def stream(
        self,
        codes: Iterable[str],
        kinds: Iterable[str] = ("trades", "books"),
        *,
        duration: float | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[MarketEvent]:
        """Trades (:class:`~yeouido.model.Trade`) and books (:class:`~yeouido.model.OrderBook`)
        of ``codes`` as they happen (built on :meth:`on_market`). It ends after ``duration``
        seconds in all, or after ``timeout`` seconds without an event (idle time); without
        either it runs until the consumer stops."""
        queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
        unsubscribe = self.on_market(codes, queue.put_nowait, kinds)
        try:
            async for event in queued_events(queue, duration=duration, timeout=timeout):
                yield event
        finally:
            unsubscribe()

    @abstractmethod
    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes``; returns an unsubscribe."""

    # -- orders ------------------------------------------------------------------------
    async def buy(
        self,
        code: str,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        tif: str | TimeInForce = "day",
        session: str | Session = "regular",
        venue: str | Venue = "KRX",
        stop_price: Price | None = None,
    ) -> Order:
        """Buy ``quantity`` of ``code``: a limit order at ``price`` when a price is given, a
        market order when none is (``order_type`` names any other type)."""
        return await self.submit(
            OrderRequest.create(
                code,
                Side.BUY,
                quantity,
                price,
                order_type_for(price, order_type),
                tif,
                session,
                venue,
                stop_price=stop_price,
            )
        )

    async def sell(
        self,
        code: str,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        tif: str | TimeInForce = "day",
        session: str | Session = "regular",
        venue: str | Venue = "KRX",
        stop_price: Price | None = None,
    ) -> Order:
        """Sell ``quantity`` of ``code``: a limit order at ``price`` when a price is given, a
        market order when none is (``order_type`` names any other type)."""
        return await self.submit(
            OrderRequest.create(
                code,
                Side.SELL,
                quantity,
                price,
                order_type_for(price, order_type),
                tif,
                session,
                venue,
                stop_price=stop_price,
            )
        )

    @abstractmethod
    async def submit(self, request: OrderRequest) -> Order:
        """Check, journal and send an order; returns it as acknowledged."""

    @abstractmethod
    async def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order's open quantity and/or price."""

    @abstractmethod
    async def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""

    @abstractmethod
    async def order(self, order_id: str) -> Order:
        """One order by its id (the client order id)."""

    @abstractmethod
    async def orders(self, open_only: bool = False) -> list[Order]:
        """Today's orders (only the open ones with ``open_only``)."""

    @abstractmethod
    def order_events(self) -> AsyncIterator[OrderEvent]:
        """Order status changes and fills as they happen."""

    @abstractmethod
    def on_order(self, callback: OrderCallback) -> Callable[[], None]:
        """Call ``callback`` with each order event; returns an unsubscribe function."""

    # -- reservation orders (capability ``reservations``) --------------------------------
    async def reserve(
        self,
        code: str,
        side: str | Side,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        session: str | Session = "regular",
        end_day: date | None = None,
    ) -> Reservation:
        """Keep an order with the broker to be sent on the next order day (a limit order at
        ``price``, a market order without one; ``end_day`` repeats it daily until then).
        Brokers without the capability raise :class:`NotSupported` naming it."""
        self.capabilities.require_reservations(self.name)
        raise NotSupported(f"{self.name} does not implement reserve()", field="reservations")

    async def reservations(
        self, start: date | None = None, end: date | None = None
    ) -> list[Reservation]:
        """Reservations whose order day falls in ``start``..``end`` (default: from today on)."""
        self.capabilities.require_reservations(self.name)
        raise NotSupported(f"{self.name} does not implement reservations()", field="reservations")

    async def cancel_reservation(self, reservation_id: str) -> Reservation:
        """Cancel a reservation that was not sent yet."""
        self.capabilities.require_reservations(self.name)
        raise NotSupported(
            f"{self.name} does not implement cancel_reservation()", field="reservations"
        )

    # -- account -----------------------------------------------------------------------
    @abstractmethod
    async def positions(self) -> list[Position]:
        """Holdings, with average price and P&L."""

    @abstractmethod
    async def balance(self) -> Balance:
        """Cash: deposit, D+1 and D+2 amounts, buying power."""

    @abstractmethod
    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions between ``start`` and ``end`` (today's when both are ``None``)."""

    @abstractmethod
    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """What a buy of ``code`` at ``price`` can use now."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
