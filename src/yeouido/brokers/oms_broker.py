"""The order half of a broker, shared by every adapter built on the order manager.

:class:`OmsBroker` implements the Broker interface's order methods over
:class:`~yeouido.oms.manager.OrderManager`: capability check, then risk, journal and send.
Adapters set ``self.oms`` in ``start()`` and implement market data and the account.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from yeouido.brokers.base import AsyncBroker, OrderCallback, OrderEvent
from yeouido.model.errors import OrderNotFound, YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.oms.manager import OrderFilled, OrderManager, OrderStatusChanged


class OmsBroker(AsyncBroker):
    """A broker whose orders go through an :class:`OrderManager` (set ``self.oms``)."""

    oms: OrderManager | None = None

    def _manager(self) -> OrderManager:
        if self.oms is None:
            raise YeouidoError(
                f"the {self.name} broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.oms

    async def submit(self, request: OrderRequest) -> Order:
        """Check capabilities, then the order manager (risk, journal, send)."""
        self.capabilities.check(request, self.name)
        return await self._manager().submit(request)

    async def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order."""
        return await self._manager().modify(order_id, price=price, quantity=quantity)

    async def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""
        return await self._manager().cancel(order_id)

    async def order(self, order_id: str) -> Order:
        """One order."""
        return self._manager().order(order_id)

    async def orders(self, open_only: bool = False) -> list[Order]:
        """Orders in the journal."""
        return self._manager().orders(open_only=open_only)

    async def order_events(self) -> AsyncIterator[OrderEvent]:
        """Order status changes and fills."""
        queue: asyncio.Queue[OrderEvent] = asyncio.Queue()
        unsubscribe = self.on_order(queue.put_nowait)
        try:
            while True:
                yield await queue.get()
        finally:
            unsubscribe()

    def on_order(self, callback: OrderCallback) -> Callable[[], None]:
        """Call ``callback`` with each order event."""
        oms = self._manager()

        def forward(event: OrderStatusChanged | OrderFilled) -> None:
            try:
                order: Order | None = oms.order(event.order_id)
            except OrderNotFound:
                order = None
            if isinstance(event, OrderFilled):
                callback(
                    OrderEvent(
                        event.order_id,
                        event.fill.code,
                        event.fill.time,
                        event.status,
                        fill=event.fill,
                        order=order,
                    )
                )
            else:
                callback(
                    OrderEvent(
                        event.order_id,
                        event.code,
                        event.time,
                        event.status,
                        event.previous,
                        reason=event.reason,
                        order=order,
                    )
                )

        return oms.subscribe(forward)
