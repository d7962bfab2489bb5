"""The simulation clock: real time, accelerated (×N), or as fast as possible.

The clock does not move the exchange itself; a driver loop advances the simulation in steps and
asks the clock to :meth:`SimulationClock.pace` each step, which sleeps just long enough for
simulated time to run at ``speed`` times wall time. With ``speed=None`` it never sleeps, so
the result depends only on the seed and the inputs, never on the machine's speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from yeouido.model.errors import InvalidInput

NANOS = 1_000_000_000


class SimulationClock:
    """Paces simulated time against the wall clock.

    ``speed=1`` is real time, ``speed=60`` a simulated minute per second, ``None`` as fast as
    possible. ``sleep`` and ``monotonic`` can be replaced (tests use a fake wall clock).
    """

    def __init__(
        self,
        speed: float | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed is not None and not speed > 0:
            raise InvalidInput.for_field(
                "speed", speed, "must be > 0 (or None: as fast as possible)"
            )
        self.speed = speed
        self._sleep = sleep
        self._monotonic = monotonic
        self._anchor: tuple[int, float] | None = None

    @property
    def mode(self) -> str:
        """``"fast"``, ``"realtime"`` or ``"accelerated"``."""
        if self.speed is None:
            return "fast"
        return "realtime" if self.speed == 1 else "accelerated"

    def pace(self, simulated_ts: int) -> float:
        """Sleep until wall time catches up with ``simulated_ts``; return the seconds slept."""
        wait = self.wait_for(simulated_ts)
        if wait > 0:
            self._sleep(wait)
        return wait

    def wait_for(self, simulated_ts: int) -> float:
        """Seconds of wall time to wait before ``simulated_ts`` is due (0 when late or fast);
        for asyncio drivers, which ``await asyncio.sleep(...)`` instead of blocking."""
        if self.speed is None:
            return 0.0
        now = self._monotonic()
        if self._anchor is None:
            self._anchor = (simulated_ts, now)
            return 0.0
        start_ts, start_wall = self._anchor
        due = start_wall + (simulated_ts - start_ts) / NANOS / self.speed
        return max(0.0, due - now)

    def reset(self) -> None:
        """Forget the anchor (after a pause, so the clock does not try to catch up)."""
        self._anchor = None
