"""``yeouido paper serve``: the paper market and account as a local service.

A CLI call is a short process, so the simulated market must outlive it: this service runs one
:class:`~yeouido.brokers.paper.back_office.PaperBackOffice` and exposes it over HTTP and a
websocket on loopback. Clients (``yeouido.connect("paper", service=True)``, the CLI) keep
their own order manager and journal and talk to the service as to a broker's API.

HTTP (JSON, see :mod:`yeouido.brokers.paper.wire`)::

    GET  /v1/status                      day, simulated time, phase, account
    GET  /v1/instruments/{code}          GET /v1/quote/{code}     GET /v1/orderbook/{code}
    GET  /v1/bars/{code}?interval=1m     GET /v1/positions        GET /v1/balance
    GET  /v1/fills?start=&end=           GET /v1/buying-power?code=&price=
    POST /v1/orders                      {"client_order_id", "request"}  → venue order
    POST /v1/orders/{id}/modify          {"price", "quantity"}
    POST /v1/orders/{id}/cancel          {"quantity"}
    GET  /v1/orders                      every order received
    GET  /v1/orders/{id}                 the venue's view, or 404
    GET  /v1/snapshot?since=             open orders, fills, positions

Websocket ``/v1/stream``: the server pushes ``{"type": "update"|"fill", "data": …}`` for the
account to every connection, and ``trade``/``book`` for the codes a connection subscribed to
with ``{"type": "subscribe", "codes": [...], "kinds": [...]}``.

The service has no authentication, so it listens on loopback addresses only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import WSMsgType, web

from yeouido.brokers.paper.back_office import PaperBackOffice
from yeouido.brokers.paper.wire import Spawner, encode, encode_error
from yeouido.model.account import Fill
from yeouido.model.errors import InvalidInput, OrderNotOpen, YeouidoError
from yeouido.model.market_data import OrderBook, Trade
from yeouido.model.orders import OrderRequest
from yeouido.net.listen import listen
from yeouido.oms.execution import VenueOrderUpdate

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def require_loopback(host: str) -> str:
    """Refuse any address that is not loopback (the service has no authentication)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InvalidInput.for_field(
            "host", host, "the paper service listens on loopback only (127.0.0.1, ::1, localhost)"
        )
    return host


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(encode(data), status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except YeouidoError as error:
        return web.json_response(encode_error(error), status=400, dumps=_dumps)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("paper service: %s %s failed", request.method, request.path)
        body = {"error": "YeouidoError", "code": "INTERNAL", "message": "internal error"}
        return web.json_response(body, status=500)


class PaperService:
    """The HTTP and websocket front of one paper back office."""

    def __init__(self, office: PaperBackOffice) -> None:
        self.office = office
        self.sockets: set[web.WebSocketResponse] = set()
        self.tasks = Spawner()
        self.app = web.Application(middlewares=[_errors])
        self.app.add_routes(
            [
                web.get("/v1/status", self.status),
                web.get("/v1/instruments/{code}", self.instrument),
                web.get("/v1/quote/{code}", self.quote),
                web.get("/v1/orderbook/{code}", self.orderbook),
                web.get("/v1/bars/{code}", self.bars),
                web.get("/v1/positions", self.positions),
                web.get("/v1/balance", self.balance),
                web.get("/v1/fills", self.fills),
                web.get("/v1/buying-power", self.buying_power),
                web.post("/v1/orders", self.send_order),
                web.post("/v1/orders/{id}/modify", self.modify),
                web.post("/v1/orders/{id}/cancel", self.cancel),
                web.get("/v1/orders", self.all_orders),
                web.get("/v1/orders/{id}", self.order_status),
                web.get("/v1/snapshot", self.snapshot),
                web.get("/v1/stream", self.stream),
            ]
        )
        office.client.set_handlers(self._push_update, self._push_fill)

    async def start(self, host: str = "127.0.0.1", port: int = 8765) -> web.AppRunner:
        """Listen on ``host:port`` and start the market; returns the runner (``cleanup()``).
        A taken port raises :class:`~yeouido.model.errors.PortInUse` naming it."""
        require_loopback(host)
        runner, _ = await listen(self.app, host, port, what="paper service", option="--port")
        self.office.market.start()
        return runner

    # -- push --------------------------------------------------------------------------
    def _broadcast(self, message: dict[str, Any]) -> None:
        text = _dumps(encode(message))
        for socket in list(self.sockets):
            if not socket.closed:
                self.tasks.spawn(socket.send_str(text))

    def _push_update(self, update: VenueOrderUpdate) -> None:
        self._broadcast({"type": "update", "data": update})

    def _push_fill(self, fill: Fill) -> None:
        self._broadcast({"type": "fill", "data": fill})

    # -- handlers ----------------------------------------------------------------------
    async def status(self, request: web.Request) -> web.Response:
        """Day, simulated time, phase, account."""
        market = self.office.market
        return _json(
            {
                "account": self.office.account,
                "day": market.day,
                "now": market.now,
                "phase": market.simulation.phase.value,
                "speed": market.speed,
            }
        )

    async def instrument(self, request: web.Request) -> web.Response:
        """One instrument."""
        return _json(self.office.instrument(request.match_info["code"]))

    async def quote(self, request: web.Request) -> web.Response:
        """A quote."""
        return _json(self.office.quote(request.match_info["code"]))

    async def orderbook(self, request: web.Request) -> web.Response:
        """Ten levels a side."""
        return _json(self.office.orderbook(request.match_info["code"]))

    async def bars(self, request: web.Request) -> web.Response:
        """The day's bars."""
        interval = request.query.get("interval", "1d")
        return _json(self.office.bars(request.match_info["code"], interval))

    async def positions(self, request: web.Request) -> web.Response:
        """Holdings."""
        return _json(self.office.positions())

    async def balance(self, request: web.Request) -> web.Response:
        """Cash."""
        return _json(self.office.balance())

    async def fills(self, request: web.Request) -> web.Response:
        """Executions between optional ``start`` and ``end``."""
        start = _moment(request.query.get("start"), "start")
        end = _moment(request.query.get("end"), "end")
        return _json(self.office.fills(start, end))

    async def buying_power(self, request: web.Request) -> web.Response:
        """Buying power at a price."""
        code = request.query.get("code", "")
        try:
            price = int(request.query.get("price", ""))
        except ValueError:
            raise InvalidInput.for_field(
                "price", request.query.get("price"), "a whole KRW amount"
            ) from None
        return _json(self.office.buying_power(code, price))

    async def send_order(self, request: web.Request) -> web.Response:
        """Place a new order (idempotent per client order id)."""
        body = await _body(request)
        client_order_id = str(body.get("client_order_id") or "")
        if not client_order_id:
            raise InvalidInput.for_field("client_order_id", None, "is required")
        order_request = _order_request(body.get("request"))
        answer = await self.office.client.send_order(client_order_id, order_request)
        return _json(answer)

    async def modify(self, request: web.Request) -> web.Response:
        """Modify an open order."""
        body = await _body(request)
        answer = await self.office.client.send_modify(
            request.match_info["id"], _price(body.get("price")), _quantity(body.get("quantity"))
        )
        return _json(answer)

    async def cancel(self, request: web.Request) -> web.Response:
        """Cancel an open order."""
        body = await _body(request)
        answer = await self.office.client.send_cancel(
            request.match_info["id"], _quantity(body.get("quantity"))
        )
        return _json(answer)

    async def all_orders(self, request: web.Request) -> web.Response:
        """Every order the service received for the account (its view of each)."""
        return _json([order.to_venue_order() for order in self.office.store.all_orders()])

    async def order_status(self, request: web.Request) -> web.Response:
        """The venue's view of one order."""
        answer = await self.office.client.order_status(request.match_info["id"])
        if answer is None:
            error = OrderNotOpen.for_field("order_id", request.match_info["id"], "never received")
            return web.json_response(encode_error(error), status=404, dumps=_dumps)
        return _json(answer)

    async def snapshot(self, request: web.Request) -> web.Response:
        """Open orders, fills since ``since`` and positions."""
        since = _moment(request.query.get("since"), "since") or datetime.min.replace(
            tzinfo=self.office.market.now.tzinfo
        )
        return _json(await self.office.client.snapshot(since))

    async def stream(self, request: web.Request) -> web.WebSocketResponse:
        """Account updates for every connection, market data for its subscriptions."""
        socket = web.WebSocketResponse(heartbeat=20)
        await socket.prepare(request)
        self.sockets.add(socket)
        unsubscribe: Callable[[], None] | None = None

        def market(event: Trade | OrderBook) -> None:
            kind = "trade" if isinstance(event, Trade) else "book"
            if not socket.closed:
                self.tasks.spawn(socket.send_str(_dumps(encode({"type": kind, "data": event}))))

        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    command = json.loads(message.data)
                    if command.get("type") == "subscribe":
                        if unsubscribe is not None:
                            unsubscribe()
                        unsubscribe = self.office.on_market(
                            command.get("codes", []), market, command.get("kinds", ["trades"])
                        )
                        await socket.send_str(_dumps({"type": "subscribed"}))
                except (ValueError, YeouidoError) as error:
                    detail = (
                        error.to_dict()
                        if isinstance(error, YeouidoError)
                        else {"message": str(error)}
                    )
                    await socket.send_str(_dumps({"type": "error", "data": detail}))
        finally:
            if unsubscribe is not None:
                unsubscribe()
            self.sockets.discard(socket)
        return socket


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidInput.for_field("body", "", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput.for_field("body", type(body).__name__, "must be a JSON object")
    return body


def _order_request(data: Any) -> OrderRequest:
    if not isinstance(data, dict):
        raise InvalidInput.for_field("request", data, "must be an order request object")
    return OrderRequest.create(
        str(data.get("code", "")),
        data.get("side", ""),
        _quantity(data.get("quantity")) or 0,
        _price(data.get("price")),
        data.get("order_type", "limit"),
        data.get("tif", "day"),
        data.get("session", "regular"),
        data.get("venue", "KRX"),
        data.get("client_order_id"),
        _price(data.get("stop_price")),
    )


def _price(value: Any) -> Any:
    if isinstance(value, dict) and "decimal" in value:
        from decimal import Decimal

        return Decimal(value["decimal"])
    return value


def _quantity(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.for_field("quantity", value, "must be a whole number")
    return value


def _moment(text: str | None, field: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(field, text, "ISO 8601 with an offset") from None
    if moment.tzinfo is None:
        raise InvalidInput.for_field(field, text, "must carry a UTC offset")
    return moment


async def serve(
    office: PaperBackOffice, host: str, port: int, ready: Callable[[str], None]
) -> None:
    """Run the service until cancelled (Ctrl-C); the office is closed however it ends (a
    taken port raises :class:`~yeouido.model.errors.PortInUse`)."""
    service = PaperService(office)
    try:
        runner = await service.start(host, port)
    except BaseException:
        await office.close()
        raise
    ready(f"http://{host}:{port}")
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await office.close()
