"""The paper broker: the whole Broker interface on the simulated exchange.

``yeouido.connect("paper")`` runs a simulated KRX day in this process (it moves by itself at
``speed`` × real time; ``speed=None`` moves it only through :meth:`PaperBroker.advance`), an
order manager with its journal, and the paper account's ledger. The account (cash, positions,
fills, orders) persists between runs under the user data directory
(``<data dir>/paper/<account>/``); ``reset=True`` starts it again with ``cash``.

``yeouido.connect("paper", service="http://127.0.0.1:8765")`` (or ``service=True`` for that
default address; ``connect("paper", bridge=URL)`` is the same) talks to a running
``yeouido paper serve`` (or ``yeouido serve paper``) instead, over the venue service protocol:
the market and the account live in the service, the order manager and its journal here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yeouido.brokers.base import (
    ALL_STREAMS,
    BAR_INDEX_DTYPE,
    BuyingPower,
    Capabilities,
    MarketCallback,
)
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions, check_account
from yeouido.exchange.venue import Exchange
from yeouido.krx.costs import CostModel
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import OrderType, Session, TimeInForce, Venue
from yeouido.model.errors import InvalidInput, YeouidoError
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote
from yeouido.oms.journal import Journal
from yeouido.oms.reconcile import ReconciliationReport
from yeouido.oms.risk import RiskLimits
from yeouido.paths import data_dir as default_data_dir

PAPER_CAPABILITIES = Capabilities(
    order_types=frozenset(OrderType),
    time_in_force=frozenset(TimeInForce),
    sessions=frozenset(Session),
    venues=frozenset(Venue),
    streams=ALL_STREAMS,
)
DEFAULT_SERVICE = "http://127.0.0.1:8765"


def bars_frame(rows: list[Bar]) -> pd.DataFrame:
    """Bars as a DataFrame indexed by bar start time (Seoul, also when there are none)."""
    return pd.DataFrame(
        {
            name: [getattr(bar, name) for bar in rows] if rows else np.array([], dtype=np.int64)
            for name in ("open", "high", "low", "close", "volume")
        },
        index=pd.DatetimeIndex([bar.time for bar in rows], name="time", dtype=BAR_INDEX_DTYPE),
    )


def account_root(account: str, data_dir: str | Path | None, kind: str) -> Path:
    """Where one paper account keeps its files (``kind``: ``paper`` or ``paper-client``)."""
    check_account(account)
    return Path(data_dir) if data_dir is not None else default_data_dir() / kind / account


def _last_price(exchange: Exchange, code: str) -> Price | None:
    """The last KRX trade price of ``code`` on the simulated exchange."""
    book = exchange.books.get((Venue.KRX, code))
    return None if book is None else book.last_price


class PaperBroker(OmsBroker):
    """Paper trading on a simulated KRX running in this process."""

    name = "paper"
    capabilities = PAPER_CAPABILITIES

    def __init__(
        self,
        *,
        account: str = "default",
        data_dir: str | Path | None = None,
        cash: int = 100_000_000,
        speed: float | None = 1.0,
        seed: int = 0,
        codes: Iterable[str] | None = None,
        market_data: str | Path | None = None,
        day: date | None = None,
        start: time = time(9, 0, 30),
        risk: RiskLimits | None = None,
        commission_rate: Decimal | None = None,
        reset: bool = False,
    ) -> None:
        self.account = check_account(account)
        self.root = account_root(account, data_dir, "paper")
        self.options = PaperOptions.create(cash, speed, seed, codes, market_data, day, start, reset)
        self._cost_model = CostModel(commission_rate=commission_rate) if commission_rate else None
        self._risk_limits = risk
        self.office: PaperBackOffice | None = None
        self.report: ReconciliationReport | None = None
        self._journal: Journal | None = None

    async def start(self) -> None:
        """Open the account, start the market, reconcile the journal with the account."""
        office = PaperBackOffice(self.root, self.account, self.options, self._cost_model)
        self.office = office
        self._journal = Journal(self.root / "journal.sqlite")
        exchange = office.exchange
        view = BrokerMarketView(
            self.quote,
            instruments=exchange.lookup,
            clock=lambda: office.market.now,
            last_trade=lambda code: _last_price(exchange, code),
        )
        oms = self.build_order_manager(
            office.client, self._journal, view, self._risk_limits, clock=lambda: office.market.now
        )
        self.report = await oms.start()
        office.market.start()

    async def close(self) -> None:
        """Stop the market and close the files."""
        if self.office is not None:
            await self.office.close()
            self.office = None
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _office(self) -> PaperBackOffice:
        if self.office is None:
            raise YeouidoError(
                "the paper broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.office

    # -- paper only --------------------------------------------------------------------
    async def advance(self, seconds: float) -> None:
        """Move the simulated market forward (the way to move it when ``speed=None``)."""
        office = self._office()
        office.market.advance(seconds)
        await office.client.drain()

    @property
    def now(self) -> datetime:
        """Simulated time."""
        return self._office().market.now

    # -- market data -------------------------------------------------------------------
    async def instrument(self, code: str) -> Instrument:
        """The listed instrument."""
        return self._office().instrument(code)

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask on KRX."""
        return self._office().quote(code)

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side on KRX."""
        return self._office().orderbook(code)

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """Bars of the simulated day (``1m``, with the forming one; ``1d``: today's bar)."""
        self.capabilities.require_interval(interval, self.name)
        frame = bars_frame(self._office().bars(code, interval))
        if start is not None:
            frame = frame[frame.index >= start]
        if end is not None:
            frame = frame[frame.index <= end]
        return frame

    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes``."""
        kinds = list(kinds)
        for kind in kinds:
            self.capabilities.require_stream(kind, self.name)
        return self._office().on_market(codes, callback, kinds)

    # -- account -----------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings at the last prices."""
        return self._office().positions()

    async def balance(self) -> Balance:
        """Cash on the simulated day."""
        return self._office().balance()

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions of the account."""
        return self._office().fills(start, end)

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power, and the quantity it pays for at ``price`` with costs."""
        return self._office().buying_power(code, price)


PAPER_OPTIONS = frozenset(
    {
        "account", "data_dir", "cash", "speed", "seed", "codes", "market_data", "day",
        "start", "risk", "commission_rate", "reset",
    }
)  # fmt: skip
REMOTE_OPTIONS = frozenset(
    {
        "account", "data_dir", "service", "risk", "timeout", "token", "token_file",
        "fingerprint", "reconnect",
    }
)  # fmt: skip


def create_paper_broker(**options: Any) -> OmsBroker:
    """The registry's factory for ``connect("paper", ...)`` (``service=`` for the service)."""
    service = options.pop("service", None)
    if service:
        from yeouido.brokers.paper.remote import RemotePaperBroker

        unknown = set(options) - REMOTE_OPTIONS
        if unknown:
            raise InvalidInput.for_field(
                "options", sorted(unknown), "not options of a paper service client"
            )
        url = DEFAULT_SERVICE if service is True else str(service)
        return RemotePaperBroker(url=url, **options)
    unknown = set(options) - PAPER_OPTIONS
    if unknown:
        raise InvalidInput.for_field("options", sorted(unknown), "unknown paper broker options")
    return PaperBroker(**options)
