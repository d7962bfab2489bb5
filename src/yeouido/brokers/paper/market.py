"""The paper market: a simulated trading day that moves by itself, for the paper broker.

:class:`PaperMarket` owns a :class:`~yeouido.exchange.simulation.MarketSimulation` and a
:class:`~yeouido.exchange.feed.MarketFeed`. With a ``speed`` it runs in an asyncio task,
advancing simulated time at ``speed`` × wall time (1 = real time); with ``speed=None`` time
moves only when :meth:`PaperMarket.advance` is called (deterministic tests and scripts).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path

from yeouido.data.store import BarStore
from yeouido.exchange.clock import NANOS, SimulationClock
from yeouido.exchange.events import ExchangeEvent, datetime_to_ts
from yeouido.exchange.feed import MarketFeed
from yeouido.exchange.simulation import MarketSimulation, base_prices_from_csv_dir
from yeouido.exchange.venue import Exchange
from yeouido.krx.master import default_master
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL

STEP_SECONDS = 0.1
"""Wall seconds between two advances of a running market."""


def stored_close(code: str, store: BarStore | None = None) -> int | None:
    """The last daily close of ``code`` in the bar store (raw prices first, then adjusted),
    or ``None`` when nothing usable is stored."""
    store = store or BarStore()
    for adjusted in (False, True):
        try:
            bars = store.read(code, "1d", adjusted=adjusted)
        except (InvalidInput, OSError):
            return None
        if len(bars):
            close = int(bars["close"].iloc[-1])
            return close if close > 0 else None
    return None


class PaperMarket:
    """A simulated KRX day for paper trading.

    ``codes`` pick the universe (default: the simulation's ~30 instruments; any other code of
    the instrument master is listed when it is first quoted or ordered); ``data_dir`` a
    directory of daily-bar CSV files whose last closes become the base prices; ``start`` the
    simulated time to fast-forward to before trading begins (default 09:00:30, just after the
    opening auction); ``speed`` as for :class:`~yeouido.exchange.clock.SimulationClock`.
    """

    def __init__(
        self,
        *,
        codes: Iterable[str] | None = None,
        data_dir: str | Path | None = None,
        day: date | None = None,
        start: time = time(9, 0, 30),
        speed: float | None = 1.0,
        seed: int = 0,
        nxt: bool = True,
    ) -> None:
        master = default_master()
        instruments = [master.get(code) for code in codes] if codes is not None else None
        base_prices: Mapping[str, int] | None = None
        csv_closes: Mapping[str, int] = {}
        if data_dir is not None:
            path = Path(data_dir)
            if not path.is_dir():
                raise InvalidInput.for_field("data_dir", str(path), "is not a directory")
            base_prices = csv_closes = base_prices_from_csv_dir(path)
            if instruments is not None:
                base_prices = {
                    i.code: base_prices.get(i.code) or master.reference_price(i.code) or 0
                    for i in instruments
                }

        def late_price(code: str) -> int | None:
            """The base price of a code listed during the day: the last close of the
            ``data_dir`` files, else the master's reference price, else the last close in
            the bar store."""
            return csv_closes.get(code) or master.reference_price(code) or stored_close(code)

        self.simulation = MarketSimulation(
            instruments, base_prices, day, seed=seed, nxt=nxt, late_prices=late_price
        )
        self.exchange: Exchange = self.simulation.exchange
        self.feed = MarketFeed(self.exchange, keep_trades=False)
        self.clock = SimulationClock(speed)
        self.speed = speed
        self._listeners: list[Callable[[ExchangeEvent], None]] = []
        self.exchange.subscribe(self._dispatch)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        start_at = datetime.combine(self.simulation.day, start, tzinfo=SEOUL)
        self.simulation.run_until(datetime_to_ts(start_at))

    @property
    def day(self) -> date:
        """The simulated trading day."""
        return self.simulation.day

    @property
    def now(self) -> datetime:
        """The simulated time (aware, Seoul)."""
        return self.exchange.now

    def listen(self, callback: Callable[[ExchangeEvent], None]) -> Callable[[], None]:
        """Call ``callback`` with every exchange event; returns an unsubscribe function."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def _dispatch(self, event: ExchangeEvent) -> None:
        for callback in list(self._listeners):
            callback(event)

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by ``seconds`` (agents trade, auctions run)."""
        if seconds < 0:
            raise InvalidInput.for_field("seconds", seconds, "must be >= 0")
        self.simulation.run_until(self.exchange.now_ts + int(seconds * NANOS))

    def advance_to(self, moment: datetime) -> None:
        """Move simulated time forward to ``moment``."""
        self.simulation.run_until(datetime_to_ts(moment))

    def start(self) -> None:
        """Start moving by itself (no-op with ``speed=None``)."""
        if self.speed is None or self._task is not None:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="paper-market")

    async def stop(self) -> None:
        """Stop moving."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        assert self.speed is not None
        step = int(STEP_SECONDS * self.speed * NANOS)
        end = datetime_to_ts(
            datetime.combine(self.day, time(20, 0), tzinfo=SEOUL) + timedelta(minutes=1)
        )
        while self.exchange.now_ts < end:
            target = self.exchange.now_ts + step
            self.simulation.run_until(target)
            await asyncio.sleep(self.clock.wait_for(target))
