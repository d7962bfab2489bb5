"""Continuous trading: one worked example per order type, modify and cancel."""

from __future__ import annotations

import pytest

from tests.exchange.helpers import at, events_of, exchange, last_seq, order, trades
from yeouido.exchange import (
    OrderExpired,
    OrderModified,
    OrderRejected,
    OrderTriggered,
)
from yeouido.model import (
    InvalidPrice,
    OrderNotOpen,
    OrderTypeNotAllowed,
    OutsidePriceLimits,
    Side,
    UnknownInstrument,
)

OPEN = at(9, 1)


def test_price_time_priority_and_trades_at_the_resting_price() -> None:
    venue = exchange(OPEN)
    first = venue.submit(order("sell", 10, 10_050), "s1")
    second = venue.submit(order("sell", 5, 10_050), "s2")
    buy = venue.submit(order("buy", 12, 10_100), "b")
    printed = trades(venue)
    assert [(t.price, t.quantity, t.sell_order_id) for t in printed] == [
        (10_050, 10, first),
        (10_050, 2, second),
    ]
    assert all(t.aggressor is Side.BUY and t.buy_order_id == buy for t in printed)
    book = venue.orderbook("111110")
    assert [(level.price, level.quantity) for level in book.asks] == [(10_050, 3)]
    assert book.bids == ()


def test_partial_fill_rests_the_remainder() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 5, 10_000))
    venue.submit(order("buy", 20, 10_000))
    assert [t.quantity for t in trades(venue)] == [5]
    assert venue.orderbook("111110").bids[0].quantity == 15


def test_market_order_walks_the_book_and_rests_the_rest_at_its_last_price() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 5, 10_000))
    venue.submit(order("sell", 5, 10_010))
    market = venue.submit(order("buy", 20, None, order_type="market"))
    assert [(t.price, t.quantity) for t in trades(venue)] == [(10_000, 5), (10_010, 5)]
    bids = venue.orderbook("111110").bids
    assert [(level.price, level.quantity) for level in bids] == [(10_010, 10)]
    assert venue.orders[market].price == 10_010


def test_market_order_into_an_empty_side_expires() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 3, None, order_type="market"))
    expired = events_of(venue, OrderExpired)
    assert expired and "no opposite" in expired[-1].reason


def test_best_opposite_takes_the_opposite_best_price() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 5, 10_020))
    venue.submit(order("sell", 5, 10_030))
    venue.submit(order("buy", 8, None, order_type="best_opposite"))
    assert [(t.price, t.quantity) for t in trades(venue)] == [(10_020, 5)]
    assert venue.orderbook("111110").bids[0].price == 10_020


def test_best_opposite_with_an_empty_opposite_side_is_rejected() -> None:
    venue = exchange(OPEN)
    with pytest.raises(InvalidPrice) as raised:
        venue.submit(order("buy", 8, None, order_type="best_opposite"))
    assert "empty" in str(raised.value)
    assert events_of(venue, OrderRejected)[-1].error == "INVALID_PRICE"


def test_best_same_side_joins_the_same_side_best() -> None:
    venue = exchange(OPEN)
    venue.submit(order("buy", 5, 9_990))
    venue.submit(order("sell", 5, 10_010))
    venue.submit(order("buy", 7, None, order_type="best_same_side"))
    bids = venue.orderbook("111110").bids
    assert [(level.price, level.quantity, level.orders) for level in bids] == [(9_990, 12, 2)]
    assert trades(venue) == []


def test_ioc_fills_what_it_can_and_expires_the_rest() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 4, 10_000))
    venue.submit(order("buy", 10, 10_000, tif="ioc"))
    assert [t.quantity for t in trades(venue)] == [4]
    assert events_of(venue, OrderExpired)[-1].quantity == 6
    assert venue.orderbook("111110").bids == ()


def test_fok_is_all_or_nothing() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 4, 10_000))
    venue.submit(order("buy", 10, 10_000, tif="fok"))
    assert trades(venue) == []
    assert events_of(venue, OrderExpired)[-1].quantity == 10
    venue.submit(order("buy", 4, 10_000, tif="fok"))
    assert [t.quantity for t in trades(venue)] == [4]


def test_midpoint_orders_trade_at_the_mid() -> None:
    venue = exchange(OPEN)
    venue.submit(order("buy", 1, 9_990))
    venue.submit(order("sell", 1, 10_010))
    venue.submit(order("buy", 5, None, order_type="midpoint"))
    assert trades(venue) == []
    venue.submit(order("sell", 3, None, order_type="midpoint"))
    assert [(t.price, t.quantity) for t in trades(venue)] == [(10_000, 3)]
    assert venue.orderbook("111110").bids[0].quantity == 1  # midpoint orders stay hidden


def test_midpoint_cap_prevents_a_trade() -> None:
    venue = exchange(OPEN)
    venue.submit(order("buy", 1, 9_990))
    venue.submit(order("sell", 1, 10_010))
    venue.submit(order("buy", 5, 9_990, order_type="midpoint"))
    venue.submit(order("sell", 5, None, order_type="midpoint"))
    assert trades(venue) == []


def test_stop_limit_is_released_when_the_stop_price_trades() -> None:
    venue = exchange(OPEN)
    stop = venue.submit(order("buy", 5, 10_100, order_type="stop_limit", stop_price=10_050))
    venue.submit(order("sell", 10, 10_100))
    assert trades(venue) == []
    venue.submit(order("sell", 1, 10_050))
    venue.submit(order("buy", 1, 10_050))  # prints 10,050: the stop fires
    assert events_of(venue, OrderTriggered)[-1].order_id == stop
    assert [(t.price, t.quantity, t.buy_order_id) for t in trades(venue)][-1] == (10_100, 5, stop)


def test_price_modification_loses_time_priority() -> None:
    venue = exchange(OPEN)
    first = venue.submit(order("buy", 10, 9_990))
    second = venue.submit(order("buy", 10, 9_990))
    venue.modify(first, price=9_980)
    venue.modify(first, price=9_990)
    venue.submit(order("sell", 10, 9_990))
    assert trades(venue)[-1].buy_order_id == second
    modified = events_of(venue, OrderModified)
    assert all(event.lost_priority for event in modified)


def test_quantity_decrease_keeps_time_priority() -> None:
    venue = exchange(OPEN)
    first = venue.submit(order("buy", 10, 9_990))
    venue.submit(order("buy", 10, 9_990))
    venue.modify(first, quantity=4)
    assert not events_of(venue, OrderModified)[-1].lost_priority
    venue.submit(order("sell", 4, 9_990))
    assert trades(venue)[-1].buy_order_id == first
    assert venue.orderbook("111110").bids[0].quantity == 10


def test_price_modification_can_trade_at_once() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 5, 10_010))
    bid = venue.submit(order("buy", 5, 9_990))
    venue.modify(bid, price=10_010)
    assert trades(venue)[-1].buy_order_id == bid


def test_modifying_or_canceling_a_finished_order_is_rejected() -> None:
    venue = exchange(OPEN)
    venue.submit(order("sell", 5, 10_000))
    filled = venue.submit(order("buy", 5, 10_000))
    with pytest.raises(OrderNotOpen):
        venue.modify(filled, quantity=3)
    canceled = venue.submit(order("buy", 5, 9_900))
    venue.cancel(canceled)
    with pytest.raises(OrderNotOpen):
        venue.cancel(canceled)
    rejected = events_of(venue, OrderRejected)
    assert [event.error for event in rejected] == ["ORDER_NOT_OPEN", "ORDER_NOT_OPEN"]
    assert venue.orderbook("111110").bids == ()


def test_partial_cancel_keeps_the_rest() -> None:
    venue = exchange(OPEN)
    bid = venue.submit(order("buy", 10, 9_990))
    venue.cancel(bid, 4)
    assert venue.orderbook("111110").bids[0].quantity == 6
    assert venue.orders[bid].open_quantity == 6


@pytest.mark.parametrize(
    ("request_kwargs", "error"),
    [
        ({"side": "buy", "quantity": 1, "price": 13_050}, OutsidePriceLimits),
        ({"side": "sell", "quantity": 1, "price": 6_990}, OutsidePriceLimits),
        ({"side": "buy", "quantity": 1, "price": 10_005}, InvalidPrice),
        ({"side": "buy", "quantity": 1, "price": None}, InvalidPrice),
    ],
)
def test_bad_orders_are_rejected_with_an_event(request_kwargs: dict, error: type) -> None:  # type: ignore[type-arg]
    venue = exchange(OPEN)
    before = last_seq(venue)
    with pytest.raises(error):
        venue.submit(order(**request_kwargs))
    rejected = events_of(venue, OrderRejected)[-1]
    assert rejected.seq == before + 1 and rejected.field == "price"
    assert venue.orderbook("111110").bids == () and venue.orders == {}


def test_unknown_instrument_is_rejected() -> None:
    venue = exchange(OPEN)
    with pytest.raises(UnknownInstrument):
        venue.submit(order("buy", 1, 10_000, code="999990"))


def test_market_order_price_cannot_be_modified() -> None:
    venue = exchange(at(8, 45))
    market = venue.submit(order("buy", 5, None, order_type="market"))
    with pytest.raises(OrderTypeNotAllowed):
        venue.modify(market, price=10_000)
