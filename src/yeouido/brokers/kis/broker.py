"""The KIS (한국투자증권) broker, assembled from its parts, and its factory.

``yeouido.connect("kis", env="mock"|"real", app_key=..., app_secret=...,
account="12345678-01", hts_id=...)`` (credentials may also come from
``YEOUIDO_KIS_*`` environment variables or the keyring; see
:mod:`yeouido.brokers.kis.config`) calls :func:`create_kis_broker`, which builds the parts —
the REST client (:mod:`~yeouido.brokers.kis.rest`), the data client
(:class:`~yeouido.brokers.kis.data.KisDataClient`: quotes, books, bars, instruments, the
websocket) and the execution client
(:class:`~yeouido.brokers.kis.execution.KisExecutionClient`: orders, notices, catch-up, the
account) — and puts them into a :class:`KisBroker`, an
:class:`~yeouido.brokers.oms_broker.OmsBroker` that builds the journal
(``<data dir>/kis/<env>-<key hash>/journal.sqlite``), the risk manager and the order manager
around them.

The environment is ``mock`` (모의투자) unless ``real`` is named (``env="real"`` or
``YEOUIDO_KIS_ENV=real``); the first real-environment order of a process logs a warning that
real money is being used. Fills arrive as websocket notices (H0STCNI0, mock H0STCNI9,
subscribed with the HTS id) and, after every reconnect, from a REST catch-up so none is
missed. Before an order leaves, it is checked against the KRX rules (code, lot, order type x
session, tick, daily limits) with the base price and limits of KIS's own inquire-price,
fetched once per code and day; ``risk=RiskLimits(validate_krx=False)`` turns that off.
``clock`` is the market's time: the session checks and "today" of ``bars`` run on it
(default: wall time in Seoul; against a loopback sandbox, its simulated clock).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Final

from yeouido.brokers.base import Reservation
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.data import KisDataClient, trading_day
from yeouido.brokers.kis.execution import KisExecutionClient
from yeouido.brokers.kis.reservations import KisReservations
from yeouido.brokers.kis.rest import KisRest
from yeouido.brokers.kis.sandbox_connection import read_connection
from yeouido.brokers.kis.venue import KIS_CAPABILITIES, KIS_VENUE
from yeouido.brokers.kis.venue_clock import sandbox_clock
from yeouido.brokers.kis.websocket import KisWebSocket
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.model.account import Fill
from yeouido.model.enums import OrderType, Session, Side
from yeouido.model.errors import YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.model.time import SEOUL, now_seoul
from yeouido.oms.risk import RiskLimits

log = logging.getLogger(__name__)

REAL_MONEY_NOTICE: Final = (
    "REAL MONEY: this order goes to KIS's real environment (실전투자, account ****-{product}); "
    'orders from this process trade real money. Use env="mock" / --env mock for 모의투자.'
)


class RealMoneyNotice:
    """Logs :data:`REAL_MONEY_NOTICE` once per process, before the first real order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.given = False

    def give(self, config: KisConfig) -> bool:
        """Warn, unless already done in this process; ``True`` when it warned now."""
        with self._lock:
            if self.given:
                return False
            self.given = True
        log.warning(REAL_MONEY_NOTICE.format(product=config.product_code))
        return True


real_money_notice = RealMoneyNotice()
"""The process's one notice (replace it in tests to see it again)."""


class KisBroker(OmsBroker):
    """A KIS account (real or mock) through the Broker interface: the order manager over
    :attr:`client`, market data from :attr:`data`."""

    name = "kis"
    capabilities = KIS_CAPABILITIES
    venue = KIS_VENUE
    data: KisDataClient

    def __init__(
        self,
        config: KisConfig,
        data: KisDataClient,
        client: KisExecutionClient,
        *,
        risk: RiskLimits | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.data = data
        self.client = client
        self.account_client = client
        self._risk_limits = risk
        self._clock: Callable[[], datetime] = clock or now_seoul
        self._clock_given = clock is not None
        self.catch_ups = 0
        """How many fill catch-ups ran after a websocket reconnect."""
        data.notice_handler = client.handle_notice
        data.reconnect_handler = self._after_reconnect

    @property
    def env(self) -> str:
        """``real`` or ``mock``."""
        return self.config.env

    @property
    def rest(self) -> KisRest:
        """The REST client the data and execution clients share."""
        return self.client.rest

    @property
    def ws(self) -> KisWebSocket | None:
        """The websocket session (``None`` until the first stream or notice registration)."""
        return self.data.ws

    def __repr__(self) -> str:
        return f"<KisBroker {self.config.env} key {self.config.key_id}>"

    def trading_day(self) -> date:
        """The KIS trading day (the date of the last trade tick seen, else the calendar's)."""
        return self.data.trading_day()

    # -- life cycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Get a token (and a loopback sandbox's clock), connect the websocket (notices),
        start the order manager (it reads the journal and reconciles)."""
        await self.rest.auth.token()
        venue_clock = (
            None
            if self._clock_given
            else await sandbox_clock(self.rest.session, self.config.base_url)
        )
        if venue_clock is not None:
            self._clock = venue_clock
        self.data.clock = self._clock
        await self.data.start()
        view = BrokerMarketView(
            self.data.reference_quote,
            clock=self._clock,
            venue_clock=None if venue_clock is None else venue_clock.refresh,
        )
        self.data.trade_observers.append(view.observe)
        await self.start_order_manager(
            self.client,
            self.config.data_dir / "journal.sqlite",
            view,
            self._risk_limits,
            clock=now_seoul,
        )

    async def close(self) -> None:
        """Disconnect and close the journal."""
        try:
            await self.data.close()
        finally:
            self.close_journal()

    async def _after_reconnect(self) -> None:
        try:
            missed = await self.client.catch_up()
        except YeouidoError as error:
            log.warning("KIS %s: fill catch-up after reconnect failed: %s", self.env, error)
            return
        self.catch_ups += 1
        if missed:
            log.info(
                "KIS %s: %d fill(s) recovered over REST after a reconnect", self.env, len(missed)
            )

    # -- orders and fills ------------------------------------------------------------------
    async def submit(self, request: OrderRequest) -> Order:
        """As every order-manager broker; the first real-environment order of the process
        first logs :data:`REAL_MONEY_NOTICE`."""
        if self.config.env == "real":
            real_money_notice.give(self.config)
        return await super().submit(request)

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions in the journal (today's are caught up from KIS when asked for)."""
        manager = self._manager()
        if start is None or start.date() >= self.trading_day():
            await self.client.catch_up()
        return manager.fills(start, end)

    # -- reservation orders (real only; see yeouido.brokers.kis.reservations) --------------
    def _reservations(self) -> KisReservations:
        return KisReservations(self.rest, lambda: self._clock().astimezone(SEOUL).date())

    async def reserve(
        self,
        code: str,
        side: str | Side,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        session: str | Session = "regular",
        end_day: date | None = None,
    ) -> Reservation:
        """Keep an order with KIS for the next order day (예약주문, real environment)."""
        return await self._reservations().reserve(
            code, side, quantity, price, order_type, session, end_day
        )

    async def reservations(
        self, start: date | None = None, end: date | None = None
    ) -> list[Reservation]:
        """KIS reservations whose order day is in ``start``..``end``."""
        return await self._reservations().reservations(start, end)

    async def cancel_reservation(self, reservation_id: str) -> Reservation:
        """Cancel a KIS reservation not sent yet."""
        return await self._reservations().cancel(reservation_id)


def create_kis_broker(**options: Any) -> KisBroker:
    """The registry's factory for ``connect("kis", ...)``: the configuration, the REST
    client, the data and execution clients, assembled into a :class:`KisBroker`.
    ``sandbox=True`` (or ``YEOUIDO_KIS_SANDBOX=1``, for the CLI) connects to the local
    sandbox that ``yeouido sandbox kis`` runs, through its connection file."""
    risk = options.pop("risk", None)
    clock = options.pop("clock", None)
    sandbox = options.pop("sandbox", None)
    if sandbox is None:
        sandbox = os.environ.get("YEOUIDO_KIS_SANDBOX", "").strip().lower() in {"1", "true", "yes"}
    if sandbox:
        # the local sandbox started by `yeouido sandbox kis`: its URLs and demo credentials
        found = read_connection(options.get("env"))
        for key in ("env", "base_url", "ws_url", "app_key", "app_secret", "account", "hts_id"):
            options.setdefault(key, found[key])
    config = KisConfig.create(**options)
    rest = KisRest(config)
    data = KisDataClient(config, rest, clock=clock or now_seoul)
    client = KisExecutionClient(rest, day=data.trading_day)
    return KisBroker(config, data, client, risk=risk, clock=clock)


__all__ = [
    "KIS_CAPABILITIES",
    "REAL_MONEY_NOTICE",
    "KisBroker",
    "RealMoneyNotice",
    "create_kis_broker",
    "real_money_notice",
    "trading_day",
]
