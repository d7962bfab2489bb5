"""Market-data and account types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from yeouido.model import (
    SEOUL,
    Balance,
    Bar,
    BookLevel,
    Fill,
    InvalidInput,
    OrderBook,
    Position,
    Quote,
    Side,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


def test_quote_mid_is_exact() -> None:
    assert Quote("005930", NOW, 70_000, 69_900, 70_000).mid == Decimal("69950")
    assert Quote("005930", NOW, 70_000, 69_900, 70_100).mid == 70_000


def test_book_levels_and_crossing() -> None:
    book = OrderBook("005930", NOW, bids=(BookLevel(69_900, 10),), asks=(BookLevel(70_000, 5),))
    assert book.best_bid == BookLevel(69_900, 10)
    assert not book.is_crossed
    with pytest.raises(InvalidInput):
        OrderBook("005930", NOW, bids=tuple(BookLevel(1_000 - i, 1) for i in range(11)))


def test_bar_must_be_consistent() -> None:
    Bar("005930", NOW, 100, 110, 90, 105, 1_000)
    with pytest.raises(InvalidInput):
        Bar("005930", NOW, 100, 99, 90, 105, 1_000)


def test_fill_net_amounts() -> None:
    buy = Fill("O1", "T1", "005930", Side.BUY, 10, 70_000, NOW, commission=105)
    sell = Fill("O2", "T2", "005930", Side.SELL, 10, 71_000, NOW, commission=106, tax=1_420)
    assert buy.net_amount == -700_105
    assert sell.net_amount == 710_000 - 1_526


def test_position_pnl_is_decimal() -> None:
    position = Position("005930", 10, Decimal("69950.5"), last_price=70_000)
    assert position.unrealized_pnl == Decimal("495.0")


def test_balance_amounts_are_integers() -> None:
    Balance(cash=1_000_000, settlement_d1=1_000_000, settlement_d2=990_000, buying_power=990_000)
    with pytest.raises(InvalidInput) as raised:
        Balance(cash=1.5, settlement_d1=0, settlement_d2=0, buying_power=0)  # type: ignore[arg-type]
    assert raised.value.field == "cash"
