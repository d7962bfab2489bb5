"""Resting orders and one side of a price-time-priority order book.

A side keeps its prices in an ascending list (bisect for insertion), a FIFO queue of orders
per price, and the total open quantity per price, so the best price, depth snapshots and level
totals cost O(1) or O(levels).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from typing import Any

from yeouido.model.enums import OrderType, Session, Side, TimeInForce
from yeouido.model.instrument import Price


class BookOrder:
    """An order inside the exchange. ``price`` is the effective limit price (``None`` for a
    market order waiting in an auction); ``open_quantity`` what is still unfilled."""

    __slots__ = (
        "book",
        "conditional",
        "filled_quantity",
        "open_quantity",
        "order_id",
        "order_type",
        "owner",
        "price",
        "priority",
        "session",
        "side",
        "stop_price",
        "tif",
    )

    def __init__(
        self,
        order_id: str,
        owner: str,
        side: Side,
        order_type: OrderType,
        price: Price | None,
        quantity: int,
        tif: TimeInForce,
        session: Session,
        stop_price: Price | None = None,
    ) -> None:
        self.order_id = order_id
        self.owner = owner
        self.side = side
        self.order_type = order_type
        self.price = price
        self.open_quantity = quantity
        self.filled_quantity = 0
        self.tif = tif
        self.session = session
        self.stop_price = stop_price
        self.conditional = order_type is OrderType.CONDITIONAL_LIMIT
        self.priority = 0
        self.book: Any = None

    @property
    def is_buy(self) -> bool:
        """Whether this is a buy order."""
        return self.side is Side.BUY

    def __repr__(self) -> str:
        return (
            f"BookOrder({self.order_id} {self.side.value} {self.open_quantity}@{self.price} "
            f"{self.order_type.value})"
        )


class SideBook:
    """The bids or the asks of one instrument."""

    __slots__ = ("is_bid", "levels", "prices", "sizes")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.prices: list[Price] = []
        self.levels: dict[Price, deque[BookOrder]] = {}
        self.sizes: dict[Price, int] = {}

    def __bool__(self) -> bool:
        return bool(self.prices)

    def best(self) -> Price | None:
        """The best price: highest bid or lowest ask."""
        if not self.prices:
            return None
        return self.prices[-1] if self.is_bid else self.prices[0]

    def add(self, order: BookOrder) -> int:
        """Queue ``order`` at the back of its price level; return the level's new total."""
        price = order.price
        assert price is not None
        level = self.levels.get(price)
        if level is None:
            insort(self.prices, price)
            level = self.levels[price] = deque()
            self.sizes[price] = 0
        level.append(order)
        total = self.sizes[price] + order.open_quantity
        self.sizes[price] = total
        return total

    def remove(self, order: BookOrder) -> int:
        """Take ``order`` out of its level; return the level's new total (0 when gone)."""
        price = order.price
        assert price is not None
        level = self.levels[price]
        level.remove(order)
        total = self.sizes[price] - order.open_quantity
        if level:
            self.sizes[price] = total
            return total
        self.drop_level(price)
        return 0

    def reduce(self, price: Price, quantity: int) -> int:
        """Lower the level total after a fill or a quantity decrease; return the new total."""
        total = self.sizes[price] - quantity
        self.sizes[price] = total
        return total

    def drop_level(self, price: Price) -> None:
        """Forget an empty price level."""
        del self.levels[price]
        del self.sizes[price]
        del self.prices[bisect_left(self.prices, price)]

    def depth(self, count: int) -> list[tuple[Price, int, int]]:
        """Up to ``count`` levels, best first: ``(price, total quantity, number of orders)``."""
        ordered = reversed(self.prices) if self.is_bid else iter(self.prices)
        result: list[tuple[Price, int, int]] = []
        for price in ordered:
            if len(result) == count:
                break
            result.append((price, self.sizes[price], len(self.levels[price])))
        return result

    def aggregated(self) -> list[tuple[Price, int]]:
        """Every level as ``(price, total quantity)``."""
        return [(price, self.sizes[price]) for price in self.prices]

    def orders_in_priority(self) -> list[BookOrder]:
        """Every order, best price first and arrival order within a price."""
        ordered = reversed(self.prices) if self.is_bid else iter(self.prices)
        return [order for price in ordered for order in self.levels[price]]

    def total_quantity(self) -> int:
        """Open quantity on this side."""
        return sum(self.sizes.values())
