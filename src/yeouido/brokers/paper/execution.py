"""The paper broker's execution client: orders on the simulated exchange, booked in the ledger.

It implements :class:`~yeouido.oms.execution.ExecutionClient`. Every order is placed on the
exchange under the owner ``"<account>/<client order id>"``, so the exchange's events name the
client order they belong to even while :meth:`Exchange.submit` is still running. The ledger
checks buying power (or the sellable quantity) before an order is placed and books each fill
exactly once; the order store remembers every order so a restarted market can settle the
orders the previous one left open.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

from yeouido.brokers.paper.ledger import PaperLedger
from yeouido.brokers.paper.orders import PaperOrder, PaperOrderStore
from yeouido.exchange.events import (
    ExchangeEvent,
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderModified,
    TradePrinted,
)
from yeouido.exchange.venue import Exchange
from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus, OrderType, Side
from yeouido.model.errors import OrderNotOpen, YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.orders import OrderRequest
from yeouido.oms.execution import (
    AccountSnapshot,
    FillHandler,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)

RESTARTED = "the paper market restarted: the order did not survive"


class PaperExecutionClient:
    """Places orders on a simulated :class:`Exchange` for one paper account."""

    name = "paper"

    def __init__(
        self,
        exchange: Exchange,
        ledger: PaperLedger,
        store: PaperOrderStore,
        account: str,
        listen: Callable[[Callable[[ExchangeEvent], None]], Callable[[], None]] | None = None,
    ) -> None:
        self.exchange = exchange
        self.ledger = ledger
        self.store = store
        self.account = account
        self._prefix = f"{account}/"
        self._on_update: UpdateHandler | None = None
        self._on_fill: FillHandler | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        subscribe = listen if listen is not None else exchange.subscribe
        self._unsubscribe = subscribe(self._on_event)
        self._settle_stale_orders()

    # -- contract ---------------------------------------------------------------------
    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Where pushed updates and fills go."""
        self._on_update, self._on_fill = on_update, on_fill

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """Reserve buying power (or shares), then place the order on the exchange."""
        known = self.store.get(client_order_id)
        if known is not None:
            return known.to_venue_order()
        self._reserve(client_order_id, request)
        order = PaperOrder(
            client_order_id=client_order_id,
            exchange_order_id="",
            market_id=self.store.market_id,
            code=request.code,
            side=request.side.value,
            quantity=request.quantity,
            filled_quantity=0,
            open_quantity=request.quantity,
            price=request.price,
            status=OrderStatus.SUBMITTED,
            reason="",
            updated_at=self.exchange.now,
        )
        self.store.add(order)
        try:
            self.exchange.submit(request, owner=self._prefix + client_order_id)
        except YeouidoError as error:
            self.ledger.release(client_order_id)
            order.status, order.open_quantity = OrderStatus.REJECTED, 0
            order.reason = error.message
            self.store.save(order)
            raise
        return order.to_venue_order()

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """Modify on the exchange, re-reserving buying power for a dearer buy first."""
        order = self._open_order(client_order_id)
        if order.side == Side.BUY.value and (price is not None or quantity is not None):
            self._re_reserve(order, price, quantity)
        self.exchange.modify(order.exchange_order_id, price=price, quantity=quantity)
        return order.to_venue_order()

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """Cancel on the exchange."""
        order = self._open_order(client_order_id)
        self.exchange.cancel(order.exchange_order_id, quantity)
        return order.to_venue_order()

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Open orders, fills since ``since`` and positions (at last prices)."""
        last_prices = {
            code: int(book.last_price)
            for (_, code), book in self.exchange.books.items()
            if book.last_price is not None
        }
        return AccountSnapshot(
            open_orders=[order.to_venue_order() for order in self.store.open_orders()],
            fills=self.ledger.fills(start=since),
            positions=self.ledger.positions(last_prices),
        )

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The paper broker's view of one order (``None``: never received)."""
        order = self.store.get(client_order_id)
        return None if order is None else order.to_venue_order()

    def close(self) -> None:
        """Stop listening to the exchange."""
        self._unsubscribe()

    # -- internals --------------------------------------------------------------------
    def _reserve(self, client_order_id: str, request: OrderRequest) -> None:
        book = self.exchange.regular_book(request.code)
        price = request.price
        if price is None or request.order_type is not OrderType.LIMIT:
            # Market-like buys reserve at the upper limit (the most they can pay).
            price = book.upper_limit if request.side is Side.BUY else book.lower_limit
        if request.stop_price is not None and request.price is not None:
            price = request.price
        self.ledger.reserve(
            client_order_id,
            request.code,
            request.side,
            request.quantity,
            int(price),
            self.exchange.day,
        )

    def _re_reserve(self, order: PaperOrder, price: Price | None, quantity: int | None) -> None:
        """Amend a buy's reservation to its new terms before the exchange sees the change
        (one ledger transaction: refused → the old reservation stays)."""
        new_price = int(price if price is not None else (order.price or 0))
        if new_price <= 0:
            return
        new_quantity = quantity if quantity is not None else order.open_quantity
        self.ledger.reserve(
            order.client_order_id,
            order.code,
            Side.BUY,
            new_quantity,
            new_price,
            self.exchange.day,
        )

    def _open_order(self, client_order_id: str) -> PaperOrder:
        order = self.store.get(client_order_id)
        if order is None or not order.exchange_order_id or order.open_quantity == 0:
            raise OrderNotOpen.for_field(
                "order_id", client_order_id, "no open paper order with this id"
            )
        return order

    def _settle_stale_orders(self) -> None:
        stale = self.store.stale_open_orders()
        if not stale:
            return
        # The ledger books a fill before the order store saves it: a market killed between
        # the two left the store behind, so the ledger's fills decide what was filled.
        booked: dict[str, int] = {}
        for fill in self.ledger.fills():
            booked[fill.order_id] = booked.get(fill.order_id, 0) + fill.quantity
        for order in stale:
            order.filled_quantity = max(order.filled_quantity, booked.get(order.client_order_id, 0))
            self.ledger.release(order.client_order_id)
            if order.filled_quantity >= order.quantity:
                order.status, order.reason = OrderStatus.FILLED, ""
            else:
                order.status, order.reason = OrderStatus.CANCELED, RESTARTED
            order.open_quantity = 0
            order.updated_at = self.exchange.now
            self.store.save(order)

    def _client_id(self, owner: str) -> str | None:
        return owner[len(self._prefix) :] if owner.startswith(self._prefix) else None

    def _on_event(self, event: ExchangeEvent) -> None:
        if isinstance(event, TradePrinted):
            for owner, side in ((event.buy_owner, Side.BUY), (event.sell_owner, Side.SELL)):
                client_id = self._client_id(owner)
                if client_id is not None:
                    self._book_fill(client_id, side, event)
            return
        owner = getattr(event, "owner", "")
        client_id = self._client_id(owner) if isinstance(owner, str) else None
        if client_id is None:
            return
        order = self.store.get(client_id)
        if order is None:
            return
        if isinstance(event, OrderAccepted):
            order.exchange_order_id = event.order_id
            order.price = event.price
            if order.status is OrderStatus.SUBMITTED:
                order.status = OrderStatus.ACCEPTED
            self._changed(order, event)
        elif isinstance(event, OrderModified):
            order.price = event.price
            order.open_quantity = event.quantity
            order.quantity = order.filled_quantity + event.quantity
            self._changed(order, event)
        elif isinstance(event, OrderCanceled | OrderExpired):
            self.ledger.release(client_id, event.quantity)
            order.open_quantity -= event.quantity
            if order.open_quantity == 0:
                # The order ends; its quantity stays what was ordered.
                order.status = (
                    OrderStatus.CANCELED
                    if isinstance(event, OrderCanceled)
                    else OrderStatus.EXPIRED
                )
                order.reason = getattr(event, "reason", "")
            else:
                # A partial cancel shrinks the order.
                order.quantity -= event.quantity
            self._changed(order, event)

    def _book_fill(self, client_id: str, side: Side, event: TradePrinted) -> None:
        order = self.store.get(client_id)
        if order is None:
            return
        # Trade ids restart with every simulated market, so the market instance is part of
        # the key: a fill of a later market must never look like one already booked.
        trade_key = f"{self.store.market_id}:{event.venue.value}:{event.trade_id}:{side.value}"
        fill = self.ledger.apply_fill(
            client_id, trade_key, event.code, side, event.quantity, int(event.price), event.time
        )
        order.filled_quantity += event.quantity
        order.open_quantity -= event.quantity
        order.status = (
            OrderStatus.FILLED if order.open_quantity == 0 else OrderStatus.PARTIALLY_FILLED
        )
        order.updated_at = event.time
        self.store.save(order)
        if fill is not None:
            self._deliver(self._on_fill, fill)

    def _changed(self, order: PaperOrder, event: ExchangeEvent) -> None:
        order.updated_at = event.time
        self.store.save(order)
        update = VenueOrderUpdate(
            client_order_id=order.client_order_id,
            venue_order_id=order.exchange_order_id,
            status=order.status,
            time=event.time,
            quantity=order.quantity,
            price=order.price,
            open_quantity=order.open_quantity,
            reason=order.reason,
        )
        self._deliver(self._on_update, update)

    def _deliver(self, handler: UpdateHandler | FillHandler | None, item: Any) -> None:
        if handler is None:
            return
        result = handler(item)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait until every pushed update and fill has been handled."""
        while self._pending:
            await asyncio.gather(*list(self._pending))


__all__ = ["Fill", "PaperExecutionClient"]
