"""Closing-price sessions (시간외종가): every trade prints at one fixed price, by time priority.

The pre-open session (08:30–08:40) trades at the previous close from its start; the after-hours
session takes orders from 15:30 and matches them from 15:40 at the day's close.
"""

from __future__ import annotations

from collections import deque

from yeouido.exchange.book import BookOrder
from yeouido.exchange.events import (
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderModified,
    TradePrinted,
)
from yeouido.exchange.regular import EngineContext
from yeouido.model.enums import Side, Venue
from yeouido.model.errors import OrderTypeNotAllowed
from yeouido.model.instrument import Instrument, Price


class FixedPriceBook:
    """Two FIFO queues matched at one price once matching has started."""

    def __init__(
        self, context: EngineContext, venue: Venue, instrument: Instrument, session: str
    ) -> None:
        self.context = context
        self.venue = venue
        self.code = instrument.code
        self.session = session
        self.price: Price | None = None
        self.matching = False
        self.bids: deque[BookOrder] = deque()
        self.asks: deque[BookOrder] = deque()

    def start_matching(self, price: Price) -> None:
        """Fix the price and match what has queued, then every new order on arrival."""
        self.price = price
        self.matching = True
        self._match()

    def submit(self, order: BookOrder) -> None:
        """Queue an order (its price is the session's price) and match if matching."""
        order.book = self
        order.price = self.price
        self.context.emit(
            OrderAccepted,
            self.venue,
            self.code,
            order.order_id,
            order.owner,
            order.side,
            order.order_type,
            order.price,
            order.open_quantity,
            self.session,
        )
        (self.bids if order.side is Side.BUY else self.asks).append(order)
        if self.matching:
            self._match()

    def cancel(self, order: BookOrder, quantity: int | None = None) -> None:
        """Cancel some or all of an order's open quantity."""
        amount = order.open_quantity if quantity is None else min(quantity, order.open_quantity)
        order.open_quantity -= amount
        if order.open_quantity == 0:
            self._queue(order).remove(order)
            self.context.order_done(order)
        self.context.emit(
            OrderCanceled,
            self.venue,
            self.code,
            order.order_id,
            order.owner,
            amount,
            order.open_quantity,
        )

    def modify(self, order: BookOrder, price: Price | None, quantity: int | None) -> None:
        """Only the quantity can change (the price is the session's); more loses priority."""
        if price is not None and price != self.price:
            raise OrderTypeNotAllowed.for_field(
                "price", price, f"the {self.session} session trades at one fixed price"
            )
        if quantity is None or quantity == order.open_quantity:
            return
        lost = quantity > order.open_quantity
        order.open_quantity = quantity
        if lost:
            queue = self._queue(order)
            queue.remove(order)
            queue.append(order)
        self.context.emit(
            OrderModified,
            self.venue,
            self.code,
            order.order_id,
            order.owner,
            order.price,
            quantity,
            lost,
        )
        if self.matching:
            self._match()

    def expire_all(self, reason: str) -> None:
        """Expire every open order (end of the session)."""
        for queue in (self.bids, self.asks):
            while queue:
                order = queue.popleft()
                quantity, order.open_quantity = order.open_quantity, 0
                self.context.emit(
                    OrderExpired,
                    self.venue,
                    self.code,
                    order.order_id,
                    order.owner,
                    quantity,
                    reason,
                )
                self.context.order_done(order)
        self.matching = False

    def _queue(self, order: BookOrder) -> deque[BookOrder]:
        return self.bids if order.side is Side.BUY else self.asks

    def _match(self) -> None:
        price = self.price
        assert price is not None
        context = self.context
        while self.bids and self.asks:
            buy, sell = self.bids[0], self.asks[0]
            quantity = min(buy.open_quantity, sell.open_quantity)
            buy.filled_quantity += quantity
            sell.filled_quantity += quantity
            buy.open_quantity -= quantity
            sell.open_quantity -= quantity
            context.emit(
                TradePrinted,
                self.venue,
                self.code,
                context.next_trade_id(),
                price,
                quantity,
                buy.order_id,
                sell.order_id,
                buy.owner,
                sell.owner,
                None,
                self.session,
            )
            for queue, order in ((self.bids, buy), (self.asks, sell)):
                if order.open_quantity == 0:
                    queue.popleft()
                    context.order_done(order)
