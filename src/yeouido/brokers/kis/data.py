"""KIS's data client: quotes, books, bars, instruments and the websocket streams.

REST: ``inquire-price`` (last price, base price and the day's limits), the ten-level book
``inquire-asking-price-exp-ccn``, daily bars ``inquire-daily-itemchartprice`` and today's
minute bars ``inquire-time-itemchartprice``. The websocket session (one per app key) carries
trades (H0STCNT0), books (H0STASP0) and the account's order notices (H0STCNI0, mock
H0STCNI9): the data client owns the connection and hands notice frames to whoever
registered for them (the execution client), and calls the reconnect hook after every
reconnect (the execution client's fill catch-up).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final

import pandas as pd

from yeouido.brokers.base import MarketCallback, bars_window
from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.instruments import KisInstrumentProvider
from yeouido.brokers.kis.parsing import (
    Notice,
    TradeParser,
    parse_book_payload,
    parse_daily_bars,
    parse_minute_bars,
    parse_notice_payload,
    parse_orderbook,
    parse_quote,
)
from yeouido.brokers.kis.rest import KisRest
from yeouido.brokers.kis.venue import KIS_CAPABILITIES
from yeouido.brokers.kis.websocket import KisWebSocket
from yeouido.krx.calendar import is_trading_day, next_trading_day
from yeouido.model.errors import NotSupported, YeouidoError
from yeouido.model.instrument import Instrument
from yeouido.model.market_data import OrderBook, Quote, Trade
from yeouido.model.time import SEOUL, now_seoul

log = logging.getLogger(__name__)

STREAM_TR_IDS: Final[dict[str, str]] = {"trades": p.WS_TRADE, "books": p.WS_BOOK}
DAILY_PAGE_ROWS: Final = 100
"""Rows of one ``inquire-daily-itemchartprice`` answer (fewer: the range is exhausted)."""
DAILY_PAGES: Final = 100
"""At most this many daily-chart requests per :meth:`bars` call (10,000 days)."""


def trading_day(today: date | None = None) -> date:
    """The KRX trading day on or after ``today`` (Seoul), as KIS dates the day's orders."""
    day = today or now_seoul().date()
    try:
        return day if is_trading_day(day) else next_trading_day(day)
    except YeouidoError:
        return day


class KisDataClient:
    """Market data of one KIS app key over REST and the websocket.

    ``clock`` is the market's time ("today" of :meth:`bars`; the broker may replace it
    with a sandbox's clock before :meth:`start`). Set :attr:`notice_handler`
    and :attr:`reconnect_handler` before :meth:`start`; :attr:`trade_observers` see every
    trade (the pre-trade checks' last prices).
    """

    name = "kis"

    def __init__(
        self,
        config: KisConfig,
        rest: KisRest,
        *,
        clock: Callable[[], datetime] = now_seoul,
        instruments: KisInstrumentProvider | None = None,
    ) -> None:
        self.config = config
        self.rest = rest
        self.instruments = instruments or KisInstrumentProvider()
        self.clock = clock
        """The market's time ("today" of the bars)."""
        self.ws: KisWebSocket | None = None
        self.notice_handler: Callable[[Notice], None] | None = None
        self.reconnect_handler: Callable[[], Awaitable[None]] | None = None
        self.trade_observers: list[Callable[[Trade], None]] = []
        self._market_callbacks: list[tuple[set[str], set[str], MarketCallback]] = []
        self._trades = TradeParser()
        self._day: date | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- life cycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Get a token; connect the websocket now when notices are wanted (an HTS id)."""
        await self.rest.auth.token()
        if self.config.hts_id is not None:
            await self._websocket()

    async def close(self) -> None:
        """Close the websocket and the HTTP session."""
        for task in list(self._tasks):
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
            self.ws = None
        await self.rest.close()

    def trading_day(self) -> date:
        """The KIS trading day (the date of the last trade tick seen, else the calendar's)."""
        return self._day or trading_day()

    async def _websocket(self) -> KisWebSocket:
        if self.ws is None:
            rest = self.rest
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
        if self.reconnect_handler is not None:
            await self.reconnect_handler()

    # -- websocket frames ----------------------------------------------------------------
    def _on_frame(self, tr_id: str, count: int, payload: str) -> None:
        if tr_id == p.WS_TRADE:
            trades = self._trades.parse_payload(payload, count)
            if trades:
                self._day = trades[-1].time.date()
                for observer in self.trade_observers:
                    for trade in trades:
                        observer(trade)
            self._dispatch("trades", trades)
        elif tr_id == p.WS_BOOK:
            self._dispatch("books", parse_book_payload(payload, count, self.trading_day()))
        elif tr_id in p.WS_NOTICES and self.notice_handler is not None:
            for notice in parse_notice_payload(payload, count, self.trading_day()):
                self.notice_handler(notice)

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
        """From the instrument provider (the built-in KRX master)."""
        return self.instruments.instrument(code)

    def _price_query(self, code: str) -> dict[str, str]:
        return {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": code}

    async def quote(self, code: str) -> Quote:
        """Last price (inquire-price) with the best bid and ask (the orderbook)."""
        price, book = await asyncio.gather(
            self.rest.call("inquire-price", params=self._price_query(code)),
            self.rest.call("inquire-asking-price-exp-ccn", params=self._price_query(code)),
        )
        return parse_quote(code, price.output("output"), book.output("output1"), now_seoul())

    async def reference_quote(self, code: str) -> Quote:
        """inquire-price alone: last price, base price (stck_sdpr) and the day's limits
        (stck_llam, stck_mxpr) for the pre-trade checks."""
        response = await self.rest.call("inquire-price", params=self._price_query(code))
        return parse_quote(code, response.output("output"), None, now_seoul())

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side and the expected auction price."""
        response = await self.rest.call(
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
        """Daily bars (``inquire-daily-itemchartprice``, 100 a request, paged back by date
        to ``start``) or today's minute bars (``inquire-time-itemchartprice``, 30 a request,
        paged back to ``start``)."""
        KIS_CAPABILITIES.require_interval(interval, self.name)
        if interval == "1d":
            frame = await self._daily_bars(code, start, end)
        else:
            frame = await self._minute_bars(code, start, end)
        return bars_window(frame, start, end)

    async def _daily_bars(
        self, code: str, start: datetime | None, end: datetime | None
    ) -> pd.DataFrame:
        """The newest 100 rows of a date range a request, paged backwards by date (moving
        ``FID_INPUT_DATE_2`` before the oldest row) until ``start``."""
        last = (end or self.clock()).astimezone(SEOUL).date()
        first = start.astimezone(SEOUL).date() if start else last - timedelta(days=140)
        frames = []
        upper = last
        for _ in range(DAILY_PAGES):
            response = await self.rest.call(
                "inquire-daily-itemchartprice",
                params={
                    **self._price_query(code),
                    "FID_INPUT_DATE_1": f"{first:%Y%m%d}",
                    "FID_INPUT_DATE_2": f"{upper:%Y%m%d}",
                    "FID_PERIOD_DIV_CODE": "D",
                    "FID_ORG_ADJ_PRC": "0",
                },
            )
            page = parse_daily_bars(response.rows("output2"))
            if page.empty:
                break
            frames.append(page)
            oldest = page.index[0].date()
            if len(page) < DAILY_PAGE_ROWS or oldest <= first:
                break
            upper = oldest - timedelta(days=1)
        frame = pd.concat(frames).sort_index() if frames else parse_daily_bars([])
        return frame[~frame.index.duplicated(keep="last")]

    async def _minute_bars(
        self, code: str, start: datetime | None, end: datetime | None
    ) -> pd.DataFrame:
        frames = []
        hour = (end or self.clock()).astimezone(SEOUL).strftime("%H%M%S")
        for _ in range(14):  # 30 bars a page; a session has 381 minutes
            response = await self.rest.call(
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
        return frame[~frame.index.duplicated(keep="last")]

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
            KIS_CAPABILITIES.require_stream(kind, self.name)
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


__all__ = ["STREAM_TR_IDS", "KisDataClient", "trading_day"]
