"""The account core's positions: average price (평균단가), book cost, realized P&L."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from yeouido.accounting import Holding, share
from yeouido.model import Side


def test_buy_then_add_then_partial_and_final_sale_by_hand() -> None:
    holding = Holding()
    # 10 @ 70,000 = 700,000: commission 0.015% = 105, fee 0.0023% = 16.1 → 16.
    assert holding.apply(Side.BUY, 10, 70_000, 121) == 0
    assert (holding.quantity, holding.average_price) == (10, Decimal(70_000))
    assert (holding.book_cost, holding.open_costs, holding.realized_pnl) == (700_000, 121, 0)
    # 5 @ 71,000 = 355,000: commission 53.25 → 53, fee 8.165 → 8.
    holding.apply(Side.BUY, 5, 71_000, 61)
    assert holding.quantity == 15
    assert holding.average_price == Decimal("70333.33333333333333333333333333333333333")
    assert (holding.book_cost, holding.open_costs) == (1_055_000, 182)
    # Sell 6 @ 72,000 = 432,000: commission 64.8 → 64, fee 9.936 → 9, tax 0.20% = 864.
    # Book cost out: 70,333.33… × 6 = 421,999.99… → 422,000; buy costs out 182 × 6/15 =
    # 72.8 → 73. Realized: 432,000 − 422,000 − 73 − 937.
    assert holding.apply(Side.SELL, 6, 72_000, 937) == 8_990
    assert holding.quantity == 9
    assert holding.average_price == Decimal("70333.33333333333333333333333333333333333")
    assert (holding.book_cost, holding.open_costs, holding.realized_pnl) == (633_000, 109, 8_990)
    # Sell the last 9 @ 69,000 = 621,000: commission 93.15 → 93, fee 14.283 → 14, tax 1,242.
    # Closing takes exactly the book cost and buy costs left.
    assert holding.apply(Side.SELL, 9, 69_000, 1_349) == 621_000 - 633_000 - 109 - 1_349
    assert holding == Holding(0, Decimal(0), 0, 0, -4_468)
    # Flat: the realized P&L is exactly the cash the four fills moved.
    cash = -(700_000 + 121) - (355_000 + 61) + (432_000 - 937) + (621_000 - 1_349)
    assert holding.realized_pnl == cash


def test_average_price_is_plain_and_exact_when_it_terminates() -> None:
    holding = Holding()
    holding.apply(Side.BUY, 1, 70_000, 0)
    holding.apply(Side.BUY, 1, 70_100, 0)
    assert str(holding.average_price) == "70050"
    holding.apply(Side.BUY, 2, 70_000, 0)
    assert str(holding.average_price) == "70025"
    holding.apply(Side.SELL, 4, 70_000, 0)
    holding.apply(Side.BUY, 3, 50_000, 0)
    assert str(holding.average_price) == "50000"  # a new position starts at its price


def test_shares_round_half_even() -> None:
    assert [share(5, 1, 2), share(7, 1, 2), share(10, 1, 4), share(10, 3, 4)] == [2, 4, 2, 8]
    assert share(10, 5, 4) == 10  # all of it


def test_snapshot_position_has_its_average_as_book_cost() -> None:
    holding = Holding.from_snapshot(10, Decimal("60000.5"), realized_pnl=100)
    assert (holding.book_cost, holding.open_costs, holding.realized_pnl) == (600_005, 0, 100)
    holding.apply(Side.BUY, 10, 70_000, 0)
    assert holding.average_price == Decimal("65000.25")
    assert holding.apply(Side.SELL, 5, 71_000, 0) == 355_000 - 325_001  # 325,001.25 → 325,001


def test_a_fill_through_zero_closes_then_opens_the_rest() -> None:
    holding = Holding()
    holding.apply(Side.SELL, 5, 10_000, 0)  # short 5, as a venue reported it
    assert (holding.quantity, holding.average_price, holding.book_cost) == (
        -5,
        Decimal(10_000),
        50_000,
    )
    # Buy 8 @ 9,000 with 16 of costs: 5 close the short (costs 10), 3 open a long (costs 6).
    assert holding.apply(Side.BUY, 8, 9_000, 16) == 50_000 - 45_000 - 10
    assert (holding.quantity, holding.average_price) == (3, Decimal(9_000))
    assert (holding.book_cost, holding.open_costs) == (27_000, 6)


fills = st.lists(
    st.tuples(st.booleans(), st.integers(1, 50), st.integers(1_000, 200_000), st.integers(0, 500)),
    max_size=30,
)


@given(fills=fills)
def test_once_flat_realized_pnl_is_the_cash_moved(fills: list[tuple[bool, int, int, int]]) -> None:
    holding = Holding()
    cash = 0
    average = Fraction(0)
    for is_buy, quantity, price, costs in fills:
        if not is_buy:
            quantity = min(quantity, holding.quantity)
            if quantity == 0:
                continue
        held = holding.quantity
        holding.apply(Side.BUY if is_buy else Side.SELL, quantity, price, costs)
        if is_buy:
            cash -= price * quantity + costs
            average = (average * held + price * quantity) / (held + quantity)
        else:
            cash += price * quantity - costs
        if holding.quantity:
            assert abs(Fraction(holding.average_price) - average) < Fraction(1, 10**30)
            assert abs(holding.book_cost - average * holding.quantity) <= len(fills)
        else:
            average = Fraction(0)
    # What is still held is worth its book cost plus its open costs.
    assert cash == holding.realized_pnl - holding.book_cost - holding.open_costs
