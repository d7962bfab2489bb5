"""The synchronous facade: every :class:`AsyncBroker` method as a plain call.

The asynchronous broker runs on a private event loop in a background thread; each call waits
for its coroutine there. Streams become ordinary iterators; callbacks run on that thread.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import Future
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd

from yeouido.brokers.base import (
    AsyncBroker,
    BuyingPower,
    Capabilities,
    MarketCallback,
    MarketEvent,
    OrderCallback,
    OrderEvent,
    Reservation,
    check_stream_limits,
)
from yeouido.brokers.registry import connect_async
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import OrderType, Session, Side, TimeInForce, Venue
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import OrderBook, Quote
from yeouido.model.orders import Order, OrderRequest

T = TypeVar("T")
_END = object()


class LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="yeouido-broker", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the loop and wait for its result (its exception re-raised)."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def stop(self) -> None:
        """Stop the loop and wait for the thread."""
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self.loop.is_running():
            self.loop.close()


class Broker:
    """A broker with plain (blocking) methods. Create it with :func:`yeouido.connect`."""

    def __init__(self, broker: AsyncBroker, loop: LoopThread) -> None:
        self._broker = broker
        self._loop = loop
        self._closed = False

    @property
    def name(self) -> str:
        """The registry name of the broker."""
        return self._broker.name

    @property
    def capabilities(self) -> Capabilities:
        """What the broker supports."""
        return self._broker.capabilities

    @property
    def async_broker(self) -> AsyncBroker:
        """The asyncio broker underneath (use it only from :meth:`run`)."""
        return self._broker

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of your own on the broker's loop."""
        return self._loop.run(coroutine)

    # -- market data -------------------------------------------------------------------
    def instrument(self, code: str) -> Instrument:
        """The instrument with ``code``."""
        return self._loop.run(self._broker.instrument(code))

    def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""
        return self._loop.run(self._broker.quote(code))

    def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        return self._loop.run(self._broker.orderbook(code))

    def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """OHLCV bars as a DataFrame."""
        return self._loop.run(self._broker.bars(code, interval, start, end))

    def stream(
        self,
        codes: Iterable[str],
        kinds: Iterable[str] = ("trades", "books"),
        timeout: float | None = None,
        *,
        duration: float | None = None,
    ) -> Iterator[MarketEvent]:
        """Trades and books of ``codes`` as a blocking iterator. ``duration``: seconds in all
        (``stream(codes, duration=10)`` returns after about 10 s); ``timeout``: seconds of
        silence (idle time, not a total) that end it. Without either it runs until the loop
        over it stops."""
        check_stream_limits(duration, timeout)
        deadline = None if duration is None else time.monotonic() + duration
        items: queue.Queue[Any] = queue.Queue()
        codes, kinds = list(codes), list(kinds)

        async def pump() -> None:
            try:
                async for event in self._broker.stream(codes, kinds):
                    items.put(event)
            finally:
                items.put(_END)

        task = asyncio.run_coroutine_threadsafe(pump(), self._loop.loop)
        try:
            while True:
                wait = timeout
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return
                    wait = left if wait is None else min(wait, left)
                try:
                    item = items.get(timeout=wait)
                except queue.Empty:
                    return
                if item is _END:
                    task.result()
                    return
                yield item
        finally:
            task.cancel()

    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` (on the broker's thread) with each trade and book of ``codes``."""
        return self._loop.run(_call(lambda: self._broker.on_market(codes, callback, kinds)))

    # -- orders ------------------------------------------------------------------------
    def buy(
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
        """Buy ``quantity`` of ``code``: limit at ``price`` when given, else market."""
        return self._loop.run(
            self._broker.buy(code, quantity, price, order_type, tif, session, venue, stop_price)
        )

    def sell(
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
        """Sell ``quantity`` of ``code``: limit at ``price`` when given, else market."""
        return self._loop.run(
            self._broker.sell(code, quantity, price, order_type, tif, session, venue, stop_price)
        )

    def submit(self, request: OrderRequest) -> Order:
        """Send an :class:`~yeouido.model.OrderRequest`."""
        return self._loop.run(self._broker.submit(request))

    def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order."""
        return self._loop.run(self._broker.modify(order_id, quantity, price))

    def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""
        return self._loop.run(self._broker.cancel(order_id))

    def order(self, order_id: str) -> Order:
        """One order by id."""
        return self._loop.run(self._broker.order(order_id))

    def orders(self, open_only: bool = False) -> list[Order]:
        """Today's orders."""
        return self._loop.run(self._broker.orders(open_only))

    def order_events(self, timeout: float | None = None) -> Iterator[OrderEvent]:
        """Order status changes and fills as a blocking iterator."""
        items: queue.Queue[OrderEvent] = queue.Queue()
        unsubscribe = self.on_order(items.put)
        try:
            while True:
                try:
                    yield items.get(timeout=timeout)
                except queue.Empty:
                    return
        finally:
            unsubscribe()

    def on_order(self, callback: OrderCallback) -> Callable[[], None]:
        """Call ``callback`` (on the broker's thread) with each order event."""
        return self._loop.run(_call(lambda: self._broker.on_order(callback)))

    # -- reservation orders ------------------------------------------------------------
    def reserve(
        self,
        code: str,
        side: str | Side,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        session: str | Session = "regular",
        end_day: date | None = None,
    ) -> Reservation:
        """Keep an order with the broker for the next order day (capability
        ``reservations``)."""
        return self._loop.run(
            self._broker.reserve(code, side, quantity, price, order_type, session, end_day)
        )

    def reservations(self, start: date | None = None, end: date | None = None) -> list[Reservation]:
        """Reservations whose order day falls in ``start``..``end``."""
        return self._loop.run(self._broker.reservations(start, end))

    def cancel_reservation(self, reservation_id: str) -> Reservation:
        """Cancel a reservation not sent yet."""
        return self._loop.run(self._broker.cancel_reservation(reservation_id))

    # -- account -----------------------------------------------------------------------
    def positions(self) -> list[Position]:
        """Holdings."""
        return self._loop.run(self._broker.positions())

    def balance(self) -> Balance:
        """Cash, D+1 and D+2 amounts, buying power."""
        return self._loop.run(self._broker.balance())

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions."""
        return self._loop.run(self._broker.fills(start, end))

    def buying_power(self, code: str, price: Price) -> BuyingPower:
        """What a buy at ``price`` can use."""
        return self._loop.run(self._broker.buying_power(code, price))

    # -- life cycle --------------------------------------------------------------------
    def close(self) -> None:
        """Disconnect and stop the background loop."""
        if self._closed:
            return
        self._closed = True
        try:
            self._loop.run(self._broker.close(), timeout=30)
        finally:
            self._loop.stop()

    def __enter__(self) -> Broker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Broker {self.name}>"


async def _call(function: Callable[[], T]) -> T:
    return function()


def connect(name: str = "paper", **options: Any) -> Broker:
    """Create broker ``name``, connect it and reconcile; the synchronous interface.

    >>> broker = connect("paper")            # doctest: +SKIP
    >>> broker.buy("005930", 10, price=70_000)  # doctest: +SKIP
    """
    loop = LoopThread()
    try:
        broker = loop.run(connect_async(name, **options))
    except BaseException:
        loop.stop()
        raise
    return Broker(broker, loop)
