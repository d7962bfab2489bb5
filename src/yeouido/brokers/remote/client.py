"""The client of a venue server: ``yeouido.connect("remote", url=..., token=...)``.

The market and the account live in the server (``yeouido serve BROKER``); the order manager
and its journal live here, exactly as with a broker's own API. One websocket carries requests,
answers and pushed events. When it drops, the client connects again and asks for the events
after the last sequence number it handled; when the server cannot replay them (it restarted,
or the gap is too old) the order manager reconciles with the server's snapshot, and fills are
taken once each by their trade id either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pandas as pd

from yeouido.brokers.base import (
    BuyingPower,
    Capabilities,
    MarketCallback,
    MarketEvent,
    bars_window,
)
from yeouido.brokers.market_view import BrokerMarketView
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.brokers.remote import protocol
from yeouido.brokers.remote.codec import Spawner, decode, decode_error, encode
from yeouido.brokers.remote.protocol import Welcome, dumps
from yeouido.brokers.remote.security import parse_fingerprint, read_token
from yeouido.krx.master import default_master
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.errors import (
    AuthError,
    ConnectionFailed,
    InvalidInput,
    ProtocolError,
    UnknownInstrument,
    YeouidoError,
)
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
from yeouido.paths import data_dir as default_data_dir

log = logging.getLogger(__name__)
T = TypeVar("T")
FINGERPRINT_ENV = "YEOUIDO_VENUE_FINGERPRINT"
RECONNECT_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
CLOCK_REFRESH = 1.0
"""Wall seconds between two readings of the venue's clock."""
EventHandler = Callable[[str, Any], Awaitable[None] | None]
MarketHandler = Callable[[str, Any], None]
EMPTY_CAPABILITIES = Capabilities(frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


REPEATABLE = frozenset(
    {
        "status", "instrument", "quote", "orderbook", "bars", "subscribe", "positions",
        "balance", "fills", "buying_power", "order", "orders", "snapshot", "submit",
    }
)  # fmt: skip
"""Requests sent again after a reconnection when the connection dropped before their answer
(``submit`` is idempotent per client order id; ``modify`` and ``cancel`` are not repeated)."""


class _Dropped(ConnectionFailed):
    """The connection dropped with the request sent and unanswered."""


class VenueConnection:
    """One websocket to a venue server: numbered requests, pushed events, resume after a drop.

    ``on_event(kind, data)`` receives each account event once, in order; ``on_market`` each
    market frame; ``on_resync()`` runs when events may have been missed (the order manager
    reconciles then).
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        fingerprint: str | None = None,
        timeout: float = 10.0,
        reconnect: bool = True,
    ) -> None:
        self.url = protocol.websocket_url(url)
        self.token = token
        self.timeout = timeout
        self.reconnect = reconnect
        secure = self.url.startswith("wss://")
        if secure and not fingerprint:
            raise InvalidInput.for_field(
                "fingerprint",
                None,
                "a wss:// venue server is pinned by its certificate's SHA-256 fingerprint "
                f"(printed by `yeouido serve`; or set {FINGERPRINT_ENV})",
            )
        self._ssl: aiohttp.Fingerprint | bool = (
            aiohttp.Fingerprint(parse_fingerprint(fingerprint)) if secure and fingerprint else True
        )
        self.welcome: Welcome | None = None
        self.session: str | None = None
        self.last_seq = 0
        self.on_event: EventHandler | None = None
        self.on_market: MarketHandler | None = None
        self.on_resync: Callable[[], Coroutine[Any, Any, None]] | None = None
        self.on_reconnected: Callable[[], None] | None = None
        self.reconnects = 0
        self._http: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 0
        self._reader: asyncio.Task[None] | None = None
        self._closing = False
        self._tasks = Spawner()
        self._up = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Whether the websocket is up and greeted."""
        return self._socket is not None and not self._socket.closed and self.welcome is not None

    async def open(self) -> Welcome:
        """Connect and greet; then read frames in the background (reconnecting if asked)."""
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        welcome = await self._connect()
        self._reader = asyncio.get_running_loop().create_task(self._run())
        return welcome

    async def close(self) -> None:
        """Disconnect for good."""
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._socket is not None:
            await self._socket.close()
        self._fail_pending("the venue connection was closed")
        if self._http is not None:
            await self._http.close()

    async def request(self, method: str, **params: Any) -> Any:
        """Send one request and wait for its answer (its error raised as the same class).

        While the client reconnects, a request waits for the connection (up to the timeout).
        A request whose connection drops before the answer is sent again once after the
        reconnection if repeating it is harmless (:data:`REPEATABLE`: reads, and ``submit``,
        which the venue takes once per client order id); otherwise its outcome is unknown and
        :class:`ConnectionFailed` is raised.
        """
        frame = {"type": "request", "method": method, "params": encode(params)}
        for attempt in (1, 2):
            try:
                return await self._exchange(frame)
            except _Dropped as dropped:
                if attempt == 2 or method not in REPEATABLE or not self.reconnect:
                    raise ConnectionFailed(
                        dropped.message, field=dropped.field, value=dropped.value
                    ) from None
                log.info("venue request %s dropped with the connection; sending it again", method)
        raise AssertionError("unreachable")

    async def _exchange(self, frame: dict[str, Any]) -> Any:
        if not self.connected:
            await self._wait_until_up()
        socket = self._socket
        if socket is None or socket.closed or self.welcome is None:
            raise self._down("not connected")
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await socket.send_str(dumps(dict(frame, id=request_id)))
            return await asyncio.wait_for(future, self.timeout)
        except (ConnectionError, RuntimeError, aiohttp.ClientError):
            raise self._down("the connection dropped", dropped=True) from None
        except TimeoutError:
            raise self._down(f"no answer to {frame['method']} in {self.timeout:g} s") from None
        finally:
            self._pending.pop(request_id, None)

    # -- internals ---------------------------------------------------------------------
    async def _wait_until_up(self) -> None:
        """While reconnecting, wait (up to the timeout) for the connection to come back:
        nothing was sent yet, so waiting is safe even for a new order."""
        if self._closing or not self.reconnect or self._reader is None or self._reader.done():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._up.wait(), self.timeout)

    def _down(self, why: str, *, dropped: bool = False) -> ConnectionFailed:
        return (_Dropped if dropped else ConnectionFailed)(
            f"the venue server at {self.url}: {why}; is `yeouido serve` running?",
            field="url",
            value=self.url,
        )

    async def _connect(self) -> Welcome:
        assert self._http is not None
        try:
            socket = await self._http.ws_connect(
                self.url,
                ssl=self._ssl,
                heartbeat=20,
                timeout=aiohttp.ClientWSTimeout(ws_close=self.timeout),
                max_msg_size=0,
            )
        except aiohttp.ServerFingerprintMismatch:
            raise AuthError(
                f"the venue server at {self.url} showed a certificate whose fingerprint is not "
                "the pinned one: refusing to talk to it",
                field="fingerprint",
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise self._down(f"cannot connect ({type(error).__name__})") from None
        hello: dict[str, Any] = {
            "type": "hello",
            "protocol": list(protocol.SUPPORTED_VERSIONS),
            "token": self.token,
            "client": "yeouido",
        }
        if self.session is not None:
            hello["resume"] = {"session": self.session, "seq": self.last_seq}
        try:
            await socket.send_str(dumps(hello))
            message = await socket.receive(timeout=self.timeout)
        except (TimeoutError, ConnectionError, RuntimeError, aiohttp.ClientError):
            await socket.close()
            raise self._down("no welcome") from None
        if message.type is not aiohttp.WSMsgType.TEXT:
            await socket.close()
            raise self._down("closed before the welcome")
        frame = protocol.parse_frame(message.data)
        if frame["type"] == "error":
            await socket.close()
            raise decode_error(frame.get("error") or {})
        if frame["type"] != "welcome":
            await socket.close()
            raise ProtocolError.for_field("type", frame["type"], "expected welcome")
        welcome = Welcome(
            protocol=int(frame["protocol"]),
            venue=str(frame["venue"]),
            account=str(frame["account"]),
            session=str(frame["session"]),
            seq=int(frame["seq"]),
            resumed=bool(frame["resumed"]),
            capabilities=dict(frame.get("capabilities") or {}),
            replay_from=int(frame.get("replay_from") or 0),
        )
        first = self.session is None
        if not welcome.resumed:
            if not first:
                log.warning(
                    "venue server %s could not replay events after %d (session %s): reconciling",
                    self.url,
                    self.last_seq,
                    "changed" if welcome.session != self.session else "kept",
                )
                self._resync()
            self.last_seq = welcome.seq
        self.session = welcome.session
        self.welcome = welcome
        self._socket = socket
        self._up.set()
        return welcome

    async def _run(self) -> None:
        while not self._closing:
            socket = self._socket
            if socket is not None:
                await self._read(socket)
            self._up.clear()
            self._fail_pending("the connection dropped")
            if self._closing or not self.reconnect:
                return
            await self._reconnect()

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closing:
            delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
            await asyncio.sleep(delay)
            attempt += 1
            try:
                await self._connect()
            except AuthError:
                log.error("venue server %s refused us on reconnecting; giving up", self.url)
                self._closing = True
                return
            except YeouidoError as error:
                log.debug("venue reconnect %d failed: %s", attempt, error)
                continue
            self.reconnects += 1
            if self.on_reconnected is not None:
                self.on_reconnected()
            return

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            try:
                frame = protocol.parse_frame(message.data)
            except ProtocolError as error:
                log.warning("venue server sent a bad frame: %s", error)
                continue
            kind = frame["type"]
            if kind == "response":
                future = self._pending.get(frame.get("id"))  # type: ignore[arg-type]
                if future is not None and not future.done():
                    if "error" in frame:
                        future.set_exception(decode_error(frame["error"] or {}))
                    else:
                        future.set_result(frame.get("result"))
            elif kind == "event":
                await self._event(frame)
            elif kind == "market":
                if self.on_market is not None:
                    self.on_market(str(frame.get("kind")), frame.get("data"))
            elif kind == "error":
                log.warning("venue server: %s", (frame.get("error") or {}).get("message"))

    async def _event(self, frame: dict[str, Any]) -> None:
        seq = frame.get("seq")
        if frame.get("session") != self.session or not isinstance(seq, int):
            return
        if seq <= self.last_seq:
            return  # already handled (a replay overlapping what we had)
        if seq > self.last_seq + 1:
            log.warning("venue events %d..%d missed: reconciling", self.last_seq + 1, seq - 1)
            self._resync()
        self.last_seq = seq
        if self.on_event is not None:
            result = self.on_event(str(frame.get("kind")), frame.get("data"))
            if inspect.isawaitable(result):
                await result

    def _resync(self) -> None:
        if self.on_resync is not None:
            self._tasks.spawn(self.on_resync())

    def _fail_pending(self, why: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(self._down(why, dropped=True))
        self._pending.clear()


class RemoteExecutionClient:
    """The execution-client contract over a venue connection."""

    def __init__(self, connection: VenueConnection, name: str) -> None:
        self.connection = connection
        self.name = name
        self._on_update: UpdateHandler | None = None
        self._on_fill: FillHandler | None = None

    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Where pushed updates and fills go."""
        self._on_update, self._on_fill = on_update, on_fill

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """Submit (the server's venue is idempotent per client order id)."""
        data = await self.connection.request(
            "submit", client_order_id=client_order_id, request=request
        )
        return decode(VenueOrder, data)

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """Modify an open order."""
        data = await self.connection.request(
            "modify", client_order_id=client_order_id, price=price, quantity=quantity
        )
        return decode(VenueOrder, data)

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """Cancel some or all of an open order."""
        data = await self.connection.request(
            "cancel", client_order_id=client_order_id, quantity=quantity
        )
        return decode(VenueOrder, data)

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Open orders, fills since ``since``, positions."""
        data = await self.connection.request("snapshot", since=since.isoformat())
        return decode(AccountSnapshot, data)

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The venue's view of one order, or ``None`` if it never received it."""
        data = await self.connection.request("order", client_order_id=client_order_id)
        return None if data is None else decode(VenueOrder, data)

    async def dispatch(self, kind: str, data: Any) -> None:
        """Hand a pushed account event to the order manager."""
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


class RemoteBroker(OmsBroker):
    """A broker served by ``yeouido serve``: market and account there, orders and journal
    here. ``venue`` names the broker expected behind ``url`` (checked against the server's
    welcome); the journal lives in ``<data dir>/<venue>-client/<account>`` unless
    ``data_dir`` is given."""

    name = "remote"
    capabilities = EMPTY_CAPABILITIES

    def __init__(
        self,
        *,
        url: str,
        token: str | None = None,
        token_file: str | Path | None = None,
        fingerprint: str | None = None,
        venue: str | None = None,
        account: str | None = None,
        data_dir: str | Path | None = None,
        risk: RiskLimits | None = None,
        timeout: float = 10.0,
        reconnect: bool = True,
    ) -> None:
        if token is None:
            token = read_token(token_file)  # $YEOUIDO_VENUE_TOKEN or the 0600 token file
        self.connection = VenueConnection(
            url,
            token=token,
            fingerprint=fingerprint or os.environ.get(FINGERPRINT_ENV),
            timeout=timeout,
            reconnect=reconnect,
        )
        self.url = url
        self.venue = venue
        self.account = account
        self._data_dir = data_dir
        self._risk_limits = risk
        self.client: RemoteExecutionClient | None = None
        self.report: ReconciliationReport | None = None
        self._journal: Journal | None = None
        self._market_callbacks: list[tuple[set[str], set[str], MarketCallback]] = []
        self._tasks = Spawner()
        self._clock: tuple[datetime, float, float] | None = None

    @property
    def connected(self) -> bool:
        """Whether the websocket to the server is up."""
        return self.connection.connected

    def journal_root(self, venue: str, account: str) -> Path:
        """Where this client keeps its journal."""
        if self._data_dir is not None:
            return Path(self._data_dir)
        return default_data_dir() / f"{venue}-client" / account

    async def start(self) -> None:
        """Connect and greet, open the journal, reconcile with the server."""
        welcome = await self.connection.open()
        if self.venue is not None and welcome.venue != self.venue:
            raise InvalidInput.for_field(
                "url", self.url, f"the server serves {welcome.venue!r}, not {self.venue!r}"
            )
        self.name = welcome.venue
        self.capabilities = decode(Capabilities, welcome.capabilities)
        self.client = RemoteExecutionClient(self.connection, welcome.venue)
        root = self.journal_root(welcome.venue, self.account or welcome.account)
        root.mkdir(parents=True, exist_ok=True)
        self._journal = Journal(root / "journal.sqlite")
        self.build_order_manager(
            self.client,
            self._journal,
            BrokerMarketView(self.quote, venue_clock=self._venue_time),
            self._risk_limits,
            clock=now_seoul,
        )
        self.connection.on_event = self.client.dispatch
        self.connection.on_market = self._market
        self.connection.on_resync = self._resync
        self.connection.on_reconnected = self._resubscribe
        self.report = await self._manager().start()

    async def close(self) -> None:
        """Disconnect and close the journal."""
        await self.connection.close()
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    async def _venue_time(self) -> datetime:
        """The venue's clock (a simulated market's time; the KRX session checks use it):
        asked at most every :data:`CLOCK_REFRESH` seconds and run on at the venue's speed in
        between, so an order does not wait for a second round trip."""
        moment = time.monotonic()
        if self._clock is None or moment - self._clock[2] >= CLOCK_REFRESH:
            status = await self._call("status")
            speed = status.get("speed")
            rate = float(speed) if isinstance(speed, int | float) else 1.0
            self._clock = (decode(datetime, status["now"]), rate, moment)
        base, rate, at = self._clock
        return base + timedelta(seconds=(moment - at) * rate)

    async def _resync(self) -> None:
        if self.oms is None:
            return
        try:
            report = await self.oms.reconcile()
        except YeouidoError as error:
            log.warning("reconciliation after a venue gap failed: %s", error)
            return
        if not report.is_clean:
            log.info("reconciled after a venue gap: %s", report)

    def _market(self, kind: str, data: Any) -> None:
        event: MarketEvent = decode(Trade, data) if kind == "trade" else decode(OrderBook, data)
        stream = "trades" if kind == "trade" else "books"
        if isinstance(event, Trade) and self.market_view is not None:
            self.market_view.observe(event)
        for codes, kinds, callback in list(self._market_callbacks):
            if event.code in codes and stream in kinds:
                callback(event)

    async def _call(self, method: str, **params: Any) -> Any:
        if self.oms is None:
            raise YeouidoError(
                f"the {self.name} broker is not started (use yeouido.connect)", code="NOT_STARTED"
            )
        return await self.connection.request(method, **params)

    async def _get(self, cls: type[T], method: str, **params: Any) -> T:
        return decode(cls, await self._call(method, **params))

    # -- the server's own view ------------------------------------------------------------
    async def venue_status(self) -> dict[str, Any]:
        """The server's status: ``now`` and ``speed`` of its clock, its account, and what
        the venue adds (the paper market's day and phase)."""
        data = await self._call("status")
        return dict(data)

    async def venue_orders(self, open_only: bool = False) -> list[VenueOrder]:
        """Today's orders as the venue sees them."""
        rows = await self._call("orders", open_only=open_only)
        return [decode(VenueOrder, row) for row in rows]

    # -- market data -------------------------------------------------------------------
    async def instrument(self, code: str) -> Instrument:
        """The listed instrument."""
        return await self._get(Instrument, "instrument", code=code)

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask."""
        return await self._get(Quote, "quote", code=code)

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side."""
        return await self._get(OrderBook, "orderbook", code=code)

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """Today's bars of ``interval``."""
        from yeouido.brokers.paper.broker import bars_frame

        self.capabilities.require_interval(interval, self.name)
        rows = await self._call("bars", code=code, interval=interval)
        frame = bars_frame([decode(Bar, row) for row in rows])
        return bars_window(frame, start, end)

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
        if not self.connection.connected:
            return
        codes = sorted({code for entry in self._market_callbacks for code in entry[0]})
        kinds = sorted({kind for entry in self._market_callbacks for kind in entry[1]})

        async def send() -> None:
            with contextlib.suppress(YeouidoError):
                await self.connection.request("subscribe", codes=codes, kinds=kinds or ["trades"])

        self._tasks.spawn(send())

    # -- account -----------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings."""
        rows = await self._call("positions")
        return [decode(Position, row) for row in rows]

    async def balance(self) -> Balance:
        """Cash."""
        return await self._get(Balance, "balance")

    async def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions."""
        rows = await self._call(
            "fills",
            start=None if start is None else start.isoformat(),
            end=None if end is None else end.isoformat(),
        )
        return [decode(Fill, row) for row in rows]

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power at ``price``."""
        return await self._get(BuyingPower, "buying_power", code=code, price=price)


REMOTE_OPTIONS = frozenset(
    {
        "url", "token", "token_file", "fingerprint", "venue", "account", "data_dir", "risk",
        "timeout", "reconnect",
    }
)  # fmt: skip


def create_remote_broker(**options: Any) -> RemoteBroker:
    """The registry's factory for ``connect("remote", url=..., token=...)``."""
    unknown = set(options) - REMOTE_OPTIONS
    if unknown:
        raise InvalidInput.for_field("options", sorted(unknown), "not options of a venue client")
    if not options.get("url"):
        raise InvalidInput.for_field("url", None, "give the venue server's url (ws://HOST:PORT)")
    return RemoteBroker(**options)
