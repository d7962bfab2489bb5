"""The paper back office as a served venue (what ``yeouido paper serve`` and
``yeouido serve paper`` put behind the venue protocol)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from yeouido.brokers.base import BuyingPower, Capabilities, MarketCallback
from yeouido.brokers.paper.back_office import PaperBackOffice
from yeouido.brokers.paper.broker import PAPER_CAPABILITIES
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote
from yeouido.oms.execution import ExecutionClient, VenueOrder


class PaperVenue:
    """One paper account on one simulated market, with the interface of
    :class:`~yeouido.brokers.remote.venue.ServedVenue`."""

    name = "paper"
    capabilities: Capabilities = PAPER_CAPABILITIES

    def __init__(self, office: PaperBackOffice) -> None:
        self.office = office
        self.account = office.account
        self.execution: ExecutionClient = office.client

    async def start(self) -> None:
        """Start the simulated market."""
        self.office.market.start()

    async def close(self) -> None:
        """Stop the market and close the account's files."""
        await self.office.close()

    def status(self) -> dict[str, Any]:
        """Day, simulated time, phase, speed."""
        market = self.office.market
        return {
            "account": self.account,
            "day": market.day,
            "now": market.now,
            "phase": market.simulation.phase.value,
            "speed": market.speed,
        }

    async def instrument(self, code: str) -> Instrument:
        """The listed instrument."""
        return self.office.instrument(code)

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask on KRX."""
        return self.office.quote(code)

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side on KRX."""
        return self.office.orderbook(code)

    async def bars(self, code: str, interval: str) -> list[Bar]:
        """Daily history and the simulated day's bar (``1d``), or its minute bars (``1m``)."""
        return self.office.history_bars(code, interval)

    def on_market(
        self, codes: Iterable[str], callback: MarketCallback, kinds: Iterable[str]
    ) -> Callable[[], None]:
        """Trades and books of ``codes``."""
        return self.office.on_market(codes, callback, kinds)

    async def positions(self) -> list[Position]:
        """Holdings at the last prices."""
        return self.office.positions()

    async def balance(self) -> Balance:
        """Cash on the simulated day."""
        return self.office.balance()

    async def fills(self, start: datetime | None, end: datetime | None) -> list[Fill]:
        """Executions of the account."""
        return self.office.fills(start, end)

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power at ``price``."""
        return self.office.buying_power(code, price)

    async def orders(self, open_only: bool) -> list[VenueOrder]:
        """Every order the market received for the account (or the open ones)."""
        store = self.office.store
        orders = store.open_orders() if open_only else store.all_orders()
        return [order.to_venue_order() for order in orders]
