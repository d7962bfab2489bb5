"""The venue server: one :class:`~yeouido.brokers.remote.venue.ServedVenue` on one websocket
per client, speaking :mod:`yeouido.brokers.remote.protocol`.

Account events (order updates and fills) get a sequence number per server session and are
kept (the last :data:`REPLAY_LIMIT`) so a client that reconnects receives exactly the ones it
missed; market data goes to each connection's subscription as it happens. Each connection has
one outgoing queue, so a client sees events and answers in the order the server made them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from yeouido.brokers.remote import protocol
from yeouido.brokers.remote.codec import encode
from yeouido.brokers.remote.protocol import dumps
from yeouido.brokers.remote.security import check_listen_policy, token_matches
from yeouido.brokers.remote.venue import ServedVenue
from yeouido.model.account import Fill
from yeouido.model.errors import AuthError, InvalidInput, ProtocolError, YeouidoError
from yeouido.model.market_data import OrderBook, Trade
from yeouido.model.orders import OrderRequest
from yeouido.net.listen import listen
from yeouido.oms.execution import VenueOrderUpdate

log = logging.getLogger(__name__)

REPLAY_LIMIT = 50_000
"""Account events kept for clients that reconnect."""
MAX_QUEUED = 100_000
"""Frames waiting for a slow client before its connection is dropped (it resumes later)."""
HELLO_TIMEOUT = 10.0
CLOSE_UNAUTHORIZED = 4401
CLOSE_VERSION = 4426
Method = Callable[[dict[str, Any]], Awaitable[Any]]


class _Peer:
    """One client connection: its queue, its writer, its market subscription."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self.socket = socket
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.greeted = False
        self.unsubscribe: Callable[[], None] | None = None
        self.writer = asyncio.get_running_loop().create_task(self._write())

    def send(self, frame: dict[str, Any] | str) -> None:
        if self.queue.qsize() >= MAX_QUEUED:
            log.warning("venue server: a client fell %d frames behind; dropping it", MAX_QUEUED)
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(frame if isinstance(frame, str) else dumps(frame))

    async def _write(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None or self.socket.closed:
                break
            try:
                await self.socket.send_str(text)
            except (ConnectionError, RuntimeError):
                break
        with contextlib.suppress(Exception):
            await self.socket.close()

    async def finish(self) -> None:
        if self.unsubscribe is not None:
            self.unsubscribe()
            self.unsubscribe = None
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer, 5)


class VenueServer:
    """Serves ``venue`` to clients of the venue protocol.

    ``token``: clients must present it in ``hello`` (required off loopback, optional on it);
    ``ssl_context``: TLS (required off loopback). ``require_auth`` demands both even on
    loopback (tests, or a shared machine).
    """

    def __init__(
        self,
        venue: ServedVenue,
        *,
        token: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        require_auth: bool = False,
        replay_limit: int = REPLAY_LIMIT,
    ) -> None:
        self.venue = venue
        self.token = token
        self.ssl_context = ssl_context
        self.require_auth = require_auth
        self.session = uuid.uuid4().hex
        self.seq = 0
        self.events: deque[tuple[int, str]] = deque(maxlen=replay_limit)
        self.peers: set[_Peer] = set()
        self.url = ""
        self.app = web.Application()
        self.app.add_routes([web.get(protocol.PATH, self._connection)])
        self.app.on_shutdown.append(self._shut_down)
        self.methods: dict[str, Method] = {
            "status": self._status,
            "instrument": self._instrument,
            "quote": self._quote,
            "orderbook": self._orderbook,
            "bars": self._bars,
            "positions": self._positions,
            "balance": self._balance,
            "fills": self._fills,
            "buying_power": self._buying_power,
            "submit": self._submit,
            "modify": self._modify,
            "cancel": self._cancel,
            "order": self._order,
            "orders": self._orders,
            "snapshot": self._snapshot,
        }
        venue.execution.set_handlers(self._on_update, self._on_fill)

    async def start(
        self,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        what: str = "venue server",
        option: str = "--listen",
    ) -> web.AppRunner:
        """Check the listening policy, listen on ``host:port``, start the venue; returns the
        runner (``await runner.cleanup()`` stops listening). A taken port raises
        :class:`~yeouido.model.errors.PortInUse` naming ``what`` and the ``option`` that
        chooses another port."""
        check_listen_policy(host, self.token, self.ssl_context is not None)
        if self.require_auth and (self.token is None or self.ssl_context is None):
            raise InvalidInput.for_field(
                "require_auth", True, "needs both a token and a TLS context"
            )
        runner, bound = await listen(
            self.app, host, port, what=what, option=option, ssl_context=self.ssl_context
        )
        scheme = "wss" if self.ssl_context is not None else "ws"
        shown = f"[{host}]" if ":" in host else host
        self.url = f"{scheme}://{shown}:{bound}{protocol.PATH}"
        try:
            await self.venue.start()
        except BaseException:
            await runner.cleanup()
            raise
        return runner

    async def drop_connections(self) -> None:
        """Close every client connection (clients reconnect and resume; for tests)."""
        for peer in list(self.peers):
            await peer.socket.close(code=WSCloseCode.GOING_AWAY)

    async def _shut_down(self, app: web.Application) -> None:
        """Close the websockets first, so stopping does not wait for clients to leave."""
        await self.drop_connections()

    # -- account events ----------------------------------------------------------------
    def _publish(self, kind: str, item: Any) -> None:
        self.seq += 1
        frame = {
            "type": "event",
            "session": self.session,
            "seq": self.seq,
            "kind": kind,
            "data": encode(item),
        }
        text = dumps(frame)
        self.events.append((self.seq, text))
        for peer in list(self.peers):
            if peer.greeted:
                peer.send(text)

    def _on_update(self, update: VenueOrderUpdate) -> None:
        self._publish("update", update)

    def _on_fill(self, fill: Fill) -> None:
        self._publish("fill", fill)

    # -- the connection ----------------------------------------------------------------
    async def _connection(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=20, max_msg_size=protocol.MAX_FRAME_BYTES)
        await socket.prepare(request)
        peer = _Peer(socket)
        self.peers.add(peer)
        hello_deadline = asyncio.get_running_loop().call_later(
            HELLO_TIMEOUT, lambda: None if peer.greeted else peer.queue.put_nowait(None)
        )
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._frame(peer, message.data)
                elif message.type is WSMsgType.BINARY:
                    peer.send(
                        protocol.error_frame(
                            ProtocolError.for_field(
                                "frame", "binary", "frames are JSON text (encoding json)"
                            )
                        )
                    )
                if socket.closed or peer.writer.done():
                    break
        finally:
            hello_deadline.cancel()
            self.peers.discard(peer)
            await peer.finish()
        return socket

    async def _frame(self, peer: _Peer, data: str) -> None:
        try:
            frame = protocol.parse_frame(data)
            kind = frame["type"]
            if kind == "hello":
                self._hello(peer, frame)
                return
            if not peer.greeted:
                raise ProtocolError.for_field("type", kind, "not greeted: send hello first")
            if kind != "request":
                raise ProtocolError.for_field("type", kind, "a client sends hello or request")
            request_id = protocol.request_id(frame)
        except ProtocolError as error:
            peer.send(protocol.error_frame(error))
            return
        peer.send(await self._request(peer, request_id, frame))

    def _hello(self, peer: _Peer, frame: dict[str, Any]) -> None:
        if peer.greeted:
            peer.send(protocol.error_frame(ProtocolError("already greeted", field="type")))
            return
        try:
            version = protocol.choose_version(frame.get("protocol"))
        except ProtocolError as error:
            peer.send(protocol.error_frame(error))
            peer.queue.put_nowait(None)
            return
        if self.token is not None and not token_matches(self.token, frame.get("token")):
            refusal = AuthError("the venue server refused the token", field="token")
            peer.send(protocol.error_frame(refusal))
            peer.queue.put_nowait(None)
            return
        resume = frame.get("resume")
        since: int | None = None
        if (
            isinstance(resume, dict)
            and resume.get("session") == self.session
            and isinstance(resume.get("seq"), int)
            and not isinstance(resume.get("seq"), bool)
        ):
            since = resume["seq"]
        oldest = self.events[0][0] if self.events else self.seq + 1
        resumed = since is not None and 0 <= since <= self.seq and since + 1 >= oldest
        peer.send(
            {
                "type": "welcome",
                "protocol": version,
                "venue": self.venue.name,
                "account": self.venue.account,
                "session": self.session,
                "seq": self.seq,
                "resumed": resumed,
                "replay_from": (since or 0) + 1 if resumed else self.seq + 1,
                "capabilities": encode(self.venue.capabilities),
                "encoding": protocol.ENCODING,
            }
        )
        if resumed:
            for seq, text in self.events:
                if seq > (since or 0):
                    peer.send(text)
        peer.greeted = True

    async def _request(
        self, peer: _Peer, request_id: int | str, frame: dict[str, Any]
    ) -> dict[str, Any]:
        method = frame.get("method")
        try:
            params = protocol.params_of(frame)
            if method == "subscribe":
                result = self._subscribe(peer, params)
            elif isinstance(method, str) and method in self.methods:
                result = await self.methods[method](params)
            else:
                raise ProtocolError.for_field(
                    "method", method, f"one of {', '.join(protocol.METHODS)}"
                )
            return {"type": "response", "id": request_id, "result": encode(result)}
        except YeouidoError as error:
            return protocol.error_frame(error, request_id)
        except Exception:
            log.exception("venue server: method %r failed", method)
            internal = YeouidoError("internal error of the venue server", code="INTERNAL")
            return protocol.error_frame(internal, request_id)

    # -- methods -----------------------------------------------------------------------
    def _subscribe(self, peer: _Peer, params: dict[str, Any]) -> dict[str, Any]:
        codes = protocol.strings(params, "codes", ())
        kinds = protocol.strings(params, "kinds", ("trades",))
        for kind in kinds:
            self.venue.capabilities.require_stream(kind, self.venue.name)

        def forward(event: Trade | OrderBook) -> None:
            kind = "trade" if isinstance(event, Trade) else "book"
            peer.send({"type": "market", "kind": kind, "data": encode(event)})

        unsubscribe = self.venue.on_market(codes, forward, kinds) if codes else None
        if peer.unsubscribe is not None:
            peer.unsubscribe()
        peer.unsubscribe = unsubscribe
        return {"codes": codes, "kinds": kinds}

    async def _status(self, params: dict[str, Any]) -> Any:
        status = dict(self.venue.status())
        status.setdefault("account", self.venue.account)
        status.setdefault("venue", self.venue.name)
        status["seq"] = self.seq
        status["session"] = self.session
        return status

    async def _instrument(self, params: dict[str, Any]) -> Any:
        return await self.venue.instrument(protocol.text(params, "code"))

    async def _quote(self, params: dict[str, Any]) -> Any:
        return await self.venue.quote(protocol.text(params, "code"))

    async def _orderbook(self, params: dict[str, Any]) -> Any:
        return await self.venue.orderbook(protocol.text(params, "code"))

    async def _bars(self, params: dict[str, Any]) -> Any:
        interval = protocol.text(params, "interval", required=False) or "1d"
        self.venue.capabilities.require_interval(interval, self.venue.name)
        return await self.venue.bars(protocol.text(params, "code"), interval)

    async def _positions(self, params: dict[str, Any]) -> Any:
        return await self.venue.positions()

    async def _balance(self, params: dict[str, Any]) -> Any:
        return await self.venue.balance()

    async def _fills(self, params: dict[str, Any]) -> Any:
        return await self.venue.fills(
            protocol.moment(params, "start"), protocol.moment(params, "end")
        )

    async def _buying_power(self, params: dict[str, Any]) -> Any:
        price = protocol.price(params, "price")
        if price is None:
            raise InvalidInput.for_field("price", None, "is required")
        return await self.venue.buying_power(protocol.text(params, "code"), price)

    async def _submit(self, params: dict[str, Any]) -> Any:
        client_order_id = protocol.text(params, "client_order_id")
        request = _order_request(params.get("request"))
        self.venue.capabilities.check(request, self.venue.name)
        return await self.venue.execution.send_order(client_order_id, request)

    async def _modify(self, params: dict[str, Any]) -> Any:
        return await self.venue.execution.send_modify(
            protocol.text(params, "client_order_id"),
            protocol.price(params, "price"),
            protocol.whole(params, "quantity"),
        )

    async def _cancel(self, params: dict[str, Any]) -> Any:
        return await self.venue.execution.send_cancel(
            protocol.text(params, "client_order_id"), protocol.whole(params, "quantity")
        )

    async def _order(self, params: dict[str, Any]) -> Any:
        return await self.venue.execution.order_status(protocol.text(params, "client_order_id"))

    async def _orders(self, params: dict[str, Any]) -> Any:
        return await self.venue.orders(protocol.flag(params, "open_only"))

    async def _snapshot(self, params: dict[str, Any]) -> Any:
        since = protocol.moment(params, "since") or datetime.min.replace(tzinfo=UTC)
        return await self.venue.execution.snapshot(since)


_REQUEST_FIELDS = frozenset(
    {
        "code", "side", "quantity", "price", "order_type", "tif", "session", "venue",
        "client_order_id", "stop_price",
    }
)  # fmt: skip


def _order_request(data: Any) -> OrderRequest:
    """An :class:`OrderRequest` from its encoded form, every field checked."""
    if not isinstance(data, dict):
        raise InvalidInput.for_field("request", type(data).__name__, "an order request object")
    unknown = set(data) - _REQUEST_FIELDS
    if unknown:
        raise InvalidInput.for_field("request", sorted(unknown), "unknown order request fields")
    choices = {}
    for name, default in (
        ("side", None),
        ("order_type", "limit"),
        ("tif", "day"),
        ("session", "regular"),
        ("venue", "KRX"),
    ):
        value = data.get(name, default)
        if not isinstance(value, str):
            raise InvalidInput.for_field(name, value, "a string is required")
        choices[name] = value
    client_order_id = data.get("client_order_id")
    if client_order_id is not None and not isinstance(client_order_id, str):
        raise InvalidInput.for_field("client_order_id", client_order_id, "a string")
    quantity = protocol.whole(data, "quantity")
    return OrderRequest.create(
        protocol.text(data, "code"),
        choices["side"],
        quantity if quantity is not None else 0,
        protocol.price(data, "price"),
        choices["order_type"],
        choices["tif"],
        choices["session"],
        choices["venue"],
        client_order_id,
        protocol.price(data, "stop_price"),
    )
