"""A reconnecting websocket: the streaming transport every adapter shares.

:class:`ReconnectingWebSocket` keeps one connection to a service alive: it connects (after an
optional ``prepare`` step, such as fetching an approval key), calls ``on_connected`` so the
adapter can send its subscriptions again, hands every text frame to ``on_text``, and when the
socket drops it waits with backoff and jitter and connects again, calling ``on_reconnect``
afterwards so the adapter can catch up on what it missed (a gap fetched over REST). Heartbeats
are the adapter's business where the venue has its own (KIS's ``PINGPONG``); otherwise
``heartbeat`` seconds turns on websocket pings.

Nothing here knows a venue's message format: the adapter composes this class with its own
registrations and parsing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import aiohttp

from yeouido.model.errors import ConnectionFailed
from yeouido.net.retry import RetryPolicy

log = logging.getLogger(__name__)

TextHandler = Callable[[aiohttp.ClientWebSocketResponse, str], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]

MAX_BACKOFF_STEP = 10


class ReconnectingWebSocket:
    """One websocket to ``url`` kept connected until :meth:`close`."""

    def __init__(
        self,
        service: str,
        url: str,
        session: Callable[[], aiohttp.ClientSession],
        *,
        on_text: TextHandler,
        backoff: RetryPolicy,
        prepare: Hook | None = None,
        on_connected: Hook | None = None,
        on_reconnect: Hook | None = None,
        heartbeat: float | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.service = service
        self.url = url
        self._session = session
        self._on_text = on_text
        self._backoff = backoff
        self._prepare = prepare
        self._on_connected = on_connected
        self._on_reconnect = on_reconnect
        self._heartbeat = heartbeat
        self._connect_timeout = connect_timeout
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._closing = False
        self._background: set[asyncio.Future[None]] = set()
        self.connects = 0
        """Successful connections so far (the first one included)."""

    # -- life cycle ---------------------------------------------------------------------
    async def start(self, timeout: float | None = None) -> None:
        """Connect (and keep reconnecting in the background); waits for the first connect."""
        if self._task is None:
            self._closing = False
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            await asyncio.wait_for(self._connected.wait(), timeout or self._connect_timeout)
        except TimeoutError:
            raise ConnectionFailed(
                f"{self.service} websocket at {self.url} did not connect",
                field="ws_url",
                value=self.url,
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
        """Wait until the socket is (re)connected and ``on_connected`` has run."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def drop(self) -> None:
        """Close the current socket as if the server dropped it (tests); reconnects."""
        if self._socket is not None:
            await self._socket.close()

    async def send_text(self, text: str) -> bool:
        """Send ``text`` if connected; ``False`` when there is no open socket (the adapter
        sends its state again from ``on_connected`` after the next connect)."""
        socket = self._socket
        if socket is None or socket.closed:
            return False
        try:
            await socket.send_str(text)
        except (ConnectionError, aiohttp.ClientError, RuntimeError):
            return False
        return True

    def send_soon(self, text: str) -> None:
        """Send ``text`` from a background task (for callers that cannot await)."""
        if self.connected:
            self.background(self.send_text(text))

    def background(self, work: Awaitable[object]) -> None:
        """Run ``work`` in the background, keeping a reference until it is done."""

        async def run() -> None:
            await work

        task = asyncio.ensure_future(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- the connection loop ----------------------------------------------------------------
    async def _run(self) -> None:
        failures = 0
        while not self._closing:
            try:
                if self._prepare is not None:
                    await self._prepare()
                socket = await self._session().ws_connect(
                    self.url, autoping=True, heartbeat=self._heartbeat, max_msg_size=0
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                delay = self._backoff.delay(min(failures - 1, MAX_BACKOFF_STEP))
                log.warning(
                    "%s websocket connect failed (%s); retry in %.2f s",
                    self.service,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            self._socket = socket
            failures = 0
            self.connects += 1
            if self._on_connected is not None:
                await self._on_connected()
            self._connected.set()
            if self.connects > 1:
                log.info("%s websocket reconnected", self.service)
                if self._on_reconnect is not None:
                    self.background(self._on_reconnect())
            try:
                await self._read(socket)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s websocket reader failed", self.service)
            finally:
                self._connected.clear()
                self._socket = None
                with contextlib.suppress(Exception):
                    await socket.close()
            if self._closing:
                return
            failures += 1
            delay = self._backoff.delay(min(failures - 1, MAX_BACKOFF_STEP))
            log.warning(
                "%s websocket closed (code %s); reconnecting in %.2f s",
                self.service,
                socket.close_code,
                delay,
            )
            await asyncio.sleep(delay)

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            if message.type is aiohttp.WSMsgType.TEXT:
                await self._on_text(socket, message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                break
