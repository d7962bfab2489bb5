"""The order half of a broker, shared by every adapter built on the order manager.

:class:`OmsBroker` implements the Broker interface's order methods over
:class:`~yeouido.oms.manager.OrderManager`: capability check, today's reference prices from the
broker's own quote (:class:`~yeouido.brokers.market_view.BrokerMarketView`), then the risk
checks — the KRX rules always, unless ``RiskLimits(validate_krx=False)`` is passed — journal
and send. Adapters call :meth:`OmsBroker.build_order_manager` in ``start()`` with their
execution client and implement market data and the account.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime

from yeouido.brokers.base import AsyncBroker, OrderCallback, OrderEvent
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.model.errors import OrderNotFound, YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.oms.execution import ExecutionClient
from yeouido.oms.journal import Journal
from yeouido.oms.manager import OrderFilled, OrderManager, OrderStatusChanged
from yeouido.oms.risk import RiskLimits, RiskManager


class OmsBroker(AsyncBroker):
    """A broker whose orders go through an :class:`OrderManager` (set in ``start()`` by
    :meth:`build_order_manager`)."""

    oms: OrderManager | None = None
    market_view: BrokerMarketView | None = None

    def build_order_manager(
        self,
        client: ExecutionClient,
        journal: Journal,
        market_view: BrokerMarketView,
        risk: RiskLimits | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> OrderManager:
        """The order manager over ``client`` and ``journal``, its risk checks fed by
        ``market_view``; ``risk`` ``None`` means the KRX rules and no other limit. ``clock``
        stamps orders (default: the market view's clock)."""
        self.market_view = market_view
        self.oms = OrderManager(
            client,
            journal,
            risk=RiskManager(risk if risk is not None else RiskLimits()),
            market=market_view,
            clock=clock,
        )
        return self.oms

    def _manager(self) -> OrderManager:
        if self.oms is None:
            raise YeouidoError(
                f"the {self.name} broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.oms

    async def submit(self, request: OrderRequest) -> Order:
        """Check capabilities, fetch today's reference prices of the code (once a day), then
        the order manager (KRX rules and risk, journal, send)."""
        self.capabilities.check(request, self.name)
        manager = self._manager()
        if self.market_view is not None and manager.risk.limits.validate_krx:
            await self.market_view.prepare(request.code)
        return await manager.submit(request)

    async def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order (a new price is checked against the KRX rules first)."""
        manager = self._manager()
        if price is not None and self.market_view is not None and manager.risk.limits.validate_krx:
            order = manager.order(order_id)
            await self.market_view.prepare(order.code)
            manager.risk.check_krx(replace(order.request, price=price), self.market_view)
        return await manager.modify(order_id, price=price, quantity=quantity)

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
