"""Prices and requests the conformance tests build from the venue's own quote."""

from __future__ import annotations

from yeouido.brokers.base import AsyncBroker
from yeouido.krx.ticks import round_price, tick_size
from yeouido.model.enums import OrderStatus

CODE = "005930"
ACCEPTED_OR_BETTER = {
    OrderStatus.ACCEPTED,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.FILLED,
}


async def resting_buy_price(broker: AsyncBroker, code: str = CODE, ticks: int = 5) -> int:
    """A buy price ``ticks`` ticks under the best bid: it rests."""
    quote = await broker.quote(code)
    table = (await broker.instrument(code)).tick_table
    assert quote.bid is not None and quote.limits is not None
    price = quote.bid
    for _ in range(ticks):
        price = round_price(price - tick_size(price, table), table, "down")
    return int(max(price, quote.limits[0]))


async def marketable_buy_price(broker: AsyncBroker, code: str = CODE, ticks: int = 3) -> int:
    """A buy price ``ticks`` ticks over the best ask: it fills now."""
    quote = await broker.quote(code)
    table = (await broker.instrument(code)).tick_table
    assert quote.ask is not None and quote.limits is not None
    price = quote.ask
    for _ in range(ticks):
        price = round_price(price + tick_size(price, table), table, "up")
    return int(min(price, quote.limits[1]))


async def stop_prices(broker: AsyncBroker, code: str = CODE, ticks: int = 10) -> tuple[int, int]:
    """(stop, limit) of a buy stop-limit that waits: the stop ``ticks`` ticks over the last
    trade, the limit two ticks over the stop."""
    quote = await broker.quote(code)
    table = (await broker.instrument(code)).tick_table
    assert quote.last is not None and quote.limits is not None
    stop = quote.last
    for _ in range(ticks):
        stop = round_price(stop + tick_size(stop, table), table, "up")
    limit = stop
    for _ in range(2):
        limit = round_price(limit + tick_size(limit, table), table, "up")
    upper = quote.limits[1]
    return int(min(stop, upper)), int(min(limit, upper))
