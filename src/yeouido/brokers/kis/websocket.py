"""The KIS websocket client: registrations, heartbeats, decryption and reconnection.

One connection per app key (KIS refuses a second with ``OPSP8996``). The client keeps the
set of registrations (``tr_id``, ``tr_key``) and sends them again after every reconnect; it
refuses to go past ``max_registrations`` (40 by default; KIS allows 41) with a
:class:`~yeouido.model.errors.NotSupported` naming the cap. It echoes ``PINGPONG`` frames
(a protocol-level pong alone gets the connection closed), decrypts fill notices with the
key and iv of their subscribe reply, and reconnects with backoff and jitter when the socket
drops, calling ``on_reconnect`` so the broker can fetch what it missed over REST.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.auth import KisAuth
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.parsing import decrypt, split_frame
from yeouido.model.errors import ConnectionFailed, NotSupported
from yeouido.net.secrets import Secret

log = logging.getLogger(__name__)

FrameHandler = Callable[[str, int, str], None]
"""``(tr_id, record count, plaintext payload)``."""
Registration = tuple[str, str]


class KisWebSocket:
    """Registrations over one websocket, kept across reconnects."""

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
        self._session = session
        self._on_frame = on_frame
        self._on_reconnect = on_reconnect
        self.registrations: dict[Registration, int] = {}
        """Registration → number of users (sent once, dropped when the last leaves)."""
        self._keys: dict[str, tuple[str, str]] = {}
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._approval: Secret | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._closing = False
        self.connects = 0
        self.pings = 0
        self.replies: dict[Registration, str] = {}
        self._send_tasks: set[asyncio.Future[None]] = set()

    # -- life cycle ---------------------------------------------------------------------
    async def start(self, timeout: float | None = None) -> None:
        """Connect (and keep reconnecting in the background); waits for the first connect."""
        if self._task is None:
            self._closing = False
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            await asyncio.wait_for(self._connected.wait(), timeout or self.config.timeout)
        except TimeoutError:
            raise ConnectionFailed(
                f"KIS {self.config.env} websocket at {self.config.ws_url} did not connect",
                field="ws_url",
                value=self.config.ws_url,
            ) from None

    async def close(self) -> None:
        """Disconnect and stop reconnecting."""
        self._closing = True
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    @property
    def connected(self) -> bool:
        """Whether the socket is open now."""
        return self._socket is not None and not self._socket.closed

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Wait until the socket is (re)connected and registrations were sent."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def drop(self) -> None:
        """Close the current socket as if the server dropped it (tests); reconnects."""
        if self._socket is not None:
            await self._socket.close()

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
        if not self.connected:
            return  # sent on (re)connect
        task = asyncio.get_running_loop().create_task(self._send(tr_id, tr_key, tr_type))
        self._send_tasks.add(task)
        task.add_done_callback(self._send_tasks.discard)

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

    async def _send(self, tr_id: str, tr_key: str, tr_type: str) -> None:
        socket = self._socket
        if socket is None or socket.closed:
            return
        with contextlib.suppress(ConnectionError, aiohttp.ClientError, RuntimeError):
            await socket.send_str(self._message(tr_id, tr_key, tr_type))

    # -- the connection loop ----------------------------------------------------------------
    async def _run(self) -> None:
        failures = 0
        while not self._closing:
            try:
                if self._approval is None:
                    self._approval = await self.auth.approval_key()
                socket = await self._session().ws_connect(
                    self.config.ws_url, autoping=True, heartbeat=None, max_msg_size=0
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                delay = self.config.reconnect.delay(min(failures - 1, 10))
                log.warning(
                    "KIS %s websocket connect failed (%s); retry in %.2f s",
                    self.config.env,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            self._socket = socket
            failures = 0
            self.connects += 1
            reconnect = self.connects > 1
            for tr_id, tr_key in list(self.registrations):
                await self._send(tr_id, tr_key, p.WS_SUBSCRIBE)
            self._connected.set()
            if reconnect:
                log.info("KIS %s websocket reconnected", self.config.env)
                if self._on_reconnect is not None:
                    task = asyncio.ensure_future(self._on_reconnect())
                    self._send_tasks.add(task)
                    task.add_done_callback(self._send_tasks.discard)
            try:
                await self._read(socket)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("KIS %s websocket reader failed", self.config.env)
            finally:
                self._connected.clear()
                self._socket = None
                with contextlib.suppress(Exception):
                    await socket.close()
            if self._closing:
                return
            failures += 1
            delay = self.config.reconnect.delay(min(failures - 1, 10))
            log.warning(
                "KIS %s websocket closed (code %s); reconnecting in %.2f s",
                self.config.env,
                socket.close_code,
                delay,
            )
            await asyncio.sleep(delay)

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            if message.type is aiohttp.WSMsgType.TEXT:
                text: str = message.data
                if p.is_data_frame(text):
                    self._frame(text)
                else:
                    await self._control(socket, text)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                break

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
