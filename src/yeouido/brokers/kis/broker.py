"""The KIS (한국투자증권) broker: the whole Broker interface over KIS REST and websocket.

``yeouido.connect("kis", env="mock"|"real", app_key=..., app_secret=...,
account="12345678-01", hts_id=...)`` (credentials may also come from
``YEOUIDO_KIS_*`` environment variables or the keyring; see
:mod:`yeouido.brokers.kis.config`). The environment is ``mock`` (모의투자) unless ``real`` is
named (``env="real"`` or ``YEOUIDO_KIS_ENV=real``); the first real-environment order of a
process logs a warning that real money is being used. Orders go through the order manager
and its journal (``<data dir>/kis/<env>-<key hash>/journal.sqlite``); fills arrive as
websocket notices (H0STCNI0, mock H0STCNI9, subscribed with the HTS id) and, after every
reconnect, from a REST catch-up so none is missed. Market data: REST quotes, books and
bars; trades and books stream from H0STCNT0 / H0STASP0.

Before an order leaves, it is checked against the KRX rules (code, lot, order type x
session, tick, daily limits) with the base price and limits of KIS's own inquire-price,
fetched once per code and day; ``risk=RiskLimits(validate_krx=False)`` turns that off.
``clock`` is the market's time: the session checks and "today" of :meth:`KisBroker.bars`
run on it (default: wall time in Seoul; against the sandbox, its simulated clock).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final

import pandas as pd

from yeouido.brokers.base import BuyingPower, MarketCallback
from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.execution import KisExecutionClient, balance_query
from yeouido.brokers.kis.parsing import (
    TradeParser,
    parse_balance,
    parse_book_payload,
    parse_daily_bars,
    parse_minute_bars,
    parse_notice_payload,
    parse_orderbook,
    parse_positions,
    parse_quote,
    to_int,
)
from yeouido.brokers.kis.rest import KisRest
from yeouido.brokers.kis.sandbox_connection import read_connection
from yeouido.brokers.kis.venue import KIS_CAPABILITIES, KIS_VENUE
from yeouido.brokers.kis.venue_clock import sandbox_clock
from yeouido.brokers.kis.websocket import KisWebSocket
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.krx.calendar import is_trading_day, next_trading_day
from yeouido.krx.master import default_master
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.errors import NotSupported, YeouidoError
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import OrderBook, Quote, Trade
from yeouido.model.orders import Order, OrderRequest
from yeouido.model.time import SEOUL, now_seoul
from yeouido.oms.journal import Journal
from yeouido.oms.reconcile import ReconciliationReport
from yeouido.oms.risk import RiskLimits

log = logging.getLogger(__name__)

STREAM_TR_IDS: Final[dict[str, str]] = {"trades": p.WS_TRADE, "books": p.WS_BOOK}
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


def trading_day(today: date | None = None) -> date:
    """The KRX trading day on or after ``today`` (Seoul), as KIS dates the day's orders."""
    day = today or now_seoul().date()
    try:
        return day if is_trading_day(day) else next_trading_day(day)
    except YeouidoError:
        return day


class KisBroker(OmsBroker):
    """A KIS account (real or mock) through the Broker interface."""

    name = "kis"
    capabilities = KIS_CAPABILITIES
    venue = KIS_VENUE

    def __init__(
        self,
        config: KisConfig,
        *,
        risk: RiskLimits | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self._risk_limits = risk
        self._clock: Callable[[], datetime] = clock or now_seoul
        self._clock_given = clock is not None
        self.rest: KisRest | None = None
        self.client: KisExecutionClient | None = None
        self.ws: KisWebSocket | None = None
        self.report: ReconciliationReport | None = None
        self._journal: Journal | None = None
        self._market_callbacks: list[tuple[set[str], set[str], MarketCallback]] = []
        self._trades = TradeParser()
        self._day: date | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.catch_ups = 0

    @property
    def env(self) -> str:
        """``real`` or ``mock``."""
        return self.config.env

    def __repr__(self) -> str:
        return f"<KisBroker {self.config.env} key {self.config.key_id}>"

    # -- life cycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Get a token, open the journal, connect the websocket, reconcile."""
        rest = KisRest(self.config)
        self.rest = rest
        await rest.auth.token()
        venue_clock = (
            None if self._clock_given else await sandbox_clock(rest.session, self.config.base_url)
        )
        if venue_clock is not None:
            self._clock = venue_clock
        client = KisExecutionClient(rest, day=self.trading_day)
        self.client = client
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self._journal = Journal(self.config.data_dir / "journal.sqlite")
        client.seed(self._journal.load(self.name))
        oms = self.build_order_manager(
            client,
            self._journal,
            BrokerMarketView(
                self._reference_quote,
                clock=self._clock,
                venue_clock=None if venue_clock is None else venue_clock.refresh,
            ),
            self._risk_limits,
            clock=now_seoul,
        )
        if self.config.hts_id is not None:
            await self._websocket()
        self.report = await oms.start()

    async def close(self) -> None:
        """Disconnect and close the journal."""
        for task in list(self._tasks):
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
            self.ws = None
        if self.rest is not None:
            await self.rest.close()
            self.rest = None
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    async def _websocket(self) -> KisWebSocket:
        if self.ws is None:
            rest = self._rest()
            self.ws = KisWebSocket(
                self.config,
                rest.auth,
                lambda: rest.session,
                self._on_frame,
                on_reconnect=self._after_reconnect,
            )
            if self.config.hts_id is not None:
                self.ws.subscribe(p.notice_tr_id(self.config.env), self.config.hts_id.reveal())
            await self.ws.start()
        return self.ws

    async def _after_reconnect(self) -> None:
        if self.client is None:
            return
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

    def _rest(self) -> KisRest:
        if self.rest is None:
            raise YeouidoError(
                "the kis broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return self.rest

    def trading_day(self) -> date:
        """The KIS trading day (the date of the last trade tick seen, else the calendar's)."""
        return self._day or trading_day()

    # -- orders ------------------------------------------------------------------------
    async def submit(self, request: OrderRequest) -> Order:
        """As every order-manager broker; the first real-environment order of the process
        first logs :data:`REAL_MONEY_NOTICE`."""
        if self.config.env == "real":
            real_money_notice.give(self.config)
        return await super().submit(request)

    # -- websocket frames ----------------------------------------------------------------
    def _on_frame(self, tr_id: str, count: int, payload: str) -> None:
        if tr_id == p.WS_TRADE:
            trades = self._trades.parse_payload(payload, count)
            if trades:
                self._day = trades[-1].time.date()
                if self.market_view is not None:
                    for trade in trades:
                        self.market_view.observe(trade)
            self._dispatch("trades", trades)
        elif tr_id == p.WS_BOOK:
            self._dispatch("books", parse_book_payload(payload, count, self.trading_day()))
        elif tr_id in p.WS_NOTICES and self.client is not None:
            for notice in parse_notice_payload(payload, count, self.trading_day()):
                self.client.handle_notice(notice)

    def _dispatch(self, kind: str, events: list[Trade] | list[OrderBook]) -> None:
        for event in events:
            for codes, kinds, callback in list(self._market_callbacks):
                if kind in kinds and event.code in codes:
                    try:
                        callback(event)
                    except Exception:
                        log.exception("a market callback failed")

    # -- market data ---------------------------------------------------------------------
    async def instrument(self, code: str) -> Instrument:
        """From the built-in KRX instrument master."""
        return default_master().get(code)

    def _price_query(self, code: str) -> dict[str, str]:
        return {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": code}

    async def quote(self, code: str) -> Quote:
        """Last price (inquire-price) with the best bid and ask (the orderbook)."""
        rest = self._rest()
        price, book = await asyncio.gather(
            rest.call("inquire-price", params=self._price_query(code)),
            rest.call("inquire-asking-price-exp-ccn", params=self._price_query(code)),
        )
        return parse_quote(code, price.output("output"), book.output("output1"), now_seoul())

    async def _reference_quote(self, code: str) -> Quote:
        """inquire-price alone: last price, base price (stck_sdpr) and the day's limits
        (stck_llam, stck_mxpr) for the pre-trade checks."""
        response = await self._rest().call("inquire-price", params=self._price_query(code))
        return parse_quote(code, response.output("output"), None, now_seoul())

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side and the expected auction price."""
        response = await self._rest().call(
            "inquire-asking-price-exp-ccn", params=self._price_query(code)
        )
        return parse_orderbook(
            code, response.output("output1"), response.output("output2"), now_seoul()
        )

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """Daily bars (``inquire-daily-itemchartprice``, ≤100 a request) or today's minute
        bars (``inquire-time-itemchartprice``, 30 a request, paged back to ``start``)."""
        self.capabilities.require_interval(interval, self.name)
        rest = self._rest()
        if interval == "1d":
            last = (end or self._clock()).astimezone(SEOUL).date()
            first = start.astimezone(SEOUL).date() if start else last - timedelta(days=140)
            response = await rest.call(
                "inquire-daily-itemchartprice",
                params={
                    **self._price_query(code),
                    "FID_INPUT_DATE_1": f"{first:%Y%m%d}",
                    "FID_INPUT_DATE_2": f"{last:%Y%m%d}",
                    "FID_PERIOD_DIV_CODE": "D",
                    "FID_ORG_ADJ_PRC": "0",
                },
            )
            frame = parse_daily_bars(response.rows("output2"))
        else:
            frames = []
            hour = (end or self._clock()).astimezone(SEOUL).strftime("%H%M%S")
            for _ in range(14):  # 30 bars a page; a session has 381 minutes
                response = await rest.call(
                    "inquire-time-itemchartprice",
                    params={
                        **self._price_query(code),
                        "FID_ETC_CLS_CODE": "",
                        "FID_INPUT_HOUR_1": hour,
                        "FID_PW_DATA_INCU_YN": "N",
                    },
                )
                page = parse_minute_bars(response.rows("output2"))
                if page.empty:
                    break
                frames.append(page)
                earliest = page.index[0]
                if (start is not None and earliest <= start) or len(page) < 30:
                    break
                previous = earliest - timedelta(minutes=1)
                hour = previous.strftime("%H%M%S")
                if previous.hour < 8:
                    break
            frame = pd.concat(frames).sort_index() if frames else parse_minute_bars([])
            frame = frame[~frame.index.duplicated(keep="last")]
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
        """Register H0STCNT0 / H0STASP0 for ``codes``; raises :class:`NotSupported` when
        that would pass the registration cap (nothing is registered then)."""
        code_set, kind_set = set(codes), set(kinds)
        for kind in kind_set:
            self.capabilities.require_stream(kind, self.name)
        wanted = [
            (STREAM_TR_IDS[kind], code)
            for kind in sorted(kind_set & set(STREAM_TR_IDS))
            for code in sorted(code_set)
        ]
        ws = self.ws
        registered = set(ws.registrations) if ws is not None else set()
        notices = 0 if ws is not None or self.config.hts_id is None else 1
        new = {item for item in wanted if item not in registered}
        cap = self.config.max_registrations
        if len(registered) + notices + len(new) > cap:
            raise NotSupported(
                f"KIS websocket allows {cap} registrations per session (trades, books and "
                f"notices together); {len(registered) + notices} in use and {len(new)} more "
                "asked for",
                field="registrations",
                value=len(registered) + notices + len(new),
                rule=f"at most {cap}",
            )
        entry = (code_set, kind_set, callback)
        self._market_callbacks.append(entry)

        async def register() -> None:
            socket = await self._websocket()
            for tr_id, code in wanted:
                socket.subscribe(tr_id, code)

        if ws is not None:
            for tr_id, code in wanted:
                ws.subscribe(tr_id, code)
        else:
            self._spawn(register())

        def unsubscribe() -> None:
            if entry in self._market_callbacks:
                self._market_callbacks.remove(entry)
                if self.ws is not None:
                    for tr_id, code in wanted:
                        self.ws.unsubscribe(tr_id, code)

        return unsubscribe

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- account -----------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings (every page of inquire-balance)."""
        rows, _ = await self._rest().rows("inquire-balance", balance_query(self._rest()))
        return parse_positions(rows)

    async def balance(self) -> Balance:
        """Deposit, D+1, D+2 (inquire-balance output2)."""
        rest = self._rest()
        _, last = await rest.rows("inquire-balance", balance_query(rest))
        totals = last.get("output2") or {}
        if isinstance(totals, list):
            totals = totals[0] if totals else {}
        return parse_balance(totals, now_seoul())

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions in the journal (today's are caught up from KIS when asked for)."""
        if self.client is not None and (start is None or start.date() >= self.trading_day()):
            await self.client.catch_up()
        return self._manager().fills(start, end)

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """inquire-psbl-order: the cash and the quantity it buys at ``price``."""
        rest = self._rest()
        response = await rest.call(
            "inquire-psbl-order",
            params={
                **rest.account_fields(),
                "PDNO": code,
                "ORD_UNPR": str(int(price)),
                "ORD_DVSN": "00",
                "CMA_EVLU_AMT_ICLD_YN": "N",
                "OVRS_ICLD_YN": "N",
            },
        )
        output = response.output("output")
        return BuyingPower(
            code,
            price,
            to_int(output.get("nrcvb_buy_amt") or output.get("ord_psbl_cash")),
            to_int(output.get("nrcvb_buy_qty") or output.get("max_buy_qty")),
        )


def create_kis_broker(**options: Any) -> KisBroker:
    """The registry's factory for ``connect("kis", ...)``; ``sandbox=True`` (or
    ``YEOUIDO_KIS_SANDBOX=1``, for the CLI) connects to the local sandbox that
    ``yeouido sandbox kis`` runs, through its connection file."""
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
    return KisBroker(KisConfig.create(**options), risk=risk, clock=clock)


__all__ = [
    "KIS_CAPABILITIES",
    "REAL_MONEY_NOTICE",
    "KisBroker",
    "RealMoneyNotice",
    "create_kis_broker",
    "real_money_notice",
    "trading_day",
]
