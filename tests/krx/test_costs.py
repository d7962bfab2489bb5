"""Commission, exchange fee and transaction tax."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from yeouido.krx import CostModel, get_instrument, transaction_tax_rate
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
