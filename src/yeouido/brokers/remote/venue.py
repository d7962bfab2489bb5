"""What a venue server serves: a data client and an execution client behind one interface.

Any broker whose market data and account can be reached in one process (the paper back
office now; CYBOS Plus or NH QV on a Windows machine later) is served by writing a
:class:`ServedVenue`: the market-data and account methods below plus an
:class:`~yeouido.oms.execution.ExecutionClient` for orders. The order manager and its journal
stay in the client's process; the served venue keeps only the venue's state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from yeouido.brokers.base import BuyingPower, Capabilities, MarketCallback
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote
from yeouido.oms.execution import ExecutionClient, VenueOrder


class ServedVenue(Protocol):
    """A broker as the venue server uses it (one account)."""

    name: str
    """The broker's registry name (``paper``, ``cybos``, …); clients' journals use it."""
    account: str
    """The account served (only a name: no number or secret)."""
    capabilities: Capabilities
    execution: ExecutionClient
    """Orders: send, modify, cancel, status, snapshot; its pushed updates and fills are the
    protocol's numbered events."""

    async def start(self) -> None:
        """Connect to the broker (or start the simulated market)."""
        ...

    async def close(self) -> None:
        """Disconnect and release resources."""
        ...

    def status(self) -> dict[str, Any]:
        """At least ``now`` (the venue's clock, a datetime) and ``speed`` (1.0 for a real
        venue); anything else the venue wants to show."""
        ...

    # -- data client ----------------------------------------------------------------------
    async def instrument(self, code: str) -> Instrument:
        """The listed instrument (:class:`~yeouido.model.errors.UnknownInstrument` if not)."""
        ...

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""
        ...

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        ...

    async def bars(self, code: str, interval: str) -> list[Bar]:
        """Today's bars of ``interval`` (the forming one included)."""
        ...

    def on_market(
        self, codes: Iterable[str], callback: MarketCallback, kinds: Iterable[str]
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade/book of ``codes``; returns an unsubscribe."""
        ...

    # -- account --------------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings."""
        ...

    async def balance(self) -> Balance:
        """Cash and settlement."""
        ...

    async def fills(self, start: datetime | None, end: datetime | None) -> list[Fill]:
        """Executions (each with the venue's trade id)."""
        ...

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power at ``price``."""
        ...

    async def orders(self, open_only: bool) -> list[VenueOrder]:
        """Today's orders as the venue sees them."""
        ...
