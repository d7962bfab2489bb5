"""The market's clock when the KIS adapter talks to a sandbox on loopback.

Real KIS trades on Korea's wall clock, so the adapter's session checks run on it. A local
KIS sandbox runs a simulated day whose time differs from the wall (it starts at 09:00 of the
next trading day, at its own speed); it tells that time on :data:`protocol.SANDBOX_CLOCK_PATH`,
a path real KIS does not have. :func:`sandbox_clock` asks it once when the adapter starts —
only when the REST URL is a loopback address — and :class:`VenueClock` then moves on from the
answer at the sandbox's speed; :meth:`VenueClock.refresh` asks again (before each order).
"""

from __future__ import annotations

import ipaddress
import logging
import time as wall
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import aiohttp

from yeouido.brokers.kis import protocol as p
from yeouido.model.time import SEOUL

log = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 3.0


def is_loopback_url(url: str) -> bool:
    """Whether ``url``'s host is a loopback address (127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class VenueClock:
    """The sandbox's simulated time, moved on from its last answer at its speed."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._url = base_url.rstrip("/") + p.SANDBOX_CLOCK_PATH
        self._answer: tuple[datetime, float, float] | None = None

    def __call__(self) -> datetime:
        if self._answer is None:
            return datetime.now(SEOUL)
        answered, at, speed = self._answer
        return answered + timedelta(seconds=(wall.monotonic() - at) * speed)

    async def refresh(self) -> datetime:
        """Ask the sandbox for its time; raises :class:`LookupError` when it does not tell."""
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_SECONDS)
        try:
            async with self._session.get(self._url, timeout=timeout) as response:
                if response.status != 200:
                    raise LookupError(f"{self._url} answered HTTP {response.status}")
                data = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise LookupError(f"{self._url}: {type(error).__name__}") from None
        if not isinstance(data, dict):
            raise LookupError(f"{self._url}: not a JSON object")
        now = datetime.fromisoformat(str(data.get("now"))).astimezone(SEOUL)
        speed = data.get("speed")
        # "as fast as possible" has no rate: the time is asked again before each order
        self._answer = (now, wall.monotonic(), float(speed) if speed else 0.0)
        return now


async def sandbox_clock(session: aiohttp.ClientSession, base_url: str) -> VenueClock | None:
    """The sandbox's clock when ``base_url`` is a loopback KIS sandbox, else ``None``."""
    if not is_loopback_url(base_url):
        return None
    clock = VenueClock(session, base_url)
    try:
        now = await clock.refresh()
    except (LookupError, ValueError) as error:
        log.info("KIS at %s tells no sandbox time (%s); wall time is used", base_url, error)
        return None
    log.info("KIS sandbox at %s: simulated market time %s", base_url, f"{now:%Y-%m-%d %H:%M:%S}")
    return clock
