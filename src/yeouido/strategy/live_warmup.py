"""The live runtime's warm-up: the last bars of each symbol from the broker, split into the
history (completed bars) and the forming bar, and the values fed to the indicators."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import pandas as pd

from yeouido.brokers.base import AsyncBroker
from yeouido.model.errors import BrokerError, CircuitOpen, ConnectionFailed, NotSupported
from yeouido.model.market_data import Bar
from yeouido.model.time import SEOUL
from yeouido.strategy.live_bars import DAILY, INTERVAL_MINUTES, aggregate, bar_close_time

log = logging.getLogger("yeouido.run")


def source_interval(interval: str) -> str:
    """The bars asked of the broker for ``interval``: daily, else 1-minute bars."""
    return DAILY if interval == DAILY else "1m"


def indicator_values(bar: Bar) -> tuple[float, float, float, float, float, float]:
    """What an indicator is fed for ``bar``: open, high, low, close, volume and the day's
    ordinal."""
    return (
        float(bar.open),
        float(bar.high),
        float(bar.low),
        float(bar.close),
        float(bar.volume),
        float(bar.time.astimezone(SEOUL).date().toordinal()),
    )


def frame_bars(frame: pd.DataFrame | None, code: str, interval: str) -> list[Bar]:
    """A broker's bars frame as :class:`Bar` objects (Seoul times)."""
    if frame is None or frame.empty:
        return []
    index = pd.DatetimeIndex(frame.index)
    if index.tz is None:
        index = index.tz_localize(SEOUL)
    columns = [frame[name].to_numpy() for name in ("open", "high", "low", "close", "volume")]
    bars = []
    for position, moment in enumerate(index):
        o, h, low, c, v = (int(column[position]) for column in columns)
        bars.append(Bar(code, moment.to_pydatetime().astimezone(SEOUL), o, h, low, c, v, interval))
    return bars


async def fetch_warmup(
    broker: AsyncBroker, codes: Iterable[str], interval: str, count: int, moment: datetime
) -> dict[str, pd.DataFrame | None]:
    """The bars of ``codes`` from which the last ``count`` completed bars of ``interval``
    before ``moment`` are made (``None`` for a code the broker has none of)."""
    source = source_interval(interval)
    if source == DAILY:
        start = moment - timedelta(days=int(count * 1.5) + 10)
    else:
        start = moment - timedelta(minutes=(count + 1) * INTERVAL_MINUTES.get(interval, 1))
    frames: dict[str, pd.DataFrame | None] = {}
    for code in codes:
        try:
            frames[code] = await broker.bars(code, source, start=start)
        except NotSupported as error:
            log.info("warm-up: %s has no %s bars (%s)", broker.name, source, error.message)
            frames[code] = None
        except (ConnectionFailed, CircuitOpen):
            raise
        except BrokerError as error:
            log.warning("warm-up: no %s bars of %s: %s", source, code, error)
            frames[code] = None
    return frames


def split_warmup(
    frame: pd.DataFrame | None,
    code: str,
    interval: str,
    count: int,
    moment: datetime,
    delay: timedelta,
) -> tuple[list[Bar], list[Bar]]:
    """The last ``count`` bars of ``interval`` completed by ``moment`` (a bar completes
    ``delay`` after its end), and the forming ones after them."""
    bars = frame_bars(frame, code, source_interval(interval))
    if interval not in (DAILY, "1m"):
        bars = aggregate(bars, interval)
    done = [bar for bar in bars if bar_close_time(bar.time, interval) + delay <= moment]
    forming = bars[len(done) :]
    return (done[-count:] if count else []), forming


def warmup_shortfall(histories: Iterable[Sequence[Bar]], wanted: int) -> str:
    """The tail of the warm-up log line: what a shorter history than ``wanted`` means."""
    if all(len(bars) >= wanted for bars in histories):
        return ""
    return (
        " (the broker's history is shorter: warming up on what there is; indicators fill "
        "from live bars)"
    )


__all__ = [
    "fetch_warmup",
    "frame_bars",
    "indicator_values",
    "source_interval",
    "split_warmup",
    "warmup_shortfall",
]
