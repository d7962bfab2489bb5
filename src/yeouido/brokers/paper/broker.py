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

from yeouido.brokers.base import (
    ALL_STREAMS,
    Capabilities,
    MarketCallback,
)
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions, check_account
from yeouido.brokers.paper.data import PaperAccountClient, PaperDataClient, bars_frame
from yeouido.exchange.venue import Exchange
from yeouido.krx.costs import CostModel
from yeouido.model.account import Fill
from yeouido.model.enums import OrderType, Session, TimeInForce, Venue
from yeouido.model.errors import InvalidInput, YeouidoError
from yeouido.model.instrument import Price
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


def account_root(account: str, data_dir: str | Path | None, kind: str) -> Path:
    """Where one paper account keeps its files (``kind``: ``paper`` or ``paper-client``)."""
    check_account(account)
    return Path(data_dir) if data_dir is not None else default_data_dir() / kind / account


def _last_price(exchange: Exchange, code: str) -> Price | None:
    """The last KRX trade price of ``code`` on the simulated exchange."""
    book = exchange.books.get((Venue.KRX, code))
    return None if book is None else book.last_price


class PaperBroker(OmsBroker):
    """Paper trading on a simulated KRX running in this process: the order manager over the
    back office's execution client, market data from :class:`PaperDataClient`, the account
    from :class:`PaperAccountClient`."""

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

    async def start(self) -> None:
        """Open the account, start the order manager (journal, reconciliation with the
        account), then the market."""
        office = PaperBackOffice(self.root, self.account, self.options, self._cost_model)
        self.office = office
        data = PaperDataClient(office)
        self.data = data
        self.account_client = PaperAccountClient(office)
        exchange = office.exchange
        view = BrokerMarketView(
            data.quote,
            instruments=exchange.lookup,
            clock=lambda: office.market.now,
            last_trade=lambda code: _last_price(exchange, code),
        )
        await self.start_order_manager(
            office.client,
            self.root / "journal.sqlite",
            view,
            self._risk_limits,
            clock=lambda: office.market.now,
        )
        await data.start()

    async def close(self) -> None:
        """Stop the market and close the files."""
        if self.office is not None:
            await self.office.close()
            self.office = None
        self.close_journal()

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
        return self._data().on_market(codes, callback, kinds)

    # -- account -----------------------------------------------------------------------
    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions of the account (its ledger)."""
        return self._office().fills(start, end)


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


__all__ = [
    "DEFAULT_SERVICE",
    "PAPER_CAPABILITIES",
    "PaperBroker",
    "account_root",
    "bars_frame",
    "create_paper_broker",
]
