"""Conformance: quote, order book, bars and the market-data stream."""

from __future__ import annotations

import asyncio

from tests.conformance.venues import VenueUnderTest, eventually
from yeouido.model.market_data import OrderBook, Trade

CODE = "005930"


def test_quote_has_last_bid_ask_and_the_day_s_reference(venue: VenueUnderTest) -> None:
    quote = venue.run(venue.broker.quote(CODE))
    assert quote.code == CODE and quote.time.tzinfo is not None
    assert quote.last and quote.bid and quote.ask and quote.bid < quote.ask
    assert quote.base_price is not None and quote.limits is not None
    lower, upper = quote.limits
    assert lower < quote.base_price < upper and lower <= quote.last <= upper


def test_orderbook_has_up_to_ten_sorted_levels_a_side(venue: VenueUnderTest) -> None:
    book = venue.run(venue.broker.orderbook(CODE))
    assert 0 < len(book.bids) <= 10 and 0 < len(book.asks) <= 10
    bids = [level.price for level in book.bids]
    asks = [level.price for level in book.asks]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    assert bids[0] < asks[0]


def test_bars_of_every_supported_interval(venue: VenueUnderTest) -> None:
    for interval in sorted(venue.broker.capabilities.bar_intervals):
        frame = venue.run(venue.broker.bars(CODE, interval))
        assert frame.columns.tolist() == ["open", "high", "low", "close", "volume"], interval
        assert len(frame) >= 1, interval
        assert (frame["low"] <= frame["high"]).all(), interval


def test_the_stream_delivers_trades_and_books(venue: VenueUnderTest) -> None:
    broker = venue.broker
    assert {"trades", "books"} <= broker.capabilities.streams

    async def scenario() -> set[type]:
        seen: list[Trade | OrderBook] = []
        unsubscribe = broker.on_market([CODE], seen.append, ("trades", "books"))
        try:
            await eventually(
                lambda: {type(event) for event in seen} >= {Trade, OrderBook},
                20,
                "a trade and a book",
            )
        finally:
            unsubscribe()
        await asyncio.sleep(0)
        assert all(event.code == CODE for event in seen)
        return {type(event) for event in seen}

    assert venue.run(scenario()) == {Trade, OrderBook}
