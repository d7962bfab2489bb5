"""A client of ``yeouido paper serve``: the Broker interface with the order manager and its
journal in this process and the market and account in the service.

Requests that fail on the connection raise :class:`~yeouido.model.errors.ConnectionFailed`:
for a new order that is an unknown outcome, which the order manager leaves in flight until a
pushed update or a reconciliation settles it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pandas as pd

from yeouido.brokers.base import BuyingPower, MarketCallback, MarketEvent
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.brokers.paper.broker import PAPER_CAPABILITIES, account_root, bars_frame
from yeouido.brokers.paper.wire import Spawner, decode, decode_error, encode
from yeouido.krx.master import default_master
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.errors import ConnectionFailed, UnknownInstrument
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote, Trade
from yeouido.model.orders import OrderRequest
from yeouido.model.time import now_seoul
from yeouido.oms.execution import (
    AccountSnapshot,
    FillHandler,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)
from yeouido.oms.journal import Journal
from yeouido.oms.reconcile import ReconciliationReport
from yeouido.oms.risk import RiskLimits

T = TypeVar("T")


class ServiceConnection:
    """HTTP calls to the paper service, errors decoded into yeouido's classes."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        """One request; returns the decoded JSON (``None`` for a 404 with ``allow_missing``)."""
        params = {key: str(value) for key, value in query.items() if value is not None}
        try:
            async with self.session.request(
                method,
                self.url + path,
                json=None if body is None else encode(body),
                params=params,
            ) as response:
                data = await response.json(content_type=None)
                if response.status == 404 and method == "GET" and path.startswith("/v1/orders/"):
                    return None
                if response.status >= 400:
                    raise decode_error(data if isinstance(data, dict) else {})
                return data
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            raise ConnectionFailed(
                f"the paper service at {self.url} did not answer ({type(error).__name__}); "
                "is `yeouido paper serve` running?",
                field="service",
                value=self.url,
            ) from None

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.session.close()


class RemoteExecutionClient:
    """The execution-client contract over the paper service."""

    name = "paper"

    def __init__(self, connection: ServiceConnection) -> None:
        self.connection = connection
        self._on_update: UpdateHandler | None = None
        self._on_fill: FillHandler | None = None

    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Where pushed updates and fills go."""
        self._on_update, self._on_fill = on_update, on_fill

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """POST the order (the service is idempotent per client order id)."""
        data = await self.connection.call(
            "POST", "/v1/orders", {"client_order_id": client_order_id, "request": request}
        )
        return decode(VenueOrder, data)

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """POST a modification."""
        data = await self.connection.call(
            "POST", f"/v1/orders/{client_order_id}/modify", {"price": price, "quantity": quantity}
        )
        return decode(VenueOrder, data)

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """POST a cancel."""
        data = await self.connection.call(
            "POST", f"/v1/orders/{client_order_id}/cancel", {"quantity": quantity}
        )
        return decode(VenueOrder, data)

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Open orders, fills since ``since``, positions."""
        data = await self.connection.call("GET", "/v1/snapshot", since=since.isoformat())
        return decode(AccountSnapshot, data)

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The service's view of one order, or ``None`` if it never received it."""
        data = await self.connection.call("GET", f"/v1/orders/{client_order_id}")
        return None if data is None else decode(VenueOrder, data)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Hand a pushed account message to the order manager."""
        kind, data = message.get("type"), message.get("data")
        handler: Any = None
        item: Any = None
        if kind == "update" and self._on_update is not None:
            handler, item = self._on_update, decode(VenueOrderUpdate, data)
        elif kind == "fill" and self._on_fill is not None:
            handler, item = self._on_fill, decode(Fill, data)
        if handler is not None:
            result = handler(item)
            if inspect.isawaitable(result):
                await result


class RemotePaperBroker(OmsBroker):
    """``connect("paper", service=URL)``: a client of ``yeouido paper serve``."""

    name = "paper"
    capabilities = PAPER_CAPABILITIES

    def __init__(
        self,
        *,
        url: str,
        account: str = "default",
        data_dir: str | Path | None = None,
        risk: RiskLimits | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.account = account
        self.root = account_root(account, data_dir, "paper-client")
        self._risk_limits = risk
        self._timeout = timeout
        self.connection: ServiceConnection | None = None
        self.client: RemoteExecutionClient | None = None
        self.report: ReconciliationReport | None = None
        self._journal: Journal | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._market_callbacks: list[tuple[set[str], set[str], MarketCallback]] = []
        self._tasks = Spawner()

    async def start(self) -> None:
        """Connect (HTTP and websocket), open the journal, reconcile."""
        self.connection = ServiceConnection(self.url, self._timeout)
        await self.connection.call("GET", "/v1/status")
        self.client = RemoteExecutionClient(self.connection)
        self.root.mkdir(parents=True, exist_ok=True)
        self._journal = Journal(self.root / "journal.sqlite")
        self.build_order_manager(
            self.client,
            self._journal,
            BrokerMarketView(self.quote, venue_clock=self._service_time),
            self._risk_limits,
            clock=now_seoul,
        )
        try:
            self._socket = await self.connection.session.ws_connect(self.url + "/v1/stream")
        except aiohttp.ClientError as error:
            raise ConnectionFailed(
                f"no websocket at {self.url}/v1/stream ({type(error).__name__})",
                field="service",
                value=self.url,
            ) from None
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self.report = await self._manager().start()

    async def _service_time(self) -> datetime:
        """The simulated market's time (the KRX session checks use it)."""
        status = await self._call().call("GET", "/v1/status")
        return decode(datetime, status["now"])

    async def close(self) -> None:
        """Disconnect and close the journal."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._socket is not None:
            await self._socket.close()
        if self.connection is not None:
            await self.connection.close()
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    async def _read(self) -> None:
        assert self._socket is not None and self.client is not None
        async for message in self._socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            kind = data.get("type")
            if kind in ("update", "fill"):
                await self.client.dispatch(data)
            elif kind in ("trade", "book"):
                event: MarketEvent = (
                    decode(Trade, data["data"])
                    if kind == "trade"
                    else decode(OrderBook, data["data"])
                )
                if isinstance(event, Trade) and self.market_view is not None:
                    self.market_view.observe(event)
                for codes, kinds, callback in list(self._market_callbacks):
                    if event.code in codes and ("trades" if kind == "trade" else "books") in kinds:
                        callback(event)

    def _call(self) -> ServiceConnection:
        if self.connection is None:
            raise ConnectionFailed("the paper service client is not started", field="service")
        return self.connection

    async def _get(self, cls: type[T], path: str, **query: Any) -> T:
        return decode(cls, await self._call().call("GET", path, **query))

    # -- market data -------------------------------------------------------------------
    async def instrument(self, code: str) -> Instrument:
        """The listed instrument."""
        return await self._get(Instrument, f"/v1/instruments/{code}")

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""
        return await self._get(Quote, f"/v1/quote/{code}")

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        return await self._get(OrderBook, f"/v1/orderbook/{code}")

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """Bars of the simulated day."""
        self.capabilities.require_interval(interval, self.name)
        rows = await self._call().call("GET", f"/v1/bars/{code}", interval=interval)
        frame = bars_frame([decode(Bar, row) for row in rows])
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
        codes, kinds = set(codes), set(kinds)
        for kind in kinds:
            self.capabilities.require_stream(kind, self.name)
        master = default_master()
        for code in codes:
            if code not in master:
                raise UnknownInstrument.for_field("code", code, "not listed")
        entry = (codes, kinds, callback)
        self._market_callbacks.append(entry)
        self._resubscribe()

        def unsubscribe() -> None:
            if entry in self._market_callbacks:
                self._market_callbacks.remove(entry)
                self._resubscribe()

        return unsubscribe

    def _resubscribe(self) -> None:
        if self._socket is None or self._socket.closed:
            return
        codes = sorted({code for entry in self._market_callbacks for code in entry[0]})
        kinds = sorted({kind for entry in self._market_callbacks for kind in entry[1]})
        message = json.dumps({"type": "subscribe", "codes": codes, "kinds": kinds})
        self._tasks.spawn(self._socket.send_str(message))

    # -- account -----------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings."""
        rows = await self._call().call("GET", "/v1/positions")
        return [decode(Position, row) for row in rows]

    async def balance(self) -> Balance:
        """Cash."""
        return await self._get(Balance, "/v1/balance")

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions."""
        rows = await self._call().call(
            "GET",
            "/v1/fills",
            start=None if start is None else start.isoformat(),
            end=None if end is None else end.isoformat(),
        )
        return [decode(Fill, row) for row in rows]

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power at ``price``."""
        return await self._get(BuyingPower, "/v1/buying-power", code=code, price=price)
