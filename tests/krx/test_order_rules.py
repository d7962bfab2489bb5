"""validate(): each rule raises its own error class, naming the field."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from yeouido.krx import ReferencePrices, get_instrument, validate
from yeouido.model import (
    SEOUL,
    Instrument,
    InstrumentKind,
    InvalidOrder,
    InvalidPrice,
    InvalidQuantity,
    Market,
    NotSupported,
    OrderRequest,
    OrderTypeNotAllowed,
    OutsidePriceLimits,
    SessionClosed,
    UnknownInstrument,
)

DAY = date(2026, 11, 24)
SAMSUNG = get_instrument("005930")
REFERENCE = ReferencePrices(base_price=70_000, previous_close=70_000, day_close=71_000)


def at(hour: int, minute: int, second: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SEOUL)


def request(**changes: Any) -> OrderRequest:
    fields: dict[str, Any] = {"code": "005930", "side": "buy", "quantity": 10, "price": 70_000}
    fields.update(changes)
    return OrderRequest(**fields)


def check(order: OrderRequest, moment: datetime, instrument: Instrument | None = SAMSUNG) -> None:
    validate(order, instrument, REFERENCE, moment)


def test_a_plain_limit_order_in_continuous_trading_is_valid() -> None:
    check(request(), at(10, 0))


@pytest.mark.parametrize(
    ("changes", "moment", "error", "field"),
    [
        ({"price": 70_050}, at(10, 0), InvalidPrice, "price"),
        ({"price": None}, at(10, 0), InvalidPrice, "price"),
        ({"price": 91_100}, at(10, 0), OutsidePriceLimits, "price"),
        ({"price": 48_900}, at(10, 0), OutsidePriceLimits, "price"),
        ({"order_type": "market"}, at(10, 0), InvalidPrice, "price"),
        ({}, at(7, 0), SessionClosed, "session"),
        ({}, at(10, 0, day=date(2026, 11, 22)), SessionClosed, "session"),
        (
            {"order_type": "best_opposite", "price": None},
            at(8, 45),
            OrderTypeNotAllowed,
            "order_type",
        ),
        ({"order_type": "conditional_limit"}, at(15, 25), OrderTypeNotAllowed, "order_type"),
        ({"order_type": "midpoint", "price": None}, at(15, 25), OrderTypeNotAllowed, "order_type"),
        ({"tif": "ioc"}, at(8, 45), OrderTypeNotAllowed, "tif"),
        (
            {"tif": "fok", "order_type": "best_same_side", "price": None},
            at(10, 0),
            OrderTypeNotAllowed,
            "tif",
        ),
        ({"order_type": "stop_limit"}, at(10, 0), InvalidPrice, "stop_price"),
        ({"stop_price": 70_100}, at(10, 0), InvalidPrice, "stop_price"),
        (
            {"order_type": "stop_limit", "stop_price": 95_000},
            at(10, 0),
            OutsidePriceLimits,
            "stop_price",
        ),
        (
            {"session": "after_hours_single", "price": 78_200},
            at(16, 5),
            OutsidePriceLimits,
            "price",
        ),
        (
            {"session": "after_hours_single", "order_type": "market", "price": None},
            at(16, 5),
            OrderTypeNotAllowed,
            "order_type",
        ),
        ({"session": "after_hours_close", "price": 70_000}, at(15, 45), InvalidPrice, "price"),
        ({"session": "pre_open_close", "price": None}, at(9, 0), SessionClosed, "session"),
        (
            {"session": "pre_open_close", "price": None, "venue": "NXT"},
            at(8, 35),
            OrderTypeNotAllowed,
            "venue",
        ),
        (
            {"venue": "NXT", "order_type": "market", "price": None},
            at(10, 0),
            OrderTypeNotAllowed,
            "order_type",
        ),
        (
            {"venue": "NXT", "order_type": "market", "price": None},
            at(10, 0),
            OrderTypeNotAllowed,
            "order_type",
        ),
        ({"venue": "NXT"}, at(9, 0, 10), SessionClosed, "session"),
        (
            {"venue": "NXT", "order_type": "midpoint", "price": None},
            at(16, 0),
            OrderTypeNotAllowed,
            "order_type",
        ),
    ],
)
def test_each_rule_raises_its_class(
    changes: dict[str, Any], moment: datetime, error: type[InvalidOrder], field: str
) -> None:
    with pytest.raises(error) as raised:
        check(request(**changes), moment)
    assert raised.value.field == field
    assert field.split("_")[0] in str(raised.value)


@pytest.mark.parametrize(
    ("changes", "moment"),
    [
        ({"order_type": "market", "price": None}, at(8, 45)),
        ({"order_type": "market", "price": None}, at(15, 25)),
        ({"order_type": "conditional_limit"}, at(8, 45)),
        ({"order_type": "best_opposite", "price": None, "tif": "ioc"}, at(10, 0)),
        ({"order_type": "best_same_side", "price": None}, at(14, 0)),
        ({"order_type": "midpoint", "price": None, "tif": "fok"}, at(10, 0)),
        ({"order_type": "stop_limit", "price": 71_000, "stop_price": 70_900}, at(10, 0)),
        ({"session": "pre_open_close", "price": None}, at(8, 35)),
        ({"session": "after_hours_close", "price": None}, at(15, 35)),
        ({"session": "after_hours_close", "price": 71_000}, at(15, 55)),
        ({"session": "after_hours_single", "price": 78_100}, at(16, 5)),
        ({"session": "after_hours_single", "price": 63_900}, at(17, 55)),
        ({"venue": "NXT"}, at(8, 10)),
        ({"venue": "NXT", "order_type": "market", "price": None, "tif": "ioc"}, at(11, 0)),
        ({"venue": "NXT", "order_type": "best_opposite", "price": None}, at(19, 0)),
        ({"venue": "SOR"}, at(10, 0)),
    ],
)
def test_orders_the_rules_allow(changes: dict[str, Any], moment: datetime) -> None:
    check(request(**changes), moment)


def test_quantity_must_be_a_lot_multiple() -> None:
    elw = Instrument("57J001", "테스트 ELW", Market.KOSPI, InstrumentKind.ELW, lot_size=10)
    with pytest.raises(InvalidQuantity) as raised:
        check(request(code="57J001", quantity=15, price=500), at(10, 0), elw)
    assert raised.value.field == "quantity"
    check(request(code="57J001", quantity=20, price=500), at(10, 0), elw)
    with pytest.raises(OrderTypeNotAllowed):
        check(request(code="57J001", quantity=20, price=None, order_type="market"), at(10, 0), elw)


def test_elw_has_no_price_limit_but_keeps_its_tick() -> None:
    elw = Instrument("57J001", "테스트 ELW", Market.KOSPI, InstrumentKind.ELW, lot_size=10)
    check(request(code="57J001", quantity=10, price=995_000), at(10, 0), elw)
    with pytest.raises(InvalidPrice):
        check(request(code="57J001", quantity=10, price=503), at(10, 0), elw)


def test_unknown_instrument() -> None:
    with pytest.raises(UnknownInstrument):
        check(request(), at(10, 0), None)
    with pytest.raises(UnknownInstrument):
        check(request(code="000660"), at(10, 0))


def test_nxt_needs_an_nxt_listing() -> None:
    kodex = get_instrument("069500")
    reference = ReferencePrices(base_price=35_000)
    order = request(code="069500", price=35_000, venue="NXT")
    with pytest.raises(OrderTypeNotAllowed) as raised:
        validate(order, kodex, reference, at(10, 0))
    assert raised.value.field == "venue"


def test_leveraged_etf_has_wider_limits() -> None:
    leveraged = get_instrument("122630")
    reference = ReferencePrices(base_price=20_000)
    validate(request(code="122630", price=31_000), leveraged, reference, at(10, 0))
    with pytest.raises(OutsidePriceLimits):
        validate(request(code="122630", price=32_050), leveraged, reference, at(10, 0))


def test_first_trading_day_rejects_continuous_only_types_before_ten() -> None:
    first_day = date(2026, 1, 2)
    with pytest.raises(OrderTypeNotAllowed):
        check(request(order_type="best_opposite", price=None), at(9, 30, day=first_day))
    check(request(order_type="best_opposite", price=None), at(10, 0, day=first_day))


def test_error_message_names_the_tick_and_neighbours() -> None:
    with pytest.raises(InvalidPrice) as raised:
        check(request(price=70_050), at(10, 0))
    message = str(raised.value)
    assert "70050" in message and "tick 100" in message and "70000 or 70100" in message


def test_derivatives_are_not_validated_yet() -> None:
    future = Instrument(
        "A01612", "KOSPI200 F", Market.DERIVATIVES, InstrumentKind.FUTURE, product="kospi200"
    )
    with pytest.raises(NotSupported):
        check(request(code="A01612"), at(10, 0), future)
