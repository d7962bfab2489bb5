"""The KIS websocket client: registrations, heartbeats and decryption over the kit's
reconnecting websocket (:mod:`yeouido.net.websocket`).

One connection per app key (KIS refuses a second with ``OPSP8996``). The client keeps the
set of registrations (``tr_id``, ``tr_key``) and sends them again after every reconnect; it
refuses to go past ``max_registrations`` (40 by default; KIS allows 41) with a
:class:`~yeouido.model.errors.NotSupported` naming the cap. It echoes ``PINGPONG`` frames
(a protocol-level pong alone gets the connection closed), decrypts fill notices with the
key and iv of their subscribe reply, and reconnects with backoff and jitter when the socket
drops, calling ``on_reconnect`` so the broker can fetch what it missed over REST.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.auth import KisAuth
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.parsing import decrypt, split_frame
from yeouido.model.errors import NotSupported
from yeouido.net.secrets import Secret
from yeouido.net.websocket import ReconnectingWebSocket

log = logging.getLogger(__name__)

FrameHandler = Callable[[str, int, str], None]
"""``(tr_id, record count, plaintext payload)``."""
Registration = tuple[str, str]


class KisWebSocket:
    """Registrations over one :class:`~yeouido.net.websocket.ReconnectingWebSocket`, kept
    across reconnects."""

    def __init__(
        self,
        config: KisConfig,
        auth: KisAuth,
        session: Callable[[], aiohttp.ClientSession],
        on_frame: FrameHandler,
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.config = config
        self.auth = auth
        self._on_frame = on_frame
        self.registrations: dict[Registration, int] = {}
        """Registration → number of users (sent once, dropped when the last leaves)."""
        self._keys: dict[str, tuple[str, str]] = {}
        self._approval: Secret | None = None
        self.pings = 0
        self.replies: dict[Registration, str] = {}
        self.socket = ReconnectingWebSocket(
            f"KIS {config.env}",
            config.ws_url,
            session,
            on_text=self._text,
            backoff=config.reconnect,
            prepare=self._prepare,
            on_connected=self._register_all,
            on_reconnect=on_reconnect,
            connect_timeout=config.timeout,
        )

    # -- life cycle ---------------------------------------------------------------------
    async def start(self, timeout: float | None = None) -> None:
        """Connect (and keep reconnecting in the background); waits for the first connect."""
        await self.socket.start(timeout)

    async def close(self) -> None:
        """Disconnect and stop reconnecting."""
        await self.socket.close()

    @property
    def connected(self) -> bool:
        """Whether the socket is open now."""
        return self.socket.connected

    @property
    def connects(self) -> int:
        """Successful connections so far."""
        return self.socket.connects

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Wait until the socket is (re)connected and registrations were sent."""
        await self.socket.wait_connected(timeout)

    async def drop(self) -> None:
        """Close the current socket as if the server dropped it (tests); reconnects."""
        await self.socket.drop()

    async def _prepare(self) -> None:
        if self._approval is None:
            self._approval = await self.auth.approval_key()

    async def _register_all(self) -> None:
        for tr_id, tr_key in list(self.registrations):
            await self.socket.send_text(self._message(tr_id, tr_key, p.WS_SUBSCRIBE))

    # -- registrations ---------------------------------------------------------------------
    def subscribe(self, tr_id: str, tr_key: str) -> None:
        """Register ``(tr_id, tr_key)`` (counted; sent once)."""
        key = (tr_id, tr_key)
        if key in self.registrations:
            self.registrations[key] += 1
            return
        cap = self.config.max_registrations
        shown = "(HTS id)" if tr_id in p.WS_NOTICES else tr_key
        if len(self.registrations) >= cap:
            raise NotSupported(
                f"KIS websocket allows {cap} registrations per session (trades, books and "
                f"notices together; KIS's own limit is {p.WS_MAX_REGISTRATIONS}); "
                f"{len(self.registrations)} are in use, so {tr_id} {shown} cannot be added",
                field="registrations",
                value=len(self.registrations) + 1,
                rule=f"at most {cap}",
            )
        self.registrations[key] = 1
        self._send_soon(tr_id, tr_key, p.WS_SUBSCRIBE)

    def unsubscribe(self, tr_id: str, tr_key: str) -> None:
        """Drop one use of ``(tr_id, tr_key)``; unregisters after the last."""
        key = (tr_id, tr_key)
        count = self.registrations.get(key, 0)
        if count > 1:
            self.registrations[key] = count - 1
        elif count == 1:
            del self.registrations[key]
            self._send_soon(tr_id, tr_key, p.WS_UNSUBSCRIBE)

    def _send_soon(self, tr_id: str, tr_key: str, tr_type: str) -> None:
        if self._approval is not None:  # before the first connect: sent on connect
            self.socket.send_soon(self._message(tr_id, tr_key, tr_type))

    def _message(self, tr_id: str, tr_key: str, tr_type: str) -> str:
        assert self._approval is not None
        return json.dumps(
            {
                "header": {
                    "approval_key": self._approval.reveal(),
                    "custtype": self.config.custtype,
                    "tr_type": tr_type,
                    "content-type": "utf-8",
                },
                "body": {"input": {"tr_id": tr_id, "tr_key": tr_key}},
            }
        )

    # -- what the server sends ------------------------------------------------------------------
    async def _text(self, socket: aiohttp.ClientWebSocketResponse, text: str) -> None:
        if p.is_data_frame(text):
            self._frame(text)
        else:
            await self._control(socket, text)

    def _frame(self, text: str) -> None:
        encrypted, tr_id, count, payload = split_frame(text)
        if encrypted:
            key_iv = self._keys.get(tr_id)
            if key_iv is None:
                log.warning("KIS encrypted %s frame before its key; dropped", tr_id)
                return
            payload = decrypt(payload, *key_iv)
        try:
            self._on_frame(tr_id, count, payload)
        except Exception:
            log.exception("KIS %s frame handler failed", tr_id)

    async def _control(self, socket: aiohttp.ClientWebSocketResponse, text: str) -> None:
        try:
            data: Any = json.loads(text)
        except ValueError:
            log.warning("KIS websocket sent an unreadable message (%d characters)", len(text))
            return
        header = data.get("header", {}) if isinstance(data, dict) else {}
        tr_id = str(header.get("tr_id", ""))
        if tr_id == p.WS_PINGPONG:
            self.pings += 1
            await socket.send_str(text)
            return
        body = data.get("body", {}) if isinstance(data, dict) else {}
        msg_cd = str(body.get("msg_cd", ""))
        self.replies[(tr_id, str(header.get("tr_key", "")))] = msg_cd
        output = body.get("output") or {}
        if isinstance(output, dict) and output.get("key") and output.get("iv"):
            self._keys[tr_id] = (str(output["key"]), str(output["iv"]))
        if str(body.get("rt_cd", "0")) != "0" and msg_cd not in (
            p.WS_ALREADY_SUBSCRIBED,
            p.WS_NOT_SUBSCRIBED,
        ):
            log.error("KIS websocket refused %s: [%s] %s", tr_id, msg_cd, str(body.get("msg1", "")))
