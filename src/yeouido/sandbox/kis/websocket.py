"""The KIS websocket: subscribe/unsubscribe replies, trade and book frames, encrypted order
and fill notices, PINGPONG heartbeats, the 41-registration cap and one session per app key.

Served on its own port at ``/`` and ``/tryitout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import WSMsgType, web

from yeouido.brokers.kis.protocol import (
    WS_ALREADY_SUBSCRIBED,
    WS_APPKEY_IN_USE,
    WS_BOOK,
    WS_MAX_REGISTRATIONS,
    WS_MAX_SUBSCRIBE_OVER,
    WS_MESSAGES,
    WS_NOT_SUBSCRIBED,
    WS_NOTICES,
    WS_NXT_BOOK,
    WS_NXT_TRADE,
    WS_PINGPONG,
    WS_SUBSCRIBE,
    WS_SUBSCRIBED,
    WS_TRADE,
    WS_UN_BOOK,
    WS_UN_TRADE,
    WS_UNSUBSCRIBE,
    WS_UNSUBSCRIBED,
    Env,
    format_data_frame,
    notice_tr_id,
)
from yeouido.exchange.events import BookChanged, ExchangeEvent, TradePrinted
from yeouido.model.enums import Venue
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.aes import encrypt, new_key_iv
from yeouido.sandbox.kis.auth import Authority
from yeouido.sandbox.kis.book_fields import BookMemory
from yeouido.sandbox.kis.envelope import dumps
from yeouido.sandbox.kis.frames import book_record, trade_record

log = logging.getLogger(__name__)

MARKET_TR_IDS = frozenset(
    {WS_TRADE, WS_BOOK, "H0STANC0", WS_NXT_TRADE, WS_NXT_BOOK, WS_UN_TRADE, WS_UN_BOOK}
)
"""Market-data tr_ids accepted (data flows for KRX trades and books)."""
INVALID_APPROVAL = "OPSP0011"
INVALID_TR_ID = "OPSP0012"
JSON_ERROR = "OPSP9999"


def reply(
    tr_id: str, tr_key: str, msg_cd: str, rt_cd: str = "0", key_iv: tuple[str, str] | None = None
) -> str:
    """A JSON subscribe/unsubscribe reply."""
    body: dict[str, Any] = {"rt_cd": rt_cd, "msg_cd": msg_cd, "msg1": WS_MESSAGES[msg_cd]}
    if key_iv is not None:
        body["output"] = {"iv": key_iv[1], "key": key_iv[0]}
    encrypted = "Y" if tr_id in WS_NOTICES else "N"
    return dumps({"header": {"tr_id": tr_id, "tr_key": tr_key, "encrypt": encrypted}, "body": body})


class Session:
    """One websocket connection."""

    def __init__(self, hub: WebsocketHub, socket: web.WebSocketResponse, request: web.Request):
        self.hub = hub
        self.socket = socket
        self.transport = request.transport
        self.app_key: str | None = None
        self.account: KisAccount | None = None
        self.subscriptions: set[tuple[str, str]] = set()
        self.key, self.iv = new_key_iv()
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self._dirty_books: set[str] = set()
        self._book_memory = BookMemory()
        self._flush_scheduled = False
        self._unlisten: list[Callable[[], None]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start the writer and the heartbeat."""
        self._tasks.append(asyncio.create_task(self._writer()))
        self._tasks.append(asyncio.create_task(self._heartbeat()))

    async def close(self) -> None:
        """Stop tasks and listeners."""
        for unlisten in self._unlisten:
            unlisten()
        self._unlisten.clear()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    def send(self, text: str) -> None:
        """Queue a text message (order is kept)."""
        self.queue.put_nowait(text)

    async def _writer(self) -> None:
        while True:
            text = await self.queue.get()
            if self.socket.closed:
                return
            try:
                await self.socket.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.hub.ping_interval)
            now = datetime.now().strftime("%Y%m%d%H%M%S")
            self.send(dumps({"header": {"tr_id": WS_PINGPONG, "datetime": now}}))

    # -- binding to an account -----------------------------------------------------------
    def bind(self, app_key: str, account: KisAccount) -> None:
        """Attach the session to its app key's account (first valid subscribe)."""
        self.app_key, self.account = app_key, account
        self._unlisten.append(account.office.market.listen(self._on_event))
        account.notice_listeners.append(self._on_notice)
        self._unlisten.append(lambda: _discard(account.notice_listeners, self._on_notice))

    def _on_event(self, event: ExchangeEvent) -> None:
        if event.venue is not Venue.KRX or self.account is None:
            return
        if isinstance(event, TradePrinted) and (WS_TRADE, event.code) in self.subscriptions:
            record = trade_record(self.account, event)
            self.send(format_data_frame(WS_TRADE, [record]))
        elif isinstance(event, BookChanged) and (WS_BOOK, event.code) in self.subscriptions:
            self._dirty_books.add(event.code)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                try:
                    asyncio.get_running_loop().call_soon(self._flush_books)
                except RuntimeError:
                    self._flush_books()

    def _flush_books(self) -> None:
        self._flush_scheduled = False
        account = self.account
        if account is None:
            return
        codes, self._dirty_books = sorted(self._dirty_books), set()
        for code in codes:
            if (WS_BOOK, code) in self.subscriptions:
                book = account.office.orderbook(code)
                record = book_record(account, book, self._book_memory)
                self.send(format_data_frame(WS_BOOK, [record]))

    def _on_notice(self, fields: list[str]) -> None:
        account = self.account
        if account is None:
            return
        tr_id = notice_tr_id(self.hub.env)
        if (tr_id, account.credentials.hts_id) not in self.subscriptions:
            return
        cipher = encrypt("^".join(fields), self.key, self.iv)
        self.send(f"1|{tr_id}|001|{cipher}")

    # -- commands ----------------------------------------------------------------------
    def handle(self, text: str) -> None:
        """Answer one client text message."""
        try:
            message = json.loads(text)
            header = message["header"]
            tr_id = str(header.get("tr_id", "")) if isinstance(header, dict) else ""
        except (ValueError, KeyError, TypeError):
            self.send(reply("", "", JSON_ERROR, rt_cd="9"))
            return
        if tr_id == WS_PINGPONG:
            return
        try:
            approval = str(header["approval_key"])
            tr_type = str(header.get("tr_type", ""))
            body_input = message["body"]["input"]
            tr_id = str(body_input["tr_id"])
            tr_key = str(body_input["tr_key"])
        except (KeyError, TypeError):
            self.send(reply(tr_id, "", JSON_ERROR, rt_cd="9"))
            return
        owner = self.hub.authority.approval_owner(approval)
        account = self.hub.accounts.get(owner.app_key) if owner is not None else None
        if owner is None or account is None:
            self.send(reply(tr_id, tr_key, INVALID_APPROVAL, rt_cd="9"))
            return
        if self.app_key is None:
            current = self.hub.owners.get(owner.app_key)
            if current is not None and current is not self and not current.socket.closed:
                self.send(reply(tr_id, tr_key, WS_APPKEY_IN_USE, rt_cd="9"))
                return
            self.hub.owners[owner.app_key] = self
            self.bind(owner.app_key, account)
        elif self.app_key != owner.app_key:
            self.send(reply(tr_id, tr_key, WS_APPKEY_IN_USE, rt_cd="9"))
            return
        if tr_id not in MARKET_TR_IDS and tr_id != notice_tr_id(self.hub.env):
            self.send(reply(tr_id, tr_key, INVALID_TR_ID, rt_cd="9"))
            return
        registration = (tr_id, tr_key)
        if tr_type == WS_SUBSCRIBE:
            if registration in self.subscriptions:
                self.send(reply(tr_id, tr_key, WS_ALREADY_SUBSCRIBED, rt_cd="1"))
            elif len(self.subscriptions) >= WS_MAX_REGISTRATIONS:
                self.send(reply(tr_id, tr_key, WS_MAX_SUBSCRIBE_OVER, rt_cd="1"))
            else:
                self.subscriptions.add(registration)
                self.send(reply(tr_id, tr_key, WS_SUBSCRIBED, key_iv=(self.key, self.iv)))
        elif tr_type == WS_UNSUBSCRIBE:
            if registration not in self.subscriptions:
                self.send(reply(tr_id, tr_key, WS_NOT_SUBSCRIBED, rt_cd="1"))
            else:
                self.subscriptions.discard(registration)
                self.send(reply(tr_id, tr_key, WS_UNSUBSCRIBED))
        else:
            self.send(reply(tr_id, tr_key, JSON_ERROR, rt_cd="9"))


def _discard(
    listeners: list[Callable[[list[str]], None]], item: Callable[[list[str]], None]
) -> None:
    if item in listeners:
        listeners.remove(item)


class WebsocketHub:
    """Every websocket session of the sandbox."""

    def __init__(
        self,
        env: Env,
        authority: Authority,
        accounts: dict[str, KisAccount],
        ping_interval: float,
    ) -> None:
        self.env = env
        self.authority = authority
        self.accounts = accounts
        self.ping_interval = ping_interval
        self.sessions: set[Session] = set()
        self.owners: dict[str, Session] = {}
        self.app = web.Application()
        self.app.add_routes([web.get("/", self.serve), web.get("/tryitout", self.serve)])

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        """One connection, until it closes."""
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        session = Session(self, socket, request)
        self.sessions.add(session)
        session.start()
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    try:
                        session.handle(message.data)
                    except Exception:
                        log.exception("kis sandbox websocket: message failed")
                        session.send(reply("", "", "OPSP0007", rt_cd="9"))
        finally:
            self.sessions.discard(session)
            if session.app_key is not None and self.owners.get(session.app_key) is session:
                del self.owners[session.app_key]
            await session.close()
        return socket

    async def drop_all(self) -> None:
        """Test hook: cut every connection abruptly (clients see close code 1006)."""
        for session in list(self.sessions):
            if session.transport is not None:
                session.transport.abort()
            if session.app_key is not None and self.owners.get(session.app_key) is session:
                del self.owners[session.app_key]
        await asyncio.sleep(0)

    async def close_all(self) -> None:
        """Close every connection politely."""
        for session in list(self.sessions):
            with contextlib.suppress(Exception):
                await session.socket.close()
            await session.close()
