"""The live runtime's time: the market's clock as the strategy sees it, the paper service's
clock, and ``--until``."""

from __future__ import annotations

import logging
import time as wall
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from yeouido.model.errors import ConnectionFailed, InvalidInput, YeouidoError
from yeouido.model.time import SEOUL, now_seoul

if TYPE_CHECKING:
    from yeouido.brokers.sync import Broker

log = logging.getLogger("yeouido.run")

WALL_CLOCK_DELAY = timedelta(seconds=2)
"""How long after a bar's end its timer fires when the clock is not the market's own."""

MAX_CLOCK_SKEW = timedelta(minutes=2)
"""A first trade stamped further than this from the clock moves the clock to the trades'."""


class MarketClock:
    """The market's time as the strategy sees it: never goes back.

    ``source`` gives the time; with ``follow_trades`` the clock also moves forward to the
    time of any trade stamped later than it, and the first trade whose time is more than
    :data:`MAX_CLOCK_SKEW` away from it sets an offset (a simulated sandbox's clock).
    """

    def __init__(self, source: Callable[[], datetime], *, follow_trades: bool) -> None:
        self._source = source
        self.follow_trades = follow_trades
        self._offset = timedelta(0)
        self._last: datetime | None = None
        self._synced = not follow_trades

    def set_source(self, source: Callable[[], datetime], *, follow_trades: bool) -> None:
        """Read the time from ``source`` from now on (after a reconnect)."""
        self._source = source
        self.follow_trades = follow_trades

    def raw(self) -> datetime:
        """The source's time with the offset, without the never-back rule."""
        try:
            moment = self._source()
        except YeouidoError:
            moment = self._last or now_seoul()
        return (moment + self._offset).astimezone(SEOUL)

    def now(self) -> datetime:
        """The current market time (aware, Seoul)."""
        moment = self.raw()
        if self._last is not None and moment < self._last:
            return self._last
        self._last = moment
        return moment

    def observe(self, moment: datetime) -> None:
        """A trade stamped ``moment`` was seen."""
        if not self.follow_trades:
            return
        current = self.raw()
        if not self._synced:
            self._synced = True
            if abs(moment - current) > MAX_CLOCK_SKEW:
                self._offset += moment - current
                self._last = None
                skew = (moment - current).total_seconds()
                log.info(
                    "the trades' clock is %+.0f s from this machine's: market time follows the "
                    "trades",
                    skew,
                )
            return
        if moment > current:
            self._offset += moment - current

    def restart(self) -> None:
        """Forget the last time given (the market started a new session behind it)."""
        self._last = None


class ServiceTime:
    """The paper service's simulated clock, read every so often and run on in between at
    the service's speed."""

    def __init__(self, fetch: Callable[[], Any]) -> None:
        self._fetch = fetch
        self._base = now_seoul()
        self._speed = 0.0
        self._at = wall.monotonic()
        self.refreshed = 0.0

    def refresh(self) -> None:
        """Ask the service for its time (raises :class:`ConnectionFailed` when it is gone)."""
        data = self._fetch()
        if not isinstance(data, Mapping) or "now" not in data:
            raise ConnectionFailed("the paper service gave no status", field="service")
        self._base = datetime.fromisoformat(str(data["now"])).astimezone(SEOUL)
        self._speed = float(data.get("speed") or 0.0)
        self._at = wall.monotonic()
        self.refreshed = self._at

    def __call__(self) -> datetime:
        return self._base + timedelta(seconds=(wall.monotonic() - self._at) * self._speed)


def parse_until(text: str) -> time | str:
    """``"HH:MM"``/``"HH:MM:SS"`` (Seoul market time) or ``"close"``."""
    value = text.strip().lower()
    if value == "close":
        return "close"
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInput.for_field("until", text, "use HH:MM, HH:MM:SS or close") from None


@dataclass(frozen=True, slots=True)
class ClockSource:
    """Where a broker's market time comes from, and how bars are timed on it."""

    read: Callable[[], datetime]
    follow_trades: bool
    """Whether the clock also follows the trades' time stamps (a clock not the market's)."""
    delay: timedelta
    """How long after a bar's end its timer fires."""
    service_time: ServiceTime | None = None
    """The paper service's clock, to refresh now and then."""
    in_process: bool = False
    """The simulated market runs in this process (no connection to watch)."""


def clock_source(broker: Broker) -> ClockSource:
    """The market time of ``broker``: the in-process paper market's simulated clock, the
    paper service's clock, or the Seoul wall clock (following the trades)."""
    from yeouido.brokers.paper.broker import PaperBroker

    inner = broker.async_broker
    if isinstance(inner, PaperBroker):
        return ClockSource(lambda: inner.now, False, timedelta(0), in_process=True)
    venue_status = getattr(inner, "venue_status", None)  # a venue-protocol client
    if broker.name == "paper" and callable(venue_status):
        service_time = ServiceTime(lambda: broker.run(venue_status()))
        service_time.refresh()
        return ClockSource(service_time, True, timedelta(seconds=1), service_time)
    return ClockSource(now_seoul, True, WALL_CLOCK_DELAY)


__all__ = [
    "MAX_CLOCK_SKEW",
    "WALL_CLOCK_DELAY",
    "ClockSource",
    "MarketClock",
    "ServiceTime",
    "clock_source",
    "parse_until",
]
