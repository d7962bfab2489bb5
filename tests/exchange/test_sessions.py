"""Auctions, closing-price sessions, the single-price session, VI, NXT and SOR."""

from __future__ import annotations

import json

import pytest

from tests.exchange.helpers import (
    ETF,
    SMALL,
    STOCK,
    at,
    events_of,
    exchange,
    order,
    trades,
)
from yeouido.exchange import (
    IndicativePrice,
    OrderExpired,
    ViEnded,
    ViStarted,
    datetime_to_ts,
)
from yeouido.model import (
    OrderTypeNotAllowed,
    SessionClosed,
    TradingHalted,
    Venue,
)


def test_opening_auction_uncrosses_at_the_base_price_on_a_tie() -> None:
    venue = exchange(at(8, 35))
    venue.submit(order("buy", 10, 10_100))
    venue.submit(order("sell", 5, 9_900))
    assert venue.orderbook(STOCK.code).expected_price == 10_000
    assert trades(venue) == []
    venue.advance_to(at(9, 1))
    printed = trades(venue)
    assert [(t.price, t.quantity, t.aggressor) for t in printed] == [(10_000, 5, None)]
    assert datetime_to_ts(at(9, 0)) <= printed[0].ts <= datetime_to_ts(at(9, 0, 30))
    assert venue.orderbook(STOCK.code).bids[0].quantity == 5


def test_indicative_price_is_published_while_orders_accumulate() -> None:
    venue = exchange(at(8, 35))
    venue.submit(order("buy", 10, 10_100))
    venue.submit(order("sell", 5, 10_050))
    indicative = [e for e in events_of(venue, IndicativePrice) if e.code == STOCK.code]
    assert (indicative[-1].price, indicative[-1].quantity) == (10_050, 5)


def test_market_only_opening_moves_a_tick_and_rests_the_rest_as_limit() -> None:
    venue = exchange(at(8, 35))
    venue.submit(order("buy", 30, None, order_type="market"))
    venue.submit(order("sell", 10, None, order_type="market"))
    venue.advance_to(at(9, 1))
    assert [(t.price, t.quantity) for t in trades(venue)] == [(10_010, 10)]
    assert [(level.price, level.quantity) for level in venue.orderbook(STOCK.code).bids] == [
        (10_010, 20)
    ]


def test_random_end_is_drawn_from_the_seed() -> None:
    def uncross_ts(seed: int) -> int:
        venue = exchange(at(8, 35), seed=seed)
        venue.submit(order("buy", 1, 10_000))
        venue.submit(order("sell", 1, 10_000))
        venue.advance_to(at(9, 1))
        return trades(venue)[0].ts

    assert uncross_ts(1) == uncross_ts(1)
    assert len({uncross_ts(seed) for seed in range(5)}) > 1


def test_closing_auction_turns_conditional_limits_into_market_orders() -> None:
    venue = exchange(at(10, 0))
    conditional = venue.submit(order("buy", 10, 9_900, order_type="conditional_limit"))
    venue.advance_to(at(15, 21))
    venue.submit(order("sell", 10, 10_000))
    assert venue.orderbook(STOCK.code).expected_price == 10_000
    venue.advance_to(at(15, 31))
    assert [(t.price, t.buy_order_id) for t in trades(venue)] == [(10_000, conditional)]
    assert venue.day_close[STOCK.code] == 10_000


def test_closing_auction_refuses_continuous_only_types_and_expires_leftovers() -> None:
    venue = exchange(at(15, 21))
    with pytest.raises(OrderTypeNotAllowed):
        venue.submit(order("buy", 1, None, order_type="best_same_side"))
    with pytest.raises(OrderTypeNotAllowed):
        venue.submit(order("buy", 1, 9_900, order_type="conditional_limit"))
    venue.submit(order("buy", 5, 9_900))
    venue.advance_to(at(15, 31))
    assert events_of(venue, OrderExpired)[-1].reason == "the regular session ended"
    with pytest.raises(SessionClosed):
        venue.submit(order("buy", 5, 9_900))


def test_pre_open_closing_price_session_trades_at_the_previous_close() -> None:
    venue = exchange(at(8, 31))
    venue.submit(order("sell", 10, None, session="pre_open_close"))
    venue.submit(order("buy", 4, None, session="pre_open_close"))
    assert [(t.price, t.quantity, t.session) for t in trades(venue)] == [
        (10_000, 4, "pre_open_close")
    ]
    venue.advance_to(at(8, 41))
    assert events_of(venue, OrderExpired)[-1].quantity == 6
    with pytest.raises(SessionClosed):
        venue.submit(order("buy", 1, None, session="pre_open_close"))


def test_after_hours_closing_price_matches_from_1540_at_the_close() -> None:
    venue = exchange(at(14, 0))
    venue.submit(order("sell", 1, 10_100))
    venue.submit(order("buy", 1, 10_100))
    venue.advance_to(at(15, 35))
    venue.submit(order("buy", 3, None, session="after_hours_close"))
    venue.submit(order("sell", 5, None, session="after_hours_close"))
    assert [t.session for t in trades(venue)] == ["regular"]
    venue.advance_to(at(15, 41))
    assert [(t.price, t.quantity) for t in trades(venue) if t.session != "regular"] == [(10_100, 3)]


def test_after_hours_single_price_auction_within_ten_percent_of_the_close() -> None:
    venue = exchange(at(16, 1))
    with pytest.raises(Exception) as raised:
        venue.submit(order("buy", 1, 11_100, session="after_hours_single"))
    assert raised.value.code == "OUTSIDE_PRICE_LIMITS"  # type: ignore[attr-defined]
    venue.submit(order("buy", 5, 10_500, session="after_hours_single"))
    venue.submit(order("sell", 3, 10_200, session="after_hours_single"))
    assert trades(venue) == []
    venue.advance_to(at(16, 11))
    assert [(t.quantity, t.session) for t in trades(venue)] == [(3, "after_hours_single")]
    venue.advance_to(at(18, 1))
    assert events_of(venue, OrderExpired)[-1].quantity == 2


def test_dynamic_vi_starts_a_two_minute_auction() -> None:
    venue = exchange(at(10, 0))
    venue.submit(order("sell", 1, 10_000))
    venue.submit(order("buy", 1, 10_000))
    venue.submit(order("sell", 5, 10_300))
    venue.submit(order("buy", 5, 10_300))
    started = events_of(venue, ViStarted)
    assert [(e.vi_kind, e.reference, e.trigger_price) for e in started] == [
        ("dynamic", 10_000, 10_300)
    ]
    assert len(trades(venue)) == 1
    assert venue.orderbook(STOCK.code).expected_price == 10_300
    until = started[0].until_ts
    assert datetime_to_ts(at(10, 2)) <= until <= datetime_to_ts(at(10, 2, 30))
    venue.advance_to(at(10, 3))
    assert events_of(venue, ViEnded)[-1].vi_kind == "dynamic"
    assert trades(venue)[-1].price == 10_300 and trades(venue)[-1].aggressor is None


def test_static_vi_against_the_last_auction_price() -> None:
    venue = exchange(at(10, 0))
    for price in (10_000, 10_500):
        venue.submit(order("sell", 1, price, code=SMALL.code))
        venue.submit(order("buy", 1, price, code=SMALL.code))
    venue.submit(order("sell", 1, 11_000, code=SMALL.code))
    venue.submit(order("buy", 1, 11_000, code=SMALL.code))
    started = [e for e in events_of(venue, ViStarted) if e.code == SMALL.code]
    assert [(e.vi_kind, e.reference, e.trigger_price) for e in started] == [
        ("static", 10_000, 11_000)
    ]


def test_static_vi_at_the_opening_extends_the_auction() -> None:
    venue = exchange(at(8, 40))
    venue.submit(order("buy", 5, 11_500))
    venue.submit(order("sell", 5, 11_500))
    venue.advance_to(at(9, 1))
    assert trades(venue) == []
    assert events_of(venue, ViStarted)[-1].vi_kind == "static"
    venue.advance_to(at(9, 4))
    assert trades(venue)[-1].price == 11_500


def test_nxt_trades_continuously_and_halts_between_sessions() -> None:
    venue = exchange(at(8, 10))
    venue.submit(order("sell", 5, 10_000, venue="NXT"))
    venue.submit(order("buy", 5, 10_000, venue="NXT"))
    assert [(t.venue, t.price) for t in trades(venue)] == [(Venue.NXT, 10_000)]
    venue.advance_to(at(8, 55))
    with pytest.raises(SessionClosed):
        venue.submit(order("buy", 5, 10_000, venue="NXT"))
    with pytest.raises(OrderTypeNotAllowed):
        venue.submit(order("buy", 5, 10_000, code=ETF.code, venue="NXT"))


def test_nxt_vi_is_a_halt_cancels_allowed() -> None:
    venue = exchange(at(10, 0))
    venue.submit(order("sell", 1, 10_000, venue="NXT"))
    venue.submit(order("buy", 1, 10_000, venue="NXT"))
    resting = venue.submit(order("sell", 5, 10_500, venue="NXT"))
    venue.submit(order("buy", 5, 10_500, venue="NXT"))
    assert events_of(venue, ViStarted)[-1].venue is Venue.NXT
    with pytest.raises(TradingHalted):
        venue.submit(order("buy", 1, 10_000, venue="NXT"))
    venue.cancel(resting)
    venue.advance_to(at(10, 3))
    venue.submit(order("buy", 1, 9_990, venue="NXT"))


def test_sor_routes_to_the_better_price() -> None:
    venue = exchange(at(10, 0))
    venue.submit(order("sell", 5, 10_000))
    venue.submit(order("sell", 5, 9_990, venue="NXT"))
    venue.submit(order("buy", 5, 10_000, venue="SOR"))
    assert [(t.venue, t.price) for t in trades(venue)] == [(Venue.NXT, 9_990)]


def test_same_seed_same_inputs_same_events_byte_for_byte() -> None:
    def run(seed: int) -> str:
        venue = exchange(at(8, 35), seed=seed)
        venue.submit(order("buy", 10, 10_100))
        venue.submit(order("sell", 7, 9_950))
        venue.advance_to(at(10, 0))
        venue.submit(order("sell", 5, 10_300))
        venue.submit(order("buy", 9, None, order_type="market"))
        venue.advance_to(at(18, 30))
        assert venue.events is not None
        return json.dumps([event.to_record() for event in venue.events], sort_keys=True)

    assert run(3) == run(3)
    assert run(3) != run(4)
