"""Uncrossing: largest volume, ties, market-only books."""

from __future__ import annotations

from yeouido.exchange import uncross_price


def up(price: int) -> int:
    return price + 10


def down(price: int) -> int:
    return price - 10


def test_largest_executed_volume_wins() -> None:
    bids = [(10_100, 30), (10_000, 50), (9_900, 40)]
    asks = [(9_900, 20), (10_000, 40), (10_100, 70)]
    result = uncross_price(bids, asks, 0, 0, 9_500, up, down)
    # demand/supply: 9,900 → 120/20; 10,000 → 80/60; 10,100 → 30/130.
    assert (result.price, result.quantity) == (10_000, 60)


def test_tie_takes_the_previous_price_when_it_is_a_candidate() -> None:
    bids = [(10_100, 10)]
    asks = [(9_900, 10)]
    assert uncross_price(bids, asks, 0, 0, 10_000, up, down).price == 10_000


def test_tie_takes_the_closest_to_the_previous_price_otherwise() -> None:
    bids = [(10_100, 10)]
    asks = [(9_900, 10)]
    assert uncross_price(bids, asks, 0, 0, 10_500, up, down).price == 10_100
    assert uncross_price(bids, asks, 0, 0, 9_000, up, down).price == 9_900


def test_market_orders_count_at_every_price() -> None:
    result = uncross_price([(10_000, 5)], [(10_200, 20)], 30, 0, 10_100, up, down)
    assert (result.price, result.quantity) == (10_200, 20)


def test_market_only_book_moves_one_tick_toward_the_larger_side() -> None:
    assert uncross_price([], [], 30, 10, 10_000, up, down).price == 10_010
    assert uncross_price([], [], 10, 30, 10_000, up, down).price == 9_990
    assert uncross_price([], [], 10, 10, 10_000, up, down).price == 10_000
    assert uncross_price([], [], 10, 30, 10_000, up, down).quantity == 10


def test_nothing_crosses() -> None:
    result = uncross_price([(9_900, 10)], [(10_000, 10)], 0, 0, 10_000, up, down)
    assert result.price is None and result.quantity == 0
    assert uncross_price([(9_900, 10)], [], 0, 0, 10_000, up, down).price is None


def test_limits_bound_the_market_only_price() -> None:
    assert uncross_price([], [], 30, 10, 10_000, up, down, upper_limit=10_000).price == 10_000
