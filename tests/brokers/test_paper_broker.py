"""End to end through ``yeouido.connect("paper")`` only: quotes, buy, fill, position, cash
with commission and tax, cancel, persistence, capabilities."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

import yeouido
from yeouido.brokers.sync import Broker
from yeouido.model import (
    InsufficientFunds,
    InvalidInput,
    NotSupported,
    OrderStatus,
    Quote,
    Trade,
    UnknownInstrument,
)

CODE = "005930"


@pytest.fixture
def broker(tmp_path: Path) -> Broker:
    connection = yeouido.connect("paper", data_dir=tmp_path, speed=None, seed=11)
    yield connection  # type: ignore[misc]
    connection.close()


def advance(broker: Broker, seconds: float) -> None:
    broker.run(broker.async_broker.advance(seconds))  # type: ignore[attr-defined]


def test_buy_fills_and_moves_cash_by_price_commission_and_fee(broker: Broker) -> None:
    before = broker.balance()
    quote = broker.quote(CODE)
    assert isinstance(quote, Quote) and quote.ask is not None
    order = broker.buy(CODE, 10, price=quote.ask)
    advance(broker, 1)
    order = broker.order(order.order_id)
    assert order.status is OrderStatus.FILLED
    fills = broker.fills()
    assert sum(fill.quantity for fill in fills) == 10
    paid = sum(fill.price * fill.quantity + fill.commission for fill in fills)
    gross = sum(fill.price * fill.quantity for fill in fills)
    assert all(fill.tax == 0 for fill in fills)
    assert sum(fill.commission for fill in fills) == sum(
        int(Decimal(f.price * f.quantity) * Decimal("0.00015"))
        + int(Decimal(f.price * f.quantity) * Decimal("0.000023"))
        for f in fills
    )
    after = broker.balance()
    assert after.settlement_d2 == before.settlement_d2 - paid
    assert after.cash == before.cash  # settles T+2
    position = next(p for p in broker.positions() if p.code == CODE)
    assert position.quantity == 10
    assert position.average_price == Decimal(gross) / 10


def test_sell_pays_the_transaction_tax(broker: Broker) -> None:
    broker.buy(CODE, 10, price=broker.quote(CODE).ask)
    advance(broker, 1)
    bid = broker.quote(CODE).bid
    assert bid is not None
    sale = broker.sell(CODE, 10, price=bid)
    advance(broker, 1)
    sells = [fill for fill in broker.fills() if fill.order_id == sale.order_id]
    assert sum(fill.quantity for fill in sells) == 10
    for fill in sells:
        assert fill.tax == int(Decimal(fill.price * fill.quantity) * Decimal("0.0020"))
    assert not [p for p in broker.positions() if p.code == CODE and p.quantity]


def test_cancel_restores_buying_power(broker: Broker) -> None:
    start = broker.balance().buying_power
    bid = broker.quote(CODE).bid
    assert bid is not None
    order = broker.buy(CODE, 100, price=bid - 5_000)
    assert broker.balance().buying_power < start
    canceled = broker.cancel(order.order_id)
    advance(broker, 0.1)
    assert broker.order(canceled.order_id).status is OrderStatus.CANCELED
    assert broker.balance().buying_power == start
    assert broker.orders(open_only=True) == []


def test_modify_changes_the_open_order(broker: Broker) -> None:
    bid = broker.quote(CODE).bid
    assert bid is not None
    order = broker.buy(CODE, 10, price=bid - 5_000)
    modified = broker.modify(order.order_id, quantity=4, price=bid - 4_000)
    advance(broker, 0.1)
    current = broker.order(modified.order_id)
    assert current.is_open and current.quantity == 4


def test_buying_power_is_enforced(broker: Broker) -> None:
    power = broker.buying_power(CODE, 100_000)
    assert power.quantity * 100_000 <= power.amount
    with pytest.raises(InsufficientFunds) as raised:
        broker.buy(CODE, power.quantity + 100, price=100_000)
    assert "KRW" in str(raised.value)


def test_unsupported_and_unknown(broker: Broker) -> None:
    with pytest.raises(UnknownInstrument):
        broker.quote("999990")
    with pytest.raises(NotSupported):
        broker.bars(CODE, interval="5m")


def test_stream_yields_trades_and_books(tmp_path: Path) -> None:
    with yeouido.connect("paper", data_dir=tmp_path, speed=600, seed=2) as broker:
        kinds = set()
        for event in broker.stream([CODE, "000660"], timeout=10):
            kinds.add(type(event))
            if kinds >= {Trade} and len(kinds) == 2:
                break
        assert Trade in kinds and len(kinds) == 2


def test_stream_duration_is_a_total_limit_on_an_active_market(tmp_path: Path) -> None:
    # The README's snippet: events keep coming, so an idle timeout alone would never end it.
    with yeouido.connect("paper", data_dir=tmp_path, speed=60, seed=2) as broker:
        began = time.monotonic()
        events = list(broker.stream([CODE], duration=1.5, timeout=10))
        elapsed = time.monotonic() - began
        assert events and 1.5 <= elapsed < 1.5 + 0.75, (len(events), elapsed)

        async def collect() -> list[object]:
            stream = broker.async_broker.stream([CODE], duration=0.5)
            return [event async for event in stream]

        began = time.monotonic()
        events = broker.run(collect())
        assert events and 0.5 <= time.monotonic() - began < 0.5 + 0.75
        with pytest.raises(InvalidInput, match="duration"):
            next(iter(broker.stream([CODE], duration=-1)))


def test_stream_timeout_is_idle_time(broker: Broker) -> None:
    began = time.monotonic()
    assert list(broker.stream([CODE], timeout=0.3)) == []  # a paused market says nothing
    assert 0.3 <= time.monotonic() - began < 1.5


def test_the_account_persists_and_old_open_orders_are_settled(tmp_path: Path) -> None:
    with yeouido.connect("paper", data_dir=tmp_path, speed=None, seed=5) as first:
        first.buy(CODE, 3, price=first.quote(CODE).ask)
        advance(first, 1)
        resting = first.buy(CODE, 1, price=first.quote(CODE).bid - 3_000)  # type: ignore[operator]
    with yeouido.connect("paper", data_dir=tmp_path, speed=None, seed=5) as second:
        assert next(p for p in second.positions() if p.code == CODE).quantity == 3
        assert second.order(resting.order_id).status is OrderStatus.CANCELED
        assert second.orders(open_only=True) == []


def test_reset_starts_the_account_again(tmp_path: Path) -> None:
    with yeouido.connect("paper", data_dir=tmp_path, speed=None) as first:
        first.buy(CODE, 3, price=first.quote(CODE).ask)
        advance(first, 1)
    with yeouido.connect(
        "paper", data_dir=tmp_path, speed=None, reset=True, cash=5_000_000
    ) as again:
        assert again.positions() == [] or all(p.quantity == 0 for p in again.positions())
        assert again.balance().cash == 5_000_000
