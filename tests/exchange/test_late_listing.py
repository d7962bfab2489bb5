"""Instruments listed during the day: the exchange lists any code its lister knows when the
code is first quoted or ordered, in whatever session is running."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.helpers import DAY, SMALL, STOCK, at, exchange, order, trades
from yeouido.exchange.simulation import MarketSimulation
from yeouido.krx import default_master
from yeouido.krx.sessions import Phase
from yeouido.model.enums import Session, Venue
from yeouido.model.errors import InvalidInput, UnknownInstrument

LATE = SMALL.__class__("444440", "늦은상장", STOCK.market, STOCK.kind, nxt=True)


def _lister_for(venue, price: int = 20_000):  # type: ignore[no-untyped-def]
    def lister(code: str) -> None:
        if code == LATE.code:
            venue.list_instrument(LATE, price)

    venue.lister = lister


def test_a_code_listed_in_the_continuous_session_trades_at_once() -> None:
    venue = exchange(at(10, 0), nxt=True)
    _lister_for(venue)
    assert LATE.code not in venue.instruments
    quote = venue.quote(LATE.code)
    assert quote.previous_close == 20_000 and quote.last is None
    book = venue.regular_book(LATE.code)
    assert book.phase is Phase.CONTINUOUS and (book.lower_limit, book.upper_limit) == (
        14_000,
        26_000,
    )
    venue.submit(order("sell", 10, 20_000, code=LATE.code), owner="a")
    venue.submit(order("buy", 10, 20_000, code=LATE.code), owner="b")
    assert [(t.price, t.quantity) for t in trades(venue)] == [(20_000, 10)]
    assert venue.regular_book(LATE.code, Venue.NXT).phase is not Phase.CLOSED


def test_a_code_listed_before_the_open_joins_the_opening_auction() -> None:
    venue = exchange(at(8, 45))
    _lister_for(venue)
    venue.submit(order("buy", 5, 20_100, code=LATE.code), owner="b")
    venue.submit(order("sell", 5, 19_900, code=LATE.code), owner="a")
    assert venue.regular_book(LATE.code).auction
    assert trades(venue) == []
    venue.advance_to(at(9, 1))
    assert [t.quantity for t in trades(venue) if t.code == LATE.code] == [5]
    assert venue.regular_book(LATE.code).phase is Phase.CONTINUOUS


def test_a_code_listed_after_the_close_takes_the_after_hours_sessions() -> None:
    venue = exchange(at(16, 5))
    _lister_for(venue)
    venue.instrument(LATE.code)
    assert venue.day_close[LATE.code] == 20_000
    assert LATE.code in venue.single_price_books
    single = Session.AFTER_HOURS_SINGLE
    venue.submit(order("buy", 3, 20_000, code=LATE.code, session=single), owner="b")
    venue.submit(order("sell", 3, 20_000, code=LATE.code, session=single), owner="a")
    venue.advance_to(at(16, 11))
    assert [t.quantity for t in trades(venue) if t.code == LATE.code] == [3]


def test_unknown_codes_stay_unlisted_and_a_code_lists_once() -> None:
    venue = exchange(at(10, 0))
    _lister_for(venue)
    with pytest.raises(UnknownInstrument, match="not listed on this exchange"):
        venue.quote("999990")
    venue.instrument(LATE.code)
    with pytest.raises(InvalidInput, match="already listed"):
        venue.list_instrument(LATE, 20_000)


def test_the_simulation_lists_any_master_code_with_agents() -> None:
    simulation = MarketSimulation([default_master().get("005930")], day=DAY, seed=3)
    simulation.run_until(at(10, 0))
    assert "003550" not in simulation.exchange.instruments
    quote = simulation.exchange.quote("003550")
    assert quote.previous_close == default_master().reference_price("003550")
    simulation.run_for(120)
    quote = simulation.exchange.quote("003550")
    assert quote.bid is not None and quote.ask is not None and quote.bid < quote.ask
    assert any(agent.code == "003550" for agent in simulation.agents)
    with pytest.raises(UnknownInstrument):
        simulation.exchange.quote("999990")


def test_a_late_price_source_wins_over_the_master(tmp_path: Path) -> None:
    simulation = MarketSimulation(
        [default_master().get("005930")],
        day=DAY,
        late_prices=lambda code: 81_234 if code == "003550" else None,
    )
    simulation.run_until(at(9, 30))
    assert simulation.exchange.quote("003550").previous_close == 81_200  # on the tick
    assert simulation.base_prices["003550"] == 81_200
