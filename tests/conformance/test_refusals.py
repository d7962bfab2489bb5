"""Conformance: orders that break a KRX rule are refused before anything reaches the venue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.conformance.orders import CODE, resting_buy_price
from tests.conformance.venues import VenueUnderTest
from yeouido.brokers.base import AsyncBroker
from yeouido.krx.ticks import tick_size
from yeouido.model.enums import OrderStatus
from yeouido.model.errors import (
    InvalidOrder,
    InvalidPrice,
    InvalidQuantity,
    OrderRejected,
    OutsidePriceLimits,
    UnknownInstrument,
)
from yeouido.model.orders import Order
from yeouido.oms.risk import RiskLimits


async def off_tick(broker: AsyncBroker) -> Order:
    price = await resting_buy_price(broker)
    assert tick_size(price) > 1
    return await broker.buy(CODE, 1, price + 1)


async def past_the_upper_limit(broker: AsyncBroker) -> Order:
    limits = (await broker.quote(CODE)).limits
    assert limits is not None
    return await broker.buy(CODE, 1, limits[1] + tick_size(limits[1]))


async def under_the_lower_limit(broker: AsyncBroker) -> Order:
    limits = (await broker.quote(CODE)).limits
    assert limits is not None
    return await broker.sell(CODE, 1, limits[0] - tick_size(limits[0]))


async def zero_quantity(broker: AsyncBroker) -> Order:
    return await broker.buy(CODE, 0, await resting_buy_price(broker))


async def unknown_code(broker: AsyncBroker) -> Order:
    return await broker.buy("999990", 1, 10_000)


CASES: dict[str, tuple[Callable[[AsyncBroker], Awaitable[Order]], type[InvalidOrder]]] = {
    "off_tick": (off_tick, InvalidPrice),
    "past_the_upper_limit": (past_the_upper_limit, OutsidePriceLimits),
    "under_the_lower_limit": (under_the_lower_limit, OutsidePriceLimits),
    "zero_quantity": (zero_quantity, InvalidQuantity),
    "unknown_code": (unknown_code, UnknownInstrument),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_order_is_refused_and_never_sent(venue: VenueUnderTest, case: str) -> None:
    send, error = CASES[case]
    before = venue.received_orders()
    with pytest.raises(error) as caught:
        venue.run(send(venue.broker))
    assert type(caught.value) is error
    assert caught.value.field and caught.value.field in caught.value.message
    assert venue.received_orders() == before


def test_a_modify_to_an_off_tick_price_is_refused_and_never_sent(venue: VenueUnderTest) -> None:
    broker = venue.broker

    async def scenario() -> Order:
        order = await broker.buy(CODE, 1, await resting_buy_price(broker))
        changes = venue.received_changes()
        with pytest.raises(InvalidPrice):
            await broker.modify(order.order_id, price=await resting_buy_price(broker) + 1)
        assert venue.received_changes() == changes
        assert (await broker.order(order.order_id)).status is OrderStatus.ACCEPTED
        return await broker.cancel(order.order_id)

    venue.run(scenario())


def test_reference_prices_are_fetched_once_per_code_and_day(venue: VenueUnderTest) -> None:
    view = venue.broker.market_view
    assert view is not None

    async def scenario() -> None:
        await view.prepare(CODE)
        asked = view.quote_requests
        for _ in range(3):
            with pytest.raises(InvalidPrice):
                await off_tick(venue.broker)
        assert view.quote_requests == asked
        reference = view.reference_prices(CODE)
        quote = await venue.broker.quote(CODE)
        assert reference is not None and reference.limits == quote.limits

    venue.run(scenario())


def test_switched_off_explicitly_a_bad_order_reaches_the_venue(venue: VenueUnderTest) -> None:
    """The refusals above are ours: without the KRX checks the same order is sent and the
    venue rejects it."""
    risk = venue.broker.oms.risk if venue.broker.oms is not None else None
    assert risk is not None and risk.limits.validate_krx
    before = venue.received_orders()
    risk.limits = RiskLimits(validate_krx=False)
    try:
        with pytest.raises((InvalidOrder, OrderRejected)):
            venue.run(off_tick(venue.broker))
    finally:
        risk.limits = RiskLimits()
    assert venue.received_orders() == before + 1
