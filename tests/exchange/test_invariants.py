"""Property tests: random order streams keep the book and the event stream consistent."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exchange.helpers import STOCK, at, exchange
from yeouido.exchange import (
    Exchange,
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderModified,
    TradePrinted,
    ViRules,
)
from yeouido.model import OrderRequest, YeouidoError

PRICES = st.integers(min_value=9_900, max_value=10_100).map(lambda p: p - p % 10)
operation = st.one_of(
    st.tuples(
        st.just("limit"),
        st.sampled_from(["buy", "sell"]),
        st.integers(1, 50),
        PRICES,
        st.sampled_from(["day", "day", "day", "ioc", "fok"]),
    ),
    st.tuples(
        st.just("market"),
        st.sampled_from(["buy", "sell"]),
        st.integers(1, 80),
        st.none(),
        st.sampled_from(["day", "ioc", "fok"]),
    ),
    st.tuples(
        st.just("best"),
        st.sampled_from(["buy", "sell"]),
        st.integers(1, 30),
        st.sampled_from(["best_opposite", "best_same_side"]),
        st.just("day"),
    ),
    st.tuples(st.just("cancel"), st.integers(0, 400), st.integers(0, 10), st.none(), st.none()),
    st.tuples(st.just("modify"), st.integers(0, 400), st.integers(0, 40), PRICES, st.booleans()),
)


def apply(venue: Exchange, ids: list[str], step: tuple) -> None:  # type: ignore[type-arg]
    kind = step[0]
    try:
        if kind == "limit":
            _, side, quantity, price, tif = step
            ids.append(venue.submit(OrderRequest(STOCK.code, side, quantity, price, tif=tif)))
        elif kind == "market":
            _, side, quantity, _, tif = step
            ids.append(
                venue.submit(OrderRequest(STOCK.code, side, quantity, None, "market", tif=tif))
            )  # type: ignore[arg-type]
        elif kind == "best":
            _, side, quantity, order_type, _ = step
            ids.append(venue.submit(OrderRequest(STOCK.code, side, quantity, None, order_type)))
        elif kind == "cancel" and ids:
            _, index, quantity, _, _ = step
            venue.cancel(ids[index % len(ids)], quantity or None)
        elif kind == "modify" and ids:
            _, index, quantity, price, change_price = step
            venue.modify(ids[index % len(ids)], price if change_price else None, quantity or None)
    except YeouidoError:
        pass  # rejections are part of the stream; the invariants must hold regardless


def check_invariants(venue: Exchange) -> None:
    assert venue.events is not None
    # 1. gapless sequence numbers
    assert [event.seq for event in venue.events] == list(range(1, len(venue.events) + 1))
    book = venue.regular_book(STOCK.code)
    # 2. the book is never crossed after continuous matching
    bid, ask = book.bids.best(), book.asks.best()
    assert bid is None or ask is None or bid < ask
    # 3. level totals equal the open quantities of their orders
    for side in (book.bids, book.asks):
        for price, level in side.levels.items():
            assert level and side.sizes[price] == sum(order.open_quantity for order in level)
            assert all(order.price == price and order.open_quantity > 0 for order in level)
        assert side.prices == sorted(side.levels)
    # 4. every trade names two accepted orders; quantity is conserved per order
    accepted: dict[str, int] = {}
    filled: dict[str, int] = defaultdict(int)
    ended: dict[str, int] = defaultdict(int)
    quantity_now: dict[str, int] = {}
    for event in venue.events:
        if isinstance(event, OrderAccepted):
            accepted[event.order_id] = event.quantity
            quantity_now[event.order_id] = event.quantity
        elif isinstance(event, TradePrinted):
            assert event.buy_order_id in accepted and event.sell_order_id in accepted
            assert event.buy_order_id != event.sell_order_id
            assert event.quantity > 0
            filled[event.buy_order_id] += event.quantity
            filled[event.sell_order_id] += event.quantity
        elif isinstance(event, OrderCanceled | OrderExpired):
            ended[event.order_id] += event.quantity
        elif isinstance(event, OrderModified):
            # the new open quantity replaces the old one
            open_before = (
                quantity_now[event.order_id] - filled[event.order_id] - ended[event.order_id]
            )
            quantity_now[event.order_id] += event.quantity - open_before
    for order_id, quantity in quantity_now.items():
        live = venue.orders.get(order_id)
        open_quantity = live.open_quantity if live is not None else 0
        assert filled[order_id] + ended[order_id] + open_quantity == quantity, order_id
        if live is not None:
            assert live.filled_quantity == filled[order_id]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=120), seed=st.integers(0, 3))
def test_random_streams_keep_the_invariants(steps: list[tuple], seed: int) -> None:  # type: ignore[type-arg]
    venue = exchange(at(9, 1), seed=seed)
    venue.regular_book(STOCK.code).vi_rules = ViRules(1_000, 1_000, 1_000)
    ids: list[str] = []
    for step in steps:
        apply(venue, ids, step)
        check_invariants(venue)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=80))
def test_invariants_hold_with_vi_enabled_and_through_the_close(steps: list[tuple]) -> None:  # type: ignore[type-arg]
    venue = exchange(at(15, 15))
    ids: list[str] = []
    for step in steps:
        apply(venue, ids, step)
    venue.advance_to(at(18, 30))
    assert venue.events is not None
    assert [event.seq for event in venue.events] == list(range(1, len(venue.events) + 1))
    assert not venue.orders, "every order ends by the close of the day"
