"""Conformance: every supported order type, modify, cancel, fills exactly once, the account."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.conformance.orders import (
    ACCEPTED_OR_BETTER,
    CODE,
    marketable_buy_price,
    resting_buy_price,
    stop_prices,
)
from tests.conformance.venues import VenueUnderTest, eventually
from yeouido.brokers.base import OrderEvent
from yeouido.krx.order_rules import allowed_order_types
from yeouido.krx.sessions import Phase
from yeouido.model.enums import OrderStatus, OrderType, Session, TimeInForce
from yeouido.model.errors import OrderNotOpen
from yeouido.model.orders import Order


async def _settle_open(venue: VenueUnderTest, order: Order) -> None:
    """Cancel ``order`` if it still rests, and wait for it to be done."""
    broker = venue.broker
    current = await broker.order(order.order_id)
    if current.is_open:
        # a fill may overtake the cancel: then the venue answers that the order is not open
        with contextlib.suppress(OrderNotOpen):
            await broker.cancel(order.order_id)
    await eventually(lambda: not current.is_open, 15, f"{order.order_id} closed")


def test_every_supported_order_type_is_accepted(venue: VenueUnderTest) -> None:
    broker = venue.broker
    capabilities = broker.capabilities
    types = sorted(
        capabilities.order_types & allowed_order_types(Phase.CONTINUOUS), key=lambda t: t.value
    )
    assert OrderType.LIMIT in types and OrderType.MARKET in types
    assert Session.REGULAR in capabilities.sessions
    assert TimeInForce.DAY in capabilities.time_in_force

    async def scenario() -> dict[OrderType, OrderStatus]:
        statuses = {}
        for order_type in types:
            price: int | None = None
            stop: int | None = None
            if order_type in (OrderType.LIMIT, OrderType.CONDITIONAL_LIMIT):
                price = await resting_buy_price(broker)
            elif order_type is OrderType.STOP_LIMIT:
                stop, price = await stop_prices(broker)
            order = await broker.buy(CODE, 1, price, order_type=order_type, stop_price=stop)
            assert order.request.order_type is order_type
            statuses[order_type] = order.status
            await _settle_open(venue, order)
        return statuses

    statuses = venue.run(scenario())
    refused = {t.value: s.value for t, s in statuses.items() if s not in ACCEPTED_OR_BETTER}
    assert refused == {}


def test_a_price_means_limit_and_no_price_means_market(venue: VenueUnderTest) -> None:
    broker = venue.broker

    async def scenario() -> tuple[Order, Order]:
        limit = await broker.buy(CODE, 1, await resting_buy_price(broker))
        market = await broker.buy(CODE, 1)
        await _settle_open(venue, limit)
        await _settle_open(venue, market)
        return limit, market

    limit, market = venue.run(scenario())
    assert limit.request.order_type is OrderType.LIMIT
    assert market.request.order_type is OrderType.MARKET and market.request.price is None


def test_modify_then_cancel(venue: VenueUnderTest) -> None:
    broker = venue.broker

    async def scenario() -> None:
        price = await resting_buy_price(broker, ticks=6)
        order = await broker.buy(CODE, 5, price)
        assert order.status is OrderStatus.ACCEPTED
        lower = await resting_buy_price(broker, ticks=8)
        modified = await broker.modify(order.order_id, price=lower)
        assert modified.request.price == lower and modified.is_open
        canceled = await broker.cancel(order.order_id)
        await eventually(lambda: canceled.status is OrderStatus.CANCELED, 15, "canceled")
        assert order.order_id not in {o.order_id for o in await broker.orders(open_only=True)}

    venue.run(scenario())


def test_a_fill_arrives_exactly_once_and_moves_the_account(venue: VenueUnderTest) -> None:
    broker = venue.broker

    async def scenario() -> None:
        events: list[OrderEvent] = []
        unsubscribe = broker.on_order(events.append)
        try:
            held = {p.code: p.quantity for p in await broker.positions()}.get(CODE, 0)
            balance = await broker.balance()
            order = await broker.buy(CODE, 3, await marketable_buy_price(broker))
            await eventually(lambda: order.status is OrderStatus.FILLED, 20, "filled")
            await asyncio.sleep(0.5)  # room for a duplicate to show up
        finally:
            unsubscribe()
        mine = [e.fill for e in events if e.fill is not None and e.order_id == order.order_id]
        assert sum(fill.quantity for fill in mine) == 3
        trade_ids = [fill.trade_id for fill in mine]
        assert len(trade_ids) == len(set(trade_ids))
        listed = [f for f in await broker.fills() if f.order_id == order.order_id]
        assert sorted(f.trade_id for f in listed) == sorted(trade_ids)
        positions = {p.code: p for p in await broker.positions()}
        assert positions[CODE].quantity == held + 3
        after = await broker.balance()
        assert isinstance(after.settlement_d2, int)
        assert after.settlement_d2 < balance.settlement_d2

    venue.run(scenario())


def test_buying_power_pays_for_its_quantity(venue: VenueUnderTest) -> None:
    broker = venue.broker

    async def scenario() -> None:
        price = await resting_buy_price(broker)
        power = await broker.buying_power(CODE, price)
        assert power.code == CODE and isinstance(power.amount, int)
        assert power.amount > 0 and power.quantity > 0
        assert power.quantity * price <= power.amount < (power.quantity + 2) * price * 1.01

    venue.run(scenario())


def test_a_dropped_connection_misses_no_fill(venue: VenueUnderTest) -> None:
    drop = venue.drop_connection
    if drop is None:
        pytest.skip(f"{venue.kind}: no streaming connection to drop")
    broker = venue.broker

    async def scenario() -> None:
        events: list[OrderEvent] = []
        unsubscribe = broker.on_order(events.append)
        try:
            await drop()
            order = await broker.buy(CODE, 2, await marketable_buy_price(broker))
            await eventually(lambda: order.status is OrderStatus.FILLED, 30, "filled")
            await asyncio.sleep(0.5)
        finally:
            unsubscribe()
        mine = [e.fill for e in events if e.fill is not None and e.order_id == order.order_id]
        assert sum(fill.quantity for fill in mine) == 2
        assert len({fill.trade_id for fill in mine}) == len(mine)

    venue.run(scenario())
