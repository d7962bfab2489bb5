"""Order requests and the order state machine."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from yeouido.model import (
    SEOUL,
    TRANSITIONS,
    InvalidInput,
    InvalidPrice,
    InvalidQuantity,
    InvalidTransition,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    Venue,
    can_transition,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
S = OrderStatus


def new_order(quantity: int = 10) -> Order:
    request = OrderRequest("005930", Side.BUY, quantity, 70_000)
    return Order(request=request, order_id="T1", created_at=NOW)


def test_request_parses_user_spelling() -> None:
    request = OrderRequest("005930", "sell", 5, None, "best_opposite", "ioc", venue="nxt")  # type: ignore[arg-type]
    assert request.side is Side.SELL
    assert request.order_type is OrderType.BEST_OPPOSITE
    assert request.tif is TimeInForce.IOC
    assert request.venue is Venue.NXT


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"quantity": 0}, InvalidQuantity, "quantity"),
        ({"quantity": -3}, InvalidQuantity, "quantity"),
        ({"quantity": 1.5}, InvalidQuantity, "quantity"),
        ({"price": 70000.0}, InvalidPrice, "price"),
        ({"price": -1}, InvalidPrice, "price"),
        ({"side": "hold"}, InvalidInput, "side"),
        ({"order_type": "iceberg"}, InvalidInput, "order_type"),
    ],
)
def test_malformed_requests(kwargs: dict[str, object], error: type[Exception], field: str) -> None:
    fields: dict[str, object] = {"code": "005930", "side": "buy", "quantity": 1, "price": 70_000}
    fields.update(kwargs)
    with pytest.raises(error) as raised:
        OrderRequest(**fields)  # type: ignore[arg-type]
    assert raised.value.field == field  # type: ignore[attr-defined]


def test_happy_path_to_filled() -> None:
    order = new_order()
    order.transition(S.SUBMITTED, NOW)
    order.transition(S.ACCEPTED, NOW)
    order.apply_fill(4, 70_000, NOW)
    assert order.status is S.PARTIALLY_FILLED
    order.apply_fill(6, 69_900, NOW)
    assert order.status is S.FILLED
    assert order.average_fill_price == Decimal("69940")
    assert [status for _, status in order.history] == [
        S.SUBMITTED,
        S.ACCEPTED,
        S.PARTIALLY_FILLED,
        S.FILLED,
    ]


def walk_to(status: OrderStatus) -> Order:
    """An order brought to ``status`` through legal transitions."""
    order = new_order()
    paths = {
        S.INITIALIZED: [],
        S.DENIED: [S.DENIED],
        S.SUBMITTED: [S.SUBMITTED],
        S.REJECTED: [S.SUBMITTED, S.REJECTED],
        S.ACCEPTED: [S.SUBMITTED, S.ACCEPTED],
        S.PARTIALLY_FILLED: [S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_FILLED],
        S.PENDING_MODIFY: [S.SUBMITTED, S.ACCEPTED, S.PENDING_MODIFY],
        S.PENDING_CANCEL: [S.SUBMITTED, S.ACCEPTED, S.PENDING_CANCEL],
        S.FILLED: [S.SUBMITTED, S.ACCEPTED, S.FILLED],
        S.CANCELED: [S.SUBMITTED, S.ACCEPTED, S.CANCELED],
        S.EXPIRED: [S.SUBMITTED, S.ACCEPTED, S.EXPIRED],
    }
    for step in paths[status]:
        order.transition(step, NOW)
    return order


ALL_PAIRS = [(a, b) for a in OrderStatus for b in OrderStatus]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_transition_follows_the_table(current: OrderStatus, target: OrderStatus) -> None:
    order = walk_to(current)
    if target in TRANSITIONS[current]:
        order.transition(target, NOW)
        assert order.status is target
    else:
        with pytest.raises(InvalidTransition) as raised:
            order.transition(target, NOW)
        assert order.status is current
        assert raised.value.field == "status"


def test_terminal_states_allow_nothing() -> None:
    for status in OrderStatus:
        if status.is_terminal:
            assert not TRANSITIONS[status]
            assert not any(can_transition(status, target) for target in OrderStatus)


def test_overfill_is_refused_and_changes_nothing() -> None:
    order = walk_to(S.ACCEPTED)
    with pytest.raises(InvalidQuantity):
        order.apply_fill(11, 70_000, NOW)
    assert order.filled_quantity == 0 and order.status is S.ACCEPTED


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        Order(request=new_order().request, order_id="T2", created_at=datetime(2026, 1, 2))
    with pytest.raises(InvalidInput):
        new_order().transition(S.SUBMITTED, datetime(2026, 1, 2))
