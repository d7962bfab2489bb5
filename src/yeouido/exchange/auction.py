"""Call-auction uncrossing (단일가매매) with KRX's rule.

The price maximises the executed volume. Demand at a price ``p`` is every market buy plus every
bid at or above ``p``; supply is every market sell plus every ask at or below ``p``. Where
several prices execute the same largest volume, the previous price (the base price at the
open, else the last trade) is chosen if it is one of them, otherwise the one closest to it.
When only market orders are present on both sides, the price is the previous price moved one
tick toward the larger side.

Allocation at the chosen price is by price, then time: market orders first, then better
limit prices, then orders at the price itself in arrival order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from yeouido.model.instrument import Price


@dataclass(frozen=True, slots=True)
class Uncross:
    """The result of an auction: ``price`` is ``None`` when nothing can execute."""

    price: Price | None
    quantity: int


def uncross_price(
    bids: Sequence[tuple[Price, int]],
    asks: Sequence[tuple[Price, int]],
    market_buy: int,
    market_sell: int,
    previous_price: Price,
    tick_up: Callable[[Price], Price],
    tick_down: Callable[[Price], Price],
    lower_limit: Price | None = None,
    upper_limit: Price | None = None,
) -> Uncross:
    """The auction price and the quantity that executes.

    ``bids`` and ``asks`` are ``(price, total quantity)`` levels in any order; ``tick_up`` and
    ``tick_down`` give the next valid price above and below a price (for the market-only
    case). The result stays within ``[lower_limit, upper_limit]`` when they are given.
    """
    bid_total = sum(quantity for _, quantity in bids) + market_buy
    ask_total = sum(quantity for _, quantity in asks) + market_sell
    if bid_total == 0 or ask_total == 0:
        return Uncross(None, 0)
    prices = sorted({price for price, _ in bids} | {price for price, _ in asks})
    if not prices:
        return _market_only(
            market_buy, market_sell, previous_price, tick_up, tick_down, lower_limit, upper_limit
        )
    candidates = prices if previous_price in prices else sorted({*prices, previous_price})
    if lower_limit is not None:
        candidates = [price for price in candidates if price >= lower_limit]
    if upper_limit is not None:
        candidates = [price for price in candidates if price <= upper_limit]
    bid_levels = sorted(bids)
    ask_levels = sorted(asks)
    bid_prices = [price for price, _ in bid_levels]
    ask_prices = [price for price, _ in ask_levels]
    bid_at_or_above = list(accumulate(quantity for _, quantity in reversed(bid_levels)))[::-1]
    bid_at_or_above.append(0)
    ask_at_or_below = [0, *accumulate(quantity for _, quantity in ask_levels)]
    best_volume = 0
    best: list[Price] = []
    for price in candidates:
        demand = market_buy + bid_at_or_above[bisect_left(bid_prices, price)]
        supply = market_sell + ask_at_or_below[bisect_right(ask_prices, price)]
        volume = min(demand, supply)
        if volume > best_volume:
            best_volume, best = volume, [price]
        elif volume == best_volume and volume > 0:
            best.append(price)
    if best_volume == 0:
        return Uncross(None, 0)
    if previous_price in best:
        return Uncross(previous_price, best_volume)
    # The closest to the previous price; at equal distance the lower price (deterministic).
    chosen = min(best, key=lambda price: (abs(price - previous_price), price))
    return Uncross(chosen, best_volume)


def _market_only(
    market_buy: int,
    market_sell: int,
    previous_price: Price,
    tick_up: Callable[[Price], Price],
    tick_down: Callable[[Price], Price],
    lower_limit: Price | None,
    upper_limit: Price | None,
) -> Uncross:
    price = previous_price
    if market_buy > market_sell:
        price = tick_up(previous_price)
    elif market_sell > market_buy:
        price = tick_down(previous_price)
    if upper_limit is not None and price > upper_limit:
        price = upper_limit
    if lower_limit is not None and price < lower_limit:
        price = lower_limit
    return Uncross(price, min(market_buy, market_sell))
