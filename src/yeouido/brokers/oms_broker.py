"""A broker assembled from an adapter's clients around the order manager.

:class:`OmsBroker` builds the journal, the risk manager and the
:class:`~yeouido.oms.manager.OrderManager` (:meth:`OmsBroker.start_order_manager`), and
implements the Broker interface over them and the adapter's clients: orders go through
capability check, today's reference prices from the broker's own quote
(:class:`~yeouido.brokers.market_view.BrokerMarketView`), then the risk checks — the KRX
rules always, unless ``RiskLimits(validate_krx=False)`` is passed — journal and send; market
data is the adapter's :class:`~yeouido.brokers.base.DataClient` (:attr:`OmsBroker.data`);
positions, balance and buying power its :class:`~yeouido.brokers.base.AccountClient`
(:attr:`OmsBroker.account_client`, usually the execution client); fills come from the order
manager. An adapter supplies the clients and, in ``start()``, calls
:meth:`OmsBroker.start_order_manager` with its execution client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from yeouido.brokers.base import (
    AccountClient,
    AsyncBroker,
    BuyingPower,
    DataClient,
    MarketCallback,
    OrderCallback,
    OrderEvent,
)
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.errors import OrderNotFound, YeouidoError
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import OrderBook, Quote
from yeouido.model.orders import Order, OrderRequest
from yeouido.oms.execution import ExecutionClient
from yeouido.oms.journal import Journal
from yeouido.oms.manager import OrderFilled, OrderManager, OrderStatusChanged
from yeouido.oms.reconcile import ReconciliationReport
from yeouido.oms.risk import RiskLimits, RiskManager


class OmsBroker(AsyncBroker):
    """A broker whose orders go through an :class:`OrderManager` (set in ``start()`` by
    :meth:`start_order_manager` or :meth:`build_order_manager`)."""

    oms: OrderManager | None = None
    market_view: BrokerMarketView | None = None
    journal: Journal | None = None
    report: ReconciliationReport | None = None
    data: DataClient | None = None
    """The adapter's data client (market-data methods delegate to it)."""
    account_client: AccountClient | None = None
    """The adapter's account client (positions, balance and buying power delegate to it)."""

    async def start_order_manager(
        self,
        client: ExecutionClient,
        journal_path: Path,
        market_view: BrokerMarketView,
        risk: RiskLimits | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> ReconciliationReport:
        """Open the journal at ``journal_path``, build the risk manager and the order
        manager over ``client`` and start it (it reads the journal and reconciles)."""
        journal_path.parent.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(journal_path)
        oms = self.build_order_manager(client, self.journal, market_view, risk, clock)
        self.report = await oms.start()
        return self.report

    def close_journal(self) -> None:
        """Close the journal :meth:`start_order_manager` opened."""
        if self.journal is not None:
            self.journal.close()
            self.journal = None

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

    def fills_since(self, sequence: int) -> list[tuple[int, Fill]]:
        """The order manager's fills after place ``sequence`` of its fill log, with their
        places (a reader that reconnects asks for what it has not seen)."""
        return self._manager().fills_since(sequence)

    @property
    def fill_count(self) -> int:
        """The place of the last fill in the order manager's fill log (0: none)."""
        return self._manager().fill_count

    # -- market data: the data client ---------------------------------------------------
    def _data(self) -> DataClient:
        if self.data is None:
            raise YeouidoError(
                f"the {self.name} broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.data

    async def instrument(self, code: str) -> Instrument:
        """The instrument with ``code``."""
        return await self._data().instrument(code)

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""
        return await self._data().quote(code)

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        return await self._data().orderbook(code)

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """OHLCV bars (index: bar start time, Seoul)."""
        self.capabilities.require_interval(interval, self.name)
        return await self._data().bars(code, interval, start, end)

    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes``."""
        return self._data().on_market(codes, callback, kinds)

    # -- account: the account client and the order manager --------------------------------
    def _account(self) -> AccountClient:
        if self.account_client is None:
            raise YeouidoError(
                f"the {self.name} broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.account_client

    async def positions(self) -> list[Position]:
        """Holdings."""
        return await self._account().positions()

    async def balance(self) -> Balance:
        """Cash: deposit, D+1 and D+2 amounts, buying power."""
        return await self._account().balance()

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """What a buy of ``code`` at ``price`` can use now."""
        return await self._account().buying_power(code, price)

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions in the order manager's journal."""
        return self._manager().fills(start, end)

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
                        sequence=event.sequence,
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
