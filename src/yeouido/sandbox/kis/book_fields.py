"""Order-book figures KIS sends beside the ten levels: changes since the previous book, the
after-hours totals and the net bid quantity (REST ``inquire-asking-price-exp-ccn`` and the
websocket ``H0STASP0`` share them).

A change (``*_icdc``) is the quantity at a level's price, or a side's total, less what the
previous book of the same code showed. The previous book is the one seen at the last earlier
exchange instant by this account (REST) or connection (websocket); the first book seen has no
changes (``0``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from yeouido.exchange.venue import Exchange
from yeouido.model.market_data import OrderBook


@dataclass(frozen=True, slots=True)
class BookState:
    """What one book showed: quantity by price per side, and the four totals."""

    asks: dict[int, int]
    bids: dict[int, int]
    total_ask: int
    total_bid: int
    after_hours_ask: int
    after_hours_bid: int


@dataclass(frozen=True, slots=True)
class BookFigures:
    """The extra figures of one book."""

    state: BookState
    ask_changes: tuple[int, ...]
    bid_changes: tuple[int, ...]
    total_ask_change: int
    total_bid_change: int
    after_hours_ask_change: int
    after_hours_bid_change: int

    @property
    def net_bid(self) -> int:
        """``ntby_aspr_rsqn``: total bid quantity less total ask quantity."""
        return self.state.total_bid - self.state.total_ask


def after_hours_totals(exchange: Exchange, code: str) -> tuple[int, int]:
    """Open ask and bid quantity of the after-hours books (closing-price and single-price)."""
    ask = bid = 0
    fixed = exchange.post_close_books.get(code)
    if fixed is not None:
        ask += sum(order.open_quantity for order in fixed.asks)
        bid += sum(order.open_quantity for order in fixed.bids)
    single = exchange.single_price_books.get(code)
    if single is not None:
        ask += single.asks.total_quantity()
        bid += single.bids.total_quantity()
    return ask, bid


def _state(exchange: Exchange, book: OrderBook) -> BookState:
    after_ask, after_bid = after_hours_totals(exchange, book.code)
    return BookState(
        asks={int(level.price): level.quantity for level in book.asks},
        bids={int(level.price): level.quantity for level in book.bids},
        total_ask=sum(level.quantity for level in book.asks),
        total_bid=sum(level.quantity for level in book.bids),
        after_hours_ask=after_ask,
        after_hours_bid=after_bid,
    )


@dataclass(slots=True)
class _Seen:
    time_key: object
    current: BookState
    previous: BookState | None


@dataclass(slots=True)
class BookMemory:
    """The books one consumer saw last, per code."""

    seen: dict[str, _Seen] = field(default_factory=dict)

    def figures(self, exchange: Exchange, book: OrderBook) -> BookFigures:
        """The figures of ``book`` against the previous book of its code."""
        state = _state(exchange, book)
        memory = self.seen.get(book.code)
        if memory is None:
            memory = self.seen[book.code] = _Seen(book.time, state, None)
        elif memory.time_key != book.time:
            memory.previous, memory.current, memory.time_key = memory.current, state, book.time
        else:
            memory.current = state
        previous = memory.previous or state
        return BookFigures(
            state=state,
            ask_changes=tuple(
                level.quantity - previous.asks.get(int(level.price), 0) for level in book.asks
            ),
            bid_changes=tuple(
                level.quantity - previous.bids.get(int(level.price), 0) for level in book.bids
            ),
            total_ask_change=state.total_ask - previous.total_ask,
            total_bid_change=state.total_bid - previous.total_bid,
            after_hours_ask_change=state.after_hours_ask - previous.after_hours_ask,
            after_hours_bid_change=state.after_hours_bid - previous.after_hours_bid,
        )


_MEMORIES: weakref.WeakKeyDictionary[object, BookMemory] = weakref.WeakKeyDictionary()


def book_memory(owner: object) -> BookMemory:
    """The book memory of ``owner`` (an account for REST answers), made on first use."""
    memory = _MEMORIES.get(owner)
    if memory is None:
        memory = _MEMORIES[owner] = BookMemory()
    return memory
