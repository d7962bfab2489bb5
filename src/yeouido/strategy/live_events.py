"""The live runtime's event pump: a broker's trades and order events, queued for the
runtime's thread.

:func:`subscribe` registers on the broker's loop, in one turn of it, the trade and order
callbacks and reads where the order manager's fill log stands (the fills after that place
come as events; on a reconnect, the fills after the last place handled are returned to be
delivered first). Each order event carries the one copy of its order's state, taken there.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd

from yeouido.brokers.base import AsyncBroker, MarketEvent, OrderEvent
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.model.account import Fill
from yeouido.model.market_data import Trade
from yeouido.strategy.live_context import snapshot
from yeouido.strategy.live_warmup import fetch_warmup


@dataclass(frozen=True, slots=True)
class TradeItem:
    """A trade of one of the symbols."""

    trade: Trade


@dataclass(frozen=True, slots=True)
class OrderItem:
    """An order event (its order already copied)."""

    event: OrderEvent


WAKE = object()
"""Put on the queue to wake the runtime thread (a stop)."""


@dataclass(slots=True)
class Subscription:
    """What :func:`subscribe` set up and read."""

    unsubscribe: list[Callable[[], None]]
    moment: datetime
    """The market time when it subscribed."""
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    """The warm-up bars by code (empty when none were asked for)."""
    fill_place: int | None = None
    """Where the order manager's fill log stood (``None``: the broker keeps none)."""
    missed: list[tuple[int, Fill]] = field(default_factory=list)
    """The fills after the place given to :func:`subscribe`, with their places."""


async def subscribe(
    broker: AsyncBroker,
    items: queue.Queue[object],
    codes: Iterable[str],
    clock: Callable[[], datetime],
    *,
    fill_place: int | None,
    warmup: tuple[str, int] | None = None,
) -> Subscription:
    """Queue ``broker``'s order events and the trades of ``codes`` on ``items`` (run it on
    the broker's loop). ``fill_place`` is the last place of the fill log handled (``None``
    the first time); ``warmup`` (interval, count) also reads the warm-up bars."""
    codes = list(codes)

    def on_market(event: MarketEvent) -> None:
        if isinstance(event, Trade):
            items.put(TradeItem(event))

    def on_order(event: OrderEvent) -> None:
        if event.order is not None:  # the one copy of this state of the order
            event = replace(event, order=snapshot(event.order))
        items.put(OrderItem(event))

    place: int | None = None
    missed: list[tuple[int, Fill]] = []
    if isinstance(broker, OmsBroker):  # no await from here to the subscription
        place = broker.fill_count if fill_place is None else fill_place
        if fill_place is not None:
            missed = broker.fills_since(fill_place)
    unsubscribe = [broker.on_order(on_order)]
    unsubscribe.append(broker.on_market(codes, on_market, kinds=("trades",)))
    moment = clock()
    frames = {} if warmup is None else await fetch_warmup(broker, codes, *warmup, moment)
    return Subscription(unsubscribe, moment, frames, place, missed)


def stream_alive(broker: AsyncBroker) -> bool:
    """Whether the broker's push stream still runs, where the broker lets that be seen."""
    connected = getattr(broker, "connected", None)
    if isinstance(connected, bool):
        return connected
    reader = getattr(broker, "_reader", None)  # the paper service client's websocket reader
    if isinstance(reader, asyncio.Future):
        return not reader.done()
    return True


__all__ = ["WAKE", "OrderItem", "Subscription", "TradeItem", "stream_alive", "subscribe"]
