"""Stopping a live run: on SIGINT/SIGTERM, and cancelling the strategy's open orders."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time as wall
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Protocol

from yeouido.brokers.sync import Broker
from yeouido.model.errors import YeouidoError

log = logging.getLogger("yeouido.run")


class Stoppable(Protocol):
    """What a signal stops (a :class:`~yeouido.strategy.runtime.LiveRuntime`)."""

    def stop_soon(self, reason: str = "requested") -> None:
        """Ask to stop without taking any lock (safe in a signal handler)."""
        ...


def cancel_open_orders(broker: Broker, owns: Callable[[str], bool], wait: float) -> list[str]:
    """Cancel the open orders for which ``owns(order_id)``, and wait up to ``wait`` wall
    seconds for them to close; returns the ids still open."""
    try:
        open_ids = [o.order_id for o in broker.orders(open_only=True) if owns(o.order_id)]
    except YeouidoError as error:
        log.warning("could not list open orders to cancel: %s", error)
        return []
    for order_id in open_ids:
        try:
            broker.cancel(order_id)
        except YeouidoError as error:
            log.warning("could not cancel %s: %s", order_id, error)
    deadline = wall.monotonic() + wait
    remaining = list(open_ids)
    while remaining and wall.monotonic() < deadline:
        try:
            remaining = [i for i in remaining if broker.order(i).is_open]
        except YeouidoError:
            break
        if remaining:
            wall.sleep(0.05)
    log.info(
        "cancel on stop: %d open order(s) cancelled%s",
        len(open_ids) - len(remaining),
        f", {len(remaining)} still open" if remaining else "",
    )
    return remaining


@contextlib.contextmanager
def stop_on_signals(runtime: Stoppable) -> Iterator[None]:
    """Stop ``runtime`` on SIGINT/SIGTERM (a second signal interrupts the stopping); only
    in the main thread, elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt
        runtime.stop_soon(f"signal {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


__all__ = ["Stoppable", "cancel_open_orders", "stop_on_signals"]
