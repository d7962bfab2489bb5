"""Tick sizes, rounding and price limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yeouido.krx import is_on_tick, price_limits, round_price, tick_size
from yeouido.model import InvalidInput, InvalidPrice

SECURITY_KINDS = ("stock", "etf", "etn", "elw")
prices = st.integers(min_value=1, max_value=5_000_000)


@pytest.mark.parametrize(
    ("price", "tick"),
    [
        (1, 1),
        (1_999, 1),
        (2_000, 5),
        (4_995, 5),
        (5_000, 10),
        (19_990, 10),
        (20_000, 50),
        (49_950, 50),
        (50_000, 100),
        (199_900, 100),
        (200_000, 500),
        (499_500, 500),
        (500_000, 1_000),
        (1_078_000, 1_000),
    ],
)
def test_stock_tick_table(price: int, tick: int) -> None:
    assert tick_size(price) == tick


def test_etf_and_elw_ticks() -> None:
    assert tick_size(1_999, "etf") == 1
    assert tick_size(2_000, "etf") == 5
    assert tick_size(150_000, "etn") == 5
    assert tick_size(10, "elw") == 5


def test_derivative_ticks_are_decimal() -> None:
    assert tick_size(Decimal("350.25"), "future") == Decimal("0.05")
    assert tick_size(Decimal("350"), "mini_kospi200_future") == Decimal("0.02")
    assert tick_size(Decimal("9.99"), "option") == Decimal("0.01")
    assert tick_size(Decimal("10"), "option") == Decimal("0.05")


def test_worked_example_of_price_limits() -> None:
    assert price_limits(9_980) == (6_990, 12_970)


def test_upper_limit_truncates_to_its_own_band() -> None:
    # width 5,997 → 5,990; upper 25,980 lies in the 50-won band → 25,950.
    assert price_limits(19_990) == (14_000, 25_950)


def test_konex_and_leveraged_limits() -> None:
    assert price_limits(10_000, market="KONEX") == (8_500, 11_500)
    assert price_limits(10_000, "etf", "KOSPI", leverage=2) == (4_000, 16_000)
    assert price_limits(10_000, "etf", "KOSPI", leverage=-2) == (4_000, 16_000)


def test_elw_has_no_price_limits() -> None:
    with pytest.raises(InvalidInput) as raised:
        price_limits(500, "elw")
    assert raised.value.field == "kind"


def test_futures_limits_by_stage() -> None:
    assert price_limits(Decimal("350.00"), "future") == (Decimal("322.00"), Decimal("378.00"))
    assert price_limits(Decimal("350.00"), "future", stage=3) == (
        Decimal("280.00"),
        Decimal("420.00"),
    )


@given(
    base=prices,
    kind=st.sampled_from(("stock", "etf", "etn")),
    market=st.sampled_from(("KOSPI", "KOSDAQ", "KONEX")),
    leverage=st.sampled_from((1, 2, -1, -2)),
)
def test_every_limit_is_on_its_tick_and_within_the_width(
    base: int, kind: str, market: str, leverage: int
) -> None:
    lower, upper = price_limits(base, kind, market, leverage)
    assert is_on_tick(lower, kind)
    assert is_on_tick(upper, kind)
    assert lower <= base <= upper
    percent = (15 if market == "KONEX" else 30) * abs(leverage)
    assert (upper - base) * 100 <= base * percent
    assert (base - lower) * 100 <= base * percent or lower == 1


@given(
    price=st.floats(min_value=5, max_value=3_000_000),
    kind=st.sampled_from(SECURITY_KINDS),
    direction=st.sampled_from(("down", "up", "nearest")),
)
def test_round_price_is_on_tick_and_idempotent(price: float, kind: str, direction: str) -> None:
    rounded = round_price(price, kind, direction)  # type: ignore[arg-type]
    assert isinstance(rounded, int)
    assert is_on_tick(rounded, kind)
    assert round_price(rounded, kind, direction) == rounded  # type: ignore[arg-type]
    if direction == "down":
        assert rounded <= price
    elif direction == "up":
        assert rounded >= price


@given(
    a=st.integers(min_value=5, max_value=5_000_000),
    b=st.integers(min_value=5, max_value=5_000_000),
    kind=st.sampled_from(SECURITY_KINDS),
    direction=st.sampled_from(("down", "up", "nearest")),
)
def test_round_price_is_monotone(a: int, b: int, kind: str, direction: str) -> None:
    low, high = sorted((a, b))
    assert round_price(low, kind, direction) <= round_price(high, kind, direction)  # type: ignore[arg-type]


@given(price=prices)
def test_nearest_is_the_closer_of_down_and_up(price: int) -> None:
    down, up = round_price(price, direction="down"), round_price(price, direction="up")
    nearest = round_price(price, direction="nearest")
    assert nearest in (down, up)
    assert abs(nearest - price) == min(price - down, up - price)


@given(
    value=st.decimals(min_value=Decimal("0.05"), max_value=Decimal("30"), places=3),
    direction=st.sampled_from(("down", "up", "nearest")),
)
def test_option_rounding_is_on_tick_and_idempotent(value: Decimal, direction: str) -> None:
    rounded = round_price(value, "option", direction)  # type: ignore[arg-type]
    assert isinstance(rounded, Decimal)
    assert is_on_tick(rounded, "option")
    assert round_price(rounded, "option", direction) == rounded  # type: ignore[arg-type]


def test_round_price_examples() -> None:
    assert round_price(10_003) == 10_000
    assert round_price(19_996, direction="up") == 20_000
    assert round_price(20_020) == 20_000
    assert round_price(20_025, direction="nearest") == 20_050
    assert round_price(Decimal("9.996"), "option", "up") == Decimal("10.00")


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "100", True])
def test_bad_prices_are_refused(bad: object) -> None:
    with pytest.raises(InvalidPrice) as raised:
        tick_size(bad)  # type: ignore[arg-type]
    assert raised.value.field == "price"


def test_round_down_below_the_smallest_tick_is_refused() -> None:
    with pytest.raises(InvalidPrice):
        round_price(0.5)
    with pytest.raises(InvalidPrice):
        round_price(3, "elw", "down")
    assert round_price(3, "elw", "nearest") == 5


def test_unknown_kind_names_the_choices() -> None:
    with pytest.raises(InvalidInput) as raised:
        tick_size(1_000, "bond")
    assert raised.value.field == "kind"
    assert "stock" in str(raised.value)
