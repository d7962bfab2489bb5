"""Commission, exchange fee and transaction tax."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yeouido.krx import CostModel, get_instrument, transaction_tax_rate
from yeouido.krx.costs import RATE_SCALE, charges, levy
from yeouido.model import InvalidInput, Side


@pytest.mark.parametrize(
    ("market", "on", "rate"),
    [
        ("KOSPI", date(2025, 6, 1), "0.0015"),
        ("KOSDAQ", date(2025, 12, 31), "0.0015"),
        ("KOSPI", date(2026, 1, 1), "0.0020"),
        ("KOSDAQ", date(2026, 11, 24), "0.0020"),
        ("KONEX", date(2026, 11, 24), "0.0010"),
        ("KOSPI", date(2019, 5, 31), "0.0030"),
        ("KOSPI", date(2024, 3, 1), "0.0018"),
    ],
)
def test_tax_rate_by_market_and_date(market: str, on: date, rate: str) -> None:
    assert transaction_tax_rate(market, "stock", on) == Decimal(rate)


def test_etf_and_etn_sales_pay_no_tax() -> None:
    assert transaction_tax_rate("KOSPI", "etf", date(2026, 1, 5)) == 0
    assert transaction_tax_rate("KOSPI", "etn", date(2026, 1, 5)) == 0


def test_sell_costs_are_whole_won_and_truncated() -> None:
    samsung = get_instrument("005930")
    cost = CostModel().cost(samsung, Side.SELL, 10, 70_050, date(2026, 3, 3))
    # 700,500 × 0.015% = 105.075 → 105; × 0.0023% = 16.1115 → 16; × 0.20% = 1,401.
    assert (cost.commission, cost.exchange_fee, cost.tax) == (105, 16, 1_401)
    assert cost.total == 1_522
    buy = CostModel().cost(samsung, Side.BUY, 10, 70_050, date(2026, 3, 3))
    assert buy.tax == 0


def test_commission_is_configurable() -> None:
    kodex = get_instrument("069500")
    model = CostModel(commission_rate=Decimal("0.0001"), exchange_fee_rate=Decimal(0))
    cost = model.cost(kodex, Side.SELL, 100, 35_050, date(2026, 3, 3))
    assert (cost.commission, cost.exchange_fee, cost.tax) == (350, 0, 0)


def test_float_rates_and_prices_are_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        CostModel(commission_rate=0.00015)  # type: ignore[arg-type]
    assert raised.value.field == "commission_rate"
    with pytest.raises(InvalidInput):
        CostModel().cost(get_instrument("005930"), Side.BUY, 1, 70_050.0, date(2026, 3, 3))  # type: ignore[arg-type]


def test_rates_are_kept_in_fixed_point() -> None:
    model = CostModel(commission_rate=Decimal("0.000036396"), minimum_commission=10)
    assert model.scaled == (36_396, 23_000, 10)
    assert model.commission_scaled * Decimal(1) / RATE_SCALE == model.commission_rate
    with pytest.raises(InvalidInput) as raised:
        CostModel(commission_rate=Decimal("0.0000363961"))
    assert raised.value.field == "commission_rate"
    with pytest.raises(InvalidInput):
        CostModel(minimum_commission=-1)


def test_minimum_commission_applies_to_small_amounts() -> None:
    model = CostModel(minimum_commission=100)
    cost = model.cost(get_instrument("005930"), Side.BUY, 1, 70_000, date(2026, 3, 3))
    # 70,000 × 0.015% = 10.5 → 10, raised to the minimum 100; × 0.0023% = 1.61 → 1.
    assert (cost.commission, cost.exchange_fee) == (100, 1)
    assert model.buy_cost(1, 70_000) == 70_000 + 100 + 1
    assert model.affordable_quantity(70_100, 70_000) == 0
    assert model.affordable_quantity(70_101, 70_000) == 1


rates = st.integers(0, 9_999_999).map(lambda n: Decimal(n).scaleb(-9))


@given(
    commission=rates,
    fee=rates,
    minimum=st.integers(0, 1_000),
    quantity=st.integers(0, 1_000_000),
    price=st.integers(1, 3_000_000),
    on=st.dates(date(2019, 1, 1), date(2026, 12, 31)),
)
def test_integer_costs_are_the_decimal_costs_rounded_down(
    commission: Decimal, fee: Decimal, minimum: int, quantity: int, price: int, on: date
) -> None:
    model = CostModel(commission_rate=commission, exchange_fee_rate=fee, minimum_commission=minimum)
    amount = Decimal(quantity * price)
    cost = model.cost(get_instrument("005930"), Side.SELL, quantity, price, on)
    tax = transaction_tax_rate("KOSPI", "stock", on)
    assert cost.commission == max(int(amount * commission), minimum)
    assert cost.exchange_fee == int(amount * fee)
    assert cost.tax == int(amount * tax)
    assert model.buy_cost(quantity, price) == quantity * price + cost.commission + cost.exchange_fee


@given(
    commission=rates,
    fee=rates,
    minimum=st.integers(0, 1_000),
    budget=st.integers(-1, 10**12),
    price=st.integers(1, 3_000_000),
)
def test_affordable_quantity_is_the_largest_that_fits(
    commission: Decimal, fee: Decimal, minimum: int, budget: int, price: int
) -> None:
    model = CostModel(commission_rate=commission, exchange_fee_rate=fee, minimum_commission=minimum)
    quantity = model.affordable_quantity(budget, price)
    if quantity:
        assert model.buy_cost(quantity, price) <= budget
    assert model.buy_cost(quantity + 1, price) > budget


def test_compiled_cost_arithmetic_is_the_same_functions() -> None:
    """The vectorized backtest compiles these very functions; compiled, they agree."""
    from yeouido.backtest.vectorized import _affordable, _buy_cost, _charges, _levy

    model = CostModel(commission_rate=Decimal("0.000140527"), minimum_commission=7)
    for quantity, price in ((1, 70_000), (7, 70_050), (1_234, 5_430), (250_000, 1_999)):
        amount = quantity * price
        assert _charges(amount, *model.scaled) == charges(amount, *model.scaled)
        assert _levy(amount, 2_000_000) == levy(amount, 2_000_000)
        assert _buy_cost(quantity, price, *model.scaled) == model.buy_cost(quantity, price)
        budget = amount + 123
        assert _affordable(budget, price, *model.scaled) == model.affordable_quantity(budget, price)
