"""Stop signals of a command that serves until stopped: SIGINT (Ctrl-C), SIGTERM and SIGHUP
all end it the same way, so its cleanup (``async with`` blocks, ``finally``) runs however it
is stopped::

    async with stop_signals() as stopped:
        async with Server() as server:   # a signal during start-up is kept, not lost
            await stopped
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that stop a serving command (SIGHUP exists on POSIX only)."""


@asynccontextmanager
async def stop_signals() -> AsyncIterator[asyncio.Future[signal.Signals]]:
    """While inside, :data:`STOP_SIGNALS` resolve the yielded future (with the signal)
    instead of killing the process; the previous handlers are back on exit."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()

    def on_signal(signum: signal.Signals) -> None:
        if not received.done():
            received.set_result(signum)

    def on_signal_threadsafe(number: int, _frame: object) -> None:
        loop.call_soon_threadsafe(on_signal, signal.Signals(number))

    on_loop: list[signal.Signals] = []
    replaced: dict[signal.Signals, Any] = {}
    for signum in STOP_SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
            on_loop.append(signum)
        except (NotImplementedError, RuntimeError):  # Windows' event loops
            try:
                replaced[signum] = signal.signal(signum, on_signal_threadsafe)
            except ValueError:  # not the main thread: the signals are not ours to take
                continue
    try:
        yield received
    finally:
        for signum in on_loop:
            loop.remove_signal_handler(signum)
        for signum, previous in replaced.items():
            signal.signal(signum, previous)
        if not received.done():
            received.cancel()
